"""`flask scheduler run` (the scheduler process) and `flask scheduler run-job NAME`."""
from __future__ import annotations

import logging
import signal
import threading
from zoneinfo import ZoneInfo

import click
from apscheduler.events import EVENT_SCHEDULER_STARTED
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Blueprint, current_app
from flask.logging import default_handler

from tracker import audit
from tracker.extensions import db
from tracker.followups.compiler import compile_followup
from tracker.formatting import number_sv
from tracker.jobs.runs import STOPPING, RunResult, Skipped
from tracker.jobs.scheduler import (
    JOBS,
    CronSettingError,
    build_scheduler,
    job_by_id,
    next_run_times,
)
from tracker.labels import VERDICT
from tracker.models import FollowUpStatus, JobOutcome, Verdict
from tracker.services import DomainError

bp = Blueprint("jobs_cli", __name__, cli_group=None)
log = logging.getLogger(__name__)


STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}


class _GracefulStop:
    """SIGTERM/SIGINT, received by a thread of their own with sigwait: they are blocked in every
    thread, so none is delivered to a worker thread where the main thread would only notice it
    when its wait for the next job ends, and nothing runs inside the scheduler's or threading's
    locks. The first signal shuts the scheduler down once running jobs finish; later ones are
    left blocked."""

    def __init__(self, scheduler: BlockingScheduler):
        self.scheduler = scheduler
        self.thread: threading.Thread | None = None
        self._received = threading.Event()

    def install(self, _event=None) -> None:
        """Called when the scheduler has started (before any job thread exists, so every thread
        inherits the blocked signals), so a stop never precedes the start."""
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        self.thread = threading.Thread(target=self._stop, name="scheduler-stop", daemon=True)
        self.thread.start()
        log.info("Scheduler running; stop it with SIGTERM or Ctrl-C")

    def _stop(self) -> None:
        name = signal.Signals(signal.sigwait(STOP_SIGNALS)).name
        self._received.set()
        log.info("Received %s; stopping after the running jobs finish", name)
        STOPPING.set()
        try:
            self.scheduler.shutdown(wait=True)
        except SchedulerNotRunningError:  # it had stopped already
            log.info("Scheduler already stopped")

    def join(self) -> None:
        if self.thread is not None and self._received.is_set():
            self.thread.join()


@bp.cli.group("scheduler")
def scheduler_group() -> None:
    """Run the scheduled jobs."""


@scheduler_group.command("run")
def run() -> None:
    """Run the scheduler in the foreground until SIGTERM or Ctrl-C (running jobs finish first)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # the proxy's documented method
    app.logger.removeHandler(default_handler)  # one handler, on the root logger
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        scheduler = build_scheduler(app)
    except CronSettingError as error:
        raise click.ClickException(str(error)) from error
    for job_id, when in next_run_times(scheduler):
        log.info("Job %s: next run %s", job_id, when.isoformat())
    stop = _GracefulStop(scheduler)
    scheduler.add_listener(stop.install, EVENT_SCHEDULER_STARTED)
    scheduler.start()
    stop.join()


@scheduler_group.command("run-job")
@click.argument("name", type=click.Choice([job.id for job in JOBS]))
def run_job(name: str) -> None:
    """Run one job now, at most once per period like the schedule: run-job reminder_digest.

    Exits non-zero when nothing was done because the period's run failed, is held by another
    process, or the database did not answer."""
    result = job_by_id(name).func(app=current_app._get_current_object())  # type: ignore[attr-defined]
    if result.outcome is None:
        message = _skipped_message(name, result)
        if result.skipped is Skipped.DONE:
            click.echo(message)
            return
        raise click.ClickException(message)
    if result.outcome is JobOutcome.FAILED:
        raise click.ClickException(f"{name} misslyckades för {result.key}: {result.detail}")
    else:
        click.echo(f"{name} klar för {result.key}: {result.detail}")


def _local(moment) -> str:
    if moment is None:
        return "okänd tid"
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def _skipped_message(name: str, result: RunResult) -> str:
    key = result.key
    if result.skipped is Skipped.DONE:
        return f"{name} har redan körts för {key}; inget gjordes."
    if result.skipped is Skipped.FAILED:
        return (f"{name} misslyckades för {key} tidigare; inget gjordes. Felet: {result.detail}\n"
                "Kör jobbet igen med ”Kör nu” under Schemalagda jobb.")
    if result.skipped is Skipped.HELD:
        return (f"{name} för {key} körs redan av {result.holder or 'en annan process'} "
                f"(senaste livstecken {_local(result.heartbeat_at)}); inget gjordes. Har den "
                f"processen dött tas körningen över när dess lås går ut, "
                f"{_local(result.lease_expires_at)}.")
    if result.skipped is Skipped.INTERRUPTED:
        return f"{name} för {key} avbröts; {result.detail}"
    return (f"{name} för {key} kördes inte: databasen svarade inte ({result.detail}). "
            "Inget gjordes.")


@bp.cli.group("followups")
def followups_group() -> None:
    """Compile the yearly follow-ups of the promises."""


@followups_group.command("compile")
@click.option("--promise", "promise_id", type=int, required=True, help="Medborgarlöftets id.")
@click.option("--year", type=int, required=True, help="Uppföljningsåret, t.ex. 2023.")
@audit.acting_as("cli:followups-compile")
def compile_followup_command(promise_id: int, year: int) -> None:
    """Compile (or refresh the draft of) one promise's follow-up for one year, and commit."""
    try:
        followup = compile_followup(promise_id, year)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    if followup.status is not FollowUpStatus.DRAFT:
        click.echo(
            f"Uppföljningen för {year} är redan godkänd eller publicerad; den ändrades inte."
        )
        return
    counts = {verdict: 0 for verdict in Verdict}
    for item in followup.verdicts.values():
        counts[Verdict(item["suggested"])] += 1
    summary = ", ".join(f"{n} {VERDICT[v]}" for v, n in counts.items() if n)
    edited = sum(1 for s in followup.sections.values() if s.get("edited") is not None)
    click.echo(
        f"Uppföljningen för {year} sammanställdes som utkast: {len(followup.sections)} avsnitt "
        f"({edited} redigerade behölls), {len(followup.verdicts)} "
        f"{'åtagande' if len(followup.verdicts) == 1 else 'åtaganden'} ({summary or 'inga'})."
    )


@followups_group.command("export")
@click.option("--id", "followup_id", type=int, required=True, help="Uppföljningens id.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "docx"]), required=True)
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), required=True,
              help="Filen som skrivs, t.ex. uppfoljning.pdf.")
def export_followup_command(followup_id: int, fmt: str, out: str) -> None:
    """Write one follow-up as PDF or Word: the published version, else the draft (marked so)."""
    from tracker.followups import workflow as followups
    from tracker.followups.render import export as report_export
    from tracker.followups.report import build_report

    followup = followups.load(followup_id)
    if followup is None:
        raise click.ClickException(f"Uppföljning {followup_id} finns inte.")
    published = followups.published_versions(followup.id)
    if published and followup.status is FollowUpStatus.PUBLISHED:
        report = build_report(followup, published[0])
    else:
        report = build_report(followup)
    body = report_export.pdf_bytes(report) if fmt == "pdf" else report_export.docx_bytes(report)
    with open(out, "wb") as handle:
        handle.write(body)
    state = "utkast" if report.is_draft else "publicerad"
    click.echo(f"Skrev {out} ({number_sv(len(body))} byte, {state}).")
