"""The one row an activity is shown as, in every list and on its own page, and its progress.

A list shows 10–30 rows of a few columns each. Hydrating ORM objects with five joined
relationships for that costs more than the rest of the request, so lists read plain Core rows
(`row_select`: type, party, owner, logged count, all in SQL) and `rows_from` turns them into
`ActivityRow`s with their texts written out once for the page's language. The activity's own
page and the API, which load the activity anyway, build the same row with `row_of`.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from tracker.formatting import local_formatters
from tracker.localized import english_page, pick
from tracker.models import (
    LOGGED_COUNT,
    Activity,
    ActivityStatus,
    ActivityType,
    Commitment,
    Party,
    Place,
    User,
    activity_place,
)
from tracker.services.activities import is_overdue, percent_done
from tracker.services.recurrence import activity_target
from tracker.translation import gettext, ngettext


@dataclass(slots=True)
class ActivityRow:
    id: int
    title: str
    status: ActivityStatus
    due_date: date | None
    due_text: str               # the due date in the page's language, "" without one
    type_name: str              # in the page's language
    party: Party | None
    owner_name: str | None      # None: no owner
    municipality_name: str      # "" where the page shows one municipality
    places: list[str]           # the place names, sorted
    logged: int
    target: int | None
    overdue: bool
    progress_text: str          # "12 av 40" or "12 genomföranden", in the page's language
    percent: int | None         # of the target, at most 100; None without a target
    progress_value: int         # the progress bar's value: logged, at most the target
    activity: Activity | None = None  # the loaded activity, where a page or the API has one


class ProgressTexts:
    """`progress_text` with the page's language looked up once, for a list of rows."""

    def __init__(self) -> None:
        self.of_target = gettext("%(done)s av %(target)s")
        self.date_text, self.number_text = local_formatters()

    def number(self, value: int) -> str:
        return str(value) if 0 <= value < 1000 else self.number_text(value)

    def __call__(self, logged: int, target: int | None) -> str:
        if target:
            return self.of_target % {"done": self.number(logged), "target": self.number(target)}
        return ngettext("%(num)s genomförande", "%(num)s genomföranden", logged)


def progress_text(logged: int, target: int | None) -> str:
    """Progress as every page words it: "12 av 40" against a target, else "12 genomföranden"."""
    return ProgressTexts()(logged, target)


def _of_activity(column, key) -> sa.ScalarSelect:
    """A column of the row `key` points at, as a correlated scalar subquery."""
    return (sa.select(column).where(key == column.table.c.id).correlate(Activity)
            .scalar_subquery())


# The place names in one cell, split again below (a separator no form lets through).
PLACE_SEPARATOR = "\x1f"
PLACE_NAMES = (
    sa.select(sa.func.aggregate_strings(Place.name, PLACE_SEPARATOR))
    .select_from(activity_place).join(Place, Place.id == activity_place.c.place_id)
    .where(activity_place.c.activity_id == Activity.id).correlate(Activity)
    .scalar_subquery().label("place_names")
)


def row_select(*extra) -> sa.Select:
    """What a row shows, as plain columns, plus `extra`. The joined values are scalar
    subqueries: PostgreSQL evaluates them after ORDER BY/LIMIT, for the page's rows only,
    where joins would hash the whole commitment and user tables."""
    return (
        sa.select(Activity.id, Activity.title, Activity.status, Activity.due_date,
                  Activity.start_date, sa.cast(Activity.recurrence, sa.Text).label("rule"),
                  Activity.target_count, ActivityType.name_sv, ActivityType.name_en,
                  _of_activity(Commitment.party, Activity.commitment_id).label("party"),
                  _of_activity(User.name, Activity.owner_id).label("owner_name"),
                  LOGGED_COUNT.label("logged"), *extra)
        .join(ActivityType, ActivityType.id == Activity.type_id)
    )


def rows_from(found: Iterable, today: date) -> list[ActivityRow]:
    """`row_select` rows (with place names or a municipality name where selected) as rows."""
    texts = ProgressTexts()
    english = english_page()
    rows = []
    for r in found:
        target = activity_target(r.target_count, r.rule, r.start_date, r.due_date)
        mapping = r._mapping
        names = mapping.get("place_names")
        rows.append(ActivityRow(
            r.id, r.title, r.status, r.due_date, texts.date_text(r.due_date),
            pick(r.name_sv, r.name_en, english), r.party, r.owner_name,
            mapping.get("municipality_name", ""),
            sorted(names.split(PLACE_SEPARATOR)) if names else [], r.logged, target,
            is_overdue(r, today), texts(r.logged, target), percent_done(r.logged, target),
            min(r.logged, target or 0)))
    return rows


def row_of(activity: Activity, logged: int, today: date) -> ActivityRow:
    """The row of an activity loaded with its type, commitment, owner, municipality and
    places (`detail.load_activity`); the row keeps the activity for what only it has."""
    texts = ProgressTexts()
    target = activity_target(activity.target_count, activity.recurrence, activity.start_date,
                             activity.due_date)
    return ActivityRow(
        activity.id, activity.title, activity.status, activity.due_date,
        texts.date_text(activity.due_date),
        pick(activity.type.name_sv, activity.type.name_en, english_page()),
        activity.commitment.party, activity.owner.name if activity.owner else None,
        activity.municipality.name, sorted(p.name for p in activity.places), logged, target,
        is_overdue(activity, today), texts(logged, target), percent_done(logged, target),
        min(logged, target or 0), activity)
