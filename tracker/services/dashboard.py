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
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.models import (
    LOGGED_COUNT,
    PARTY_ORDER,
    Activity,
    ActivityStatus,
    Commitment,
    FocusArea,
    Party,
    Promise,
    PromiseStatus,
)
from tracker.services.activity_read import (
    Deadlines,
    LogTableRow,
    deadlines,
    latest_log_entries,
)
from tracker.services.activity_read.rows import ProgressTexts
from tracker.services.recurrence import activity_target

CURRENT_STATUSES = (PromiseStatus.SIGNED, PromiseStatus.ACTIVE)


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

    @property
    def progress_text(self) -> str:
        return ProgressTexts()(self.toward_target, self.target)


@dataclass
class PromiseProgress:
    promise: Promise
    rows: list[Progress] = field(default_factory=list)


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
        target = activity_target(None, rule, start, end)
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


def municipality_dashboard(municipality_id: int, on: date) -> Dashboard:
    """Everything the dashboard shows, in five statements whatever the data."""
    promises = current_promises(municipality_id)
    return Dashboard(
        today=on,
        promises=progress(promises),
        deadlines=deadlines(municipality_id, on),
        latest=latest_log_entries(municipality_id),
    )
