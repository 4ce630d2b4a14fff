"""Each municipality's data version: a new value whenever a transaction changes its data.

The busiest pages keep rendered parts per municipality (`tracker.page_cache`), keyed by this
version, which the pages read with the municipality row they load anyway. Every write goes
through the ORM session (the audit trail already requires it), so a flush listener sees it:
the rows that belong to a municipality (by `municipality_id`, their promise or their
activity) mark that municipality, and the shared rows the pages print (a user's name, an
activity type's names and measures) mark every municipality. Before the transaction commits,
each marked municipality gets a new random version in the same transaction: readers see the
new data and the new version together, and a restored backup brings back its own versions
with the data they belong to, never one another state shared.

A municipality's places have a version of their own, renewed the same way when a transaction
adds, changes or removes one of its places: the list the log form offers is kept by it, and
does not go stale with every occasion logged.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy.orm.attributes import set_committed_value

from tracker.models import (
    Activity,
    ActivityType,
    Commitment,
    FollowUp,
    Indicator,
    Municipality,
    Place,
    PoliceArea,
    Promise,
    Tip,
    User,
)
from tracker.models.geo import new_data_version as new_version

_MARKED = "tracker_changed_municipalities"
_PLACES = "tracker_changed_places"  # the municipalities whose places changed
EVERY = "every"  # a shared row changed: every municipality gets a new version
# Shared rows, and the fields of theirs the cached pages print.
SHARED_FIELDS = {User: ("name",), ActivityType: ("name_sv", "name_en", "measures"),
                 PoliceArea: ("name", "report_contact"), Indicator: ("name", "unit", "source")}
# A row without a municipality_id belongs to its parent's: (its key, the parent's class).
PARENTS = (("promise_id", Promise), ("activity_id", Activity), ("follow_up_id", FollowUp),
           ("commitment_id", Commitment), ("tip_id", Tip))


def _owner_of(session, obj) -> int | None:
    """The municipality a row belongs to, from the identity map where the row's parents are."""
    if isinstance(obj, Municipality):
        return obj.id
    municipality_id = getattr(obj, "municipality_id", None)
    if municipality_id is not None:
        return municipality_id
    for key, parent in PARENTS:
        parent_id = getattr(obj, key, None)
        if parent_id is not None:
            found = session.get(parent, parent_id)
            return _owner_of(session, found) if found is not None else None
    return None


def _shared_change(obj, deleted: bool) -> bool:
    fields = SHARED_FIELDS.get(type(obj))
    if fields is None:
        return False
    if deleted:
        return True
    state = sa.inspect(obj)
    return not state.pending and any(
        state.attrs[name].history.has_changes() for name in fields)


def _after_flush(session, _flush_context) -> None:
    """Mark the municipalities whose rows this flush wrote (the lists still show them here)."""
    marked = session.info.setdefault(_MARKED, set())
    places = session.info.setdefault(_PLACES, set())
    for objects, deleted in ((session.new, False), (session.dirty, False),
                             (session.deleted, True)):
        for obj in objects:
            if EVERY in marked and not isinstance(obj, Place):
                continue  # every municipality is marked already; a place still marks its list
            if _shared_change(obj, deleted):
                marked.add(EVERY)
                continue
            if type(obj) in SHARED_FIELDS:
                continue
            if not deleted and obj in session.dirty and not session.is_modified(obj):
                continue
            owner = _owner_of(session, obj)
            if owner is not None:
                marked.add(owner)
                if isinstance(obj, Place):
                    places.add(owner)


def _before_commit(session) -> None:
    """Give each marked municipality a new version, last, just before the commit."""
    if session.new or session.dirty or session.deleted:
        session.flush()  # what is still pending marks its municipality too
    marked = session.info.pop(_MARKED, set())
    places = session.info.pop(_PLACES, set())
    if not marked:
        return
    everyone = new_version() if EVERY in marked else None
    if everyone is not None:
        session.connection().execute(
            sa.update(Municipality.__table__).values(data_version=everyone))
        versions = renew(session.connection(), (), places=places)
    else:
        versions = renew(session.connection(), marked, places=places)
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Municipality):
            data, place = versions.get(obj.id, (None, None))
            fresh = everyone if everyone is not None else data
            if fresh is not None:
                set_committed_value(obj, "data_version", fresh)
            if place is not None:
                set_committed_value(obj, "places_version", place)


_RENEW = (sa.update(Municipality.__table__)
          .where(Municipality.__table__.c.id == sa.bindparam("municipality_id")))


def renew(connection, municipality_ids, *, places=frozenset()) -> dict[int, tuple]:
    """New data versions for these municipalities, and new places versions for those in
    `places`, in id order (no lock cycles): what a write that bypasses the ORM session (a bulk
    insert through Core) must do itself. {id: (data version or None, places version or None)}"""
    versions = {}
    for municipality_id in sorted({*municipality_ids, *places}):
        values = {}
        if municipality_id in municipality_ids:
            values["data_version"] = new_version()
        if municipality_id in places:
            values["places_version"] = new_version()
        connection.execute(_RENEW, {"municipality_id": municipality_id, **values})
        versions[municipality_id] = (values.get("data_version"), values.get("places_version"))
    return versions


def _forget(session, transaction) -> None:
    if transaction.parent is None:  # the whole transaction ended (committed or rolled back)
        session.info.pop(_MARKED, None)
        session.info.pop(_PLACES, None)


def register() -> None:
    if not sa.event.contains(FlaskSession, "after_flush", _after_flush):  # once per process
        sa.event.listen(FlaskSession, "after_flush", _after_flush)
        sa.event.listen(FlaskSession, "before_commit", _before_commit)
        sa.event.listen(FlaskSession, "after_transaction_end", _forget)
