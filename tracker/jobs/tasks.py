"""The job functions: each pushes an app context, claims its day in JobRun, and calls a service.

A job is a module-level function taking an optional app (the scheduler passes its own; tests pass
theirs; otherwise `create_app()`), so it runs the same from the scheduler, the CLI and tests.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import Flask, current_app
from sqlalchemy.exc import IntegrityError

from tracker import audit, create_app
from tracker.extensions import db
from tracker.formatting import local_today
from tracker.models import JobOutcome, JobRun
from tracker.models.base import utcnow
from tracker.services import promise_status, reminders
from tracker.followups import compiler as followup_compiler
from tracker.services.mail import MailError, MailServerUnreachable

log = logging.getLogger(__name__)

MAX_ERROR_LENGTH = 4000


class JobFailed(Exception):
    """Part of a job's work failed; the message (Swedish) is stored on the JobRun."""


@dataclass(frozen=True)
class RunResult:
    job: str
    key: str
    outcome: JobOutcome | None  # None: the key had already been claimed, nothing was done
    detail: str = ""


def run_job(
    job: str, work: Callable[[date], str], *, app: Flask | None = None, today: date | None = None,
    key_of: Callable[[date], str] = date.isoformat, actor: str | None = None,
) -> RunResult:
    """Run `work(today)` at most once per (job, key_of(today)), by default once a day; failures
    are stored."""
    app = app or create_app()
    with app.app_context():
        token = audit.system_actor.set(actor or f"job:{job}")
        try:
            return _run_once(job, work, today or local_today(), key_of)
        finally:
            audit.system_actor.reset(token)


def _claim(job: str, key: str) -> JobRun | None:
    """Insert-if-absent on UNIQUE(job, key); the savepoint makes this work on SQLite and PostgreSQL.

    The claim is committed at once, so a second scheduler, a retry or a crash after this point
    never runs the same period again.
    """
    run = JobRun(job=job, key=key, outcome=JobOutcome.RUNNING)
    try:
        with db.session.begin_nested():
            db.session.add(run)
    except IntegrityError:
        return None
    db.session.commit()
    return run


def _run_once(
    job: str, work: Callable[[date], str], today: date, key_of: Callable[[date], str]
) -> RunResult:
    key = key_of(today)
    run = _claim(job, key)
    if run is None:
        log.info("Job %s already ran for %s; skipped", job, key)
        return RunResult(job, key, None)
    try:
        detail = work(today)
        run.outcome = JobOutcome.OK
        run.finished_at = utcnow()
        db.session.commit()
        log.info("Job %s for %s: %s", job, key, detail)
        return RunResult(job, key, JobOutcome.OK, detail)
    except Exception as error:  # recorded on the run: one failed job must not stop the scheduler
        db.session.rollback()
        if isinstance(error, JobFailed):
            detail = str(error)
            log.error("Job %s for %s failed: %s", job, key, detail)
        else:
            detail = f"{type(error).__name__}: {error}"
            log.exception("Job %s for %s failed", job, key)
        run.outcome = JobOutcome.FAILED
        run.error = detail[:MAX_ERROR_LENGTH]
        run.finished_at = utcnow()
        db.session.commit()
        return RunResult(job, key, JobOutcome.FAILED, detail)


def send_digests(today: date) -> str:
    """One digest per recipient; a refused address does not stop the others, a dead server does."""
    sent, failures = 0, []
    recipients = reminders.digest_recipients(today)
    for user in recipients:
        try:
            sent += reminders.send_digest(current_app.config, user, today)
        except MailServerUnreachable as error:
            failures.append(str(error))
            break
        except MailError as error:
            failures.append(str(error))
    if failures:
        raise JobFailed(
            f"{len(recipients) - sent} av {len(recipients)} påminnelser skickades inte.\n"
            + "\n".join(failures)
        )
    return f"{sent} påminnelser skickades."


def advance_promises(today: date) -> str:
    changed = promise_status.advance_statuses(today)
    return f"{changed} medborgarlöften fick ny status."


def reminder_digest(app: Flask | None = None, today: date | None = None) -> RunResult:
    """Daily: every user with overdue or soon-due activities gets one e-mail."""
    return run_job("reminder_digest", send_digests, app=app, today=today)


def conclude_promises(app: Flask | None = None, today: date | None = None) -> RunResult:
    """Daily: signed promises become active in their period and concluded after it."""
    return run_job("conclude_promises", advance_promises, app=app, today=today)


def _compile_each(pairs: list[tuple[int, int]], today: date) -> tuple[int, list[str]]:
    """One commit per promise, so a failure leaves no half-compiled draft and spares the rest."""
    compiled, failures = 0, []
    for promise_id, year in pairs:
        try:
            followup_compiler.compile_followup(promise_id, year, today=today)
            db.session.commit()
            compiled += 1
        except Exception as error:  # recorded on the run; the other promises still compile
            db.session.rollback()
            log.exception("Follow-up of promise %s for %s failed", promise_id, year)
            failures.append(
                f"Medborgarlöfte {promise_id} ({year}): {type(error).__name__}: {error}"
            )
    return compiled, failures


def compile_year(today: date, year: int | None = None) -> str:
    """Draft every promise's follow-up of `year` (default: this year); "Kör nu" may pick one."""
    year = year or today.year
    ids = followup_compiler.promises_to_follow_up(year)
    pairs = [(promise_id, year) for promise_id in ids]
    compiled, failures = _compile_each(pairs, today)
    if failures:
        raise JobFailed(
            f"{len(failures)} av {len(pairs)} uppföljningar för {year} kunde inte "
            "sammanställas.\n" + "\n".join(failures)
        )
    return f"{compiled} uppföljningar för {year} sammanställdes."


def refresh_all_drafts(today: date) -> str:
    pairs = followup_compiler.drafts_to_refresh()
    compiled, failures = _compile_each(pairs, today)
    if failures:
        raise JobFailed(
            f"{len(failures)} av {len(pairs)} utkast kunde inte uppdateras.\n" + "\n".join(failures)
        )
    return f"{compiled} utkast till uppföljningar uppdaterades."


def compile_followups(app: Flask | None = None, today: date | None = None) -> RunResult:
    """Yearly: a draft follow-up for every signed, active or concluded promise of the year."""
    return run_job("compile_followups", compile_year, app=app, today=today,
                   key_of=lambda day: str(day.year))


def refresh_drafts(app: Flask | None = None, today: date | None = None) -> RunResult:
    """Nightly: draft follow-ups no party has approved yet get fresh generated text."""
    return run_job("refresh_drafts", refresh_all_drafts, app=app, today=today)
