"""Named places of a municipality: listing with usage counts, choices, adding one (a place's
activities and log are read with the activities, in tracker.services.activity_read)."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from tracker import page_cache, policies
from tracker.extensions import db
from tracker.models import LogEntry, Municipality, Place, User, activity_place
from tracker.models.geo import LAT_RANGE, LON_RANGE
from tracker.services import DomainError, FieldErrors, personal_data
from tracker.services.limits import too_long
from tracker.translation import gettext as _
from tracker.translation import lazy_gettext as _l

PLACE_KINDS = {
    "centrum": _l("Centrum"),
    "skola": _l("Skola"),
    "station": _l("Station eller resecentrum"),
    "krogmiljo": _l("Krogmiljö"),
    "omrade": _l("Bostadsområde"),
    "vag": _l("Väg eller gata"),
    "fritidsgard": _l("Fritidsgård"),
    "ovrigt": _l("Övrigt"),
}
NAME_MAX = 160


def place_kind_label(kind: str) -> str:
    return str(PLACE_KINDS.get(kind, kind))


@dataclass
class PlaceUsage:
    place: Place
    activities: int
    logged: int


def places_with_counts(municipality_id: int) -> list[PlaceUsage]:
    """Every place with its number of activities and logged occasions: one statement."""
    own_places = sa.select(Place.id).where(Place.municipality_id == municipality_id)
    per_activity = (
        sa.select(activity_place.c.place_id, sa.func.count().label("n"))
        .where(activity_place.c.place_id.in_(own_places))
        .group_by(activity_place.c.place_id).subquery()
    )
    per_log = (
        sa.select(LogEntry.place_id, sa.func.count().label("n"))
        .where(LogEntry.place_id.in_(own_places))
        .group_by(LogEntry.place_id).subquery()
    )
    rows = db.session.execute(
        sa.select(Place, sa.func.coalesce(per_activity.c.n, 0), sa.func.coalesce(per_log.c.n, 0))
        .outerjoin(per_activity, per_activity.c.place_id == Place.id)
        .outerjoin(per_log, per_log.c.place_id == Place.id)
        .where(Place.municipality_id == municipality_id)
        .order_by(Place.name, Place.id)
    ).all()
    return [PlaceUsage(place, n_activities, n_logged) for place, n_activities, n_logged in rows]


def load_place(place_id: int) -> Place | None:
    """A place with its municipality, in one statement."""
    return db.session.scalar(
        sa.select(Place).where(Place.id == place_id).options(joinedload(Place.municipality))
    )


# The places with the version of the list they make, read in one statement (one snapshot);
# a municipality without places gives one row of NULLs.
_PLACE_CHOICES = (sa.select(Municipality.places_version, Place.id, Place.name)
                  .select_from(Municipality)
                  .outerjoin(Place, Place.municipality_id == Municipality.id)
                  .where(Municipality.id == sa.bindparam("municipality_id"))
                  .order_by(Place.name))


def place_choices(municipality_id: int,
                  version: int | None = None) -> tuple[tuple[int, str], ...]:
    """(id, name) of the municipality's places, for a form's choices. A caller that read the
    municipality's places version with its own rows passes it: the list kept for that version
    is served without a statement (tracker.page_cache)."""
    def load() -> tuple[int, tuple[tuple[int, str], ...]]:
        rows = db.session.execute(_PLACE_CHOICES, {"municipality_id": municipality_id}).all()
        return (rows[0].places_version if rows else 0,
                tuple((row.id, row.name) for row in rows if row.id is not None))
    return page_cache.versioned_value("places", municipality_id, version, load)


def _parse_coordinate(raw, low: float, high: float, message: str) -> float | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = float(str(raw).strip().replace(",", "."))
    except ValueError:
        raise ValueError(message) from None
    if not low <= value <= high:  # also refuses nan
        raise ValueError(message)
    return value


def _duplicate(name: str) -> str:
    return _("Det finns redan en plats som heter ”%(name)s” i kommunen.", name=name)


def _name_taken(municipality_id: int, name: str) -> bool:
    return (db.session.scalar(
        sa.select(sa.func.count()).select_from(Place).where(
            Place.municipality_id == municipality_id,
            sa.or_(Place.name == name, sa.func.lower(Place.name) == name.lower()),
        )
    ) or 0) > 0


def create_place(actor: User, municipality_id: int, name: str, kind: str,
                 lat=None, lon=None) -> Place:
    """Add a place; raises FieldErrors (Swedish, keyed by form field) when anything is wrong."""
    if not policies.can_edit(actor, municipality_id):
        raise DomainError(_("Du får inte lägga till platser i den här kommunen."))
    name = " ".join((name or "").split())
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Ange ett namn på platsen.")
    elif len(name) > NAME_MAX:
        errors["name"] = too_long(_("Namnet"), NAME_MAX)
    else:
        errors.update(personal_data.check_fields({"name": (_("Namn"), name)}))
    if kind not in PLACE_KINDS:
        errors["kind"] = _("Välj en typ av plats.")
    coordinates = {}
    for field, raw, (low, high), message in (
        ("lat", lat, LAT_RANGE, _("Latitud ska vara ett tal mellan %(low)s och %(high)s.",
                                  low=LAT_RANGE[0], high=LAT_RANGE[1])),
        ("lon", lon, LON_RANGE, _("Longitud ska vara ett tal mellan %(low)s och %(high)s.",
                                  low=LON_RANGE[0], high=LON_RANGE[1])),
    ):
        try:
            coordinates[field] = _parse_coordinate(raw, low, high, message)
        except ValueError as error:
            errors[field] = str(error)
    if not errors and (coordinates["lat"] is None) != (coordinates["lon"] is None):
        errors["lon" if coordinates["lon"] is None else "lat"] = _(
            "Ange både latitud och longitud, eller ingen av dem.")
    if "name" not in errors and _name_taken(municipality_id, name):
        errors["name"] = _duplicate(name)
    if errors:
        raise FieldErrors(errors)
    place = Place(municipality_id=municipality_id, name=name, kind=kind, **coordinates)
    try:
        with db.session.begin_nested():  # a concurrent insert of the same name ends here
            db.session.add(place)
    except IntegrityError:
        raise FieldErrors({"name": _duplicate(name)}) from None
    return place
