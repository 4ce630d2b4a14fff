"""The job functions: each runs its work through `runs.run_job`, which pushes an app context,
claims the period in JobRun and stores the outcome; the work calls a service.

A job takes an optional app (the scheduler passes its own; tests pass theirs; otherwise
`create_app()`), so it runs the same from the scheduler, the CLI and tests.
"""
from __future__ import annotations

import logging
from datetime import date

from flask import Flask, current_app

from tracker.errors import UNAVAILABLE
from tracker.extensions import db
from tracker.followups import compiler as followup_compiler
from tracker.jobs.runs import JobFailed, RunResult, run_job
from tracker.models.base import utcnow
from tracker.services import promise_status, reminders, subscriptions, tips
from tracker.services.mail import MailError, MailServerUnreachable

log = logging.getLogger(__name__)


def send_digests(today: date) -> str:
    """One digest per recipient; a refused address does not stop the others, a dead server does."""
    recipients = reminders.digest_recipients(today)
    notified = reminders.notify_due_action_points(today)  # in the app, mail or not
    db.session.commit()
    if not current_app.config.get("MAIL_ENABLED"):
        return (f"E-post är avstängd (TRACKER_MAIL_ENABLED): {len(recipients)} påminnelser "
                f"skickas inte. {notified} nya aviseringar om åtgärdspunkter.")
    sent, failures = 0, []
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
    return f"{sent} påminnelser skickades. {notified} nya aviseringar om åtgärdspunkter."


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
    """One commit per promise, so a failure leaves no half-compiled draft and spares the rest.

    A database that stops answering interrupts the whole run (it is resumed later) instead of
    failing every remaining promise."""
    compiled, failures = 0, []
    for promise_id, year in pairs:
        try:
            followup_compiler.compile_followup(promise_id, year, today=today)
            db.session.commit()
            compiled += 1
        except UNAVAILABLE:
            raise
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


def purge_addresses(today: date) -> str:
    months = current_app.config["TIP_ADDRESS_RETENTION_MONTHS"]
    purged = tips.purge_reply_addresses(utcnow(), months)
    unconfirmed = subscriptions.forget_unconfirmed(utcnow())
    db.session.commit()
    return (f"{purged} e-postadresser i avslutade tips togs bort (lagringstid {months} "
            f"månader); {unconfirmed} obekräftade prenumerationer togs bort.")


def purge_tip_addresses(app: Flask | None = None, today: date | None = None) -> RunResult:
    """Daily: residents' reply addresses of tips closed longer than the retention period."""
    return run_job("purge_tip_addresses", purge_addresses, app=app, today=today)


def year_key(day: date) -> str:
    return str(day.year)


def compile_followups(app: Flask | None = None, today: date | None = None) -> RunResult:
    """Yearly: a draft follow-up for every signed, active or concluded promise of the year."""
    return run_job("compile_followups", compile_year, app=app, today=today, key_of=year_key)


def refresh_drafts(app: Flask | None = None, today: date | None = None) -> RunResult:
    """Nightly: draft follow-ups no party has approved yet get fresh generated text."""
    return run_job("refresh_drafts", refresh_all_drafts, app=app, today=today)
