"""The SQL aggregates behind a follow-up: every figure is a GROUP BY, never a loop over rows."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa

from tracker.extensions import db
from tracker.labels import ROLE
from tracker.models import (
    Activity, ActivityStatus, ActivityType, Commitment, Indicator, IndicatorValue, LogEntry,
    Membership, Place, Role, User,
)
from tracker.services import followup_texts as texts

CONTACT_ROLES = (Role.OFFICER, Role.COORDINATOR)


def in_year(query, promise_id: int, year: int):
    """Log entries of the promise's activities that happened in the follow-up year."""
    return (
        query.select_from(LogEntry)
        .join(Activity, LogEntry.activity_id == Activity.id)
        .join(Commitment, Activity.commitment_id == Commitment.id)
        .where(Commitment.promise_id == promise_id,
               LogEntry.occurred_on.between(date(year, 1, 1), date(year, 12, 31)))
    )


def activity_types(promise_id: int) -> list[ActivityType]:
    used = (sa.select(Activity.type_id).join(Commitment, Activity.commitment_id == Commitment.id)
            .where(Commitment.promise_id == promise_id))
    return list(db.session.scalars(
        sa.select(ActivityType).where(ActivityType.id.in_(used)).order_by(ActivityType.id)))


def measure_keys(types: list[ActivityType], kinds: set[str]) -> dict[str, list[int]]:
    """measure key → ids of the types where it has one of these kinds, keys sorted."""
    found: dict[str, list[int]] = defaultdict(list)
    for kind in types:
        for measure in kind.measures or []:
            if measure.get("kind") in kinds:
                found[measure["key"]].append(kind.id)
    return dict(sorted(found.items()))


def activity_summary(promise_id: int) -> dict[int, tuple[int, int, int | None]]:
    """commitment id → (activities not cancelled, of them done, sum of their targets)."""
    done = sa.func.sum(sa.case((Activity.status == ActivityStatus.DONE, 1), else_=0))
    rows = db.session.execute(
        sa.select(Activity.commitment_id, sa.func.count(Activity.id), done,
                  sa.func.sum(Activity.target_count))
        .join(Commitment, Activity.commitment_id == Commitment.id)
        .where(Commitment.promise_id == promise_id, Activity.status != ActivityStatus.CANCELLED)
        .group_by(Activity.commitment_id)
    )
    return {cid: (n, int(d or 0), int(t) if t is not None else None) for cid, n, d, t in rows}


def type_totals(promise_id: int, year: int, numeric: dict[str, list[int]]):
    """(commitment, type) → occasions, minutes, places, first/last day and measure sums."""
    sums = [
        sa.func.sum(sa.case((Activity.type_id.in_(type_ids), LogEntry.measures[key].as_float())))
        for key, type_ids in numeric.items()
    ]
    query = in_year(sa.select(
        Activity.commitment_id, Activity.type_id, sa.func.count(LogEntry.id),
        sa.func.coalesce(sa.func.sum(LogEntry.duration_minutes), 0),
        sa.func.count(sa.distinct(LogEntry.place_id)),
        sa.func.min(LogEntry.occurred_on), sa.func.max(LogEntry.occurred_on), *sums,
    ), promise_id, year).group_by(Activity.commitment_id, Activity.type_id)
    return {(row[0], row[1]): row[2:] for row in db.session.execute(query)}


def choice_counts(promise_id: int, year: int, choice: dict[str, list[int]]):
    """(commitment, type, key) → [(value, occasions)] for every choice measure, one statement.

    One pass over the year's entries: each joins the (type, key) pairs of its own type, so a
    JSON value is read once per entry and choice measure, not once per key in the schema."""
    if not choice:
        return {}
    pairs = sa.union_all(*[
        sa.select(sa.literal(type_id).label("type_id"), sa.literal(key).label("key"))
        for key, type_ids in choice.items() for type_id in type_ids
    ]).subquery("choice_keys")
    value = sa.case(*[(pairs.c.key == key, LogEntry.measures[key].as_string())
                      for key in choice])
    query = (in_year(sa.select(Activity.commitment_id, Activity.type_id, pairs.c.key, value,
                                sa.func.count()), promise_id, year)
             .join(pairs, pairs.c.type_id == Activity.type_id).where(value.is_not(None))
             .group_by(Activity.commitment_id, Activity.type_id, pairs.c.key, value))
    found = defaultdict(list)
    for cid, tid, key, value, n in db.session.execute(query):
        found[(cid, tid, key)].append((value, n))
    return {k: sorted(v, key=lambda item: (-item[1], item[0])) for k, v in found.items()}


def place_counts(promise_id: int, year: int) -> dict[int, list[tuple[str, int]]]:
    rows = db.session.execute(in_year(
        sa.select(Activity.commitment_id, Place.name, sa.func.count()), promise_id, year)
        .join(Place, LogEntry.place_id == Place.id)
        .group_by(Activity.commitment_id, Place.id, Place.name))
    found = defaultdict(list)
    for cid, name, n in rows:
        found[cid].append((name, n))
    return {cid: sorted(v, key=lambda item: (-item[1], item[0])) for cid, v in found.items()}


def months(promise_id: int, year: int) -> dict[int, dict[int, int]]:
    """{commitment: {month: occasions}}."""
    month = sa.extract("month", LogEntry.occurred_on)
    rows = db.session.execute(in_year(
        sa.select(Activity.commitment_id, month, sa.func.count()), promise_id, year)
        .group_by(Activity.commitment_id, month))
    found = defaultdict(dict)
    for cid, m, n in rows:
        found[cid][int(m)] = n
    return found


def notes(promise_id: int, year: int) -> dict[int, list[tuple[date, str]]]:
    rows = db.session.execute(in_year(
        sa.select(Activity.commitment_id, LogEntry.occurred_on, LogEntry.note), promise_id, year)
        .where(LogEntry.include_in_followup.is_(True), LogEntry.note != "")
        .order_by(LogEntry.occurred_on, LogEntry.id))
    found = defaultdict(list)
    for cid, day, note in rows:
        found[cid].append((day, note))
    return found


def indicator_rows(municipality_id: int, year: int) -> list[texts.IndicatorRow]:
    rows = db.session.execute(
        sa.select(Indicator.id, Indicator.name, Indicator.unit, Indicator.source,
                  Indicator.higher_is_better, IndicatorValue.year, IndicatorValue.value,
                  IndicatorValue.national_value)
        .join(IndicatorValue, IndicatorValue.indicator_id == Indicator.id)
        .where(IndicatorValue.municipality_id == municipality_id,
               IndicatorValue.year.in_([year - 1, year]))
        .order_by(Indicator.name, Indicator.id, IndicatorValue.year)
    )
    found: dict[int, texts.IndicatorRow] = {}
    for iid, name, unit, source, higher, value_year, value, national in rows:
        row = found.setdefault(
            iid, texts.IndicatorRow(name, unit, source, higher, None, None, None)
        )
        number = float(value) if value is not None else None
        if value_year == year:
            row.this_year = number
            row.national = float(national) if national is not None else None
        else:
            row.last_year = number
    return list(found.values())


def contacts(municipality_id: int) -> list[tuple[str, str, str]]:
    rows = db.session.execute(
        sa.select(User.id, User.name, User.title, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.municipality_id == municipality_id,
               Membership.role.in_(CONTACT_ROLES), User.is_enabled.is_(True))
    )
    ordered = sorted(rows, key=lambda r: (CONTACT_ROLES.index(r.role), r.name, r.id))
    return [(r.name, r.title, str(ROLE[r.role])) for r in ordered]
