"""Reading promises: loading, sections with progress, and a municipality's list."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

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
)
from tracker.services.activity_read.rows import progress_text


@dataclass
class CommitmentRow:
    commitment: Commitment
    activity_count: int = 0
    logged: int = 0

    @property
    def target(self) -> int | None:
        return self.commitment.target_count

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.logged / self.target)) if self.target else 0

    @property
    def progress_value(self) -> int:
        return min(self.logged, self.target or 0)

    @property
    def progress_text(self) -> str:
        return progress_text(self.logged, self.target)


@dataclass
class PartyGroup:
    party: Party
    rows: list[CommitmentRow]


@dataclass
class Section:
    focus_area: FocusArea | None  # None: "Övriga löften"
    groups: list[PartyGroup] = field(default_factory=list)


def load_promise(promise_id: int) -> Promise | None:
    """The promise with its municipality, focus areas and commitments: three statements."""
    return db.session.scalar(
        sa.select(Promise).where(Promise.id == promise_id).options(
            joinedload(Promise.municipality),
            selectinload(Promise.focus_areas),
            selectinload(Promise.commitments),
        )
    )


def commitment_progress(promise_id: int) -> dict[int, tuple[int, int]]:
    """{commitment id: (activities not cancelled, logged occasions)} in one GROUP BY."""
    activities = sa.func.count(sa.distinct(
        sa.case((Activity.status != ActivityStatus.CANCELLED, Activity.id))
    ))
    rows = db.session.execute(
        sa.select(Activity.commitment_id, activities, sa.func.sum(LOGGED_COUNT))
        .join(Commitment, Commitment.id == Activity.commitment_id)
        .where(Commitment.promise_id == promise_id)
        .group_by(Activity.commitment_id)
    )
    return {commitment_id: (n_activities, n_logged) for commitment_id, n_activities, n_logged
            in rows}


def sections(promise: Promise, *, with_progress: bool = True) -> list[Section]:
    """Focus areas in order, each with its commitments under Kommunen / Polisen / Tillsammans
    lovar (as published); commitments without a focus area last. One statement (none
    without progress, as on the public pages)."""
    progress = commitment_progress(promise.id) if with_progress else {}
    by_area: dict[int | None, list[Commitment]] = {}
    for commitment in promise.commitments:
        by_area.setdefault(commitment.focus_area_id, []).append(commitment)
    result = [Section(area) for area in promise.focus_areas]
    if by_area.get(None):
        result.append(Section(None))
    for section in result:
        mine = by_area.get(section.focus_area.id if section.focus_area else None, [])
        for party in PARTY_ORDER:
            rows = [CommitmentRow(c, *progress.get(c.id, (0, 0))) for c in mine if c.party == party]
            if rows:
                section.groups.append(PartyGroup(party, rows))
    return result


@dataclass
class PromiseListRow:
    promise: Promise
    commitment_count: int


def municipality_promises(municipality_id: int) -> list[PromiseListRow]:
    """Newest first, with their commitment counts: one statement."""
    count = (
        sa.select(sa.func.count(Commitment.id))
        .where(Commitment.promise_id == Promise.id)
        .correlate(Promise)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Promise, count)
        .where(Promise.municipality_id == municipality_id)
        .order_by(Promise.start_year.desc(), Promise.id.desc())
    )
    return [PromiseListRow(promise, n) for promise, n in rows]
