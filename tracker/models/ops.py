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
    NEW = "new"
    ANSWERED = "answered"
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

    municipality: Mapped[Municipality] = relationship(lazy="raise")


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
