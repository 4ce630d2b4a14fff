"""Safety walks (trygghetsvandringar): the protocol of an occasion, its findings, the action
points that follow from them (or from any activity's decisions) and attached files."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.models.base import UTCDateTime, created_at_column, str_enum, updated_at_column
from tracker.models.geo import Place
from tracker.models.user import User


class AttachmentKind(enum.Enum):
    IMAGE = "image"
    PDF = "pdf"


class FindingCategory(enum.Enum):
    LIGHTING = "belysning"
    VEGETATION = "vegetation"
    GRAFFITI = "klotter"
    LITTER = "nedskrapning"
    VANDALISM = "skadegorelse"
    TRAFFIC = "trafik"
    UNSAFE_PLACE = "otrygg_plats"
    OTHER = "annat"


class ResponsibleParty(enum.Enum):
    KOMMUNEN = "kommunen"
    POLISEN = "polisen"
    PROPERTY_OWNER = "fastighetsagare"
    OTHER = "annan"


class ActionStatus(enum.Enum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CLOSED = "closed"  # avslutad utan åtgärd, with a reason


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


walk_route_place = sa.Table(
    "walk_route_place",
    db.metadata,
    sa.Column("protocol_id", sa.ForeignKey("walk_protocol.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("place_id", sa.ForeignKey("place.id", ondelete="CASCADE"), primary_key=True,
              index=True),
)


class WalkProtocol(db.Model):
    """The protocol of one logged walk occasion: route, participants, findings."""

    __tablename__ = "walk_protocol"

    id: Mapped[int] = mapped_column(primary_key=True)
    log_entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("log_entry.id", ondelete="CASCADE"), unique=True)
    activity_id: Mapped[int] = mapped_column(
        sa.ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="CASCADE"), index=True)
    # [{"organisation": "Kommunen", "count": 3}, ...]
    participants: Mapped[list] = mapped_column(sa.JSON, default=list)
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    published_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    version_id: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    route: Mapped[list[Place]] = relationship(secondary=walk_route_place, lazy="raise",
                                              order_by="Place.name")

    __mapper_args__ = {"version_id_col": version_id}


class Finding(db.Model):
    """One thing the walk noted: where, what kind, what."""

    __tablename__ = "finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    protocol_id: Mapped[int] = mapped_column(
        sa.ForeignKey("walk_protocol.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=1)
    place_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("place.id", ondelete="SET NULL"), index=True)
    category: Mapped[FindingCategory] = mapped_column(
        str_enum(FindingCategory, "finding_category"))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    place: Mapped[Optional[Place]] = relationship(lazy="raise")


class ActionPoint(db.Model):
    """An action someone is to take, tracked to its end: a finding's, or a meeting's decision."""

    __tablename__ = "action_point"
    __table_args__ = (
        sa.CheckConstraint("status <> 'closed' OR status_reason <> ''",
                           name="closed_needs_reason"),
        sa.Index("ix_action_point_municipality_status", "municipality_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="CASCADE"))
    activity_id: Mapped[int] = mapped_column(
        sa.ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    log_entry_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("log_entry.id", ondelete="CASCADE"), index=True)
    finding_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("finding.id", ondelete="CASCADE"), unique=True)
    # The finding's place and category, kept here so the list filters without joins.
    place_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("place.id", ondelete="SET NULL"), index=True)
    category: Mapped[Optional[FindingCategory]] = mapped_column(
        str_enum(FindingCategory, "action_point_category"))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    party: Mapped[ResponsibleParty] = mapped_column(
        str_enum(ResponsibleParty, "responsible_party"))
    party_name: Mapped[str] = mapped_column(sa.String(200), default="")
    owner_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    due_date: Mapped[Optional[date]]
    status: Mapped[ActionStatus] = mapped_column(
        str_enum(ActionStatus, "action_status"), default=ActionStatus.OPEN)
    status_reason: Mapped[str] = mapped_column(sa.Text, default="")
    version_id: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    place: Mapped[Optional[Place]] = relationship(lazy="raise")
    owner: Mapped[Optional[User]] = relationship(lazy="raise")
    finding: Mapped[Optional[Finding]] = relationship(lazy="raise")

    __mapper_args__ = {"version_id_col": version_id}


class Attachment(db.Model):
    """A photo or PDF on an activity, an occasion, a finding or an action point. The file lives
    under UPLOAD_DIR by a random name; the row says whose it is (and so who may read it)."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int] = mapped_column(
        sa.ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    log_entry_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("log_entry.id", ondelete="CASCADE"), index=True)
    finding_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("finding.id", ondelete="CASCADE"), index=True)
    action_point_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("action_point.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AttachmentKind] = mapped_column(str_enum(AttachmentKind, "attachment_kind"))
    content_type: Mapped[str] = mapped_column(sa.String(60))
    file_name: Mapped[str] = mapped_column(sa.String(200))
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    thumb_name: Mapped[Optional[str]] = mapped_column(sa.String(80))
    size_bytes: Mapped[int]
    width: Mapped[Optional[int]]
    height: Mapped[Optional[int]]
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at_column()
