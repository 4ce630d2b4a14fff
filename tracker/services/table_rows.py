"""The rows of the activity and log tables the dashboard and the place pages share.

Plain column values, not ORM entities, with their texts formatted once for the page's
language; `templates/dashboard/_tables.html` renders them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import sqlalchemy as sa

from tracker.formatting import local_formatters
from tracker.localized import english_page, pick
from tracker.models import (
    LOGGED_COUNT,
    Activity,
    ActivityStatus,
    ActivityType,
    LogEntry,
    Place,
    User,
)
from tracker.services.activities import OPEN_STATUSES
from tracker.services.recurrence import occasions
from tracker.translation import gettext as _


@dataclass(slots=True)
class ActivityTableRow:
    id: int
    title: str
    type_name: str
    owner_name: str | None
    due_date: date | None
    due_text: str             # the due date in the page's language
    status: ActivityStatus
    logged: int
    target: int | None
    done_text: str            # "12 av 40", or "12" without a target
    overdue: bool


@dataclass(slots=True)
class LogTableRow:
    occurred_on: date
    activity_id: int
    activity_title: str
    place_id: int | None
    place_name: str | None
    author_name: str | None   # None: no author


@lru_cache(maxsize=4096)
def _recurrence_target(rule: str, start: date | None, end: date | None) -> int | None:
    """`target_of` for an activity without an explicit target, from its rule's JSON text.

    The same activities come back on every request; their count is remembered by rule text
    and dates instead of expanding the recurrence again."""
    expected = occasions(json.loads(rule), start, end)
    return len(expected) if expected else None


def target_from(target_count: int | None, rule: str | None, start: date | None,
                end: date | None) -> int | None:
    """`target_of` from plain column values (the rule as JSON text, None for SQL NULL)."""
    if target_count is not None:
        return target_count
    return _recurrence_target(rule, start, end) if rule else None


def activity_columns() -> sa.Select:
    """What an activity row shows, with its type and owner joined and its logged count."""
    return (
        sa.select(Activity.id, Activity.title, ActivityType.name_sv.label("type_name"),
                  ActivityType.name_en.label("type_name_en"),
                  User.name.label("owner_name"), Activity.due_date, Activity.status,
                  LOGGED_COUNT.label("logged"), Activity.target_count,
                  sa.cast(Activity.recurrence, sa.Text).label("rule"), Activity.start_date)
        .join(ActivityType, ActivityType.id == Activity.type_id)
        .outerjoin(User, User.id == Activity.owner_id)
    )


def activity_rows(found, on: date) -> list[ActivityTableRow]:
    """`activity_columns` rows as table rows, their texts in the page's language."""
    date_text, number_text = local_formatters()
    done_of = _("%(done)s av %(target)s")
    english = english_page()
    rows = []
    for r in found:
        target = target_from(r.target_count, r.rule, r.start_date, r.due_date)
        done = (done_of % {"done": number_text(r.logged), "target": number_text(target)}
                if target else number_text(r.logged))
        late = bool(r.status in OPEN_STATUSES and r.due_date and r.due_date < on)
        rows.append(ActivityTableRow(
            r.id, r.title, pick(r.type_name, r.type_name_en, english), r.owner_name, r.due_date, date_text(r.due_date),
            r.status, r.logged, target, done, late))
    return rows


def log_columns() -> sa.Select:
    """What a log row shows: date, activity, place and author, newest first."""
    return (
        sa.select(LogEntry.occurred_on, LogEntry.activity_id, Activity.title, LogEntry.place_id,
                  Place.name, User.name)
        .join(Activity, Activity.id == LogEntry.activity_id)
        .outerjoin(Place, Place.id == LogEntry.place_id)
        .outerjoin(User, User.id == LogEntry.author_id)
        .order_by(LogEntry.occurred_on.desc(), LogEntry.id.desc())
    )
