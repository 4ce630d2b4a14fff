"""Compiles the yearly follow-up of a promise from the database (aggregated in SQL).

`compile_followup` is a pure function of the database: the same rows give the same sections and
verdicts. A fixed number of statements runs whatever the number of log entries, since every
figure is a GROUP BY. It flushes and never commits; the caller commits once per promise.
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from tracker.extensions import db
from tracker.formatting import local_today
from tracker.labels import ROLE
from tracker.models import (
    PARTY_ORDER, Activity, ActivityStatus, ActivityType, Commitment, FollowUp, FollowUpStatus,
    FollowUpVersion,
    Indicator, IndicatorValue, LogEntry, MeasureKind, Membership, Place, Promise, PromiseStatus,
    Role, User, Verdict,
)
from tracker.models.base import utcnow
from tracker.services import DomainError
from tracker.services import followup_texts as texts

NUMERIC = {MeasureKind.INTEGER.value, MeasureKind.DECIMAL.value}
CONTACT_ROLES = (Role.OFFICER, Role.COORDINATOR)


def compile_followup(promise_id: int, year: int, *, today: date | None = None) -> FollowUp:
    """Create or refresh the draft follow-up of (promise, year); approved ones are left alone."""
    promise = db.session.scalar(
        sa.select(Promise).where(Promise.id == promise_id).options(
            joinedload(Promise.municipality),
            selectinload(Promise.focus_areas),
            selectinload(Promise.commitments),
        )
    )
    if promise is None:
        raise DomainError(_("Medborgarlöftet finns inte."))
    if not promise.start_year <= year <= promise.end_year:
        raise DomainError(_("%(year)s ligger utanför medborgarlöftets period %(period)s.",
                            year=year, period=promise.period_label))
    query = sa.select(FollowUp).where(FollowUp.promise_id == promise.id, FollowUp.year == year)
    followup = db.session.scalar(query)
    if followup is not None and followup.status is not FollowUpStatus.DRAFT:
        return followup
    today = today or local_today()
    running = year < promise.end_year or year >= today.year
    sections, verdicts, figures = _compile(promise, year, running)
    if followup is None:
        followup = _insert_if_absent(FollowUp(
            promise_id=promise.id, year=year, status=FollowUpStatus.DRAFT, sections=sections,
            verdicts=verdicts, figures=figures, compiled_at=utcnow(),
        ), query)
        if followup.status is not FollowUpStatus.DRAFT or followup.sections is sections:
            return followup
    followup.sections = _merge_sections(followup.sections or {}, sections)
    followup.verdicts = _merge_verdicts(followup.verdicts or {}, verdicts)
    followup.figures = figures
    followup.compiled_at = utcnow()
    db.session.flush()
    return followup


def promises_to_follow_up(year: int) -> list[int]:
    """Promises whose period covers the year and that have been signed."""
    return list(db.session.scalars(
        sa.select(Promise.id).where(
            Promise.start_year <= year, Promise.end_year >= year,
            Promise.status.in_([PromiseStatus.SIGNED, PromiseStatus.ACTIVE,
                                PromiseStatus.CONCLUDED]),
        ).order_by(Promise.id)
    ))


def drafts_to_refresh() -> list[tuple[int, int]]:
    """(promise, year) of drafts that no party has approved yet."""
    return [tuple(row) for row in db.session.execute(
        sa.select(FollowUp.promise_id, FollowUp.year).where(
            FollowUp.status == FollowUpStatus.DRAFT,
            FollowUp.police_approved_at.is_(None), FollowUp.municipality_approved_at.is_(None),
        ).order_by(FollowUp.promise_id, FollowUp.year)
    )]


def _insert_if_absent(followup: FollowUp, query) -> FollowUp:
    """Insert on UNIQUE(promise_id, year); a concurrent compile's row wins and is returned."""
    try:
        with db.session.begin_nested():
            db.session.add(followup)
            db.session.flush()
            db.session.add(FollowUpVersion(
                follow_up_id=followup.id, number=1, note="Första utkastet sammanställdes.",
                sections=followup.sections, verdicts=followup.verdicts, figures=followup.figures,
            ))
    except IntegrityError:
        return db.session.scalar(query)
    return followup


def _merge_sections(old: dict, fresh: dict) -> dict:
    """Fresh text everywhere; an edited section keeps the edit, the fresh text beside it."""
    merged = {}
    for key, section in fresh.items():
        previous = old.get(key)
        if previous and previous.get("edited") is not None:
            merged[key] = {**previous, "title": section["title"], "generated": section["generated"]}
        else:
            merged[key] = section
    for key, previous in old.items():  # an edited section whose source is gone is not lost
        if key not in merged and previous.get("edited") is not None:
            merged[key] = previous
    return merged


def _merge_verdicts(old: dict, fresh: dict) -> dict:
    merged = {}
    for key, verdict in fresh.items():
        previous = old.get(key) or {}
        merged[key] = {**verdict, "override": previous.get("override"),
                       "override_reason": previous.get("override_reason", "")}
    return merged


def _section(title: str, generated: str) -> dict:
    return {"title": title, "generated": generated, "edited": None}


def _compile(promise: Promise, year: int, running: bool) -> tuple[dict, dict, dict]:
    municipality = promise.municipality
    figures = _commitment_figures(promise, year, running)
    indicators = _indicator_rows(municipality.id, year)
    sections = {
        "inledning": _section(
            "Om medborgarlöftet",
            texts.introduction(
                municipality=municipality.name, police_area=municipality.police_area.name,
                start_year=promise.start_year, end_year=promise.end_year, year=year,
                title=promise.title, sources=list(promise.sources or []),
                sources_note=promise.sources_note or "", signed_on=promise.signed_on,
                signatories=list(promise.signatories or []), agreement_url=promise.agreement_url,
                problem_picture=promise.problem_picture or "",
            ),
        ),
        "lagesbild": _section("Lägesbild", texts.situation(indicators, year, municipality.name)),
    }
    commitments = _ordered(promise.commitments)
    section_of = {c.id: f"fokus-{c.focus_area_id}" if c.focus_area_id else "fokus-ovrigt"
                  for c in commitments}
    for area in _ordered(promise.focus_areas):
        own = [figures[c.id] for c in commitments if c.focus_area_id == area.id]
        sections[f"fokus-{area.id}"] = _section(
            area.title, texts.focus_area(area.description or "", own, year)
        )
    loose = [figures[c.id] for c in commitments if c.focus_area_id is None]
    if loose:
        sections["fokus-ovrigt"] = _section("Övriga löften", texts.focus_area("", loose, year))
    sections["effekt"] = _section("Syns det någon effekt på brott och trygghet?",
                                  texts.effect(indicators, year))
    minutes = defaultdict(int)
    for c in commitments:
        minutes[c.party] += sum(t.minutes for t in figures[c.id].types)
    sections["lardomar"] = _section(
        "Lärdomar och kommunikation", texts.lessons([(p, minutes[p]) for p in PARTY_ORDER])
    )
    sections["nasta-steg"] = _section("Nästa steg", texts.NEXT_STEPS)
    sections["kontakt"] = _section("Kontakt", texts.contacts(_contacts(municipality.id),
                                                              municipality.name))
    verdicts = {
        str(c.id): {"suggested": figures[c.id].verdict.value, "reason": figures[c.id].reason,
                    "override": None, "override_reason": "", "party": c.party.value,
                    "text": c.text, "section": section_of[c.id]}
        for c in commitments
    }
    return sections, verdicts, {
        "months": _month_series(promise, commitments, figures, section_of),
        "indicators": [dataclasses.asdict(row) for row in indicators],
    }


def _month_series(promise, commitments, figures, section_of) -> list[dict]:
    """Occasions per month for each focus area that has any, in the report's order."""
    titles = {f"fokus-{a.id}": a.title for a in promise.focus_areas}
    titles["fokus-ovrigt"] = "Övriga löften"
    series: dict[str, list[int]] = {}
    for c in commitments:
        counts = series.setdefault(section_of[c.id], [0] * 12)
        for month, n in figures[c.id].month_counts.items():
            counts[month - 1] += n
    return [{"title": titles[key], "counts": counts}
            for key, counts in series.items() if any(counts)]


def _ordered(rows):
    return sorted(rows, key=lambda row: (row.position, row.id))


# --- aggregation ------------------------------------------------------------------------------


def _in_year(query, promise_id: int, year: int):
    """Log entries of the promise's activities that happened in the follow-up year."""
    return (
        query.select_from(LogEntry)
        .join(Activity, LogEntry.activity_id == Activity.id)
        .join(Commitment, Activity.commitment_id == Commitment.id)
        .where(Commitment.promise_id == promise_id,
               LogEntry.occurred_on.between(date(year, 1, 1), date(year, 12, 31)))
    )


def _activity_types(promise_id: int) -> list[ActivityType]:
    used = (sa.select(Activity.type_id).join(Commitment, Activity.commitment_id == Commitment.id)
            .where(Commitment.promise_id == promise_id))
    return list(db.session.scalars(
        sa.select(ActivityType).where(ActivityType.id.in_(used)).order_by(ActivityType.id)))


def _measure_keys(types: list[ActivityType], kinds: set[str]) -> dict[str, list[int]]:
    """measure key → ids of the types where it has one of these kinds, keys sorted."""
    found: dict[str, list[int]] = defaultdict(list)
    for kind in types:
        for measure in kind.measures or []:
            if measure.get("kind") in kinds:
                found[measure["key"]].append(kind.id)
    return dict(sorted(found.items()))


def _activity_summary(promise_id: int) -> dict[int, tuple[int, int, int | None]]:
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


def _type_totals(promise_id: int, year: int, numeric: dict[str, list[int]]):
    """(commitment, type) → occasions, minutes, places, first/last day and measure sums."""
    sums = [
        sa.func.sum(sa.case((Activity.type_id.in_(type_ids), LogEntry.measures[key].as_float())))
        for key, type_ids in numeric.items()
    ]
    query = _in_year(sa.select(
        Activity.commitment_id, Activity.type_id, sa.func.count(LogEntry.id),
        sa.func.coalesce(sa.func.sum(LogEntry.duration_minutes), 0),
        sa.func.count(sa.distinct(LogEntry.place_id)),
        sa.func.min(LogEntry.occurred_on), sa.func.max(LogEntry.occurred_on), *sums,
    ), promise_id, year).group_by(Activity.commitment_id, Activity.type_id)
    return {(row[0], row[1]): row[2:] for row in db.session.execute(query)}


def _choice_counts(promise_id: int, year: int, choice: dict[str, list[int]]):
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
    query = (_in_year(sa.select(Activity.commitment_id, Activity.type_id, pairs.c.key, value,
                                sa.func.count()), promise_id, year)
             .join(pairs, pairs.c.type_id == Activity.type_id).where(value.is_not(None))
             .group_by(Activity.commitment_id, Activity.type_id, pairs.c.key, value))
    found = defaultdict(list)
    for cid, tid, key, value, n in db.session.execute(query):
        found[(cid, tid, key)].append((value, n))
    return {k: sorted(v, key=lambda item: (-item[1], item[0])) for k, v in found.items()}


def _place_counts(promise_id: int, year: int) -> dict[int, list[tuple[str, int]]]:
    rows = db.session.execute(_in_year(
        sa.select(Activity.commitment_id, Place.name, sa.func.count()), promise_id, year)
        .join(Place, LogEntry.place_id == Place.id)
        .group_by(Activity.commitment_id, Place.id, Place.name))
    found = defaultdict(list)
    for cid, name, n in rows:
        found[cid].append((name, n))
    return {cid: sorted(v, key=lambda item: (-item[1], item[0])) for cid, v in found.items()}


def _months(promise_id: int, year: int) -> dict[int, dict[int, int]]:
    """{commitment: {month: occasions}}."""
    month = sa.extract("month", LogEntry.occurred_on)
    rows = db.session.execute(_in_year(
        sa.select(Activity.commitment_id, month, sa.func.count()), promise_id, year)
        .group_by(Activity.commitment_id, month))
    found = defaultdict(dict)
    for cid, m, n in rows:
        found[cid][int(m)] = n
    return found


def _notes(promise_id: int, year: int) -> dict[int, list[tuple[date, str]]]:
    rows = db.session.execute(_in_year(
        sa.select(Activity.commitment_id, LogEntry.occurred_on, LogEntry.note), promise_id, year)
        .where(LogEntry.include_in_followup.is_(True), LogEntry.note != "")
        .order_by(LogEntry.occurred_on, LogEntry.id))
    found = defaultdict(list)
    for cid, day, note in rows:
        found[cid].append((day, note))
    return found


def _commitment_figures(promise: Promise, year: int, running: bool):
    types = _activity_types(promise.id)
    numeric = _measure_keys(types, NUMERIC)
    choice = _measure_keys(types, {MeasureKind.CHOICE.value})
    labels = {(t.id, m["key"]): m.get("label") or m["key"] for t in types for m in t.measures or []}
    names = {t.id: t.name_sv for t in types}
    summary = _activity_summary(promise.id)
    totals = _type_totals(promise.id, year, numeric)
    choices = _choice_counts(promise.id, year, choice)
    places, months, notes = (_place_counts(promise.id, year), _months(promise.id, year),
                             _notes(promise.id, year))
    figures = {}
    for c in promise.commitments:
        type_figures = []
        for (cid, tid), (n, minutes, n_places, first, last, *sums) in sorted(totals.items()):
            if cid != c.id:
                continue
            type_figures.append(texts.TypeFigures(
                name=names[tid], occasions=n, minutes=int(minutes), place_count=n_places,
                first=first, last=last,
                sums=[(labels[(tid, key)], float(total))
                      for key, total in zip(numeric, sums) if total is not None],
                choices=[(labels[(tid, key)], choices[(cid, tid, key)])
                         for key in choice if (cid, tid, key) in choices],
            ))
        type_figures.sort(key=lambda t: (-t.occasions, t.name))
        activity_count, done, targets = summary.get(c.id, (0, 0, None))
        occasions = sum(t.occasions for t in type_figures)
        target = c.target_count if c.target_count is not None else targets
        verdict = suggest_verdict(occasions, target, activity_count > 0 and done == activity_count,
                                  running)
        figures[c.id] = texts.CommitmentFigures(
            text=c.text, party=c.party, activity_count=activity_count, types=type_figures,
            places=places.get(c.id, []), months=sorted(months.get(c.id, {})),
            month_counts=dict(months.get(c.id, {})), notes=notes.get(c.id, []),
            verdict=verdict,
            reason=texts.verdict_reason(verdict, occasions, target,
                                        activity_count > 0 and done == activity_count, year),
        )
    return figures


def suggest_verdict(occasions: int, target: int | None, all_done: bool, running: bool) -> Verdict:
    """Met target or every activity done → uppfyllt; else pågår while the period runs."""
    if (target and occasions >= target) or all_done:
        return Verdict.FULFILLED
    if running:
        return Verdict.ONGOING
    return Verdict.PARTLY if occasions else Verdict.NOT_FULFILLED


def _indicator_rows(municipality_id: int, year: int) -> list[texts.IndicatorRow]:
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


def _contacts(municipality_id: int) -> list[tuple[str, str, str]]:
    rows = db.session.execute(
        sa.select(User.id, User.name, User.title, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.municipality_id == municipality_id,
               Membership.role.in_(CONTACT_ROLES), User.is_enabled.is_(True))
    )
    ordered = sorted(rows, key=lambda r: (CONTACT_ROLES.index(r.role), r.name, r.id))
    return [(r.name, r.title, str(ROLE[r.role])) for r in ordered]
