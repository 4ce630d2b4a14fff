"""The SQL aggregates behind a follow-up: every figure is a GROUP BY, never a loop over rows.

The statements over a year's log entries are built once (statements only, no data) and run
with `year_params`: building and hashing them again for each of a year's ~300 promises cost
several milliseconds of Python per promise.
"""
from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from tracker.extensions import db
from tracker.followups import prose as texts
from tracker.formatting import local_date
from tracker.labels import ROLE
from tracker.models import (
    Activity,
    ActivityStatus,
    ActivityType,
    Commitment,
    CommitmentIndicator,
    Indicator,
    IndicatorValue,
    LogEntry,
    Membership,
    Organisation,
    Place,
    Promise,
    Role,
    Tip,
    TipStatus,
    User,
    activity_assignee,
)

CONTACT_ROLES = (Role.OFFICER, Role.COORDINATOR)


def year_params(promise_id: int, year: int) -> dict:
    """The parameters of every `in_year` statement."""
    return {"promise_id": promise_id, "first_day": date(year, 1, 1),
            "last_day": date(year, 12, 31)}


def in_year(query):
    """Log entries of the promise's activities that happened in the follow-up year."""
    return (
        query.select_from(LogEntry)
        .join(Activity, LogEntry.activity_id == Activity.id)
        .join(Commitment, Activity.commitment_id == Commitment.id)
        .where(Commitment.promise_id == sa.bindparam("promise_id", type_=sa.Integer),
               LogEntry.occurred_on.between(sa.bindparam("first_day", type_=sa.Date),
                                            sa.bindparam("last_day", type_=sa.Date)))
    )


@dataclass(frozen=True)
class WalkCounts:
    """The year's safety walks and what became of their findings."""

    walks: int = 0
    findings: int = 0
    done: int = 0
    in_progress: int = 0
    open: int = 0
    closed: int = 0
    no_action: int = 0


@functools.cache
def _walk_statement():
    from tracker.models import ActionPoint, ActionStatus, Finding, WalkProtocol

    def status_is(status):
        return sa.func.count(sa.case((ActionPoint.status == status, 1)))

    return in_year(sa.select(
        sa.func.count(sa.distinct(WalkProtocol.id)), sa.func.count(Finding.id),
        status_is(ActionStatus.DONE), status_is(ActionStatus.IN_PROGRESS),
        status_is(ActionStatus.OPEN), status_is(ActionStatus.CLOSED),
        sa.func.count(sa.case((sa.and_(Finding.id.is_not(None), ActionPoint.id.is_(None)), 1))),
    )).join(WalkProtocol, WalkProtocol.log_entry_id == LogEntry.id).outerjoin(
        Finding, Finding.protocol_id == WalkProtocol.id).outerjoin(
        ActionPoint, ActionPoint.finding_id == Finding.id)


def walk_counts(promise_id: int, year: int) -> WalkCounts:
    """One statement: walks with a protocol in the year, their findings by action status."""
    row = db.session.execute(_walk_statement(), year_params(promise_id, year)).one()
    return WalkCounts(*(int(value or 0) for value in row))


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


def keys_by_type(by_key: dict[str, list[int]]) -> dict[int, tuple[str, ...]]:
    """measure_keys turned around: type id → its keys, in key order."""
    found: dict[int, list[str]] = defaultdict(list)
    for key, type_ids in by_key.items():
        for type_id in type_ids:
            found[type_id].append(key)
    return {type_id: tuple(keys) for type_id, keys in sorted(found.items())}


def type_totals(promise_id: int, year: int, numeric: dict[int, tuple[str, ...]],
                booleans: dict[int, tuple[str, ...]]):
    """(commitment, type, organisation of the person who logged) → occasions, minutes, first
    and last day, {key: (sum, entries with a value)} for the type's numeric keys, and {key:
    entries saying yes} for its yes/no keys (`keys_by_type`). Places: `place_counts`."""
    query = _type_totals_statement(tuple(numeric.items()), tuple(booleans.items()))
    width = max((len(keys) for keys in numeric.values()), default=0)
    found = {}
    for cid, tid, org, n, minutes, first, last, *rest in db.session.execute(
            query, year_params(promise_id, year)):
        sums, counts, yes = rest[:width], rest[width:2 * width], rest[2 * width:]
        keys = numeric.get(tid, ())
        found[(cid, tid, org.value if org is not None else "")] = (
            n, int(minutes), first, last,
            {key: (sums[i], counts[i]) for i, key in enumerate(keys)},
            {key: int(yes[i] or 0) for i, key in enumerate(booleans.get(tid, ()))},
        )
    return found


@functools.lru_cache(maxsize=64)
def _type_totals_statement(numeric: tuple[tuple[int, tuple[str, ...]], ...],
                           booleans: tuple[tuple[int, tuple[str, ...]], ...]):
    """Column i adds up the i-th numeric key of each entry's own type: an entry reads only its
    type's keys, and there are as many columns as the widest type has keys, not one per key."""
    def nth(pairs, i, read):
        return sa.case({type_id: read(LogEntry.measures[keys[i]])
                        for type_id, keys in pairs if len(keys) > i}, value=Activity.type_id)

    width = max((len(keys) for _, keys in numeric), default=0)
    values = [nth(numeric, i, lambda m: m.as_float()) for i in range(width)]
    yes_width = max((len(keys) for _, keys in booleans), default=0)
    yes = [sa.func.sum(sa.case((nth(booleans, i, lambda m: m.as_boolean()) == sa.true(), 1),
                               else_=0)) for i in range(yes_width)]
    doer = _doer()
    return (in_year(sa.select(
        Activity.commitment_id, Activity.type_id, doer, sa.func.count(LogEntry.id),
        sa.func.coalesce(sa.func.sum(LogEntry.duration_minutes), 0),
        sa.func.min(LogEntry.occurred_on), sa.func.max(LogEntry.occurred_on),
        *(sa.func.sum(v) for v in values), *(sa.func.count(v) for v in values), *yes,
    )).outerjoin(User, User.id == LogEntry.author_id)
        .outerjoin(_OWNER, _OWNER.id == Activity.owner_id)
        .group_by(Activity.commitment_id, Activity.type_id, doer))


_OWNER = aliased(User)


def _doer():
    """Whose work an occasion is: the organisation of whoever logged it when it was their own
    activity (its owner or one of its assignees); logged on someone else's, the owner's
    ("röjning av buskage" on the municipality's activity, typed in by the kommunpolis, is the
    municipality's work)."""
    own = sa.or_(Activity.owner_id.is_(None), LogEntry.author_id == Activity.owner_id,
                 sa.exists().where(activity_assignee.c.activity_id == Activity.id,
                                   activity_assignee.c.user_id == LogEntry.author_id))
    return sa.case((own, User.organisation),
                   else_=sa.func.coalesce(_OWNER.organisation, User.organisation))


def value_counts(promise_id: int, year: int, choice: dict[str, list[int]]):
    """(commitment, type, key) → [(value, occasions)] for every choice or text measure, most
    frequent first, in one statement.

    One pass over the year's entries: each joins the (type, key) pairs of its own type, so a
    JSON value is read once per entry and choice measure, not once per key in the schema."""
    if not choice:
        return {}
    query = _choice_counts_statement(tuple((key, tuple(ids)) for key, ids in choice.items()))
    found = defaultdict(list)
    for cid, tid, key, value, n in db.session.execute(query, year_params(promise_id, year)):
        found[(cid, tid, key)].append((value, n))
    return {k: sorted(v, key=lambda item: (-item[1], item[0])) for k, v in found.items()}


@functools.lru_cache(maxsize=64)
def _choice_counts_statement(choice: tuple[tuple[str, tuple[int, ...]], ...]):
    pairs = sa.union_all(*[
        sa.select(sa.literal(type_id).label("type_id"), sa.literal(key).label("key"))
        for key, type_ids in choice for type_id in type_ids
    ]).subquery("choice_keys")
    value = sa.case(*[(pairs.c.key == key, LogEntry.measures[key].as_string())
                      for key, _ in choice])
    return (in_year(sa.select(Activity.commitment_id, Activity.type_id, pairs.c.key, value,
                              sa.func.count()))
            .join(pairs, pairs.c.type_id == Activity.type_id).where(value.is_not(None))
            .group_by(Activity.commitment_id, Activity.type_id, pairs.c.key, value))


_VISITS = (in_year(sa.select(Activity.commitment_id, Activity.type_id, LogEntry.place_id,
                             sa.func.count().label("n")))
           .where(LogEntry.place_id.is_not(None))
           .group_by(Activity.commitment_id, Activity.type_id, LogEntry.place_id)
           .subquery("visits"))
_PLACES = (sa.select(_VISITS.c.commitment_id, _VISITS.c.type_id, Place.id, Place.name, _VISITS.c.n)
           .join(Place, Place.id == _VISITS.c.place_id))
_MONTH = sa.extract("month", LogEntry.occurred_on)
_MONTHS = (in_year(sa.select(Activity.commitment_id, _MONTH, sa.func.count()))
           .group_by(Activity.commitment_id, _MONTH))
_NOTES = (in_year(sa.select(Activity.commitment_id, LogEntry.occurred_on, Activity.title,
                           LogEntry.note))
          .where(LogEntry.include_in_followup.is_(True), LogEntry.note != "")
          .order_by(LogEntry.occurred_on, LogEntry.id))


def place_counts(promise_id: int, year: int):
    """commitment → [(place, occasions)], most visited first; (commitment, type) → places.

    One GROUP BY (commitment, type, place) serves both, so type_totals needs no
    COUNT(DISTINCT place) and the sort of every entry of the year that it takes."""
    visits: dict[int, dict[tuple[int, str], int]] = defaultdict(lambda: defaultdict(int))
    per_type: dict[tuple[int, int], int] = defaultdict(int)
    for cid, tid, place_id, name, n in db.session.execute(_PLACES,
                                                          year_params(promise_id, year)):
        visits[cid][(place_id, name)] += n
        per_type[(cid, tid)] += 1
    by_commitment = {
        cid: sorted(((name, n) for (_, name), n in found.items()),
                    key=lambda item: (-item[1], item[0]))
        for cid, found in visits.items()
    }
    return by_commitment, per_type


def months(promise_id: int, year: int) -> dict[int, dict[int, int]]:
    """{commitment: {month: occasions}}."""
    rows = db.session.execute(_MONTHS, year_params(promise_id, year))
    found: dict[int, dict[int, int]] = defaultdict(dict)
    for cid, m, n in rows:
        found[cid][int(m)] = n
    return found


def notes(promise_id: int, year: int) -> dict[int, list[tuple[date, str, str]]]:
    """commitment → [(day, activity title, note)] of the notes marked for the follow-up."""
    rows = db.session.execute(_NOTES, year_params(promise_id, year))
    found = defaultdict(list)
    for cid, day, title, note in rows:
        found[cid].append((day, title, note))
    return found


_YEAR = sa.extract("year", LogEntry.occurred_on)
_PERIOD = (in_year(sa.select(
    Activity.commitment_id, _YEAR, sa.func.count(),
    sa.func.sum(sa.case((sa.and_(Activity.target_count.is_not(None),
                                 Activity.status != ActivityStatus.CANCELLED), 1), else_=0))))
    .group_by(Activity.commitment_id, _YEAR))


_PERIOD_PLACES = (in_year(sa.select(Activity.commitment_id,
                                    sa.func.count(sa.distinct(LogEntry.place_id))))
                  .where(LogEntry.place_id.is_not(None)).group_by(Activity.commitment_id))


def period_occasions(promise: Promise,
                     year: int) -> dict[int, tuple[int, int, dict[int, int], int]]:
    """commitment → (occasions, of them on activities with a target, occasions by year,
    different places) from the first day of the promise's period to the end of the follow-up
    year: what a prestation's target is judged by (its target and its activities' targets are
    for the period, not for one of its years; a count per year, year by year; "minst 10
    platser" by the places)."""
    params = {**year_params(promise.id, year), "first_day": date(promise.start_year, 1, 1)}
    found: dict[int, tuple[int, int, dict[int, int], int]] = {}
    for cid, in_year_, n, t in db.session.execute(_PERIOD, params):
        total, targeted, by_year, _places = found.get(cid, (0, 0, {}, 0))
        found[cid] = (total + n, targeted + int(t or 0), {**by_year, int(in_year_): n}, 0)
    for cid, places in db.session.execute(_PERIOD_PLACES, params):
        found[cid] = (*found[cid][:3], places)
    return found


def cancelled(promise: Promise, year: int) -> dict[int, list[tuple[str, str]]]:
    """commitment → [(title, reason)] of the activities cancelled for the year: due within it
    (without a due date, starting within it; without dates, last changed within it, in local
    time); a year outside the period counts as its nearest, so each is told in one year."""
    rows = db.session.execute(
        sa.select(Activity.commitment_id, Activity.title, Activity.status_reason,
                  Activity.start_date, Activity.due_date, Activity.updated_at)
        .join(Commitment, Activity.commitment_id == Commitment.id)
        .where(Commitment.promise_id == promise.id, Activity.status == ActivityStatus.CANCELLED)
        .order_by(Activity.commitment_id, Activity.title, Activity.id))

    found = defaultdict(list)
    for cid, title, reason, start, due, changed in rows:
        planned = (due or start or local_date(changed)).year
        if min(max(planned, promise.start_year), promise.end_year) == year:
            found[cid].append((title, reason or ""))
    return found


def indicator_links(promise_id: int) -> dict[int, list[tuple[int, bool, float | None]]]:
    """commitment → [(indicator, higher is better, target value)]."""
    rows = db.session.execute(
        sa.select(CommitmentIndicator.commitment_id, CommitmentIndicator.indicator_id,
                  CommitmentIndicator.higher_is_better, CommitmentIndicator.target_value)
        .join(Commitment, Commitment.id == CommitmentIndicator.commitment_id)
        .where(Commitment.promise_id == promise_id).order_by(CommitmentIndicator.id))
    found = defaultdict(list)
    for cid, iid, higher, target in rows:
        found[cid].append((iid, higher, float(target) if target is not None else None))
    return found


def indicator_series(municipality_id: int, year: int, span: int = 6
                     ) -> dict[int, texts.IndicatorSeries]:
    """indicator → its values from `span` years back up to the follow-up's year, oldest first."""
    rows = db.session.execute(
        sa.select(Indicator.id, Indicator.name, Indicator.unit, Indicator.source,
                  Indicator.higher_is_better, IndicatorValue.year, IndicatorValue.value,
                  IndicatorValue.national_value)
        .join(IndicatorValue, IndicatorValue.indicator_id == Indicator.id)
        .where(IndicatorValue.municipality_id == municipality_id,
               IndicatorValue.year.between(year - span + 1, year))
        .order_by(Indicator.name, Indicator.id, IndicatorValue.year)
    )
    found: dict[int, texts.IndicatorSeries] = {}
    for iid, name, unit, source, higher, value_year, value, national in rows:
        series = found.setdefault(iid, texts.IndicatorSeries(name, unit, source, higher, []))
        series.points.append((value_year, float(value),
                              float(national) if national is not None else None))
    return found


def contacts(municipality_id: int) -> list[tuple[str, str, str]]:
    """The report's contacts: the kommunpolis (an officer of the police) and the
    coordinators; not every member who logs (a municipality's fältsekreterare)."""
    rows = db.session.execute(
        sa.select(User.id, User.name, User.title, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.municipality_id == municipality_id,
               Membership.role.in_(CONTACT_ROLES), User.is_enabled.is_(True),
               sa.or_(Membership.role != Role.OFFICER,
                      User.organisation == Organisation.POLISEN))
    )
    ordered = sorted(rows, key=lambda r: (CONTACT_ROLES.index(r.role), r.name, r.id))
    return [(r.name, r.title, str(ROLE[r.role])) for r in ordered]


def tip_counts(municipality_id: int, year: int) -> tuple[int, int]:
    """(tips received during the year, of them those that led to an action), local calendar
    year; one statement."""
    from datetime import datetime, timezone

    from tracker.formatting import STOCKHOLM

    start, end = (datetime(y, 1, 1, tzinfo=STOCKHOLM).astimezone(timezone.utc)
                  for y in (year, year + 1))
    led = sa.func.count(sa.case((Tip.status == TipStatus.ACTIVITY, Tip.id)))
    received, to_action = db.session.execute(
        sa.select(sa.func.count(Tip.id), led)
        .where(Tip.municipality_id == municipality_id, Tip.created_at >= start,
               Tip.created_at < end)).one()
    return received, to_action
