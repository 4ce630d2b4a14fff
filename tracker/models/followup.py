"""The yearly follow-up report of a promise: draft → approved → published."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.models.base import UTCDateTime, created_at_column, str_enum
from tracker.models.promise import Promise
from tracker.models.user import User
from tracker.services.limits import YEAR_MAX, YEAR_MIN


class FollowUpStatus(enum.Enum):
    DRAFT = "draft"
    APPROVED = "approved"
    PUBLISHED = "published"


class Verdict(enum.Enum):
    FULFILLED = "uppfyllt"
    PARTLY = "delvis_uppfyllt"
    NOT_FULFILLED = "ej_uppfyllt"
    ONGOING = "pagar"
    NOT_STARTED = "ej_paborjat"         # the period runs, and nothing is registered yet
    DONE = "genomfort"                  # a way of working that was carried out
    CANNOT_ASSESS = "kan_inte_bedomas"  # nothing measures it (yet)

    @property
    def needs_reason(self) -> bool:
        """A verdict short of fulfilled says why (docs/domain.md's short list plus free text)."""
        return self not in (Verdict.FULFILLED, Verdict.DONE)


class VerdictReason(enum.Enum):
    """Why a commitment is not (yet) fulfilled, as the parties say it."""

    NOT_PRIORITISED = "ej_prioriterat"
    RESOURCES = "resursbrist"
    CHANGED_CONDITIONS = "andrade_forutsattningar"
    OTHER_ACTOR = "beroende_av_annan_aktor"
    TOO_EARLY = "for_tidigt_att_bedoma"
    OTHER = "annat"


class FollowUp(db.Model):
    __tablename__ = "follow_up"
    __table_args__ = (
        sa.UniqueConstraint("promise_id", "year"),
        sa.CheckConstraint(f"year BETWEEN {YEAR_MIN} AND {YEAR_MAX}", name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    promise_id: Mapped[int] = mapped_column(sa.ForeignKey("promise.id", ondelete="CASCADE"))
    year: Mapped[int]
    status: Mapped[FollowUpStatus] = mapped_column(
        str_enum(FollowUpStatus, "follow_up_status"), default=FollowUpStatus.DRAFT
    )
    # {section_key: {"title", "generated", "edited" (None until a person edits), "edited_by", "edited_at"}}
    sections: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # {commitment_id: {"suggested", "reason" (the compiler's basis), "auto_reason_code",
    #                   "override" (None or a Verdict value), "override_reason",
    #                   "reason_code" (a VerdictReason value, set by a person),
    #                   "section", "party", "text", "kind", "key" (its body section)}}
    verdicts: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # {"months": [{"title", "counts": [12 ints]}], "indicators": [{name, unit, this_year, ...}]}
    figures: Mapped[dict] = mapped_column(sa.JSON, default=dict, server_default=sa.text("'{}'"))
    compiled_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    police_approved_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    police_approved_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    municipality_approved_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    municipality_approved_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    published_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    correction_note: Mapped[str] = mapped_column(sa.Text, default="")
    version_id: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = created_at_column()

    promise: Mapped[Promise] = relationship(lazy="raise")
    police_approved_by: Mapped[Optional[User]] = relationship(
        foreign_keys=[police_approved_by_id], lazy="raise"
    )
    municipality_approved_by: Mapped[Optional[User]] = relationship(
        foreign_keys=[municipality_approved_by_id], lazy="raise"
    )

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def is_editable(self) -> bool:
        return self.status is not FollowUpStatus.PUBLISHED

    @property
    def approval_count(self) -> int:
        return (self.police_approved_at is not None) + (self.municipality_approved_at is not None)


class FollowUpVersion(db.Model):
    """A snapshot taken at each save; a published one is never changed or deleted."""

    __tablename__ = "follow_up_version"
    __table_args__ = (
        sa.UniqueConstraint("follow_up_id", "number"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    follow_up_id: Mapped[int] = mapped_column(
        sa.ForeignKey("follow_up.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    sections: Mapped[dict] = mapped_column(sa.JSON)
    verdicts: Mapped[dict] = mapped_column(sa.JSON)
    figures: Mapped[dict] = mapped_column(sa.JSON)
    created_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = created_at_column()
    published_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    correction_note: Mapped[str] = mapped_column(sa.Text, default="")
    approvals: Mapped[list] = mapped_column(sa.JSON, default=list)  # who approved, for readers

    follow_up: Mapped[FollowUp] = relationship(lazy="raise")
    created_by: Mapped[Optional[User]] = relationship(lazy="raise")


@sa.event.listens_for(FollowUpVersion, "before_update")
@sa.event.listens_for(FollowUpVersion, "before_delete")
def _versions_are_immutable(mapper, connection, target: FollowUpVersion) -> None:
    raise ValueError("A follow-up version is a record; it is never changed or deleted.")
