"""Where a signed public promise stands, for residents, any day of the year.

Only aggregated counts, the promise's own text and the titles of activities a coordinator
marked "visa för invånare" leave this module: never names of people, notes, places or
descriptions. The figures are the ones the coordinators' promise page shows
(`services.promises.commitment_progress`): occasions logged on the commitment's activities,
against the commitment's target when it has one. A fixed four statements whatever the size.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import (
    LOGGED_COUNT,
    Activity,
    ActivityStatus,
    Commitment,
    LogEntry,
    Promise,
    Tip,
    TipStatus,
)
from tracker.services.promises import commitment_progress


@dataclass
class PublicActivity:
    title: str
    logged: int
    after_tip: bool  # a resident's tip led to it ("efter tips från invånare")
    year: str = ""  # "2025", said where two of a commitment's activities share a title


@dataclass
class CommitmentFigures:
    activities: int = 0
    logged: int = 0
    months: list[int] = field(default_factory=lambda: [0] * 12)
    public_activities: list[PublicActivity] = field(default_factory=list)

    @property
    def this_year(self) -> int:
        return sum(self.months)


@dataclass
class PromiseFigures:
    year: int  # the calendar year the months are of
    last_month: int  # 12, or this month in the current year
    commitments: dict[int, CommitmentFigures]
    updated_at: datetime | None

    def of(self, commitment_id: int) -> CommitmentFigures:
        return self.commitments.get(commitment_id) or CommitmentFigures()


def shown_year(promise: Promise, today: date) -> int:
    """This year within the promise's period; before it, its first year; after, its last."""
    return min(max(today.year, promise.start_year), promise.end_year)


def promise_figures(promise: Promise, today: date) -> PromiseFigures:
    year = shown_year(promise, today)
    figures: dict[int, CommitmentFigures] = {}
    for commitment_id, (activities, logged) in commitment_progress(promise.id).items():
        figures[commitment_id] = CommitmentFigures(activities, int(logged or 0))

    month = sa.extract("month", LogEntry.occurred_on)
    rows = db.session.execute(
        sa.select(Activity.commitment_id, month, sa.func.count(LogEntry.id))
        .join(Activity, Activity.id == LogEntry.activity_id)
        .join(Commitment, Commitment.id == Activity.commitment_id)
        .where(Commitment.promise_id == promise.id,
               LogEntry.occurred_on >= date(year, 1, 1),
               LogEntry.occurred_on <= date(year, 12, 31))
        .group_by(Activity.commitment_id, month)
    )
    for commitment_id, number, count in rows:
        figures.setdefault(commitment_id, CommitmentFigures()).months[int(number) - 1] = count

    after_tip = sa.exists().where(Tip.activity_id == Activity.id,
                                  Tip.status == TipStatus.ACTIVITY)
    listed: list[Any] = list(db.session.execute(
        sa.select(Activity.commitment_id, Activity.title, LOGGED_COUNT, after_tip,
                  sa.func.coalesce(Activity.due_date, Activity.start_date))
        .join(Commitment, Commitment.id == Activity.commitment_id)
        .where(Commitment.promise_id == promise.id, Activity.show_public.is_(True),
               Activity.status != ActivityStatus.CANCELLED)
        .order_by(Activity.commitment_id, Activity.title, Activity.id)
    ))
    # the year tells two of a commitment's activities of the same name apart ("… (2025)")
    named = Counter((commitment_id, title) for commitment_id, title, *_rest in listed)
    for commitment_id, title, logged, tipped, when in listed:
        told = str(when.year) if when and named[(commitment_id, title)] > 1 else ""
        figures.setdefault(commitment_id, CommitmentFigures()).public_activities.append(
            PublicActivity(title, int(logged or 0), bool(tipped), told))

    of_promise = (sa.select(Activity.id).join(Commitment, Commitment.id == Activity.commitment_id)
                  .where(Commitment.promise_id == promise.id))
    latest_entry = (sa.select(sa.func.max(LogEntry.created_at))
                    .where(LogEntry.activity_id.in_(of_promise)).scalar_subquery())
    latest_activity = (sa.select(sa.func.max(Activity.updated_at))
                       .where(Activity.id.in_(of_promise)).scalar_subquery())
    entry_at, activity_at = db.session.execute(sa.select(latest_entry, latest_activity)).one()
    moments = [m for m in (entry_at, activity_at) if m is not None]
    updated = max(moments) if moments else None
    last_month = today.month if year == today.year else 12
    return PromiseFigures(year, last_month, figures, updated)
