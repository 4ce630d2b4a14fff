"""Who may do what: (user, object) -> bool. Routes answer 403 when these say no."""
from __future__ import annotations

import sqlalchemy as sa
from flask import g

from tracker.extensions import db
from tracker.models import Membership, Role, activity_assignee

EDIT_ROLES = {Role.COORDINATOR}
LOG_ROLES = {Role.COORDINATOR, Role.OFFICER}


def role_in(user, municipality_id: int) -> Role | None:
    """The user's role in a municipality; one query per request, cached on g."""
    return roles_of(user).get(municipality_id)


def remember_roles(user, roles: dict[int, Role]) -> None:
    """Roles already read with the user (the login loader): roles_of asks no more."""
    g.setdefault("roles_by_user", {})[user.id] = roles


def roles_of(user) -> dict[int, Role]:
    if user is None or not user.is_authenticated:
        return {}
    cache = g.setdefault("roles_by_user", {})
    if user.id not in cache:
        rows = db.session.execute(
            sa.select(Membership.municipality_id, Membership.role).where(
                Membership.user_id == user.id
            )
        ).all()
        cache[user.id] = dict(rows)
    return cache[user.id]


def municipality_ids(user) -> set[int]:
    return set(roles_of(user))


def can_view(user, municipality_id: int) -> bool:
    return bool(user.is_authenticated and (user.is_admin or role_in(user, municipality_id)))


def can_edit(user, municipality_id: int) -> bool:
    return bool(
        user.is_authenticated
        and (user.is_admin or role_in(user, municipality_id) in EDIT_ROLES)
    )


def can_log(user, municipality_id: int) -> bool:
    return bool(
        user.is_authenticated and (user.is_admin or role_in(user, municipality_id) in LOG_ROLES)
    )


def can_approve(user, municipality_id: int) -> bool:
    """Approving a follow-up takes a coordinator of that municipality (admins do not approve)."""
    return bool(user.is_authenticated and role_in(user, municipality_id) in EDIT_ROLES)


def is_owner_or_assignee(user, activity) -> bool:
    """The owner, or one of the assignees (the loaded list, else one EXISTS query)."""
    if activity.owner_id == user.id:
        return True
    if "assignees" in sa.inspect(activity).dict:
        return any(a.id == user.id for a in activity.assignees)
    return bool(db.session.scalar(sa.select(sa.exists().where(
        activity_assignee.c.activity_id == activity.id,
        activity_assignee.c.user_id == user.id))))


def can_create_activity(user, commitment, municipality_id: int) -> bool:
    """Coordinators anywhere in their municipality; officers under Polisen or Tillsammans."""
    from tracker.models import Party

    if can_edit(user, municipality_id):
        return True
    return role_in(user, municipality_id) == Role.OFFICER and commitment.party in (
        Party.POLISEN, Party.TILLSAMMANS,
    )


def can_log_on(user, activity) -> bool:
    if can_edit(user, activity.municipality_id):
        return True
    return role_in(user, activity.municipality_id) == Role.OFFICER and is_owner_or_assignee(
        user, activity
    )


can_set_status = can_log_on


def can_handle_tips(user, municipality_id: int) -> bool:
    """Reading residents' tips and triaging them: coordinators and admins."""
    return can_edit(user, municipality_id)


def can_read_tips(user, municipality_id: int) -> bool:
    """Reading tips, their status and the answers, without the resident's address: also the
    municipality's officers (kommunpolis), who work on what the tips tell."""
    return can_handle_tips(user, municipality_id) or (
        user.is_authenticated and role_in(user, municipality_id) == Role.OFFICER
    )


def can_see_tip_counts(user, municipality_id: int) -> bool:
    """Counts per month and status, without any tip's text: also the municipality's viewers."""
    return can_read_tips(user, municipality_id) or (
        user.is_authenticated and role_in(user, municipality_id) == Role.VIEWER
    )


def can_correct_entry(user, activity, entry) -> bool:
    """Editing or removing a logged occasion: the municipality's coordinators (and admins), or
    its author while they may still log in that municipality."""
    if can_edit(user, activity.municipality_id):
        return True
    return bool(user.is_authenticated and entry.author_id == user.id
                and role_in(user, activity.municipality_id) in LOG_ROLES)

