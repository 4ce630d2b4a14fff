"""Loading a walk's rows for a request: 404 for what does not exist and for what belongs to a
municipality the user may not see (recorded), so ids of other municipalities reveal nothing."""
from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy.orm import joinedload

from tracker import audit, policies
from tracker.extensions import db
from tracker.models import Activity, LogEntry, Municipality


def scoped(model, object_id: int, *options):
    obj = db.session.get(model, object_id, options=list(options))
    if obj is None:
        abort(404)
    if not policies.can_view(current_user, obj):
        audit.record_not_found_elsewhere(model.__tablename__, object_id)
        abort(404)
    return obj


def activity_or_404(activity_id: int) -> Activity:
    return scoped(Activity, activity_id, joinedload(Activity.type),
                  joinedload(Activity.municipality))


def entry_or_404(entry_id: int) -> tuple[Activity, LogEntry]:
    entry = db.session.get(LogEntry, entry_id)
    if entry is None:
        abort(404)
    return activity_or_404(entry.activity_id), entry


def scoped_municipality(municipality_id: int) -> Municipality:
    municipality = db.session.get(Municipality, municipality_id)
    if municipality is None:
        abort(404)
    if not policies.can_view(current_user, municipality.id):
        audit.record_not_found_elsewhere("municipality", municipality.id)
        abort(404)
    return municipality
