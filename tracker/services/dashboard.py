"""The municipality dashboard: progress per focus area and party, deadlines, latest log.

Every function runs a fixed number of statements whatever the number of activities or
log entries: progress is aggregated in SQL, lists are limited.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload

from tracker.extensions import db
from tracker.models import (
    LOGGED_COUNT,
    PARTY_ORDER,
    Activity,
    ActivityStatus,
    Commitment,
    FocusArea,
    LogEntry,
    Party,
    Promise,
    PromiseStatus,
)
from tracker.services.activities import OPEN_STATUSES
from tracker.services.activity_queries import due_soon_window
from tracker.services.table_rows import (
    ActivityTableRow,
    LogTableRow,
    activity_columns,
    activity_rows,
    log_columns,
    target_from,
)

CURRENT_STATUSES = (PromiseStatus.SIGNED, PromiseStatus.ACTIVE)
DEADLINE_LIMIT = 20
LATEST_LOG_LIMIT = 10


@dataclass
class Progress:
    """Occasions logged against the targets of one focus area and party."""

    focus_area: FocusArea | None
    party: Party
    activities: int = 0
    logged: int = 0           # every occasion logged on these activities
    toward_target: int = 0    # logged, capped per activity at its target
    target: int = 0

    @property
    def percent(self) -> int | None:
        if not self.target:
            return None
        return min(100, round(100 * self.toward_target / self.target))


@dataclass
class PromiseProgress:
    promise: Promise
    rows: list[Progress] = field(default_factory=list)


@dataclass
class Deadlines:
    overdue: list[ActivityTableRow]
    due_soon: list[ActivityTableRow]
    overdue_total: int
    due_soon_total: int


@dataclass
class Dashboard:
    today: date
    promises: list[PromiseProgress]
    deadlines: Deadlines
    latest: list[LogTableRow]


_PROMISES = (
    sa.select(Promise).where(Promise.municipality_id == sa.bindparam("municipality_id"))
    .options(joinedload(Promise.focus_areas))  # one statement: promises are few
    .order_by(Promise.start_year.desc(), Promise.id.desc())
)


def current_promises(municipality_id: int) -> list[Promise]:
    """Signed or active promises; if there are none, the latest one (by period)."""
    promises = db.session.scalars(
        _PROMISES, {"municipality_id": municipality_id}).unique().all()
    current = [p for p in promises if p.status in CURRENT_STATUSES]
    return current or list(promises[:1])


def _promise_ids():
    return sa.bindparam("promise_ids", expanding=True)


@cache
def _progress_statement():
    """(promise, focus area, party, activities, logged, toward target, target) in one GROUP BY.

    Activities whose target comes from a recurrence (no explicit target) add their logged
    occasions here and their targets in `_recurrence_targets`. Built once: the ids are bound.
    The logged occasions are the activities' own counts: no log entry is read.
    """
    n = LOGGED_COUNT
    counts_for_target = sa.and_(
        Activity.target_count.is_not(None), Activity.status != ActivityStatus.CANCELLED
    )
    capped = sa.case((n < Activity.target_count, n), else_=Activity.target_count)
    return (
        sa.select(
            Commitment.promise_id,
            Commitment.focus_area_id,
            Commitment.party,
            sa.func.count(Activity.id),
            sa.func.coalesce(sa.func.sum(n), 0),
            sa.func.coalesce(sa.func.sum(sa.case((counts_for_target, capped), else_=0)), 0),
            sa.func.coalesce(
                sa.func.sum(sa.case((counts_for_target, Activity.target_count), else_=0)), 0
            ),
        )
        .select_from(Activity)
        .join(Commitment, Commitment.id == Activity.commitment_id)
        .where(Commitment.promise_id.in_(_promise_ids()))
        .group_by(Commitment.promise_id, Commitment.focus_area_id, Commitment.party)
    )


def _progress_rows(promise_ids: list[int]) -> Sequence[sa.Row]:
    return db.session.execute(_progress_statement(), {"promise_ids": promise_ids}).all()


@cache
def _recurrence_statement():
    """Recurring activities without an explicit target, as plain columns (the rule as text)."""
    recurring = (Activity.target_count.is_(None), Activity.recurrence.is_not(None),
                 sa.cast(Activity.recurrence, sa.Text) != "null",  # JSON null, not SQL NULL
                 Activity.status != ActivityStatus.CANCELLED)
    return (
        sa.select(Commitment.promise_id, Commitment.focus_area_id, Commitment.party,
                  sa.cast(Activity.recurrence, sa.Text), Activity.start_date, Activity.due_date,
                  LOGGED_COUNT)
        .select_from(Activity)
        .join(Commitment, Commitment.id == Activity.commitment_id)
        .where(Commitment.promise_id.in_(_promise_ids()), *recurring)
    )


def _recurrence_targets(promise_ids: list[int]) -> list[tuple]:
    """Recurring activities without an explicit target: their target is `target_of`'s count."""
    rows = db.session.execute(_recurrence_statement(), {"promise_ids": promise_ids})
    result = []
    for promise_id, area_id, party, rule, start, end, n in rows:
        target = target_from(None, rule, start, end)
        if target:
            result.append((promise_id, area_id, party, min(n, target), target))
    return result


def progress(promises: list[Promise]) -> list[PromiseProgress]:
    """Per promise: one row per focus area (in order, then none) and party that has activities."""
    ids = [p.id for p in promises]
    if not ids:
        return []
    cells: dict[tuple[int, int | None, Party], Progress] = {}
    areas = {a.id: a for p in promises for a in p.focus_areas}
    for promise_id, area_id, party, count, logged, toward, target in _progress_rows(ids):
        cells[(promise_id, area_id, party)] = Progress(
            areas.get(area_id), party, count, logged, toward, target
        )
    for promise_id, area_id, party, toward, target in _recurrence_targets(ids):
        cell = cells[(promise_id, area_id, party)]
        cell.toward_target += toward
        cell.target += target
    result = []
    for promise in promises:
        order = [a.id for a in promise.focus_areas] + [None]
        rows = [cells[(promise.id, area_id, party)]
                for area_id in order for party in PARTY_ORDER
                if (promise.id, area_id, party) in cells]
        result.append(PromiseProgress(promise, rows))
    return result


def _count_where(condition):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _open_in(municipality_id):
    """Open activities of the municipality's current work: a concluded promise's loose ends
    are history, not deadlines (they stay on its own pages and in the activity list)."""
    of_concluded = (
        sa.select(Commitment.id).join(Promise, Promise.id == Commitment.promise_id)
        .where(Commitment.id == Activity.commitment_id,
               Promise.status == PromiseStatus.CONCLUDED)
        .correlate(Activity).exists()
    )
    return (Activity.municipality_id == municipality_id, Activity.status.in_(OPEN_STATUSES),
            ~of_concluded)


@cache
def _deadlines_statement():
    """The first DEADLINE_LIMIT overdue and the first due soon open activities, one statement:
    two limited selects in a UNION ALL, ordered by due date (the overdue come first)."""
    start, end = sa.bindparam("start", type_=sa.Date), sa.bindparam("end", type_=sa.Date)

    def first(*due):
        return (
            activity_columns()
            .where(*_open_in(sa.bindparam("municipality_id")), *due)
            .order_by(Activity.due_date, Activity.id).limit(DEADLINE_LIMIT)
            .subquery()
        )

    both = sa.union_all(
        sa.select(first(Activity.due_date < start)),
        sa.select(first(Activity.due_date >= start, Activity.due_date <= end)),
    ).subquery()
    return sa.select(both).order_by(both.c.due_date, both.c.id)


@cache
def _deadline_totals_statement():
    start, end = sa.bindparam("start", type_=sa.Date), sa.bindparam("end", type_=sa.Date)
    return sa.select(
        _count_where(Activity.due_date < start),
        _count_where(sa.and_(Activity.due_date >= start, Activity.due_date <= end)),
    ).where(*_open_in(sa.bindparam("municipality_id")))


def deadlines(municipality_id: int, on: date) -> Deadlines:
    """Open activities past their due date, and those due within the coming 14 days."""
    start, end = due_soon_window(on)
    params = {"municipality_id": municipality_id, "start": start, "end": end}
    overdue: list[ActivityTableRow] = []
    due_soon: list[ActivityTableRow] = []
    for row in activity_rows(db.session.execute(_deadlines_statement(), params), on):
        (overdue if row.due_date < start else due_soon).append(row)
    overdue_total, soon_total = db.session.execute(_deadline_totals_statement(), params).one()
    return Deadlines(overdue, due_soon, overdue_total, soon_total)


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


def municipality_dashboard(municipality_id: int, on: date) -> Dashboard:
    """Everything the dashboard shows, in five statements whatever the data."""
    promises = current_promises(municipality_id)
    return Dashboard(
        today=on,
        promises=progress(promises),
        deadlines=deadlines(municipality_id, on),
        latest=latest_log_entries(municipality_id),
    )
