"""Compiles the yearly follow-up of a promise from the database (aggregated in SQL).

`compile_followup` is a pure function of the database: the same rows give the same sections and
verdicts. A fixed number of statements runs whatever the number of log entries, since every
figure is a GROUP BY. It flushes and never commits; the caller commits once per promise.
"""
from __future__ import annotations

import dataclasses
import re
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from tracker.extensions import db
from tracker.followups import prose, queries
from tracker.followups.assess import assess, indicator_rows
from tracker.followups.work import commitment_work, hours_by_actor
from tracker.formatting import local_today
from tracker.labels import promise_heading
from tracker.models import (
    FollowUp,
    FollowUpStatus,
    FollowUpVersion,
    MeasureKind,
    Party,
    Promise,
    PromiseStatus,
)
from tracker.models.base import utcnow
from tracker.services import DomainError
from tracker.services.promises.text_sentences import starts_with_a_verb
from tracker.translation import gettext as _

NUMERIC = {MeasureKind.INTEGER.value, MeasureKind.DECIMAL.value}
LISTED = {MeasureKind.CHOICE.value, MeasureKind.TEXT.value}
PARTY_PROMISES = {"kommunen": "Kommunen lovar", "polisen": "Polisen lovar",
                  "tillsammans": "Tillsammans lovar vi"}
SOURCE_WORDS = {"medborgardialog": "medborgardialoger", "enkat": "enkäter",
                "trygghetsmatning": "trygghetsmätningar", "brottsstatistik": "brottsstatistik",
                "handelserapporter": "händelserapporter", "medarbetardialog": "medarbetardialoger"}
OTHER_AREA = "fokus-ovrigt"


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
    sections, verdicts, figures = _compile(promise, year, running, year < today.year)
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
    return [(promise_id, year) for promise_id, year in db.session.execute(
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
            merged[key] = {**previous, "title": section["title"], "generated": section["generated"],
                           "parent": section.get("parent")}
        else:
            merged[key] = section
    for key, previous in old.items():  # an edited section whose source is gone is not lost
        if key not in merged and previous.get("edited") is not None:
            merged[key] = previous
    return merged


PERSON_VERDICT_FIELDS = ("override", "override_reason", "reason_code")


def _merge_verdicts(old: dict, fresh: dict) -> dict:
    """Fresh suggestions; what a person chose (verdict, reason) is kept."""
    merged = {}
    for key, verdict in fresh.items():
        previous = old.get(key) or {}
        merged[key] = {**verdict, **{name: previous.get(name, verdict[name])
                                     for name in PERSON_VERDICT_FIELDS}}
    return merged


def _section(title: str, generated: str, parent: str | None = None) -> dict:
    return {"title": title, "generated": generated, "edited": None, "parent": parent}


def _by_party(commitments) -> list[str]:
    """"4 för polisen", "3 för kommunen", "2 gemensamma": who gave the promise's commitments."""
    counts = {party: sum(1 for c in commitments if c.party is party) for party in Party}
    said = []
    for party, words in ((Party.POLISEN, "för polisen"), (Party.KOMMUNEN, "för kommunen"),
                         (Party.TILLSAMMANS, None)):
        n = counts[party]
        if n:
            joint = "gemensamt" if n == 1 else "gemensamma"
            said.append(f"{prose.number(n)} {words or joint}")
    return said


_PARTY_AFTER = re.compile(r"(?P<title>.+?) \((?P<party>[A-ZÅÄÖ]{1,4})\)")


def _signatories(people: list[dict]) -> list[str]:
    """The signatories said one way: when one of them is named title first (a political
    party goes with the name), so are the others: "kommunstyrelsens ordförande Anna Ek (S) och
    lokalpolisområdeschef Per Berg", not "… och Per Berg (lokalpolisområdeschef)"."""
    people = [p for p in people if p.get("name")]
    title_first = any(_PARTY_AFTER.fullmatch((p.get("title") or "").strip()) for p in people)
    return [_signatory(p, title_first=title_first) for p in people]


def _signatory(person: dict, *, title_first: bool = False) -> str:
    """"Anna Ek (kommunstyrelsens ordförande)"; never brackets in brackets: a political party
    goes with the name, after the title ("kommunstyrelsens ordförande Bertil Jonsson (M)"),
    another bracket after a comma."""
    name, title = person["name"], prose.lower_first((person.get("title") or "").strip())
    if not title:
        return name
    party = _PARTY_AFTER.fullmatch(title)
    if party:
        return f"{party['title']} {name} ({party['party']})"
    if "(" in title:
        return f"{name}, {title}"
    return f"{title} {name}" if title_first else f"{name} ({title})"


def _compile(promise: Promise, year: int, running: bool,
             year_over: bool) -> tuple[dict, dict, dict]:
    municipality = promise.municipality
    official = municipality.display_name
    series = queries.indicator_series(municipality.id, year)
    rows = indicator_rows(series.values(), year)
    work = _work(promise, year)
    links = queries.indicator_links(promise.id)
    commitments = _ordered(promise.commitments)
    area_of = {c.id: f"fokus-{c.focus_area_id}" if c.focus_area_id else OTHER_AREA
               for c in commitments}
    sections = {
        "inledning": _section("Om medborgarlöftet", prose.render(
            "introduction.md.j2", official_name=official,
            police_area=municipality.police_area.name, start_year=promise.start_year,
            end_year=promise.end_year, year=year, title=promise.title,
            sources=_sources_untold(promise.sources or [], promise.sources_note),
            sources_note=_unless_told(promise.sources_note, promise.problem_picture),
            signed_on=promise.signed_on,
            signatories=_signatories(promise.signatories or []),
            agreement_url=promise.agreement_url,
            problem_picture=(promise.problem_picture or "").strip(),
            commitment_count=len(commitments), by_party=_by_party(commitments),
            areas=[f"”{a.title.strip()}”" for a in _ordered(promise.focus_areas)
                   if a.title.strip()],
            promised=_promised(commitments))),
        "lagesbild": _section("Lägesbild", prose.render(
            "situation.md.j2", rows=rows, official_name=official, year=year,
            sources=sorted({row.source for row in rows if row.source}),
            older=bool(series))),
    }
    verdicts = {}
    areas = [(f"fokus-{a.id}", a.title, a.description or "") for a in _ordered(promise.focus_areas)]
    if any(key == OTHER_AREA for key in area_of.values()):
        areas.append((OTHER_AREA, "Övriga löften", ""))
    for key, title, description in areas:
        sections[key] = _section(title, prose.render("focus_area.md.j2",
                                                     description=description.strip()))
        for c in (c for c in commitments if area_of[c.id] == key):
            body = f"lofte-{c.id}"
            sections[body] = _section(promise_heading(PARTY_PROMISES[c.party.value], c.party,
                                                      c.text),
                                      prose.render("commitment.md.j2", work=work.text[c.id]),
                                      parent=key)
            verdict = assess(c, work, links.get(c.id, []), series, year, running,
                             first_year=promise.start_year, last_year=promise.end_year,
                             year_over=year_over)
            verdicts[str(c.id)] = {
                **verdict, "override": None, "override_reason": "", "reason_code": None,
                "party": c.party.value, "text": c.text, "kind": c.kind.value,
                "section": key, "key": body, "indicators": len(links.get(c.id, [])),
            }
    walks = queries.walk_counts(promise.id, year)
    if walks.walks:  # only a promise whose year had walks with a protocol gets the section
        sections["trygghetsvandringar"] = _section("Trygghetsvandringar och åtgärder",
                                                   prose.render("walks.md.j2", w=walks))
    sections["effekt"] = _section("Syns det någon effekt på brott och trygghet?", prose.render(
        "effect.md.j2", official_name=official, year=year, series=list(series.values()),
        effect_commitments=_effect_commitments(commitments, links, series)))
    received, to_action = queries.tip_counts(municipality.id, year)
    if received:
        sections["tips"] = _section("Tips från invånare", prose.render(
            "tips.md.j2", received=received, to_action=to_action, year=year,
            official_name=official))
    total, parts = hours_by_actor(work.minutes_by_actor)
    sections["lardomar"] = _section("Lärdomar", prose.render("lessons.md.j2", total=total,
                                                             parts=parts))
    sections["nasta-steg"] = _section("Nästa steg", prose.render("next_steps.md.j2"))
    sections["kontakt"] = _section("Kontakt", prose.render(
        "contact.md.j2", people=[(name, title or role)
                                 for name, title, role in queries.contacts(municipality.id)],
        official_name=official, municipality_contact=municipality.report_contact.strip(),
        police_contact=municipality.police_area.report_contact.strip()))
    return sections, verdicts, {
        "months": _month_series(areas, commitments, work.month_counts, area_of),
        "indicators": [dataclasses.asdict(row) for row in rows],
        "indicator_series": [dataclasses.asdict(s) for s in series.values()],
        # the period's last year, compiled before it ended: its verdicts are not final yet
        "ends_later": running and year == promise.end_year,
    }


def _work(promise: Promise, year: int):
    types = queries.activity_types(promise.id)
    return commitment_work(
        promise, year, types,
        totals=queries.type_totals(
            promise.id, year, queries.keys_by_type(queries.measure_keys(types, NUMERIC)),
            queries.keys_by_type(queries.measure_keys(types, {MeasureKind.BOOLEAN.value}))),
        values=queries.value_counts(promise.id, year, queries.measure_keys(types, LISTED)),
        places=queries.place_counts(promise.id, year),
        months=queries.months(promise.id, year), notes=queries.notes(promise.id, year),
        summary=queries.activity_summary(promise.id),
        period=queries.period_occasions(promise, year),
        cancelled=queries.cancelled(promise, year),
    )


# What a basis note names a source by ("Löftet bygger på medborgardialoger, Polisens
# trygghetsmätning och anmälningsstatistik" names three)
SOURCE_STEMS = {"medborgardialog": "dialog", "enkat": "enkät", "trygghetsmatning": "mätning",
                "brottsstatistik": "statistik", "handelserapporter": "händelserapport",
                "medarbetardialog": "medarbetardialog"}


def _sources_untold(keys: list[str], note: str | None) -> list[str]:
    """The sources' words for "Medborgarlöftet har tagits fram utifrån …", none when the
    basis note printed beside them names every one already (said once, not twice)."""
    lowered = (note or "").lower()
    if keys and all(SOURCE_STEMS.get(key, key) in lowered for key in keys):
        return []
    return [SOURCE_WORDS.get(key, key) for key in keys]


def _unless_told(note: str | None, told: str | None) -> str:
    """The note, unless the other text says it all already (a promise whose background is
    also its basis)."""
    flat = " ".join((note or "").split())
    return "" if flat and flat in " ".join((told or "").split()) else (note or "").strip()


def _effect_commitments(commitments, links, series) -> list[dict]:
    """Each effect as a sentence of its own ("Minska andelen … på kvällen."), then its
    measures: a list item led by a lower-case verb ran on into "Mäts med"."""
    return [{"text": _sentence(c.text),
             "measures": [series[iid].name if iid in series else "" for iid, _h, _t in
                          links.get(c.id, [])]}
            for c in commitments if c.kind.value == "effekt"]


# Who promised, as the opening names them: "Bland annat lovade polisen att …"
PROMISED_BY = {"polisen": "polisen", "kommunen": "kommunen",
               "tillsammans": "vi tillsammans"}  # as the report's "Tillsammans lovar vi:"


def _promised(commitments) -> list[str]:
    """The first promise of each party, in the report's order, as the opening tells it (seed
    004: "lovade bland annat polisen att jobba aktivt med …"): only a promise worded as what
    to do ("Genomföra …"), not a sentence of its own ("Polisen ska …"), and not a long one."""
    told, said = set(), []
    for c in commitments:
        text = c.text.strip().rstrip(".").strip()
        party = c.party.value
        if party in told or not starts_with_a_verb(text) or len(text) > 140:
            continue
        told.add(party)
        said.append(f"{PROMISED_BY[party]} att {text[:1].lower()}{text[1:]}")
    return said


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if not text or text.endswith((".", "!", "?")) else text + "."


def _month_series(areas, commitments, month_counts, area_of) -> list[dict]:
    """Occasions per month for each focus area that has any, in the report's order."""
    series: dict[str, list[int]] = {key: [0] * 12 for key, _title, _d in areas}
    for c in commitments:
        for month, n in month_counts.get(c.id, {}).items():
            series[area_of[c.id]][month - 1] += n
    return [{"title": title, "counts": series[key]} for key, title, _d in areas
            if any(series[key])]


def _ordered(rows):
    return sorted(rows, key=lambda row: (row.position, row.id))

