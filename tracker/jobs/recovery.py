"""Runs that did not finish and runs that never happened: found, shown and run again.

A scheduled run is *stuck* when its row is still running but its lease expired (its process was
killed or lost the database), and *missed* when its cron fired while no scheduler ran and no row
exists for that period. The scheduler runs `recover` at start and every JOB_RECOVERY_SECONDS;
whoever claims first runs it, once. Only fires after the first run ever recorded count as missed,
so a new installation does not run a year of history at its first start.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Flask, current_app

from tracker.errors import UNAVAILABLE
from tracker.extensions import db
from tracker.jobs.runs import RunResult, first_line, rollback_quietly, run_job
from tracker.jobs.scheduler import (
    JOBS,
    CronSettingError,
    ScheduledJob,
    cron_trigger,
    last_fire_time,
)
from tracker.models import JobOutcome, JobRun
from tracker.models.base import utcnow

log = logging.getLogger(__name__)

# A fire younger than this is the scheduler's own to run, not a missed one.
GRACE = timedelta(seconds=60)
ABANDONED = ("Avbröts: processen som körde jobbet slutade svara. Kör jobbet igen med "
             "”Kör nu”.")


@dataclass(frozen=True)
class Pending:
    job: ScheduledJob
    key: str
    run_for: date
    missed: bool  # True: never ran; False: stuck (running, lease expired)
    since: datetime | None  # the fire time of a missed run, the last heartbeat of a stuck one
    error: str = ""
    scheduled: bool = True  # False: a stuck "Kör nu" run, which is not resumed by itself


def _jobs() -> dict[str, ScheduledJob]:
    return {job.id: job for job in JOBS}


def _run_for(job: ScheduledJob, run: JobRun, today: date) -> date | None:
    """The day a run was for: stored, or (rows from before leases) read from its key."""
    if run.run_for is not None:
        return run.run_for
    try:
        return date.fromisoformat(run.key)
    except ValueError:
        pass
    if run.key.isdigit():
        return min(date(int(run.key), 12, 31), today)
    return None


def stuck_runs(now: datetime) -> list[Pending]:
    jobs, today = _jobs(), now.date()
    rows = db.session.scalars(
        sa.select(JobRun).where(
            JobRun.outcome == JobOutcome.RUNNING,
            sa.or_(JobRun.lease_expires_at.is_(None), JobRun.lease_expires_at < utcnow()))
        .order_by(JobRun.id))
    pending = []
    for run in rows:
        job = jobs.get(run.job)
        if job is None:
            continue
        run_for = _run_for(job, run, today)
        scheduled = run_for is not None and job.key_of(run_for) == run.key
        pending.append(Pending(job, run.key, run_for or today, False,
                               run.heartbeat_at or run.started_at, run.error, scheduled))
    return pending


def missed_runs(now: datetime) -> list[Pending]:
    first_run = db.session.scalar(sa.select(sa.func.min(JobRun.started_at)))
    if first_run is None:
        return []
    candidates = []
    for job in JOBS:
        try:
            trigger = cron_trigger(current_app.config, job.cron_setting)
        except CronSettingError:
            continue
        fire = last_fire_time(trigger, now)
        if fire is not None and first_run < fire <= now - GRACE:
            candidates.append(Pending(job, job.key_of(fire.date()), fire.date(), True, fire))
    if not candidates:
        return []
    existing = set(db.session.execute(
        sa.select(JobRun.job, JobRun.key).where(
            sa.tuple_(JobRun.job, JobRun.key).in_([(p.job.id, p.key) for p in candidates]))))
    return [p for p in candidates if (p.job.id, p.key) not in existing]


def pending_runs(now: datetime | None = None) -> list[Pending]:
    """Every stuck and missed run, for the scheduler and the admin page."""
    now = now or datetime.now(ZoneInfo(current_app.config["TIMEZONE"]))
    return stuck_runs(now) + missed_runs(now)


def resume(app: Flask, item: Pending, actor: str | None = None,
           retry_seconds: int | None = None) -> RunResult:
    """Run a stuck or missed scheduled run now under its own key (taking over a stuck one)."""
    return run_job(item.job.id, item.job.work, app=app, today=item.run_for,
                         key_of=lambda _day: item.key, actor=actor,
                         retry_seconds=retry_seconds)


def _abandon(item: Pending) -> None:
    """A stuck "Kör nu" run cannot be resumed with its choices (e.g. the year): mark it failed."""
    db.session.execute(
        sa.update(JobRun).where(JobRun.job == item.job.id, JobRun.key == item.key,
                                JobRun.outcome == JobOutcome.RUNNING)
        .values(outcome=JobOutcome.FAILED, error=ABANDONED, finished_at=utcnow(),
                lease_expires_at=None)
        .execution_options(synchronize_session=False))


def recover(app: Flask) -> list[RunResult]:
    """Take over every stuck scheduled run and catch up every missed one; the scheduler's
    periodic job. A database that does not answer is left for the next time."""
    with app.app_context():
        try:
            pending = pending_runs()
            for item in pending:
                if not item.scheduled:
                    _abandon(item)
            db.session.commit()
        except UNAVAILABLE as error:
            rollback_quietly()
            log.warning("Looking for unfinished job runs: the database does not answer (%s)",
                        first_line(error))
            return []
    results = []
    for item in pending:
        if not item.scheduled:
            log.warning("Job %s for %s: abandoned by its process; marked failed",
                        item.job.id, item.key)
            continue
        what = "missed" if item.missed else "stuck (its lease expired)"
        log.warning("Job %s for %s was %s; running it now", item.job.id, item.key, what)
        results.append(resume(app, item, actor=f"job:{item.job.id}"))
    return results
