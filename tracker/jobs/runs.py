"""How a job runs: it pushes an app context, claims its period in JobRun, and calls its work.

A job (tasks.py) is a module-level function taking an optional app (the scheduler passes its
own; tests pass theirs; otherwise `create_app()`), so it runs the same from the scheduler, the CLI
and tests.

A claimed run holds a lease that a heartbeat thread renews while the work goes on. A run whose
lease expired (its process was killed, or lost the database) is taken over by the next claim and
resumed: every piece of work is idempotent (a follow-up per promise and year, a status per
promise). A claim or an outcome that cannot be written because the database does not answer is
retried with backoff.
"""
from __future__ import annotations

import enum
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import IntegrityError

from tracker import audit, create_app
from tracker.errors import UNAVAILABLE
from tracker.extensions import db
from tracker.formatting import local_today
from tracker.models import JobOutcome, JobRun
from tracker.models.base import utcnow

log = logging.getLogger(__name__)

MAX_ERROR_LENGTH = 4000
MAX_BACKOFF_SECONDS = 60
INTERRUPTED = "Avbröts: databasen svarade inte ({error}). Körningen tas upp igen automatiskt."


class JobFailed(Exception):
    """Part of a job's work failed; the message (Swedish) is stored on the JobRun."""


class Skipped(enum.Enum):
    """Why a run did nothing."""
    DONE = "done"  # the period's run finished earlier
    FAILED = "failed"  # the period's run failed earlier; "Kör nu" runs it again
    HELD = "held"  # another process holds the run's lease (it is running, or stuck until expiry)
    INTERRUPTED = "interrupted"  # the database went away midway; it is taken up again
    UNAVAILABLE = "unavailable"  # the database did not answer the claim


@dataclass(frozen=True)
class RunResult:
    job: str
    key: str
    outcome: JobOutcome | None  # None: nothing was done (see `skipped`)
    detail: str = ""
    skipped: Skipped | None = None
    holder: str = ""
    heartbeat_at: datetime | None = None
    lease_expires_at: datetime | None = None


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def run_job(
    job: str, work: Callable[[date], str], *, app: Flask | None = None, today: date | None = None,
    key_of: Callable[[date], str] = date.isoformat, actor: str | None = None,
    retry_seconds: int | None = None,
) -> RunResult:
    """Run `work(today)` at most once per (job, key_of(today)), by default once a day; failures
    are stored. `retry_seconds` (default JOB_RETRY_SECONDS) bounds the waiting for a database
    that does not answer."""
    app = app or create_app()
    with app.app_context():
        token = audit.system_actor.set(actor or f"job:{job}")
        try:
            if retry_seconds is None:
                retry_seconds = app.config["JOB_RETRY_SECONDS"]
            today = today or local_today()
            return _Run(app, job, key_of(today), today, retry_seconds).execute(work)
        finally:
            audit.system_actor.reset(token)


def rollback_quietly() -> None:
    try:
        db.session.rollback()
    except Exception:  # the connection itself may be gone
        log.debug("rollback failed", exc_info=True)


# Set when the scheduler process is asked to stop: waiting for the database ends at once, so a
# stop is not held up by a backoff (the missed work is caught up at the next start).
STOPPING = threading.Event()


def with_retry(action: Callable[[], object], what: str, seconds: float):
    """action() until the database answers, waiting 1, 2, 4 … 60 s between tries, for at most
    `seconds` or until the process stops; then the last error is raised."""
    deadline = time.monotonic() + seconds
    delay = 1.0
    while True:
        try:
            return action()
        except UNAVAILABLE as error:
            rollback_quietly()
            if time.monotonic() + delay > deadline or STOPPING.is_set():
                raise
            log.warning("%s: the database does not answer (%s); trying again in %g s",
                        what, first_line(error), delay)
            if STOPPING.wait(delay):
                raise
            delay = min(delay * 2, MAX_BACKOFF_SECONDS)


def first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:300]


class _Heartbeat:
    """Renews the run's lease from its own connection every third of the lease while work goes
    on; a failed renewal is logged and tried again at the next beat."""

    def __init__(self, app: Flask, run_id: int, holder: str):
        self.app, self.run_id, self.holder = app, run_id, holder
        self.lease = timedelta(seconds=app.config["JOB_LEASE_SECONDS"])
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"job-heartbeat-{run_id}",
                                       daemon=True)

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stopped.set()
        self.thread.join()

    def _beat(self) -> None:
        with self.app.app_context():
            engine = db.engine
        table = JobRun.__table__
        while not self.stopped.wait(self.lease.total_seconds() / 3):
            now = utcnow()
            try:
                with engine.begin() as connection:
                    renewed = connection.execute(
                        table.update().where(table.c.id == self.run_id,
                                             table.c.holder == self.holder,
                                             table.c.outcome == JobOutcome.RUNNING)
                        .values(heartbeat_at=now, lease_expires_at=now + self.lease)).rowcount
                if not renewed:
                    log.warning("Job run %s: the lease was taken over by another process",
                                self.run_id)
                    return
            except Exception as error:  # the next beat tries again; the lease covers two misses
                log.warning("Job run %s: heartbeat failed (%s)", self.run_id, first_line(error))


class _Run:
    """One attempt at (job, key): claim or take over, work under a heartbeat, record the outcome."""

    def __init__(self, app: Flask, job: str, key: str, today: date, retry_seconds: float):
        self.app, self.job, self.key, self.today = app, job, key, today
        self.retry_seconds = retry_seconds
        self.holder = holder_name()
        self.lease = timedelta(seconds=app.config["JOB_LEASE_SECONDS"])

    def execute(self, work: Callable[[date], str]) -> RunResult:
        try:
            run, existing = with_retry(self._claim, f"Job {self.job} for {self.key}: claim",
                                       self.retry_seconds)
        except UNAVAILABLE as error:
            log.error("Job %s for %s: the database did not answer; not run (%s)",
                      self.job, self.key, first_line(error))
            return self._result(None, first_line(error), Skipped.UNAVAILABLE)
        if run is None:
            return self._skipped(existing)
        run_id = run.id
        try:
            with _Heartbeat(self.app, run_id, self.holder):
                detail = work(self.today)
                db.session.commit()  # the work first: a lost commit is an interruption
                self._finish(run_id, JobOutcome.OK, "")
        except UNAVAILABLE as error:
            return self._interrupted(run_id, error)
        except Exception as error:  # recorded on the run: one failed job must not stop the rest
            rollback_quietly()
            if isinstance(error, JobFailed):
                detail = str(error)
                log.error("Job %s for %s failed: %s", self.job, self.key, detail)
            else:
                detail = f"{type(error).__name__}: {error}"
                log.exception("Job %s for %s failed", self.job, self.key)
            try:
                self._finish(run_id, JobOutcome.FAILED, detail)
            except UNAVAILABLE as lost:
                return self._interrupted(run_id, lost)
            return self._result(JobOutcome.FAILED, detail)
        log.info("Job %s for %s: %s", self.job, self.key, detail)
        return self._result(JobOutcome.OK, detail)

    def _result(self, outcome, detail="", skipped=None, existing: JobRun | None = None):
        return RunResult(self.job, self.key, outcome, detail, skipped,
                         existing.holder if existing else "",
                         existing.heartbeat_at if existing else None,
                         existing.lease_expires_at if existing else None)

    def _claim(self) -> tuple[JobRun | None, JobRun | None]:
        """Insert-if-absent on UNIQUE(job, key), else take over a running row whose lease has
        expired; committed at once. Returns (our run, None) or (None, the row that stands)."""
        now = utcnow()
        run = JobRun(job=self.job, key=self.key, outcome=JobOutcome.RUNNING, run_for=self.today,
                     holder=self.holder, heartbeat_at=now, lease_expires_at=now + self.lease)
        try:
            with db.session.begin_nested():  # the savepoint works on SQLite and PostgreSQL
                db.session.add(run)
        except IntegrityError:
            pass
        else:
            db.session.commit()
            return run, None
        taken = db.session.execute(
            sa.update(JobRun)
            .where(JobRun.job == self.job, JobRun.key == self.key,
                   JobRun.outcome == JobOutcome.RUNNING,
                   sa.or_(JobRun.lease_expires_at.is_(None), JobRun.lease_expires_at < now))
            .values(holder=self.holder, heartbeat_at=now, lease_expires_at=now + self.lease,
                    attempts=JobRun.attempts + 1)
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
        existing = db.session.scalar(
            sa.select(JobRun).where(JobRun.job == self.job, JobRun.key == self.key)
            .execution_options(populate_existing=True))
        db.session.commit()
        if existing is None:  # the row in the way was deleted meanwhile: the insert can win now
            return self._claim()
        if taken:
            log.warning("Job %s for %s: took over a run whose lease had expired (attempt %d)",
                        self.job, self.key, existing.attempts)
            if existing.run_for is not None:
                self.today = existing.run_for
            return existing, None
        return None, existing

    def _skipped(self, existing: JobRun) -> RunResult:
        if existing.outcome is JobOutcome.OK:
            log.info("Job %s already ran for %s; skipped", self.job, self.key)
            return self._result(None, "", Skipped.DONE, existing)
        if existing.outcome is JobOutcome.FAILED:
            log.warning("Job %s failed for %s earlier; not run again: %s",
                        self.job, self.key, first_line(Exception(existing.error)))
            return self._result(None, existing.error, Skipped.FAILED, existing)
        log.warning("Job %s for %s is held by %s (last heartbeat %s); skipped",
                    self.job, self.key, existing.holder or "?", existing.heartbeat_at)
        return self._result(None, existing.error, Skipped.HELD, existing)

    def _finish(self, run_id: int, outcome: JobOutcome, error: str) -> None:
        """Commit the work with its outcome, retrying the outcome alone if the commit is lost."""
        def record() -> None:
            db.session.execute(
                sa.update(JobRun).where(JobRun.id == run_id)
                .values(outcome=outcome, error=error[:MAX_ERROR_LENGTH], finished_at=utcnow(),
                        lease_expires_at=None)
                .execution_options(synchronize_session=False))
            db.session.commit()

        with_retry(record, f"Job {self.job} for {self.key}: recording the outcome",
                   self.retry_seconds)

    def _interrupted(self, run_id: int, error: BaseException) -> RunResult:
        """The database went away midway: release the lease (when the database answers again)
        so the run is taken over and resumed, rather than recorded as failed."""
        rollback_quietly()
        detail = INTERRUPTED.format(error=first_line(error))
        log.error("Job %s for %s interrupted: %s", self.job, self.key, first_line(error))

        def release() -> None:
            db.session.execute(
                sa.update(JobRun).where(JobRun.id == run_id, JobRun.holder == self.holder)
                .values(error=detail[:MAX_ERROR_LENGTH], lease_expires_at=utcnow())
                .execution_options(synchronize_session=False))
            db.session.commit()

        try:
            with_retry(release, f"Job {self.job} for {self.key}: releasing the lease",
                       self.retry_seconds)
        except UNAVAILABLE:
            log.error("Job %s for %s: the lease could not be released; it expires by itself",
                      self.job, self.key)
        return self._result(None, detail, Skipped.INTERRUPTED)
