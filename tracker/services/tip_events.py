"""A tip's status history: one TipEvent per status change or answer.

The resident reads the public side at the tip's private status address (never who wrote it);
the municipality's staff read the same events with their authors.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import TipEvent, TipStatus, User


@dataclass
class PublicEvent:
    at: datetime
    status: TipStatus
    answer: str


def public_events(tip_id: int) -> list[PublicEvent]:
    """What the resident reads: each status change and answer, oldest first, never who."""
    return [PublicEvent(*row) for row in db.session.execute(
        sa.select(TipEvent.created_at, TipEvent.status, TipEvent.answer)
        .where(TipEvent.tip_id == tip_id).order_by(TipEvent.created_at, TipEvent.id))]


@dataclass
class StaffEvent:
    at: datetime
    status: TipStatus
    answer: str
    author: str | None


def staff_events(tip_id: int) -> list[StaffEvent]:
    return [StaffEvent(*row) for row in db.session.execute(
        sa.select(TipEvent.created_at, TipEvent.status, TipEvent.answer, User.name)
        .outerjoin(User, User.id == TipEvent.author_id)
        .where(TipEvent.tip_id == tip_id).order_by(TipEvent.created_at, TipEvent.id))]
