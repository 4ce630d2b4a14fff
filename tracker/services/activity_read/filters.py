"""The activity lists' filters: from the query string, as WHERE criteria with bound values."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from tracker.models import Activity, ActivityStatus, Commitment, activity_place
from tracker.services.activities import OPEN_STATUSES
from tracker.services.limits import row_id


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
        return row_id(value) or None

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
