"""Read models for activity pages: a fixed number of statements whatever the row count."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from tracker.extensions import db
from tracker.models import (
    Activity,
    ActivityStatus,
    Commitment,
    Place,
    activity_place,
)
from tracker.services.activities import (
    OPEN_STATUSES,
    is_overdue,
    logged_counts,
    percent_done,
    target_of,
)

SOON_DAYS = 14


@dataclass
class ActivityRow:
    activity: Activity
    logged: int
    target: int | None
    overdue: bool

    @property
    def percent(self) -> int | None:
        return percent_done(self.logged, self.target)


def _list_options():
    """What a row of a list shows (assignees are on the activity's own page only)."""
    return (
        joinedload(Activity.type),
        joinedload(Activity.owner),
        joinedload(Activity.municipality),
        joinedload(Activity.commitment).joinedload(Commitment.focus_area),
        selectinload(Activity.places),
    )


def rows_for(activities: list[Activity], today: date) -> list[ActivityRow]:
    counts = logged_counts(a.id for a in activities)
    return [ActivityRow(a, counts.get(a.id, 0), target_of(a), is_overdue(a, today)) for a in activities]


@dataclass
class ActivityFilters:
    focus_area_id: int | None = None
    commitment_id: int | None = None
    party: str | None = None
    type_id: int | None = None
    status: str | None = None
    owner_id: int | None = None
    place_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    overdue: bool = False


PARTIES = ("kommunen", "polisen", "tillsammans")


def filters_from_args(args) -> ActivityFilters:
    """The list page's query string (?part=polisen&fran=2026-01-01…) as filters; bad values drop."""
    def as_date(name):
        try:
            return date.fromisoformat(args.get(name, ""))
        except ValueError:
            return None

    def as_int(name):
        value = args.get(name, "")
        return int(value) if value.isdigit() else None

    party, status = args.get("part") or None, args.get("status") or None
    return ActivityFilters(
        focus_area_id=as_int("fokusomrade"), party=party if party in PARTIES else None,
        type_id=as_int("typ"),
        status=status if status in {s.value for s in ActivityStatus} else None,
        owner_id=as_int("ansvarig"), place_id=as_int("plats"),
        date_from=as_date("fran"), date_to=as_date("till"), overdue=args.get("forsenade") == "1",
    )


def filter_values(municipality_id: int, f: ActivityFilters, today: date) -> dict:
    """The values of the filters that are set, by name (their names are the statement's shape)."""
    values: dict[str, object] = {"municipality_id": municipality_id}
    for name in ("focus_area_id", "party", "commitment_id", "type_id", "status", "owner_id",
                 "place_id", "date_from", "date_to"):
        value = getattr(f, name)
        if value:
            values[name] = value
    if f.overdue:
        values["overdue_on"] = today
    return values


def shaped_conditions(shape: tuple[str, ...], commitment=Commitment,
                      values: dict | None = None) -> tuple[list, bool]:
    """The WHERE criteria for the filters named in `shape`, each value a bound parameter (so a
    statement built from them serves every request with the same filters set; `values` binds
    them now), and whether they need `commitment` joined."""
    bound: dict[str, sa.BindParameter] = {
        name: sa.bindparam(name, values[name]) if values else sa.bindparam(name)
             for name in shape}
    equal = {"focus_area_id": commitment.focus_area_id, "party": commitment.party,
             "commitment_id": Activity.commitment_id, "type_id": Activity.type_id,
             "status": Activity.status, "owner_id": Activity.owner_id}
    where = [Activity.municipality_id == bound["municipality_id"]]
    where += [column == bound[name] for name, column in equal.items() if name in bound]
    if "place_id" in bound:
        where.append(Activity.id.in_(sa.select(activity_place.c.activity_id)
                                     .where(activity_place.c.place_id == bound["place_id"])))
    if "date_from" in bound:
        where.append(sa.or_(Activity.due_date >= bound["date_from"], Activity.due_date.is_(None)))
    if "date_to" in bound:
        where.append(sa.or_(Activity.start_date <= bound["date_to"], Activity.start_date.is_(None)))
    if "overdue_on" in bound:
        where.extend((Activity.status.in_(OPEN_STATUSES), Activity.due_date < bound["overdue_on"]))
    return where, "focus_area_id" in bound or "party" in bound


def filter_conditions(municipality_id: int, f: ActivityFilters, today: date,
                      commitment=Commitment) -> tuple[list, bool]:
    """The WHERE criteria of the filters, values in place, and whether they need `commitment`."""
    values = filter_values(municipality_id, f, today)
    return shaped_conditions(tuple(values), commitment, values)


def filtered_query(municipality_id: int, f: ActivityFilters, today: date):
    where, join_commitment = filter_conditions(municipality_id, f, today)
    query = sa.select(Activity)
    if join_commitment:
        query = query.join(Commitment, Commitment.id == Activity.commitment_id)
    return query.where(*where)


def activity_page(municipality_id: int, f: ActivityFilters, page: int, per_page: int, today: date,
                  *, with_assignees: bool = False):
    """One page of the filtered list: count + ids + rows + counts, whatever the total.

    `with_assignees`: also load the assignees (the API shows them; the web list does not)."""
    query = filtered_query(municipality_id, f, today).order_by(
        Activity.due_date.is_(None), Activity.due_date, Activity.id)
    options = _list_options() + ((selectinload(Activity.assignees),) if with_assignees else ())
    pagination = db.paginate(query.options(*options), page=page, per_page=per_page,
                             error_out=False)
    return pagination, rows_for(list(pagination.items), today)


def load_activity(activity_id: int) -> Activity | None:
    """The activity with everything its pages show (populate_existing: options always apply)."""
    return db.session.scalars(
        sa.select(Activity).where(Activity.id == activity_id)
        .options(*_list_options(), selectinload(Activity.assignees))
        .execution_options(populate_existing=True)
    ).unique().first()


def _for_logging(*extra):
    return (sa.select(Activity).where(Activity.id == sa.bindparam("activity_id"))
            .options(joinedload(Activity.type),
                     joinedload(Activity.commitment).joinedload(Commitment.promise), *extra)
            .execution_options(populate_existing=True))


# Built once: building and hashing the loader options cost more than the query on a POST.
_FOR_LOGGING = {False: _for_logging(), True: _for_logging(selectinload(Activity.places))}


def load_for_logging(activity_id: int, *, with_places: bool) -> Activity | None:
    """The log form's activity: its type and its commitment's promise (the period check); its
    places only where the form is prefilled (GET). The permission check asks for the user's
    own assignment when it needs to, not for every assignee."""
    return db.session.scalars(
        _FOR_LOGGING[with_places], {"activity_id": activity_id}).unique().first()


def due_soon_window(today: date) -> tuple[date, date]:
    return today, today + timedelta(days=SOON_DAYS)


_PLACE_CHOICES = (sa.select(Place.id, Place.name)
                  .where(Place.municipality_id == sa.bindparam("municipality_id"))
                  .order_by(Place.name))


def place_choices(municipality_id: int) -> list[tuple[int, str]]:
    """(id, name) of the municipality's places, for a form's choices."""
    return [(i, n) for i, n in db.session.execute(
        _PLACE_CHOICES, {"municipality_id": municipality_id})]


def places_of(municipality_id: int) -> list[Place]:
    return list(db.session.scalars(
        sa.select(Place).where(Place.municipality_id == municipality_id).order_by(Place.name)))


__all__ = ["ActivityFilters", "ActivityRow", "ActivityStatus", "activity_page", "filters_from_args",
           "load_activity", "load_for_logging", "place_choices", "places_of", "rows_for"]
