"""Read model for the activity page: the activity with its progress, and its log.

The page lists up to a hundred entries with their place and author. Reading them as Core rows
(one statement, built once) skips building and tracking an entity per entry, and the dates,
hours and measures are written out here once instead of filters and a nested template loop
per entry. The activity's logged count comes with the activity (no statement of its own).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from tracker.extensions import db
from tracker.formatting import local_formatters
from tracker.localized import english_page, measure_label
from tracker.models import LOGGED_COUNT, Activity, Commitment, LogEntry, Place, User
from tracker.services.activities import is_overdue, target_of
from tracker.services.activity_queries import ActivityRow
from tracker.translation import gettext as _

TIMELINE_LIMIT = 100


@dataclass(slots=True)
class TimelineEntry:
    id: int
    author_id: int | None      # who may correct it (policies.can_correct_entry)
    occurred_on: date
    date_text: str             # the date in the page's language
    duration_minutes: int | None
    hours_text: str            # the duration in hours, in the page's language
    place_name: str | None     # None: no place
    author_name: str | None    # None: no author
    measures: dict
    measures_text: str         # "label: value; …" for the measures the type defines
    note: str
    include_in_followup: bool


@cache
def _activity_statement():
    """The activity with what its page shows, and its logged occasions, in one row."""
    return (
        sa.select(Activity, LOGGED_COUNT).where(Activity.id == sa.bindparam("activity_id"))
        .options(
            joinedload(Activity.type), joinedload(Activity.owner),
            joinedload(Activity.municipality),
            joinedload(Activity.commitment).joinedload(Commitment.focus_area),
            selectinload(Activity.places), selectinload(Activity.assignees),
        )
        .execution_options(populate_existing=True)  # the options apply to a cached activity too
    )


def load_for_page(activity_id: int, today: date) -> tuple[Activity, ActivityRow] | None:
    """`load_activity` plus the progress row `rows_for` gives, without a statement of its own."""
    found = db.session.execute(_activity_statement(), {"activity_id": activity_id}).first()
    if found is None:
        return None
    activity, logged = found
    return activity, ActivityRow(activity, logged, target_of(activity), is_overdue(activity, today))


@cache
def _timeline_statement(limit: int):
    return (
        sa.select(LogEntry.id, LogEntry.author_id, LogEntry.occurred_on,
                  LogEntry.duration_minutes, LogEntry.place_id, Place.name.label("place_name"),
                  User.name,
                  LogEntry.measures, LogEntry.note, LogEntry.include_in_followup)
        .outerjoin(Place, Place.id == LogEntry.place_id)
        .outerjoin(User, User.id == LogEntry.author_id)
        .where(LogEntry.activity_id == sa.bindparam("activity_id"))
        .order_by(LogEntry.occurred_on.desc(), LogEntry.id.desc()).limit(limit)
    )


def measures_text(specs: list[dict], measures: dict, yes: str, no: str,
                  place_names: dict[int, str] | None = None, english: bool = False) -> str:
    """The type's measures present in an entry, in the type's order: "Antal: 3; Gemensam: ja";
    a place measure by the place's name."""
    parts = []
    for spec in specs:
        key = spec.get("key")
        if key in measures:
            value = measures[key]
            if spec.get("kind") == "boolean":
                value = yes if value else no
            elif spec.get("kind") == "place":
                value = (place_names or {}).get(value, value)
            parts.append(f"{measure_label(spec, english)}: {value}")
    return "; ".join(parts)


def _place_names(rows, specs: list[dict]) -> dict[int, str]:
    """The names of the places the entries' place measures name: the entry's own place (read
    with it) in the usual case; a statement only for a measure naming another place."""
    keys = [s.get("key") for s in specs if s.get("kind") == "place"]
    if not keys:
        return {}
    names, missing = {}, set()
    for row in rows:
        if row.place_id is not None and row.place_name is not None:
            names[row.place_id] = row.place_name
    for row in rows:
        for key in keys:
            value = (row.measures or {}).get(key)
            if isinstance(value, int) and value not in names:
                missing.add(value)
    if missing:
        names.update(db.session.execute(
            sa.select(Place.id, Place.name).where(Place.id.in_(missing))).all())
    return names


def timeline(activity_id: int, specs: list[dict], limit: int = TIMELINE_LIMIT) -> list[TimelineEntry]:
    """The activity's latest entries, newest first; `specs` are its type's measures."""
    yes, no = _("ja"), _("nej")
    english = english_page()
    date_text, number_text = local_formatters()
    rows = db.session.execute(_timeline_statement(limit), {"activity_id": activity_id}).all()
    places = _place_names(rows, specs)
    return [
        TimelineEntry(entry_id, author_id, occurred_on, date_text(occurred_on), minutes,
                      number_text(minutes / 60) if minutes else "", place, author,
                      measures or {},
                      measures_text(specs, measures, yes, no, places, english) if measures
                      else "",
                      note, followup)
        for (entry_id, author_id, occurred_on, minutes, _place_id, place, author, measures,
             note, followup) in rows
    ]


def attachments_of(activity_id: int) -> list:
    """The files attached to the activity and its occasions (not those of findings or action
    points, which their own pages show), oldest first."""
    from tracker.models import Attachment

    return list(db.session.scalars(
        sa.select(Attachment).where(Attachment.activity_id == activity_id,
                                    Attachment.finding_id.is_(None),
                                    Attachment.action_point_id.is_(None))
        .order_by(Attachment.id)))
