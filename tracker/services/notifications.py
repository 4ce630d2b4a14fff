"""Notifications in the app: what a user should look at, counted in the header and listed.

Other code calls `notify` (kind, target object, text) in its own transaction; the view or job
that commits the change commits the notifications with it. A target is a (type, id) pair
resolved to an address when shown (`TARGETS`): a notification never stores a URL.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import url_for
from werkzeug.routing import BuildError

from tracker.extensions import db
from tracker.formatting import date_local
from tracker.models import Membership, Notification, NotificationKind, Role, User
from tracker.models.base import utcnow
from tracker.pagination import LIMIT, OFFSET, Page, windowed
from tracker.translation import gettext as _
from tracker.urls import absolute_url

MAX_TEXT_LENGTH = 300
PER_PAGE = 25

# target type → (endpoint, the endpoint's id argument). Action points register theirs where
# they are defined: register_target("action_point", "<blueprint>.<view>", "<id argument>").
TARGETS: dict[str, tuple[str, str]] = {
    "activity": ("activities.detail", "activity_id"),
    "followup": ("followups.show", "followup_id"),
    "tip": ("tips.detail", "tip_id"),
    "action_point": ("walks.action", "action_id"),
}


def register_target(target_type: str, endpoint: str, argument: str) -> None:
    """Make notifications about `target_type` link to `endpoint` with the target's id."""
    TARGETS[target_type] = (endpoint, argument)


def _user_id(user: User | int) -> int:
    return user if isinstance(user, int) else user.id


def notify(users: Iterable[User | int], kind: NotificationKind, target_type: str,
           target_id: int, text: str, *, actor: User | None = None, anchor: str = "",
           once: bool = False) -> list[Notification]:
    """Tell each user (never the actor) about `kind` on the target; `text` names the target
    ("the activity's title"). once=True skips a user already told this kind about this target
    (a due date reminded every day). Flushes; the caller commits."""
    if target_type not in TARGETS:
        raise ValueError(f"unknown notification target {target_type!r}")
    recipients = {_user_id(u) for u in users} - ({actor.id} if actor is not None else set())
    if once and recipients:
        recipients -= set(db.session.scalars(sa.select(Notification.user_id).where(
            Notification.user_id.in_(recipients), Notification.kind == kind,
            Notification.target_type == target_type, Notification.target_id == target_id)))
    created = [Notification(user_id=user_id, kind=kind, target_type=target_type,
                            target_id=target_id, anchor=anchor,
                            text=(text or "")[:MAX_TEXT_LENGTH],
                            actor_id=actor.id if actor is not None else None)
               for user_id in sorted(recipients)]
    db.session.add_all(created)
    if created:
        db.session.flush()
    return created


def settle(kind: NotificationKind, target_type: str, target_id: int) -> None:
    """Mark read what no longer waits for anyone (a follow-up approved by both parties)."""
    _read(db.session.scalars(sa.select(Notification).where(
        Notification.kind == kind, Notification.target_type == target_type,
        Notification.target_id == target_id, Notification.read_at.is_(None))))


def _read(unread: Iterable[Notification]) -> int:
    """Each marked read now (through the ORM: the audit trail records it); how many."""
    now, count = utcnow(), 0
    for notification in unread:
        notification.read_at = now
        count += 1
    db.session.flush()
    return count


def assigned(actor: User | None, activity, users: Iterable[User | int]) -> list[Notification]:
    """People newly assigned to an activity (the web form and the API call this)."""
    return notify(users, NotificationKind.ASSIGNED, "activity", activity.id, activity.title,
                  actor=actor)


def coordinators_of(municipality_id: int, *, organisation=None) -> list[int]:
    """The enabled coordinators of a municipality (optionally of one organisation), as ids."""
    query = (sa.select(User.id).join(Membership, Membership.user_id == User.id)
             .where(Membership.municipality_id == municipality_id,
                    Membership.role == Role.COORDINATOR, User.is_enabled))
    if organisation is not None:
        query = query.where(User.organisation == organisation)
    return list(db.session.scalars(query.order_by(User.id)))


def action_point_due(user_ids: Iterable[int], action_point_id: int, title: str,
                     due: date) -> list[Notification]:
    """An action point soon due (or overdue), once per action point and owner; for the
    action points' own reminder job. Needs register_target("action_point", ...) first."""
    return notify(user_ids, NotificationKind.ACTION_DUE, "action_point", action_point_id,
                  _("%(title)s (senast %(day)s)", title=title, day=date_local(due)), once=True)


# ---------------------------------------------------------------- the header and the list

def unread_count_of(user_id_column) -> sa.ScalarSelect:
    """The user's unread notifications, as a scalar subquery correlated to `user_id_column`
    (the login's own statement reads it: the header's count costs no statement of its own)."""
    return (sa.select(sa.func.count(Notification.id))
            .where(Notification.user_id == user_id_column, Notification.read_at.is_(None))
            .scalar_subquery())


@dataclass(frozen=True)
class Row:
    id: int
    kind: NotificationKind
    target_type: str
    text: str
    actor_name: str | None
    created_at: datetime
    read: bool


_PAGE = (
    sa.select(Notification.id, Notification.kind, Notification.target_type, Notification.text,
              User.name.label("actor"),
              Notification.created_at, Notification.read_at,
              sa.func.count().over().label("total"))
    .outerjoin(User, User.id == Notification.actor_id)
    .where(Notification.user_id == sa.bindparam("user_id"))
    .order_by(Notification.created_at.desc(), Notification.id.desc())
    .limit(LIMIT).offset(OFFSET)
)
_COUNT = sa.select(sa.func.count(Notification.id)).where(
    Notification.user_id == sa.bindparam("user_id"))


def page_of(user_id: int, page: int, per_page: int = PER_PAGE) -> tuple[Page, list[Row]]:
    """One page of the user's notifications, newest first, with the total: one statement
    (two past the last page)."""
    found = windowed(_PAGE, _COUNT, {"user_id": user_id}, page, per_page)
    rows = [Row(r.id, r.kind, r.target_type, r.text, r.actor, r.created_at, r.read_at is not None)
            for r in found.items]
    return found.with_items(rows), rows


def open_for(user: User, notification_id: int) -> Notification | None:
    """The user's own notification, marked read; None for anyone else's (a 404)."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        return None
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()
    return notification


def mark_all_read(user: User) -> int:
    """Every unread notification of the user read now; how many there were."""
    return _read(db.session.scalars(sa.select(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))))


def path_of(target_type: str, target_id: int, anchor: str = "") -> str | None:
    """The target's path in the app, None if its type has no page in this application."""
    if target_type not in TARGETS:
        return None
    endpoint, argument = TARGETS[target_type]
    try:
        values: dict[str, Any] = {argument: target_id, "_anchor": anchor or None}
        return url_for(endpoint, **values)
    except BuildError:
        return None


def address_of(target_type: str, target_id: int, anchor: str = "") -> str:
    """The target's absolute address (TRACKER_BASE_URL), for e-mail: the same page the
    notification opens in the app."""
    endpoint, argument = TARGETS[target_type]
    return absolute_url(endpoint, anchor=anchor, **{argument: target_id})


def message(row: Row) -> str:
    """The sentence a list shows, in the page's language."""
    kind, text, who = row.kind, row.text, row.actor_name or _("Någon")
    if kind is NotificationKind.ASSIGNED and row.target_type == "action_point":
        return _("%(who)s gav dig åtgärdspunkten ”%(title)s”.", who=who, title=text)
    if kind is NotificationKind.ASSIGNED:
        return _("%(who)s tilldelade dig aktiviteten ”%(title)s”.", who=who, title=text)
    if kind is NotificationKind.MENTIONED:
        return _("%(who)s nämnde dig i en kommentar om ”%(title)s”.", who=who, title=text)
    if kind is NotificationKind.APPROVAL:
        return _("Uppföljningen ”%(title)s” väntar på ditt godkännande.", title=text)
    if kind is NotificationKind.TIP:
        return _("Ett nytt tips från en invånare i %(municipality)s.", municipality=text)
    return _("Åtgärdspunkten ”%(title)s” ska snart vara klar.", title=text)
