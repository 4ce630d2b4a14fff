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
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from tracker.extensions import db
from tracker.formatting import local_today
from tracker.models import (
    PARTY_ORDER, FollowUp, FollowUpStatus, FollowUpVersion, MeasureKind, Promise, PromiseStatus,
    Verdict,
)
from tracker.models.base import utcnow
from tracker.services import DomainError
from tracker.followups import queries
from tracker.followups import prose as texts
from tracker.translation import gettext as _

NUMERIC = {MeasureKind.INTEGER.value, MeasureKind.DECIMAL.value}


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
    indicators = queries.indicator_rows(municipality.id, year)
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
    sections["kontakt"] = _section("Kontakt", texts.contacts(queries.contacts(municipality.id),
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


def _commitment_figures(promise: Promise, year: int, running: bool):
    types = queries.activity_types(promise.id)
    numeric = queries.keys_by_type(queries.measure_keys(types, NUMERIC))
    choice = queries.measure_keys(types, {MeasureKind.CHOICE.value})
    choice_keys = queries.keys_by_type(choice)
    labels = {(t.id, m["key"]): m.get("label") or m["key"] for t in types for m in t.measures or []}
    names = {t.id: t.name_sv for t in types}
    summary = queries.activity_summary(promise.id)
    totals = defaultdict(list)  # commitment → [(type, totals)], by type id
    for (cid, tid), row in sorted(queries.type_totals(promise.id, year, numeric).items()):
        totals[cid].append((tid, row))
    choices = queries.choice_counts(promise.id, year, choice)
    places, place_types = queries.place_counts(promise.id, year)
    months, notes = queries.months(promise.id, year), queries.notes(promise.id, year)
    figures = {}
    for c in promise.commitments:
        type_figures = []
        for tid, (n, minutes, first, last, sums) in totals[c.id]:
            type_figures.append(texts.TypeFigures(
                name=names[tid], occasions=n, minutes=int(minutes),
                place_count=place_types.get((c.id, tid), 0), first=first, last=last,
                sums=[(labels[(tid, key)], float(total)) for key, total in sums
                      if total is not None],
                choices=[(labels[(tid, key)], choices[(c.id, tid, key)])
                         for key in choice_keys.get(tid, ()) if (c.id, tid, key) in choices],
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
