"""Activity types (measures as data), activities and the occasions logged against them."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, Unmapped, mapped_column, relationship, unmapped_column

from tracker.extensions import db
from tracker.models.base import created_at_column, str_enum, updated_at_column
from tracker.models.geo import Municipality, Place
from tracker.models.promise import Commitment
from tracker.models.user import User


class MeasureKind(enum.Enum):
    INTEGER = "integer"
    DECIMAL = "decimal"
    TEXT = "text"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    PLACE = "place"
    DATE = "date"  # a day, stored as "2027-01-20": a walk's follow-up meeting, a day done


class ActivityStatus(enum.Enum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class ActivityType(db.Model):
    __tablename__ = "activity_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name_sv: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120), default="")
    # The follow-up's grammar: "1 trafikkontroll", "42 trafikkontroller".
    noun_singular: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    noun_plural: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # [{"key", "label", "kind": MeasureKind value, "required": bool, "choices": [...],
    #   and how the follow-up says it (all optional): "phrase" ("{n} elever") and for a total
    #   of one "phrase_one" ("{n} elev"),
    #   "total": "sum" | "average" | "none", "choice_phrases" ({choice: "{n} hastighetskontroller"}),
    #   "choice_phrases_one" (the same for one: {choice: "{n} hastighetskontroll"}),
    #   "yes_phrase" ("{n} tillsammans med socialtjänsten"), "list_label" ("Ämnen", for a text
    #   measure whose values are listed), "in_report": bool}]
    measures: Mapped[list] = mapped_column(sa.JSON, default=list)
    is_active: Mapped[bool] = mapped_column(default=True)


activity_assignee = sa.Table(
    "activity_assignee",
    db.metadata,
    sa.Column("activity_id", sa.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "user_id", sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)

activity_place = sa.Table(
    "activity_place",
    db.metadata,
    sa.Column("activity_id", sa.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("place_id", sa.ForeignKey("place.id", ondelete="CASCADE"), primary_key=True),
)


class Activity(db.Model):
    __tablename__ = "activity"
    __table_args__ = (
        sa.CheckConstraint(
            "target_count IS NULL OR target_count >= 0", name="target_non_negative"
        ),
        sa.CheckConstraint(
            "due_date IS NULL OR start_date IS NULL OR due_date >= start_date",
            name="due_after_start",
        ),
        sa.CheckConstraint(
            "status <> 'cancelled' OR status_reason <> ''", name="cancel_needs_reason"
        ),
        sa.Index("ix_activity_municipality_status", "municipality_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("commitment.id", ondelete="CASCADE"), index=True
    )
    # Denormalised from commitment → promise so lists filter without joins.
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="CASCADE")
    )
    type_id: Mapped[int] = mapped_column(sa.ForeignKey("activity_type.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    owner_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[ActivityStatus] = mapped_column(
        str_enum(ActivityStatus, "activity_status"), default=ActivityStatus.PLANNED
    )
    status_reason: Mapped[str] = mapped_column(sa.Text, default="")
    start_date: Mapped[Optional[date]]
    due_date: Mapped[Optional[date]]
    # {"freq": "weekly"|"monthly", "interval": 1, "weekdays": [0..6], "until": "YYYY-MM-DD", "count": n}
    recurrence: Mapped[Optional[dict]] = mapped_column(sa.JSON)
    target_count: Mapped[Optional[int]]
    is_demo: Mapped[bool] = mapped_column(default=False)
    # "Visa för invånare": the title (never the description, people or notes) on public pages.
    show_public: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    version_id: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    commitment: Mapped[Commitment] = relationship(lazy="raise")
    municipality: Mapped[Municipality] = relationship(lazy="raise")
    type: Mapped[ActivityType] = relationship(lazy="raise")
    owner: Mapped[Optional[User]] = relationship(lazy="raise")
    assignees: Mapped[list[User]] = relationship(secondary=activity_assignee, lazy="raise")
    places: Mapped[list[Place]] = relationship(secondary=activity_place, lazy="raise")

    # Occasions logged on this activity, kept by the database: triggers on log_entry add and
    # subtract as entries come and go, whichever way they are written (migration 5f0c2d7e8a41).
    # The ORM never reads or writes it (not mapped); queries read LOGGED_COUNT.
    logged_count: Unmapped[int] = unmapped_column(server_default=sa.text("0"))

    __mapper_args__ = {"version_id_col": version_id}


LOGGED_COUNT = Activity.__table__.c.logged_count


class LogEntry(db.Model):
    __tablename__ = "log_entry"
    __table_args__ = (
        sa.CheckConstraint(
            "duration_minutes IS NULL OR duration_minutes >= 0", name="duration_non_negative"
        ),
        sa.Index("ix_log_entry_activity_occurred", "activity_id", "occurred_on", "id"),
        # The follow-up's notes read only the few entries marked for it (bench/README.md).
        sa.Index("ix_log_entry_followup_notes", "activity_id", "occurred_on",
                 postgresql_where=sa.text("include_in_followup IS true"),
                 sqlite_where=sa.text("include_in_followup IS 1")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activity.id", ondelete="CASCADE"))
    occurred_on: Mapped[date]
    duration_minutes: Mapped[Optional[int]]
    place_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("place.id", ondelete="SET NULL"), index=True
    )
    # jsonb on PostgreSQL: the follow-up's aggregates read its keys without re-parsing.
    measures: Mapped[dict] = mapped_column(sa.JSON().with_variant(JSONB(), "postgresql"),
                                           default=dict)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    include_in_followup: Mapped[bool] = mapped_column(default=False)
    author_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    is_demo: Mapped[bool] = mapped_column(default=False)
    # Optimistic locking for corrections: an edit or a removal names the version it read.
    version_id: Mapped[int] = mapped_column(default=1, server_default=sa.text("1"))
    created_at: Mapped[datetime] = created_at_column()

    activity: Mapped[Activity] = relationship(lazy="raise")
    place: Mapped[Optional[Place]] = relationship(lazy="raise")
    author: Mapped[Optional[User]] = relationship(lazy="raise")

    __mapper_args__ = {"version_id_col": version_id}
