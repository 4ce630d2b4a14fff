"""A promise's status follows the calendar: signed, active in its period, concluded after."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import Promise, PromiseStatus


def advance_statuses(today: date) -> int:
    """Move signed and active promises along by the year of `today`; returns how many changed.

    Promises are changed through the ORM, not a bulk UPDATE, so each change is audited and
    bumps the row version.
    """
    year = today.year
    ended = sa.and_(
        Promise.end_year < year,
        Promise.status.in_([PromiseStatus.SIGNED, PromiseStatus.ACTIVE]),
    )
    started = sa.and_(
        Promise.status == PromiseStatus.SIGNED,
        Promise.start_year <= year,
        Promise.end_year >= year,
    )
    promises = db.session.scalars(
        sa.select(Promise).where(sa.or_(ended, started)).order_by(Promise.id)
    ).all()
    for promise in promises:
        promise.status = (
            PromiseStatus.CONCLUDED if promise.end_year < year else PromiseStatus.ACTIVE
        )
    db.session.flush()
    return len(promises)
