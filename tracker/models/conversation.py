"""Comments on activities and the notifications users see in the app."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.models.base import UTCDateTime, created_at_column, str_enum
from tracker.models.user import User


class ActivityComment(db.Model):
    """One message in an activity's conversation between the municipality's members."""

    __tablename__ = "activity_comment"
    __table_args__ = (sa.Index("ix_activity_comment_activity_created", "activity_id",
                               "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activity.id", ondelete="CASCADE"))
    author_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = created_at_column()
    edited_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())

    author: Mapped[Optional[User]] = relationship(lazy="raise")


class NotificationKind(enum.Enum):
    ASSIGNED = "assigned"
    MENTIONED = "mentioned"
    ACTION_DUE = "action_due"
    APPROVAL = "approval"
    TIP = "tip"


class Notification(db.Model):
    """Something a user should see: what happened (kind), to what (target) and when it was read.

    The target is a (type, id) pair resolved to an address when shown, so a notification
    never stores a URL that a renamed route would break.
    """

    __tablename__ = "notification"
    __table_args__ = (
        sa.Index("ix_notification_user_created", "user_id", "created_at", "id"),
        # The header's count reads only the unread ones.
        sa.Index("ix_notification_unread", "user_id",
                 postgresql_where=sa.text("read_at IS NULL"),
                 sqlite_where=sa.text("read_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(
        str_enum(NotificationKind, "notification_kind"))
    target_type: Mapped[str] = mapped_column(sa.String(40))
    target_id: Mapped[int]
    # A place on the target's page, e.g. "kommentar-12".
    anchor: Mapped[str] = mapped_column(sa.String(60), default="", server_default="")
    text: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    actor_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = created_at_column()
    read_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
