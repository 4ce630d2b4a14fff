"""Object-level checks of the API, on the web's policies.

A row of a municipality the user cannot view answers 404, exactly as a missing row does (its
existence is not revealed); a row the user can view but not change answers 403.
"""
from __future__ import annotations

import sqlalchemy as sa

from tracker import audit, policies
from tracker.api.auth import user
from tracker.api.base import forbidden, not_found
from tracker.extensions import db
from tracker.models import Municipality, Promise


def require_view(obj) -> None:
    """404 unless the user may view `obj` (a row, or a municipality id from a query); a row that
    exists elsewhere is recorded in the audit trail as a refused attempt (the answer stays a
    plain 404)."""
    if obj is None:
        raise not_found()
    if not policies.can_view(user(), obj):
        audit.record_refusal("not_found_elsewhere",
                             {"municipality_id": policies.municipality_id_of(obj)},
                             keep_session=None)
        raise not_found()


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise forbidden(message)


def viewable(model, object_id: int, *options):
    """The row, if it exists and its municipality is the user's (or the user is an admin)."""
    obj = db.session.get(model, object_id, options=list(options))
    if obj is None:
        raise not_found()
    require_view(obj)
    return obj


def under_promise(model, object_id: int):
    """(focus area or commitment, its promise's municipality id), checked: one statement."""
    row = db.session.execute(
        sa.select(model, Promise.municipality_id).join(Promise, Promise.id == model.promise_id)
        .where(model.id == object_id)).first()
    if row is None:
        raise not_found()
    require_view(row[1])
    return row[0], row[1]


def viewable_municipality(municipality_id: int) -> Municipality:
    return viewable(Municipality, municipality_id)


def visible_municipality_ids() -> set[int] | None:
    """None means every municipality (an admin)."""
    current = user()
    return None if current.is_admin else policies.municipality_ids(current)
