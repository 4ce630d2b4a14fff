"""What the start page shows: the user's municipalities, promises and commitment counts."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import Commitment, FocusArea, Membership, Municipality, Promise, Role, User


@dataclass
class PromiseSummary:
    promise: Promise
    focus_areas: list[tuple[FocusArea, int]]
    commitment_count: int


@dataclass
class MunicipalityOverview:
    municipality: Municipality
    role: Role | None
    promises: list[PromiseSummary] = field(default_factory=list)


def start_page(user: User) -> list[MunicipalityOverview]:
    """Three queries whatever the number of municipalities, promises or commitments."""
    rows: Sequence[sa.Row]
    if user.is_admin:
        rows = db.session.execute(
            sa.select(Municipality, sa.null()).order_by(Municipality.is_example, Municipality.name)
        ).all()
    else:
        rows = db.session.execute(
            sa.select(Municipality, Membership.role)
            .join(Membership, Membership.municipality_id == Municipality.id)
            .where(Membership.user_id == user.id)
            .order_by(Municipality.is_example, Municipality.name)
        ).all()
    overviews = {m.id: MunicipalityOverview(m, role) for m, role in rows}
    if not overviews:
        return []
    promises = db.session.scalars(
        sa.select(Promise)
        .where(Promise.municipality_id.in_(overviews))
        .options(selectinload(Promise.focus_areas))
        .order_by(Promise.start_year.desc(), Promise.id)
    ).all()
    counts: dict[tuple[int, int | None], int] = {
        (promise_id, area_id): n
        for promise_id, area_id, n in db.session.execute(
            sa.select(Commitment.promise_id, Commitment.focus_area_id, sa.func.count())
            .join(Promise, Promise.id == Commitment.promise_id)
            .where(Promise.municipality_id.in_(overviews))
            .group_by(Commitment.promise_id, Commitment.focus_area_id)
        )
    }
    for promise in promises:
        per_area = [(area, counts.get((promise.id, area.id), 0)) for area in promise.focus_areas]
        total = sum(n for (pid, _), n in counts.items() if pid == promise.id)
        overviews[promise.municipality_id].promises.append(
            PromiseSummary(promise, per_area, total)
        )
    return list(overviews.values())
