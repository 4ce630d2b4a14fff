"""Plain rows for the two activity lists (the municipality's list and Mina uppgifter).

A list shows 25–30 rows of a few columns each. Hydrating ORM objects with five joined
relationships for that costs more than the rest of the request together, so these pages read
plain Core rows: one statement for the page (type, party, owner, municipality, places, the
logged count and the total, all in SQL). The activity's own page, the dashboard and the API
keep the ORM read model in `activity_queries`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import aliased

from tracker.extensions import db
from tracker.localized import english_page, pick
from tracker.models import (
    LOGGED_COUNT,
    Activity,
    ActivityStatus,
    ActivityType,
    Commitment,
    FocusArea,
    Membership,
    Municipality,
    Party,
    Place,
    Promise,
    User,
    activity_assignee,
    activity_place,
)
from tracker.services.activities import OPEN_STATUSES, is_overdue, percent_done
from tracker.services.activity_queries import ActivityFilters, filter_values, shaped_conditions
from tracker.services.table_rows import target_from
from tracker.translation import gettext, ngettext


@dataclass(slots=True)
class ListRow:
    id: int
    title: str
    status: ActivityStatus
    due_date: date | None
    type_name: str
    party: Party
    owner_name: str | None
    municipality_name: str
    places: list[str]
    logged: int
    target: int | None
    overdue: bool
    progress_text: str = ""  # "12 av 40" or "12 genomföranden", in the page's language

    @property
    def percent(self) -> int | None:
        return percent_done(self.logged, self.target)

    @property
    def progress_value(self) -> int:
        """The progress bar's value: the logged count, at most the target."""
        return min(self.logged, self.target or 0)


@dataclass(frozen=True)
class Page:
    """The part of a pagination the list templates use."""
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


def _of_activity(column, key) -> sa.ScalarSelect:
    """A column of the row `key` points at, as a correlated scalar subquery."""
    return (sa.select(column).where(key == column.table.c.id).correlate(Activity)
            .scalar_subquery())


# The place names in one cell, split again below (a separator no form lets through).
PLACE_SEPARATOR = "\x1f"
_PLACE_NAMES = (
    sa.select(sa.func.aggregate_strings(Place.name, PLACE_SEPARATOR))
    .select_from(activity_place).join(Place, Place.id == activity_place.c.place_id)
    .where(activity_place.c.activity_id == Activity.id).correlate(Activity)
    .scalar_subquery().label("place_names")
)

# Built once; the ORM aliasing and statement building cost more than running the query.
# The joined values are scalar subqueries: PostgreSQL evaluates them after ORDER BY/LIMIT,
# for the page's rows only, where joins would hash the whole commitment and user tables.
_ROWS = (
    sa.select(Activity.id, Activity.title, Activity.status, Activity.due_date,
              Activity.start_date, sa.cast(Activity.recurrence, sa.Text).label("rule"),
              Activity.target_count,
              ActivityType.name_sv, ActivityType.name_en,
              _of_activity(Commitment.party, Activity.commitment_id).label("party"),
              _of_activity(User.name, Activity.owner_id).label("owner_name"),
              LOGGED_COUNT.label("logged"),
              _PLACE_NAMES)
    .join(ActivityType, ActivityType.id == Activity.type_id)
)
# Mina uppgifter spans municipalities and names each row's (a join: the table is small).
_ROWS_NAMED = (_ROWS.add_columns(Municipality.name.label("municipality_name"))
               .join(Municipality, Municipality.id == Activity.municipality_id))
# The filters' focus area and party are the commitment's.
_COMMITMENT = aliased(Commitment)


_LIMIT, _OFFSET = sa.bindparam("limit", type_=sa.Integer), sa.bindparam("offset", type_=sa.Integer)


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
    page = ids.where(*where).order_by(*order_by).limit(_LIMIT).offset(_OFFSET).subquery()
    rows = (statement.add_columns(page.c.total).join(page, page.c.page_id == Activity.id)
            .order_by(*order_by))
    return rows, count.where(*where)


def _page(statements: tuple[sa.Select, sa.Select], values: dict, page: int, per_page: int,
          today: date) -> tuple[Page, list[ListRow]]:
    """One page's rows and the total, in one statement (two past the last page)."""
    rows_statement, count_statement = statements
    found = db.session.execute(
        rows_statement, {**values, "limit": per_page, "offset": (page - 1) * per_page}).all()
    if found:
        total = found[0].total
    elif page > 1:  # past the last page: the total still shows
        total = db.session.scalar(count_statement, values)
    else:
        total = 0
    of_target = gettext("%(done)s av %(target)s")
    english = english_page()
    rows = [ListRow(r.id, r.title, r.status, r.due_date, pick(r.name_sv, r.name_en, english),
                    r.party, r.owner_name,
                    getattr(r, "municipality_name", ""),
                    sorted(r.place_names.split(PLACE_SEPARATOR)) if r.place_names else [], r.logged,
                    target_from(r.target_count, r.rule, r.start_date, r.due_date),
                    is_overdue(r, today))  # type: ignore[arg-type]  # the row has its fields
            for r in found]
    for row in rows:
        row.progress_text = (of_target % {"done": row.logged, "target": row.target} if row.target
                             else ngettext("%(num)d genomförande", "%(num)d genomföranden",
                                           row.logged))
    return Page(page, per_page, total), rows


@lru_cache(maxsize=256)
def _list_statements(shape: tuple[str, ...]) -> tuple[sa.Select, sa.Select]:
    """The list's statements for one set of filters (built once per set, values bound)."""
    where, join_commitment = shaped_conditions(shape, _COMMITMENT)
    order = (Activity.due_date.is_(None), Activity.due_date, Activity.id)
    return _paged(_ROWS, where, order, join_commitment)


def activity_list(municipality_id: int, f: ActivityFilters, page: int, per_page: int,
                  today: date) -> tuple[Page, list[ListRow]]:
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
    where = [Activity.id.in_(mine), Activity.status.in_(OPEN_STATUSES)]
    order = (sa.case((Activity.due_date < today, 0), else_=1), Activity.due_date.is_(None),
             Activity.due_date, Activity.id)
    return _paged(_ROWS_NAMED, where, order)


_MY_TASKS = _my_tasks_statements()


def my_tasks(user_id: int, today: date, page: int = 1,
             per_page: int = 30) -> tuple[Page, list[ListRow]]:
    """Open activities I own or am assigned: overdue first, then by due date."""
    return _page(_MY_TASKS, {"user_id": user_id, "today": today}, page, per_page, today)


def _options_statement(type_label) -> sa.Select:
    municipality_id: sa.BindParameter[int] = sa.bindparam("municipality_id")
    union = sa.union_all(
        sa.select(sa.literal("municipality").label("kind"), Municipality.id.label("id"),
                  Municipality.name.label("label"))
        .where(Municipality.id == municipality_id),
        sa.select(sa.literal("focus_areas"), FocusArea.id, FocusArea.title)
        .join(Promise, Promise.id == FocusArea.promise_id)
        .where(Promise.municipality_id == municipality_id),
        sa.select(sa.literal("types"), ActivityType.id, type_label),
        sa.select(sa.literal("owners"), User.id, User.name)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.municipality_id == municipality_id),
        sa.select(sa.literal("places"), Place.id, Place.name)
        .where(Place.municipality_id == municipality_id),
    ).subquery()
    return (sa.select(union.c.kind, union.c.id, union.c.label)
            .order_by(union.c.kind, union.c.label, union.c.id))


# By language: an English page lists the types by their English names where they have one.
_OPTIONS = {False: _options_statement(ActivityType.name_sv),
            True: _options_statement(sa.case((ActivityType.name_en != "", ActivityType.name_en),
                                             else_=ActivityType.name_sv))}


@dataclass(frozen=True)
class MunicipalityName:
    id: int
    name: str


def filter_options(municipality_id: int) -> tuple[MunicipalityName, dict[str, list[tuple[int, str]]]]:
    """The municipality (404 if none) and the list's filter choices, in one statement."""
    options: dict[str, list[tuple[int, str]]] = {
        "municipality": [], "focus_areas": [], "types": [], "owners": [], "places": []}
    for kind, id_, label in db.session.execute(_OPTIONS[english_page()],
                                         {"municipality_id": municipality_id}):
        options[kind].append((id_, label))
    if not options["municipality"]:
        abort(404)
    return MunicipalityName(*options.pop("municipality")[0]), options
