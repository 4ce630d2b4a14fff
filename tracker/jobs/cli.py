"""`flask scheduler run` (the scheduler process) and `flask scheduler run-job NAME`."""
from __future__ import annotations

import logging
import signal
import threading

import click
from apscheduler.events import EVENT_SCHEDULER_STARTED
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Blueprint, current_app
from flask.logging import default_handler

from tracker import audit
from tracker.extensions import db
from tracker.jobs.scheduler import (
    JOBS, CronSettingError, build_scheduler, job_by_id, next_run_times,
)
from tracker.labels import VERDICT
from tracker.models import FollowUpStatus, JobOutcome, Verdict
from tracker.services import DomainError
from tracker.followups.compiler import compile_followup

bp = Blueprint("jobs_cli", __name__, cli_group=None)
log = logging.getLogger(__name__)


class _GracefulStop:
    """SIGTERM/SIGINT handler. Raising inside the scheduler's locks breaks them, so the handler
    only starts a thread that shuts the scheduler down once running jobs have finished."""

    def __init__(self, scheduler: BlockingScheduler):
        self.scheduler = scheduler
        self.thread: threading.Thread | None = None

    def install(self, _event=None) -> None:
        """Called when the scheduler has started, so a stop never precedes the start."""
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self)
        log.info("Scheduler running; stop it with SIGTERM or Ctrl-C")

    def __call__(self, signum, _frame) -> None:
        if self.thread is None:  # handlers run one at a time in the main thread
            name = signal.Signals(signum).name
            self.thread = threading.Thread(target=self._stop, args=(name,), name="scheduler-stop")
            self.thread.start()

    def _stop(self, signal_name: str) -> None:
        log.info("Received %s; stopping after the running jobs finish", signal_name)
        self.scheduler.shutdown(wait=True)

    def join(self) -> None:
        if self.thread is not None:
            self.thread.join()


@bp.cli.group("scheduler")
def scheduler_group() -> None:
    """Run the scheduled jobs."""


@scheduler_group.command("run")
def run() -> None:
    """Run the scheduler in the foreground until SIGTERM or Ctrl-C (running jobs finish first)."""
    app = current_app._get_current_object()
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
    """Run one job now, at most once per day like the schedule: run-job reminder_digest."""
    result = job_by_id(name).func(app=current_app._get_current_object())
    if result.outcome is None:
        click.echo(f"{name} har redan körts för {result.key}; inget gjordes.")
    elif result.outcome is JobOutcome.FAILED:
        raise click.ClickException(f"{name} misslyckades för {result.key}: {result.detail}")
    else:
        click.echo(f"{name} klar för {result.key}: {result.detail}")


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
        f"({edited} redigerade behölls), {len(followup.verdicts)} löften ({summary or 'inga'})."
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
    click.echo(f"Skrev {out} ({len(body):,} byte, {state}).".replace(",", " "))
