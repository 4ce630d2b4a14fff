"""The lists of activities: the municipality's filtered list, Mina uppgifter, the dashboard's
deadlines, a place's activities and the API's list. Each reads a fixed number of statements
whatever the number of rows, built once (module level or cached by filter shape)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache

import sqlalchemy as sa
from sqlalchemy.orm import aliased, selectinload

from tracker.extensions import db
from tracker.localized import english_page
from tracker.models import (
    LOGGED_COUNT,
    ActionPoint,
    Activity,
    ActivityType,
    Commitment,
    FocusArea,
    Membership,
    Municipality,
    Place,
    Promise,
    PromiseStatus,
    User,
    activity_assignee,
    activity_place,
)
from tracker.pagination import LIMIT, OFFSET, Page, paginate, windowed
from tracker.services.activities import DUE_SOON_DAYS, OPEN_STATUSES
from tracker.services.activity_read.detail import list_options
from tracker.services.activity_read.filters import (
    ActivityFilters,
    filter_values,
    filtered_query,
    shaped_conditions,
)
from tracker.services.activity_read.rows import (
    PLACE_NAMES,
    ActivityRow,
    row_of,
    row_select,
    rows_from,
)

DEADLINE_LIMIT = 20

# The municipality's list shows each row's places; Mina uppgifter spans municipalities and
# names each row's (a join: the table is small).
_ROWS = row_select(PLACE_NAMES)
_ROWS_NAMED = (_ROWS.add_columns(Municipality.name.label("municipality_name"))
               .join(Municipality, Municipality.id == Activity.municipality_id))
# The filters' focus area and party are the commitment's.
_COMMITMENT = aliased(Commitment)


def _paged(statement: sa.Select, where: list, order_by: tuple,
           join_commitment: bool = False) -> tuple[sa.Select, sa.Select]:
    """(the page's rows with the total, the total alone) for the criteria; values are bound.

    The page's ids are picked first on narrow rows, so the per-row subqueries run for this
    page's rows only, not for the pages before it as well."""
    ids = sa.select(Activity.id.label("page_id"), sa.func.count().over().label("total"))
    count = sa.select(sa.func.count(Activity.id))
    if join_commitment:
        ids = ids.join(_COMMITMENT, _COMMITMENT.id == Activity.commitment_id)
        count = count.join(_COMMITMENT, _COMMITMENT.id == Activity.commitment_id)
    page = ids.where(*where).order_by(*order_by).limit(LIMIT).offset(OFFSET).subquery()
    rows = (statement.add_columns(page.c.total).join(page, page.c.page_id == Activity.id)
            .order_by(*order_by))
    return rows, count.where(*where)


def _page(statements: tuple[sa.Select, sa.Select], values: dict, page: int, per_page: int,
          today: date) -> tuple[Page, list[ActivityRow]]:
    """One page's rows and the total, in one statement (two past the last page)."""
    found = windowed(*statements, values, page, per_page)
    rows = rows_from(found.items, today)
    return found.with_items(rows), rows


@lru_cache(maxsize=256)
def _list_statements(shape: tuple[str, ...]) -> tuple[sa.Select, sa.Select]:
    """The list's statements for one set of filters (built once per set, values bound)."""
    where, join_commitment = shaped_conditions(shape, _COMMITMENT)
    order = (Activity.due_date.is_(None), Activity.due_date, Activity.id)
    return _paged(_ROWS, where, order, join_commitment)


def activity_list(municipality_id: int, f: ActivityFilters, page: int, per_page: int,
                  today: date) -> tuple[Page, list[ActivityRow]]:
    """One page of the municipality's filtered list: one statement whatever the total."""
    values = filter_values(municipality_id, f, today)
    return _page(_list_statements(tuple(values)), values, page, per_page, today)


def _my_tasks_statements() -> tuple[sa.Select, sa.Select]:
    user_id: sa.BindParameter[int] = sa.bindparam("user_id")
    today = sa.bindparam("today", type_=sa.Date)
    # A UNION of two index lookups: "owner OR assigned" as one condition scans every activity.
    mine = sa.union(
        sa.select(Activity.id).where(Activity.owner_id == user_id),
        sa.select(activity_assignee.c.activity_id).where(activity_assignee.c.user_id == user_id),
    )
    # A concluded promise's activities are no one's task any more (its period is over)
    concluded = (sa.select(Commitment.id).join(Promise, Promise.id == Commitment.promise_id)
                 .where(Promise.status == PromiseStatus.CONCLUDED))
    where = [Activity.id.in_(mine), Activity.status.in_(OPEN_STATUSES),
             Activity.commitment_id.notin_(concluded)]
    order = (sa.case((Activity.due_date < today, 0), else_=1), Activity.due_date.is_(None),
             Activity.due_date, Activity.id)
    return _paged(_ROWS_NAMED, where, order)


_MY_TASKS = _my_tasks_statements()


def _task_municipalities() -> sa.Select:
    user_id: sa.BindParameter[int] = sa.bindparam("user_id")
    theirs = sa.union(
        sa.select(Activity.municipality_id).where(Activity.owner_id == user_id),
        sa.select(Activity.municipality_id)
        .join(activity_assignee, activity_assignee.c.activity_id == Activity.id)
        .where(activity_assignee.c.user_id == user_id),
        sa.select(ActionPoint.municipality_id).where(ActionPoint.owner_id == user_id),
    )
    return (sa.select(Municipality.id, Municipality.data_version)
            .where(Municipality.id.in_(theirs)).order_by(Municipality.id))


_TASK_MUNICIPALITIES = _task_municipalities()


def task_municipalities(user_id: int) -> list[tuple[int, int]]:
    """(id, data version) of every municipality where the user owns or is assigned an
    activity or owns an action point: what Mina uppgifter shows comes from these alone."""
    return [(i, v) for i, v in db.session.execute(_TASK_MUNICIPALITIES, {"user_id": user_id})]


def my_tasks(user_id: int, today: date, page: int = 1,
             per_page: int = 30) -> tuple[Page, list[ActivityRow]]:
    """Open activities I own or am assigned, under promises not concluded: overdue first, then
    by due date."""
    return _page(_MY_TASKS, {"user_id": user_id, "today": today}, page, per_page, today)


def api_page(municipality_id: int, f: ActivityFilters, page: int, per_page: int,
             today: date) -> Page:
    """The API's page of the filtered list: rows that keep their activity (with assignees)
    for the fields only the API shows; the page and the total, two statements."""
    query = (filtered_query(municipality_id, f, today)
             .add_columns(LOGGED_COUNT)
             .order_by(Activity.due_date.is_(None), Activity.due_date, Activity.id)
             .options(*list_options(), selectinload(Activity.assignees)))
    found = paginate(query, page, per_page)
    return found.with_items([row_of(activity, logged, today) for activity, logged in found.items])


_AT_PLACE = (row_select()
             .where(Activity.id.in_(sa.select(activity_place.c.activity_id)
                                    .where(activity_place.c.place_id == sa.bindparam("place_id"))))
             .order_by(Activity.due_date.is_(None), Activity.due_date, Activity.id))


def activities_at(place_id: int, on: date) -> list[ActivityRow]:
    """The activities planned at a place."""
    return rows_from(db.session.execute(_AT_PLACE, {"place_id": place_id}), on)


# ---------------------------------------------------------------- the dashboard's deadlines

@dataclass
class Deadlines:
    overdue: list[ActivityRow]
    due_soon: list[ActivityRow]
    overdue_total: int
    due_soon_total: int


def due_soon_window(today: date) -> tuple[date, date]:
    return today, today + timedelta(days=DUE_SOON_DAYS)


def _open_in(municipality_id):
    """Open activities of the municipality's current work: a concluded promise's loose ends
    are history, not deadlines (they stay on its own pages and in the activity list)."""
    of_concluded = (
        sa.select(Commitment.id).join(Promise, Promise.id == Commitment.promise_id)
        .where(Commitment.id == Activity.commitment_id,
               Promise.status == PromiseStatus.CONCLUDED)
        .correlate(Activity).exists()
    )
    return (Activity.municipality_id == municipality_id, Activity.status.in_(OPEN_STATUSES),
            ~of_concluded)


def _count_where(condition):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


@cache
def _deadline_statements() -> tuple[sa.Select, sa.Select]:
    """(the first DEADLINE_LIMIT overdue and the first due soon open activities: two limited
    selects in a UNION ALL, ordered by due date, the overdue first; both totals)."""
    start, end = sa.bindparam("start", type_=sa.Date), sa.bindparam("end", type_=sa.Date)
    where = _open_in(sa.bindparam("municipality_id"))

    def first(*due):
        return (row_select().where(*where, *due).order_by(Activity.due_date, Activity.id)
                .limit(DEADLINE_LIMIT).subquery())

    both = sa.union_all(
        sa.select(first(Activity.due_date < start)),
        sa.select(first(Activity.due_date >= start, Activity.due_date <= end)),
    ).subquery()
    totals = sa.select(
        _count_where(Activity.due_date < start),
        _count_where(sa.and_(Activity.due_date >= start, Activity.due_date <= end)),
    ).where(*where)
    return sa.select(both).order_by(both.c.due_date, both.c.id), totals


def deadlines(municipality_id: int, on: date) -> Deadlines:
    """Open activities past their due date, and those due within DUE_SOON_DAYS."""
    start, end = due_soon_window(on)
    params = {"municipality_id": municipality_id, "start": start, "end": end}
    rows_statement, totals_statement = _deadline_statements()
    overdue: list[ActivityRow] = []
    due_soon: list[ActivityRow] = []
    for row in rows_from(db.session.execute(rows_statement, params), on):
        (overdue if row.due_date and row.due_date < start else due_soon).append(row)
    overdue_total, soon_total = db.session.execute(totals_statement, params).one()
    return Deadlines(overdue, due_soon, overdue_total, soon_total)


# ---------------------------------------------------------------- the list's filter choices

_NO_VERSION = sa.cast(sa.null(), sa.BigInteger)


def _focus_area_label():
    """"Drogförebyggande (2022–2023)": promises renewed with the same focus areas are told
    apart by their period (one year: "(2024)")."""
    start, end = (sa.cast(column, sa.String) for column in (Promise.start_year, Promise.end_year))
    period = sa.case((Promise.start_year == Promise.end_year, start), else_=start + "–" + end)
    return FocusArea.title + " (" + period + ")"


def _options_statement(type_label) -> sa.Select:
    municipality_id: sa.BindParameter[int] = sa.bindparam("municipality_id")
    union = sa.union_all(
        sa.select(sa.literal("municipality").label("kind"), Municipality.id.label("id"),
                  Municipality.name.label("label"), Municipality.data_version.label("version"))
        .where(Municipality.id == municipality_id),
        sa.select(sa.literal("focus_areas"), FocusArea.id, _focus_area_label(), _NO_VERSION)
        .join(Promise, Promise.id == FocusArea.promise_id)
        .where(Promise.municipality_id == municipality_id),
        sa.select(sa.literal("types"), ActivityType.id, type_label, _NO_VERSION),
        sa.select(sa.literal("owners"), User.id, User.name, _NO_VERSION)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.municipality_id == municipality_id),
        sa.select(sa.literal("places"), Place.id, Place.name, _NO_VERSION)
        .where(Place.municipality_id == municipality_id),
    ).subquery()
    return (sa.select(union.c.kind, union.c.id, union.c.label, union.c.version)
            .order_by(union.c.kind, union.c.label, union.c.id))


# By language: an English page lists the types by their English names where they have one.
_OPTIONS = {False: _options_statement(ActivityType.name_sv),
            True: _options_statement(sa.case((ActivityType.name_en != "", ActivityType.name_en),
                                             else_=ActivityType.name_sv))}


@dataclass(frozen=True)
class MunicipalityName:
    """The municipality as the list shows it, with the data version its kept parts go by."""
    id: int
    name: str
    data_version: int


def filter_options(municipality_id: int
                   ) -> tuple[MunicipalityName, dict[str, list[tuple[int, str]]]] | None:
    """The municipality and the list's filter choices, in one statement; None if there is
    no such municipality."""
    options: dict[str, list[tuple[int, str]]] = {
        "focus_areas": [], "types": [], "owners": [], "places": []}
    municipality = None
    for kind, id_, label, version in db.session.execute(_OPTIONS[english_page()],
                                                        {"municipality_id": municipality_id}):
        if kind == "municipality":
            municipality = MunicipalityName(id_, label, version)
        else:
            options[kind].append((id_, label))
    return None if municipality is None else (municipality, options)
