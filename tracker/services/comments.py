"""The conversation on an activity: members comment, `@Namn` notifies a member, and the author
may edit or remove a comment within policies.COMMENT_EDIT_WINDOW.

Every rule is checked here, whoever calls (the web form, the API). The audit trail records
each insert, change and delete of a comment row (a removed comment is kept whole there).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa

from tracker import policies
from tracker.extensions import db
from tracker.models import Activity, ActivityComment, Membership, NotificationKind, User
from tracker.models.base import utcnow
from tracker.services import DomainError, FieldErrors, notifications, personal_data
from tracker.services.limits import too_long
from tracker.translation import gettext as _
from tracker.validators import clean_text

MAX_LENGTH = 4000
# What may stand right before an @ (so "anna@kommun.se" is no mention).
_MENTION = re.compile(r"(?:(?<=^)|(?<=[\s(\[,;:]))@", re.MULTILINE)


def anchor(comment_id: int) -> str:
    """The comment's place on the activity page."""
    return f"kommentar-{comment_id}"


def _text(value: str | None) -> str:
    text = (clean_text(value) or "").replace("\r\n", "\n").strip()
    if not text:
        raise FieldErrors({"text": _("Skriv en kommentar.")})
    if len(text) > MAX_LENGTH:
        raise FieldErrors({"text": too_long(_("Kommentaren"), MAX_LENGTH)})
    errors = personal_data.check_fields({"text": (_("Kommentar"), text)})
    if errors:
        raise FieldErrors(errors)
    return text


def _members(municipality_id: int) -> list[tuple[int, str, str]]:
    """(id, name, e-mail) of the municipality's enabled members."""
    return list(db.session.execute(
        sa.select(User.id, User.name, User.email)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.municipality_id == municipality_id, User.is_enabled)).all())


def _ends_word(text: str, end: int) -> bool:
    return end >= len(text) or not (text[end].isalnum() or text[end] in "_-")


def mentioned_ids(municipality_id: int, text: str) -> set[int]:
    """Members named after an @: by their whole name ("@Anna Andersson", any case; the longest
    name that fits) or their e-mail's local part ("@anna.andersson")."""
    if "@" not in text:
        return set()
    members = _members(municipality_id)
    folded = text.casefold()
    found = set()
    for match in _MENTION.finditer(text):
        start = match.end()
        best: tuple[int, int] | None = None  # (length, user id)
        for user_id, name, email in members:
            for handle in (name.casefold().strip(), email.partition("@")[0].casefold()):
                end = start + len(handle)
                if (handle and folded.startswith(handle, start) and _ends_word(text, end)
                        and (best is None or len(handle) > best[0])):
                    best = (len(handle), user_id)
        if best is not None:
            found.add(best[1])
    return found


def _notify_mentioned(actor: User, activity: Activity, comment: ActivityComment,
                      user_ids: set[int]) -> None:
    notifications.notify(user_ids, NotificationKind.MENTIONED, "activity", activity.id,
                         activity.title, actor=actor, anchor=anchor(comment.id))


def add_comment(actor: User, activity: Activity, text: str | None) -> ActivityComment:
    """A new comment; members it mentions are notified."""
    if not policies.can_comment(actor, activity):
        raise DomainError(_("Du får läsa men inte skriva kommentarer på den här aktiviteten."))
    comment = ActivityComment(activity_id=activity.id, author_id=actor.id, text=_text(text))
    db.session.add(comment)
    db.session.flush()
    _notify_mentioned(actor, activity, comment,
                      mentioned_ids(activity.municipality_id, comment.text))
    return comment


def _own(activity: Activity, comment: ActivityComment) -> None:
    if comment.activity_id != activity.id:
        raise DomainError(_("Kommentaren hör till en annan aktivitet."))


def edit_comment(actor: User, activity: Activity, comment: ActivityComment, text: str | None,
                 *, now: datetime | None = None) -> ActivityComment:
    """The author's correction within the window; members newly mentioned are notified."""
    _own(activity, comment)
    if not policies.can_change_comment(actor, activity, comment,
                                       now or utcnow()):
        raise DomainError(_("Du kan bara ändra din egen kommentar, och bara inom %(minutes)d "
                            "minuter efter att du skrev den.",
                            minutes=policies.COMMENT_EDIT_MINUTES))
    new = _text(text)
    if new == comment.text:
        return comment
    before = mentioned_ids(activity.municipality_id, comment.text)
    comment.text = new
    comment.edited_at = utcnow()
    db.session.flush()
    _notify_mentioned(actor, activity, comment,
                      mentioned_ids(activity.municipality_id, new) - before)
    return comment


def remove_comment(actor: User, activity: Activity, comment: ActivityComment, *,
                   now: datetime | None = None) -> None:
    """Delete a comment: its author within the window, or a coordinator; the audit trail keeps
    the removed row whole."""
    _own(activity, comment)
    if not policies.can_remove_comment(actor, activity, comment,
                                       now or utcnow()):
        raise DomainError(_("Du kan bara ta bort din egen kommentar, och bara inom %(minutes)d "
                            "minuter efter att du skrev den.",
                            minutes=policies.COMMENT_EDIT_MINUTES))
    db.session.delete(comment)
    db.session.flush()


@dataclass(frozen=True)
class CommentRow:
    id: int
    text: str
    author_id: int | None
    author_name: str | None
    created_at: datetime
    edited_at: datetime | None
    can_change: bool = False
    can_remove: bool = False


_ROWS = (
    sa.select(ActivityComment.id, ActivityComment.text, ActivityComment.author_id,
              User.name.label("author_name"), ActivityComment.created_at,
              ActivityComment.edited_at)
    .outerjoin(User, User.id == ActivityComment.author_id)
    .where(ActivityComment.activity_id == sa.bindparam("activity_id"))
    .order_by(ActivityComment.created_at, ActivityComment.id)
)


def comment_rows(activity_id: int) -> tuple[CommentRow, ...]:
    """The activity's comments, oldest first, without what a reader may do (one statement):
    the same for every reader, so a page may keep them (tracker/page_cache.py)."""
    return tuple(CommentRow(r.id, r.text, r.author_id, r.author_name, r.created_at, r.edited_at)
                 for r in db.session.execute(_ROWS, {"activity_id": activity_id}))


def for_reader(user: User, activity: object, rows, now: datetime | None = None
               ) -> list[CommentRow]:
    """`rows` of the activity's conversation, each with what `user` may do with it now
    (`activity` as the policies take it: the model or the page's kept facts)."""
    now = now or utcnow()
    return [replace(row, can_change=policies.can_change_comment(user, activity, row, now),
                    can_remove=policies.can_remove_comment(user, activity, row, now))
            for row in rows]


def conversation(user: User, activity: Activity, now: datetime | None = None) -> list[CommentRow]:
    """The activity's comments, oldest first, each with what `user` may do (one statement)."""
    return for_reader(user, activity, comment_rows(activity.id), now)
