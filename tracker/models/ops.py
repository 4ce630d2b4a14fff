"""Operational records: the audit trail, residents' tips and scheduler job runs."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.models.base import UTCDateTime, created_at_column, str_enum
from tracker.models.geo import Municipality


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_event_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = created_at_column()
    actor_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    actor_label: Mapped[str] = mapped_column(sa.String(254), default="")
    entity: Mapped[str] = mapped_column(sa.String(60))
    entity_id: Mapped[Optional[int]]
    action: Mapped[str] = mapped_column(sa.String(40))
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    remote_addr: Mapped[str] = mapped_column(sa.String(64), default="")


class TipStatus(enum.Enum):
    NEW = "new"  # "mottaget" to the resident
    IN_PROGRESS = "in_progress"  # "under behandling"
    ANSWERED = "answered"  # "avslutat"
    ACTIVITY = "activity"
    DISMISSED = "dismissed"


class Tip(db.Model):
    __tablename__ = "tip"
    __table_args__ = (sa.Index("ix_tip_municipality_status", "municipality_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="CASCADE")
    )
    text: Mapped[str] = mapped_column(sa.Text)
    reply_to: Mapped[str] = mapped_column(sa.String(254), default="")
    status: Mapped[TipStatus] = mapped_column(str_enum(TipStatus, "tip_status"), default=TipStatus.NEW)
    activity_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("activity.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = created_at_column()
    handled_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    handled_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    handling_note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # The resident's private status address is a random secret; only its SHA-256 is kept.
    status_token_hash: Mapped[Optional[str]] = mapped_column(sa.String(64), unique=True)
    # When the reply address was deleted (the retention period after closing ran out).
    reply_to_deleted_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())

    municipality: Mapped[Municipality] = relationship(lazy="raise")

    @property
    def case_number(self) -> str:
        """What the resident quotes: the year received and the tip's number."""
        return f"{self.created_at.year}-{self.id:05d}"


class TipEvent(db.Model):
    """A status change of a tip and the answer the resident reads at the status address.

    The author is kept for the staff's history; the resident never sees who wrote."""

    __tablename__ = "tip_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(sa.ForeignKey("tip.id", ondelete="CASCADE"), index=True)
    status: Mapped[TipStatus] = mapped_column(str_enum(TipStatus, "tip_event_status"))
    answer: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    author_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = created_at_column()


class Subscription(db.Model):
    """A resident following one municipality by e-mail: the address and whether it was
    confirmed, nothing else. The links in the mail are HMACs of the row, never stored."""

    __tablename__ = "subscription"
    __table_args__ = (sa.UniqueConstraint("municipality_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(sa.String(254))
    confirmed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at_column()


class FollowUpFeedback(db.Model):
    """ "Var uppföljningen till hjälp?": a rating 1–5 and an optional comment, public only
    once a coordinator approved it."""

    __tablename__ = "followup_feedback"
    __table_args__ = (sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    follow_up_id: Mapped[int] = mapped_column(
        sa.ForeignKey("follow_up.id", ondelete="CASCADE"), index=True
    )
    rating: Mapped[int]
    comment: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    approved_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = created_at_column()


class JobOutcome(enum.Enum):
    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"


class JobRun(db.Model):
    __tablename__ = "job_run"
    __table_args__ = (sa.UniqueConstraint("job", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(sa.String(60))
    key: Mapped[str] = mapped_column(sa.String(120))
    started_at: Mapped[datetime] = created_at_column()
    finished_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    outcome: Mapped[JobOutcome] = mapped_column(
        str_enum(JobOutcome, "job_outcome"), default=JobOutcome.RUNNING
    )
    error: Mapped[str] = mapped_column(sa.Text, default="")
    # The lease: a running run whose lease has expired (its process died, or lost the database)
    # is taken over by the next scheduler that looks, and resumed.
    run_for: Mapped[Optional[date]]  # the scheduled day the run is for (its `today`)
    holder: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    heartbeat_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    lease_expires_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=1, server_default="1")
