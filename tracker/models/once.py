"""One-time keys: a form or an API request that creates something is carried out once."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import db
from tracker.models.base import created_at_column


class IdempotencyKey(db.Model):
    """The first result of a request sent with `key` by `scope` (a user, or an anonymous
    session). Written in the same transaction as what the request created, so a repeat either
    finds it or waits for it on the UNIQUE constraint; never a second copy."""

    __tablename__ = "idempotency_key"
    __table_args__ = (sa.UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(sa.String(80))
    key: Mapped[str] = mapped_column(sa.String(100))
    # What the request was (method, path and, for the API, its body): the same key sent with
    # another request is refused rather than answered with an unrelated result.
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    location: Mapped[str] = mapped_column(sa.String(500), default="")
    entity: Mapped[str] = mapped_column(sa.String(60), default="")
    entity_id: Mapped[Optional[int]]
    created_at: Mapped[datetime] = created_at_column()
