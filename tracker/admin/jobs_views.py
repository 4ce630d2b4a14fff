"""Administration: the scheduled jobs, when they run next, how their latest runs went, "Kör nu".

The next run is computed here from the configured cron settings; the web process never starts
a scheduler.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker import audit
from tracker.admin import bp
from tracker.extensions import db
from tracker.jobs import recovery, tasks
from tracker.jobs.runs import RunResult, Skipped, run_job
from tracker.jobs.scheduler import JOBS, CronSettingError, ScheduledJob, cron_trigger, job_by_id
from tracker.models import JobOutcome, JobRun
from tracker.models.base import utcnow
from tracker.translation import gettext as _
from tracker.translation import lazy_gettext as _l

RUNS_PER_JOB = 10
COMPILE_YEARS_BACK = 5  # "Kör nu" can draft the follow-ups of a past year too
OUTCOME = {
    JobOutcome.OK: _l("Lyckades"),
    JobOutcome.FAILED: _l("Misslyckades"),
    JobOutcome.RUNNING: _l("Pågår"),
}
STUCK = _l("Fastnat")


@dataclass(frozen=True)
class JobStatus:
    job: ScheduledJob
    expression: str
    next_run: datetime | None  # None: the schedule never fires again, or is invalid
    schedule_error: str
    runs: list[JobRun]
    pending: list[recovery.Pending]  # stuck or missed runs of the job


def latest_runs(job_ids: list[str], per_job: int = RUNS_PER_JOB) -> dict[str, list[JobRun]]:
    """The newest runs of each job, newest first, in one statement whatever the history's size."""
    ranked = (
        sa.select(
            JobRun.id,
            sa.func.row_number().over(
                partition_by=JobRun.job, order_by=(JobRun.started_at.desc(), JobRun.id.desc())
            ).label("rank"),
        )
        .where(JobRun.job.in_(job_ids))
        .subquery()
    )
    rows = db.session.scalars(
        sa.select(JobRun).join(ranked, ranked.c.id == JobRun.id)
        .where(ranked.c.rank <= per_job).order_by(JobRun.job, ranked.c.rank)
    )
    runs: dict[str, list[JobRun]] = {job_id: [] for job_id in job_ids}
    for run in rows:
        runs[run.job].append(run)
    return runs


def _status(job: ScheduledJob, runs: list[JobRun], now: datetime,
            pending: list[recovery.Pending]) -> JobStatus:
    expression = str(current_app.config.get(job.cron_setting))
    mine = [item for item in pending if item.job.id == job.id]
    try:
        next_run = cron_trigger(current_app.config, job.cron_setting).get_next_fire_time(None, now)
    except CronSettingError as error:
        return JobStatus(job, expression, None, str(error), runs, mine)
    return JobStatus(job, expression, next_run, "", runs, mine)


def is_stuck(run: JobRun, now_utc: datetime) -> bool:
    """A running run whose lease expired: its process died or lost the database."""
    return run.outcome is JobOutcome.RUNNING and (
        run.lease_expires_at is None or run.lease_expires_at < now_utc)


def _now() -> datetime:
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"]))


@bp.get("/admin/jobb")
@login_required
def jobs():
    runs = latest_runs([job.id for job in JOBS])
    now = _now()
    pending = recovery.pending_runs(now)
    statuses = [_status(job, runs[job.id], now, pending) for job in JOBS]
    now_utc = utcnow()
    return render_template("admin/jobs.html", statuses=statuses,
                           is_stuck=lambda run: is_stuck(run, now_utc),
                           outcome_label=lambda run: STUCK if is_stuck(run, now_utc)
                           else OUTCOME[run.outcome],
                           compile_years=range(now.year, now.year - COMPILE_YEARS_BACK - 1, -1))


@bp.post("/admin/jobb/<job_id>/kor")
@login_required
def run_job_now(job_id: str):
    """Run a job at once, under a key of its own so the period's scheduled run is unaffected."""
    try:
        job = job_by_id(job_id)
    except KeyError:
        abort(404)
    now = _now()
    if request.form.get("resume"):
        return _resume(job, request.form["resume"], now)
    key = f"manuell {now.isoformat(timespec='seconds')}"
    work = job.work
    if job.id == "compile_followups":
        year = request.form.get("year", type=int) or now.year
        if not now.year - COMPILE_YEARS_BACK <= year <= now.year:
            abort(400)
        key = f"{key} ({year})"
        work = functools.partial(tasks.compile_year, year=year)
    audit.record(db.session, "job_run", None, "manual_run", {"job": job.id, "key": key})
    # Committing first also ends this request's read transaction: on SQLite a transaction that
    # read before the job's own session wrote could not write afterwards.
    db.session.commit()
    result = run_job(job.id, work, app=current_app._get_current_object(),  # type: ignore[attr-defined]
                           key_of=lambda _today: key,
                           actor=f"job:{job.id} (kör nu: {current_user.email})",
                           retry_seconds=0)
    return _report(result, _("Jobbet startades nyss redan; det kördes inte en gång till."))


def _resume(job: ScheduledJob, key: str, now: datetime):
    """Run a stuck or missed scheduled run now, under its own key (a stuck one is taken over)."""
    item = next((p for p in recovery.pending_runs(now)
                 if p.job.id == job.id and p.key == key and p.scheduled), None)
    if item is None:
        flash(_("Körningen för %(key)s väntar inte längre; den har redan körts eller körs nu.",
                key=key), "info")
        return redirect(url_for("admin.jobs"))
    audit.record(db.session, "job_run", None, "manual_run",
                 {"job": job.id, "key": key, "resumed": True})
    db.session.commit()
    result = recovery.resume(current_app._get_current_object(), item,  # type: ignore[attr-defined]
                             actor=f"job:{job.id} (kör nu: {current_user.email})",
                             retry_seconds=0)
    return _report(result, _("Körningen för %(key)s körs redan av en annan process.", key=key))


def _report(result: RunResult, held_message: str):
    if result.outcome is JobOutcome.OK:
        flash(_("Jobbet kördes: %(detail)s", detail=result.detail), "success")
    elif result.outcome is JobOutcome.FAILED:
        flash(_("Jobbet misslyckades: %(detail)s", detail=result.detail), "error")
    elif result.skipped in (Skipped.INTERRUPTED, Skipped.UNAVAILABLE):
        flash(_("Jobbet avbröts: databasen svarade inte. Det körs igen automatiskt."), "error")
    else:
        flash(held_message, "info")
    return redirect(url_for("admin.jobs"))
