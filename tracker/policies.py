"""Who may do what: can_*(user, obj) -> bool. Routes answer 403 when these say no.

`obj` is the thing acted on: a Municipality, or anything that belongs to one (a promise, a
commitment or focus area, an activity, a place, a tip, a follow-up, an indicator value); the
policy finds its municipality, so no caller walks an object up to it. A bare municipality id is
accepted where a caller holds no object (an id from a query's row).
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import (
    Membership,
    Municipality,
    Party,
    Promise,
    PromiseStatus,
    Role,
    activity_assignee,
)

EDIT_ROLES = {Role.COORDINATOR}
LOG_ROLES = {Role.COORDINATOR, Role.OFFICER}
OFFICER_PARTIES = (Party.POLISEN, Party.TILLSAMMANS)
ROLES_KEY = "tracker.roles_by_user"  # in Session.info: read once per session (one per request)


def municipality_id_of(obj) -> int:
    """The municipality an object belongs to; rows looked up by key, so no statement when the
    caller has them loaded."""
    if isinstance(obj, int):
        return obj
    if isinstance(obj, Municipality):
        return obj.id
    municipality_id = getattr(obj, "municipality_id", None)
    if municipality_id is not None:
        return municipality_id
    promise_id = getattr(obj, "promise_id", None)  # focus area, commitment, follow-up
    if promise_id is not None:
        promise = db.session.get(Promise, promise_id)
        if promise is not None:
            return promise.municipality_id
    raise TypeError(f"{type(obj).__name__} belongs to no municipality")


def _role_cache() -> dict[int, dict[int, Role]]:
    """Roles by user id, kept in the database session's own `info` dictionary: as long-lived
    as the session (one per request or job), and no request object needed."""
    return db.session.info.setdefault(ROLES_KEY, {})


def remember_roles(user, roles: dict[int, Role]) -> None:
    """Roles already read with the user (the login loader): roles_of asks no more."""
    _role_cache()[user.id] = roles


def roles_of(user) -> dict[int, Role]:
    """The user's role per municipality id; one query per session."""
    if user is None or not user.is_authenticated:
        return {}
    cache = _role_cache()
    if user.id not in cache:
        rows = db.session.execute(
            sa.select(Membership.municipality_id, Membership.role).where(
                Membership.user_id == user.id
            )
        ).all()
        cache[user.id] = dict(rows)
    return cache[user.id]


def role_in(user, obj) -> Role | None:
    """The user's role in the municipality `obj` belongs to."""
    return roles_of(user).get(municipality_id_of(obj))


def municipality_ids(user) -> set[int]:
    return set(roles_of(user))


def can_view(user, obj) -> bool:
    return bool(user.is_authenticated and (user.is_admin or role_in(user, obj)))


def can_edit(user, obj) -> bool:
    return bool(user.is_authenticated and (user.is_admin or role_in(user, obj) in EDIT_ROLES))


def can_log(user, obj) -> bool:
    return bool(user.is_authenticated and (user.is_admin or role_in(user, obj) in LOG_ROLES))


def can_approve(user, obj) -> bool:
    """Approving a follow-up takes a coordinator of that municipality (admins do not approve)."""
    return bool(user.is_authenticated and role_in(user, obj) in EDIT_ROLES)


def is_owner_or_assignee(user, activity) -> bool:
    """The owner, or one of the assignees (their ids where the caller has them, as the
    activity page's kept facts do; the loaded list; else one EXISTS query)."""
    if activity.owner_id == user.id:
        return True
    assignee_ids = getattr(activity, "assignee_ids", None)
    if assignee_ids is not None:
        return user.id in assignee_ids
    if "assignees" in sa.inspect(activity).dict:
        return any(a.id == user.id for a in activity.assignees)
    return bool(db.session.scalar(sa.select(sa.exists().where(
        activity_assignee.c.activity_id == activity.id,
        activity_assignee.c.user_id == user.id))))


def is_concluded(promise) -> bool:
    """A promise whose period is over takes no new activities and no changes to its text."""
    return promise.status == PromiseStatus.CONCLUDED


def can_create_activity(user, commitment) -> bool:
    """Coordinators anywhere in their municipality; officers under Polisen or Tillsammans;
    nobody under a concluded promise."""
    promise = db.session.get(Promise, commitment.promise_id)  # by key: loaded by the caller
    if promise is None or is_concluded(promise):
        return False
    if can_edit(user, promise):
        return True
    return role_in(user, promise) == Role.OFFICER and commitment.party in OFFICER_PARTIES


def can_change_promise(user, promise) -> bool:
    """Editing a promise's details or importing into it: its coordinators, until it concludes."""
    return can_edit(user, promise) and not is_concluded(promise)


def can_log_on(user, activity) -> bool:
    if can_edit(user, activity):
        return True
    return role_in(user, activity) == Role.OFFICER and is_owner_or_assignee(user, activity)


can_set_status = can_log_on


def can_handle_tips(user, obj) -> bool:
    """Reading residents' tips and triaging them: coordinators and admins."""
    return can_edit(user, obj)


def can_read_tips(user, obj) -> bool:
    """Reading tips, their status and the answers, without the resident's address: also the
    municipality's officers (kommunpolis), who work on what the tips tell."""
    return can_handle_tips(user, obj) or (
        user.is_authenticated and role_in(user, obj) == Role.OFFICER
    )


def can_see_tip_counts(user, obj) -> bool:
    """Counts per month and status, without any tip's text: also the municipality's viewers."""
    return can_read_tips(user, obj) or (
        user.is_authenticated and role_in(user, obj) == Role.VIEWER
    )


def correction_scope(user, activity) -> str | None:
    """Whose logged occasions of the activity the user may edit or remove: "all" (the
    municipality's coordinators and admins), "own" (an author while they may still log in
    that municipality) or None."""
    if can_edit(user, activity):
        return "all"
    if user.is_authenticated and role_in(user, activity) in LOG_ROLES:
        return "own"
    return None


def correctable_entries(user, activity, entries) -> set[int]:
    """The ids of those of the activity's `entries` the user may edit or remove."""
    scope = correction_scope(user, activity)
    if scope is None:
        return set()
    user_id = user.id
    return {e.id for e in entries if scope == "all" or e.author_id == user_id}


def can_correct_entry(user, activity, entry) -> bool:
    """Editing or removing one logged occasion of the activity (see `correction_scope`)."""
    return bool(correctable_entries(user, activity, [entry]))


# ---- the conversation on an activity: members who may log write; viewers read
COMMENT_EDIT_MINUTES = 15
COMMENT_EDIT_WINDOW = timedelta(minutes=COMMENT_EDIT_MINUTES)


def can_comment(user, obj) -> bool:
    """Writing in an activity's conversation: coordinators, officers (any of the municipality's
    activities) and admins; a viewer reads it."""
    return can_log(user, obj)


def owns_comment(user, obj, comment) -> bool:
    """The comment's author, while they may still write in the conversation: theirs to change
    or remove within COMMENT_EDIT_WINDOW (can_change_comment, can_remove_comment add the
    window). Whether the window has passed is a separate question, so the author can be told
    why."""
    return bool(user.is_authenticated and comment.author_id == user.id
                and can_comment(user, obj))


def owns_or_moderates_comment(user, obj, comment) -> bool:
    """Who may ask to remove a comment: its author, or a coordinator (moderation)."""
    return owns_comment(user, obj, comment) or can_edit(user, obj)


def can_change_comment(user, obj, comment, now: datetime) -> bool:
    """Editing a comment: its author, within COMMENT_EDIT_WINDOW of writing it."""
    return owns_comment(user, obj, comment) and now - comment.created_at <= COMMENT_EDIT_WINDOW


def can_remove_comment(user, obj, comment, now: datetime) -> bool:
    """Removing a comment: its author within the window, or a coordinator (moderation)."""
    return can_change_comment(user, obj, comment, now) or can_edit(user, obj)


def can_work_on_action(user, action, activity) -> bool:
    """An action point's status and photos: its owner, and whoever may log on its activity."""
    if not user.is_authenticated:
        return False
    if action.owner_id == user.id and role_in(user, action) in LOG_ROLES:
        return True
    return can_log_on(user, activity)


def can_remove_attachment(user, attachment) -> bool:
    """The municipality's coordinators, or whoever uploaded it while they may still log there."""
    if can_edit(user, attachment):
        return True
    return bool(user.is_authenticated and attachment.uploaded_by_id == user.id
                and role_in(user, attachment) in LOG_ROLES)


def can_publish_protocol(user, obj) -> bool:
    """Making a walk's protocol public is the coordinator's choice."""
    return can_edit(user, obj)
