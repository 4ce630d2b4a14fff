"""The log as the pages read it: an activity's timeline, the municipality's latest entries
(the dashboard) and a place's entries, as plain rows (one statement each, built once)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from tracker.extensions import db
from tracker.formatting import local_formatters, number_local
from tracker.localized import english_page, measure_label
from tracker.models import Activity, LogEntry, Place, User
from tracker.translation import gettext as _

TIMELINE_LIMIT = 100
LATEST_LOG_LIMIT = 10
PLACE_LOG_LIMIT = 50


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
            elif spec.get("kind") in ("integer", "decimal") and isinstance(value, (int, float)):
                value = _measured(value)
            elif spec.get("kind") == "date" and isinstance(value, str):
                value = _day(value)
            parts.append(f"{measure_label(spec, english)}: {value}")
    return "; ".join(parts)


def _day(value: str) -> str:
    """"20 januari 2027" for a stored "2027-01-20"; a value stored before as free text as it is."""
    from tracker.formatting import date_local

    try:
        return date_local(date.fromisoformat(value))
    except ValueError:
        return value


def _measured(value: int | float) -> str:
    """1,5 and 2 as the page writes numbers (not 1.5 and 2.0), up to two decimals."""
    whole = float(value).is_integer()
    return number_local(value, 0 if whole else 1 if round(value, 1) == value else 2)


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


@dataclass(slots=True)
class LogTableRow:
    occurred_on: date
    activity_id: int
    activity_title: str
    place_id: int | None
    place_name: str | None
    author_name: str | None   # None: no author


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


@cache
def _latest_statement(dialect: str, limit: int):
    """The municipality's latest entries as plain columns.

    On PostgreSQL the candidates are each activity's own latest `limit` entries (a LATERAL
    walk down ix_log_entry_activity_occurred), so the cost is bounded by activities × limit
    instead of sorting every entry the municipality ever logged. SQLite serves one
    municipality and gets the plain query."""
    municipality_id: sa.BindParameter[int] = sa.bindparam("municipality_id")
    query = log_columns()
    if dialect == "postgresql":
        owner = aliased(Activity)
        own_latest = (
            sa.select(LogEntry.id, LogEntry.occurred_on).where(LogEntry.activity_id == owner.id)
            .order_by(LogEntry.occurred_on.desc(), LogEntry.id.desc()).limit(limit)
            .correlate(owner).lateral()
        )
        query = query.where(LogEntry.id.in_(
            sa.select(own_latest.c.id).select_from(owner).join(own_latest, sa.true())
            .where(owner.municipality_id == municipality_id)
            .order_by(own_latest.c.occurred_on.desc(), own_latest.c.id.desc()).limit(limit)))
    return query.where(Activity.municipality_id == municipality_id).limit(limit)


def latest_log_entries(municipality_id: int, limit: int = LATEST_LOG_LIMIT) -> list[LogTableRow]:
    """The municipality's latest entries, newest first."""
    statement = _latest_statement(db.session.get_bind().dialect.name, limit)
    return [LogTableRow(*row) for row in
            db.session.execute(statement, {"municipality_id": municipality_id})]


@cache
def _at_place_statement(limit: int) -> sa.Select:
    return log_columns().where(LogEntry.place_id == sa.bindparam("place_id")).limit(limit)


def log_entries_at(place_id: int, limit: int = PLACE_LOG_LIMIT) -> list[LogTableRow]:
    """The latest entries logged at a place, newest first."""
    return [LogTableRow(*row) for row in db.session.execute(
        _at_place_statement(limit), {"place_id": place_id})]
