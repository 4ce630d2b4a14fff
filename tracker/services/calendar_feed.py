"""ICS calendar feeds: a user's own activities and a municipality's planned ones.

Calendar clients cannot log in, so a feed is reached through a secret per-user token in its
URL. Events are all-day: an activity has dates, never times, so no VTIMEZONE is needed.
A recurring activity becomes one event with the RRULE dateutil writes for the same series
that ``recurrence.occasions`` expands in the app; one without a recurrence is shown on its due date.
"""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import islice

import sqlalchemy as sa
from icalendar import Calendar, Event, vRecur
from sqlalchemy.orm import joinedload, selectinload

from tracker.extensions import db
from tracker.models import Activity, Commitment, Membership, User, activity_assignee
from tracker.models.base import utcnow
from tracker.services.activities import OPEN_STATUSES
from tracker.services.recurrence import Series, series

PRODID = "-//Löfteskollen//Kalender//SV"
PARTY_LABELS = {"kommunen": "Kommunen", "polisen": "Polisen", "tillsammans": "Tillsammans"}


# ---------------------------------------------------------------- the secret token

def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def new_calendar_token(user: User) -> str:
    """Give the user a fresh feed secret (returned, to be shown once; only its SHA-256 is
    kept, as for API tokens); the URLs with the old one stop working at once."""
    secret = secrets.token_urlsafe(32)
    user.calendar_token = hash_secret(secret)
    db.session.flush()
    return secret


def revoke_calendar_token(user: User) -> None:
    user.calendar_token = None
    db.session.flush()


def user_by_calendar_token(token: str) -> User | None:
    """The enabled user the token belongs to, or None (the caller answers 404)."""
    if not token or len(token) > 64:
        return None
    user = db.session.scalar(sa.select(User).where(User.calendar_token == hash_secret(token)))
    if user is None or not user.is_enabled:
        return None
    return user


# ---------------------------------------------------------------- recurrence → RRULE

@dataclass
class Schedule:
    """When an activity's event happens: a first day and, for a series, its RRULE."""

    first: date
    rrule: vRecur | None = None


def schedule_of(activity: Activity) -> Schedule | None:
    """The event's dates, or None when the activity has neither occasions nor a due date."""
    found = series(activity.recurrence, activity.start_date, activity.due_date)
    dates = [m.date() for m in islice(found.rule, found.count)] if found else []
    if found and dates:
        return Schedule(dates[0], rrule_of(found, dates))
    if activity.due_date:
        return Schedule(activity.due_date)
    return None


def rrule_of(found: Series, dates: list[date]) -> vRecur:
    """The RRULE dateutil writes for the series, starting at its first occasion: ended by
    COUNT when the rule's count (or the app's cap) ended it, otherwise by UNTIL, a DATE like
    the event's DTSTART."""
    rule = found.rule.replace(dtstart=datetime.combine(dates[0], time()))
    if len(dates) >= found.count:
        rule = rule.replace(until=None, count=len(dates))
    line = next(part for part in str(rule).splitlines() if part.startswith("RRULE:"))
    recur = vRecur.from_ical(line.removeprefix("RRULE:"))
    if "UNTIL" in recur:
        recur["UNTIL"] = [moment.date() for moment in recur["UNTIL"]]
    return recur


# ---------------------------------------------------------------- the feeds

def _feed_options():
    return (
        joinedload(Activity.type),
        joinedload(Activity.commitment).joinedload(Commitment.focus_area),
        selectinload(Activity.places),
    )


def my_activities(user: User) -> list[Activity]:
    """Open activities the user owns or is assigned to, in the municipalities they may still
    see (a former member keeps no window into the old municipality). Two statements."""
    assigned = sa.select(activity_assignee.c.activity_id).where(
        activity_assignee.c.user_id == user.id)
    query = sa.select(Activity).where(
        sa.or_(Activity.owner_id == user.id, Activity.id.in_(assigned)),
        Activity.status.in_(OPEN_STATUSES))
    if not user.is_admin:
        query = query.where(Activity.municipality_id.in_(
            sa.select(Membership.municipality_id).where(Membership.user_id == user.id)))
    return list(db.session.scalars(
        query.options(*_feed_options()).order_by(Activity.id)).unique())


def municipality_activities(municipality_id: int) -> list[Activity]:
    """The municipality's planned and ongoing activities (2 statements)."""
    return list(db.session.scalars(
        sa.select(Activity)
        .where(Activity.municipality_id == municipality_id, Activity.status.in_(OPEN_STATUSES))
        .options(*_feed_options()).order_by(Activity.id)
    ).unique())


def build_calendar(name: str, activities: Iterable[Activity], *, uid_domain: str,
                   link: Callable[[Activity], str]) -> bytes:
    """An iCalendar document (RFC 5545) with one all-day event or series per activity."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Stockholm")
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for activity in activities:
        event = _event(activity, uid_domain, link(activity))
        if event is not None:
            cal.add_component(event)
    return cal.to_ical()


def _event(activity: Activity, uid_domain: str, url: str) -> Event | None:
    schedule = schedule_of(activity)
    if schedule is None:
        return None
    event = Event()
    event.add("uid", f"aktivitet-{activity.id}@{uid_domain}")
    # The last change, not the request time: the same data gives the same feed.
    stamp = activity.updated_at or utcnow()
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("sequence", max(0, (activity.version_id or 1) - 1))
    event.add("summary", activity.title)
    event.add("dtstart", schedule.first)
    event.add("dtend", schedule.first + timedelta(days=1))
    if schedule.rrule:
        event.add("rrule", schedule.rrule)
    event.add("description", _description(activity, url))
    event.add("url", url)
    event.add("categories", [activity.type.name_sv])
    if activity.places:
        event.add("location", ", ".join(p.name for p in activity.places))
    event.add("transp", "TRANSPARENT")  # all-day reminders, not busy time
    return event


def _description(activity: Activity, url: str) -> str:
    commitment = activity.commitment
    lines = [f"Åtagande ({PARTY_LABELS[commitment.party.value]}): {commitment.text}"]
    if commitment.focus_area is not None:
        lines.append(f"Fokusområde: {commitment.focus_area.title}")
    lines.append(f"Typ: {activity.type.name_sv}")
    if activity.due_date:
        lines.append(f"Slutdatum: {activity.due_date.isoformat()}")
    lines.append(f"Öppna i Löfteskollen: {url}")
    return "\n".join(lines)

