"""Residents' feedback on a published follow-up: "Var uppföljningen till hjälp?" 1–5 and an
optional comment. A comment is public only once a municipality's coordinator approved it;
the coordinators see the distribution of ratings. No address or name is ever asked for."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from tracker import policies
from tracker.extensions import db
from tracker.models import FollowUpFeedback, User
from tracker.models.base import utcnow
from tracker.services import DomainError, FieldErrors, personal_data
from tracker.services.limits import too_long
from tracker.translation import gettext as _

MAX_COMMENT_LENGTH = 2000
RATINGS = (1, 2, 3, 4, 5)
PENDING_LIMIT = 100


def rating_refusal() -> str:
    """The one refusal of a missing or unknown rating, the form's and the service's."""
    return _("Välj en siffra från %(min)d till %(max)d.", min=RATINGS[0], max=RATINGS[-1])


def give(followup_id: int, rating, comment: str | None) -> FollowUpFeedback:
    comment = (comment or "").replace("\r\n", "\n").strip()
    errors: dict[str, str] = {}
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = None
    if rating not in RATINGS:
        errors["rating"] = rating_refusal()
    if len(comment) > MAX_COMMENT_LENGTH:
        errors["comment"] = too_long(_("Kommentaren"), MAX_COMMENT_LENGTH)
    for name, message in personal_data.check_fields(
            {"comment": (_("Kommentar"), comment)}).items():
        errors.setdefault(name, message)
    if errors:
        raise FieldErrors(errors)
    item = FollowUpFeedback(follow_up_id=followup_id, rating=rating, comment=comment)
    db.session.add(item)
    db.session.flush()
    return item


@dataclass
class Distribution:
    counts: dict[int, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def average(self) -> float | None:
        if not self.total:
            return None
        return sum(r * n for r, n in self.counts.items()) / self.total


def distribution(followup_id: int) -> Distribution:
    counts = dict.fromkeys(RATINGS, 0)
    counts.update(dict(db.session.execute(
        sa.select(FollowUpFeedback.rating, sa.func.count(FollowUpFeedback.id))
        .where(FollowUpFeedback.follow_up_id == followup_id)
        .group_by(FollowUpFeedback.rating)).all()))
    return Distribution(counts)


@dataclass
class PublicComment:
    at: datetime
    rating: int
    comment: str


def approved_comments(followup_id: int, limit: int = 50) -> list[PublicComment]:
    """What residents read under the follow-up: approved comments, newest first."""
    return [PublicComment(*row) for row in db.session.execute(
        sa.select(FollowUpFeedback.created_at, FollowUpFeedback.rating, FollowUpFeedback.comment)
        .where(FollowUpFeedback.follow_up_id == followup_id,
               FollowUpFeedback.approved_at.is_not(None), FollowUpFeedback.comment != "")
        .order_by(FollowUpFeedback.created_at.desc(), FollowUpFeedback.id.desc()).limit(limit))]


def pending_comments(followup_id: int) -> list[FollowUpFeedback]:
    return list(db.session.scalars(
        sa.select(FollowUpFeedback)
        .where(FollowUpFeedback.follow_up_id == followup_id,
               FollowUpFeedback.approved_at.is_(None), FollowUpFeedback.comment != "")
        .order_by(FollowUpFeedback.created_at, FollowUpFeedback.id).limit(PENDING_LIMIT)))


def _require(actor: User, municipality_id: int) -> None:
    if not policies.can_edit(actor, municipality_id):
        raise DomainError(_("Bara samordnare i kommunen kan granska kommentarerna."))


def approve(actor: User, item: FollowUpFeedback, municipality_id: int) -> None:
    _require(actor, municipality_id)
    if item.approved_at is None:
        item.approved_at = utcnow()
        item.approved_by_id = actor.id
        db.session.flush()


def reject(actor: User, item: FollowUpFeedback, municipality_id: int) -> None:
    """The comment is deleted and never shown; the rating stays in the distribution."""
    _require(actor, municipality_id)
    item.comment = ""
    item.approved_at = None
    db.session.flush()
