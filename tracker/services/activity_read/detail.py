"""One activity as its pages load it: with what they show, its row, its files."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, load_only, selectinload

from tracker.extensions import db
from tracker.models import (
    LOGGED_COUNT,
    Activity,
    ActivityStatus,
    ActivityType,
    Attachment,
    AttachmentKind,
    Commitment,
    Municipality,
    Promise,
)
from tracker.services.activity_read.rows import ActivityRow, row_of


def list_options():
    """What an activity's row shows (assignees are on the activity's own page only)."""
    return (
        joinedload(Activity.type),
        joinedload(Activity.owner),
        joinedload(Activity.municipality),
        joinedload(Activity.commitment).joinedload(Commitment.focus_area),
        selectinload(Activity.places),
    )


@cache
def _activity_statement(with_logged: bool):
    """The activity with what its pages show (and its logged occasions), in one row."""
    columns = (Activity, LOGGED_COUNT) if with_logged else (Activity,)
    return (
        sa.select(*columns).where(Activity.id == sa.bindparam("activity_id"))
        .options(*list_options(), selectinload(Activity.assignees))
        .execution_options(populate_existing=True)  # the options apply to a cached activity too
    )


def load_activity(activity_id: int) -> Activity | None:
    """The activity with everything its pages show (populate_existing: options always apply)."""
    return db.session.scalars(
        _activity_statement(False), {"activity_id": activity_id}).unique().first()


@cache
def _page_statement():
    """The activity page's activity in one statement: its few places and assignees joined
    (a row per pair) instead of a statement each."""
    return (
        sa.select(Activity, LOGGED_COUNT).where(Activity.id == sa.bindparam("activity_id"))
        .options(joinedload(Activity.type), joinedload(Activity.owner),
                 joinedload(Activity.municipality),
                 joinedload(Activity.commitment).joinedload(Commitment.focus_area),
                 joinedload(Activity.places), joinedload(Activity.assignees))
        .execution_options(populate_existing=True)
    )


def load_for_page(activity_id: int, today: date) -> tuple[Activity, ActivityRow] | None:
    """`load_activity` plus its row, the logged count read with it: one statement."""
    found = db.session.execute(_page_statement(), {"activity_id": activity_id}).unique().first()
    if found is None:
        return None
    activity, logged = found
    return activity, row_of(activity, logged, today)


@dataclass(frozen=True)
class MunicipalityVersion:
    """The municipality an activity belongs to and its data version (tracker/page_cache.py)."""
    id: int
    data_version: int


_VERSION_OF_ACTIVITY = (
    sa.select(Municipality.id, Municipality.data_version)
    .join(Activity, Activity.municipality_id == Municipality.id)
    .where(Activity.id == sa.bindparam("activity_id")))


def version_of(activity_id: int) -> MunicipalityVersion | None:
    """The activity's municipality with its data version, in one narrow statement: what an
    activity page whose parts are kept reads; None if there is no such activity."""
    found = db.session.execute(_VERSION_OF_ACTIVITY, {"activity_id": activity_id}).first()
    return None if found is None else MunicipalityVersion(*found)


@dataclass(frozen=True)
class ActivityFacts:
    """What the activity page asks of its activity besides its kept parts: the policies
    (municipality, owner, assignees), the status form (status, version) and its title. Plain
    values, kept with the page's parts; the policies read `assignee_ids` like the loaded
    assignees."""
    id: int
    title: str
    municipality_id: int
    owner_id: int | None
    assignee_ids: frozenset[int]
    status: ActivityStatus
    version_id: int
    type_key: str

    @classmethod
    def of(cls, activity: Activity) -> ActivityFacts:
        return cls(activity.id, activity.title, activity.municipality_id, activity.owner_id,
                   frozenset(a.id for a in activity.assignees), activity.status,
                   activity.version_id, activity.type.key)


def _for_logging(*extra):
    return (sa.select(Activity, Municipality.places_version)
            .join(Municipality, Municipality.id == Activity.municipality_id)
            .where(Activity.id == sa.bindparam("activity_id"))
            .options(load_only(Activity.id, Activity.title, Activity.municipality_id, Activity.type_id,
                               Activity.commitment_id, Activity.owner_id, Activity.status, Activity.version_id),
                     joinedload(Activity.type).load_only(ActivityType.key, ActivityType.name_sv, ActivityType.name_en, ActivityType.measures),
                     joinedload(Activity.commitment).load_only(Commitment.promise_id).joinedload(Commitment.promise).load_only(Promise.start_year, Promise.end_year, Promise.status, Promise.municipality_id), *extra)
            .execution_options(populate_existing=True))


# Built once: building and hashing the loader options cost more than the query on a POST.
_FOR_LOGGING = {False: _for_logging(), True: _for_logging(selectinload(Activity.places))}


def load_for_logging(activity_id: int, *, with_places: bool) -> tuple[Activity, int] | None:
    """The log form's activity: its type and its commitment's promise (the period check); its
    places only where the form is prefilled (GET). With it, its municipality's places version,
    by which the form's list of places is kept (`places.place_choices`). The permission check
    asks for the user's own assignment when it needs to, not for every assignee."""
    row = db.session.execute(
        _FOR_LOGGING[with_places], {"activity_id": activity_id}).unique().first()
    return (row[0], row[1]) if row is not None else None


@dataclass(frozen=True)
class AttachmentRow:
    """A file as the activity page lists it (and the removal rule reads it)."""
    id: int
    kind: AttachmentKind
    file_name: str
    municipality_id: int
    uploaded_by_id: int | None


_ATTACHMENTS = (
    sa.select(Attachment.id, Attachment.kind, Attachment.file_name, Attachment.municipality_id,
              Attachment.uploaded_by_id)
    .where(Attachment.activity_id == sa.bindparam("activity_id"),
           Attachment.finding_id.is_(None), Attachment.action_point_id.is_(None))
    .order_by(Attachment.id))


def attachments_of(activity_id: int) -> tuple[AttachmentRow, ...]:
    """The files attached to the activity and its occasions (not those of findings or action
    points, which their own pages show), oldest first; plain rows a page may keep."""
    return tuple(AttachmentRow(*row)
                 for row in db.session.execute(_ATTACHMENTS, {"activity_id": activity_id}))
