"""The yearly follow-up compiler: texts from SQL aggregates, verdicts, recompiles, statements."""
from __future__ import annotations

import copy
from datetime import date

import pytest
import sqlalchemy as sa

from tests.conftest import count_queries
from tracker.extensions import db
from tracker.models import (
    Activity, ActivityStatus, ActivityType, Commitment, FocusArea, FollowUp, FollowUpStatus,
    Indicator, IndicatorValue, LogEntry, Party, Place, Promise, PromiseStatus, Role,
    Verdict,
)
from tracker.models.base import utcnow
from tracker.services import DomainError
from tracker.followups.compiler import compile_followup, suggest_verdict

AFTER = date(2024, 3, 1)  # the 2023 period is over
DURING = date(2023, 6, 1)
CONTROL_MEASURES = [
    {"key": "typ", "label": "Kontrolltyp", "kind": "choice", "choices": ["hastighet", "nykterhet"]},
    {"key": "kontrollerade_fordon", "label": "Kontrollerade fordon", "kind": "integer"},
    {"key": "anteckning", "label": "Anteckning", "kind": "text"},
]


def _traffic_type() -> ActivityType:
    kind = db.session.scalar(sa.select(ActivityType).where(ActivityType.key == "fu_trafik"))
    if kind is None:
        kind = ActivityType(key="fu_trafik", name_sv="Trafikkontroll", measures=CONTROL_MEASURES)
        db.session.add(kind)
        db.session.flush()
    return kind


def _walk_type() -> ActivityType:
    kind = ActivityType(key="fu_vandring", name_sv="Trygghetsvandring", measures=[
        {"key": "deltagare", "label": "Deltagare", "kind": "integer"}])
    db.session.add(kind)
    db.session.flush()
    return kind


def _activity(commitment, kind, title, *, target=None, status=ActivityStatus.PLANNED):
    promise = db.session.get(Promise, commitment.promise_id)
    activity = Activity(commitment_id=commitment.id, municipality_id=promise.municipality_id,
                        type_id=kind.id, title=title, target_count=target, status=status)
    db.session.add(activity)
    db.session.flush()
    return activity


def _entries(activity, rows):
    """rows: (day, place, measures, note, include)."""
    db.session.add_all([
        LogEntry(activity_id=activity.id, occurred_on=day, place_id=place.id if place else None,
                 duration_minutes=60, measures=measures, note=note, include_in_followup=include)
        for day, place, measures, note, include in rows
    ])
    db.session.flush()


@pytest.fixture
def town(make_municipality):
    return make_municipality("Mariestad")


def _promise(town, *, start=2023, end=2023, title="Medborgarlöfte 2023") -> Promise:
    promise = Promise(
        municipality_id=town.id, title=title, start_year=start, end_year=end,
        status=PromiseStatus.ACTIVE, signed_on=date(2023, 2, 1),
        signatories=[{"name": "Eva Ek", "title": "Kommunstyrelsens ordförande"},
                     {"name": "Per Berg", "title": "Lokalpolisområdeschef"}],
        sources=["medborgardialog", "brottsstatistik"], sources_note="Dialoger på torget.",
        agreement_url="https://example.se/lofte.pdf",
    )
    db.session.add(promise)
    db.session.flush()
    return promise


@pytest.fixture
def plan(session, town):
    """One promise: polisen with traffic controls (target 5), kommunen with a walk, one idle."""
    promise = _promise(town)
    area = FocusArea(promise_id=promise.id, title="Trygg trafik", position=0)
    db.session.add(area)
    db.session.flush()
    police, council, together = (
        Commitment(promise_id=promise.id, focus_area_id=area.id, party=party, text=text,
                   position=i, target_count=target)
        for i, (party, text, target) in enumerate([
            (Party.POLISEN, "Polisen lovar att genomföra trafikkontroller vid skolorna.", 5),
            (Party.KOMMUNEN, "Kommunen lovar att gå trygghetsvandringar.", None),
            (Party.TILLSAMMANS, "Vi lovar att ordna en föräldrakväll.", None),
        ])
    )
    db.session.add_all([police, council, together])
    db.session.flush()
    school, square = (Place(municipality_id=town.id, name=n) for n in ("Västerskolan", "Torget"))
    db.session.add_all([school, square])
    db.session.flush()
    controls = _activity(police, _traffic_type(), "Kontroller vid skolor")
    _entries(controls, [
        (date(2023, 3, 2), school, {"typ": "hastighet", "kontrollerade_fordon": 10}, "", False),
        (date(2023, 3, 9), school, {"typ": "hastighet", "kontrollerade_fordon": 12}, "", False),
        (date(2023, 4, 4), square, {"typ": "hastighet", "kontrollerade_fordon": 8}, "", False),
        (date(2023, 5, 5), square, {"typ": "nykterhet", "kontrollerade_fordon": 30}, "", False),
        (date(2023, 9, 1), school, {"typ": "nykterhet", "kontrollerade_fordon": 20}, "", False),
        (date(2022, 12, 30), school, {"typ": "nykterhet", "kontrollerade_fordon": 99}, "", False),
    ])
    walk = _activity(council, _walk_type(), "Trygghetsvandring på Torget")
    _entries(walk, [
        (date(2023, 10, 3), square, {"deltagare": 14}, "Belysningen vid busshållplatsen brister.",
         True),
        (date(2023, 4, 3), square, {"deltagare": 9}, "Förmöte i stadshuset, intern anteckning.",
         False),
    ])
    indicator = Indicator(key="fu_oro", name="Oro att gå ut på kvällen", unit="procent",
                          source="SCB:s medborgarundersökning")
    db.session.add(indicator)
    db.session.flush()
    db.session.add_all([
        IndicatorValue(indicator_id=indicator.id, municipality_id=town.id, year=2023, value=15,
                       national_value=24),
        IndicatorValue(indicator_id=indicator.id, municipality_id=town.id, year=2022, value=18),
    ])
    db.session.flush()
    return {"promise": promise, "area": area, "police": police, "council": council,
            "together": together, "walk": walk, "controls": controls, "school": school}


def _text(followup: FollowUp) -> str:
    return "\n\n".join(s["generated"] for s in followup.sections.values())


def test_focus_section_tells_what_each_party_did_with_counts_and_breakdown(plan):
    followup = compile_followup(plan["promise"].id, 2023, today=AFTER)

    focus = followup.sections[f"fokus-{plan['area'].id}"]
    assert focus["title"] == "Trygg trafik" and focus["edited"] is None
    text = focus["generated"]
    assert "> **Polisen lovar:** Polisen lovar att genomföra trafikkontroller vid skolorna." \
        in text
    assert ("Polisen har genomfört 5 trafikkontroller, varav 3 med kontrolltyp hastighet och "
            "2 med kontrolltyp nykterhet, på 2 platser, mellan 2 mars 2023 och 1 september 2023."
            in text)
    assert "kontrollerade fordon 80" in text  # 2022's 99 is not counted
    assert "Platser: Västerskolan (3), Torget (2)." in text
    assert "Kommunen har genomfört 2 trygghetsvandringar" in text


def test_only_notes_marked_for_the_follow_up_are_quoted(plan):
    text = _text(compile_followup(plan["promise"].id, 2023, today=AFTER))

    assert "> *3 oktober 2023:* Belysningen vid busshållplatsen brister." in text
    assert "intern anteckning" not in text


def test_a_commitment_without_activities_is_named(plan):
    text = _text(compile_followup(plan["promise"].id, 2023, today=AFTER))

    assert "> **Tillsammans lovar vi:** Vi lovar att ordna en föräldrakväll.\n\n" \
           "Inga aktiviteter har registrerats för löftet under 2023." in text


def test_the_other_sections_follow_the_published_shape(plan, make_user, town):
    officer = make_user(Role.OFFICER, town)
    officer.title = "Kommunpolis"
    make_user(Role.VIEWER, town)
    db.session.flush()

    sections = compile_followup(plan["promise"].id, 2023, today=AFTER).sections

    assert list(sections) == ["inledning", "lagesbild", f"fokus-{plan['area'].id}", "effekt",
                              "lardomar", "nasta-steg", "kontakt"]
    intro = sections["inledning"]["generated"]
    assert intro.startswith("Mariestads kommun och Polisen i lokalpolisområde Testområdet har "
                            "tecknat ett ettårigt medborgarlöfte som löper för 2023.")
    assert "utifrån medborgardialog och brottsstatistik" in intro
    assert "undertecknades 1 februari 2023 av Eva Ek (Kommunstyrelsens ordförande) och Per Berg" \
           in intro
    assert "[Medborgarlöfte 2023](https://example.se/lofte.pdf)" in intro
    situation = sections["lagesbild"]["generated"]
    assert "| Oro att gå ut på kvällen | 15 % | 18 % | 24 % |" in situation
    assert sections["effekt"]["title"] == "Syns det någon effekt på brott och trygghet?"
    effect = sections["effekt"]["generated"]
    assert "minskade från 18 % till 15 %, en förbättring" in effect
    assert "säger lite" in effect
    assert "Registrerad tid under året: 7 timmar (Kommunen 2, Polisen 5)." \
           in sections["lardomar"]["generated"]
    assert sections["nasta-steg"]["generated"].startswith("*Skriv här")
    contact = sections["kontakt"]["generated"]
    assert f"- {officer.name}, Kommunpolis" in contact
    assert "@" not in contact and contact.count("\n- ") == 1


def test_verdicts_when_the_period_is_over(plan):
    verdicts = compile_followup(plan["promise"].id, 2023, today=AFTER).verdicts

    police, council, together = (verdicts[str(plan[k].id)]
                                 for k in ("police", "council", "together"))
    assert police["suggested"] == Verdict.FULFILLED.value
    assert police["reason"] == "5 genomförda tillfällen av målet 5 under 2023."
    assert council["suggested"] == Verdict.PARTLY.value
    assert together["suggested"] == Verdict.NOT_FULFILLED.value
    assert together["override"] is None and together["override_reason"] == ""


def test_verdicts_while_the_period_runs_and_when_all_activities_are_done(plan):
    running = compile_followup(plan["promise"].id, 2023, today=DURING).verdicts
    assert running[str(plan["police"].id)]["suggested"] == Verdict.FULFILLED.value
    assert running[str(plan["council"].id)]["suggested"] == Verdict.ONGOING.value
    assert running[str(plan["together"].id)]["suggested"] == Verdict.ONGOING.value

    plan["walk"].status = ActivityStatus.DONE
    db.session.flush()
    done = compile_followup(plan["promise"].id, 2023, today=AFTER).verdicts
    assert done[str(plan["council"].id)]["suggested"] == Verdict.FULFILLED.value
    assert done[str(plan["council"].id)]["reason"].startswith("Alla aktiviteter för löftet")


@pytest.mark.parametrize("occasions, target, all_done, running, expected", [
    (5, 5, False, False, Verdict.FULFILLED),
    (0, None, True, False, Verdict.FULFILLED),
    (2, 5, False, False, Verdict.PARTLY),
    (0, 5, False, False, Verdict.NOT_FULFILLED),
    (2, 5, False, True, Verdict.ONGOING),
    (0, None, False, True, Verdict.ONGOING),
])
def test_suggest_verdict(occasions, target, all_done, running, expected):
    assert suggest_verdict(occasions, target, all_done, running) is expected


def test_a_year_that_is_not_the_current_one_inside_a_longer_period_is_ongoing(session, town):
    promise = _promise(town, start=2022, end=2023, title="Medborgarlöfte 2022–2023")
    db.session.add(Commitment(promise_id=promise.id, party=Party.POLISEN, text="Synas mer."))
    db.session.flush()

    followup = compile_followup(promise.id, 2022, today=AFTER)

    assert [v["suggested"] for v in followup.verdicts.values()] == [Verdict.ONGOING.value]
    assert "fokus-ovrigt" in followup.sections
    assert "tvåårigt medborgarlöfte som löper för åren 2022 och 2023" in _text(followup)


def test_compiling_twice_gives_identical_sections_and_verdicts(plan):
    first = compile_followup(plan["promise"].id, 2023, today=AFTER)
    sections, verdicts = copy.deepcopy(first.sections), copy.deepcopy(first.verdicts)
    db.session.expire_all()

    second = compile_followup(plan["promise"].id, 2023, today=AFTER)

    assert second.id == first.id
    assert second.sections == sections and second.verdicts == verdicts
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FollowUp)
                             .where(FollowUp.promise_id == plan["promise"].id)) == 1


def test_an_edited_section_and_an_override_survive_a_recompile(plan):
    followup = compile_followup(plan["promise"].id, 2023, today=AFTER)
    key = f"fokus-{plan['area'].id}"
    followup.sections = {**followup.sections,
                         key: {**followup.sections[key], "edited": "Vår egen text."}}
    police = str(plan["police"].id)
    followup.verdicts = {**followup.verdicts, police: {**followup.verdicts[police],
                         "override": "delvis_uppfyllt", "override_reason": "Fel skolor."}}
    _entries(plan["controls"],
             [(date(2023, 11, 1), plan["school"], {"typ": "hastighet"}, "", False)])

    again = compile_followup(plan["promise"].id, 2023, today=AFTER)

    assert again.sections[key]["edited"] == "Vår egen text."
    assert "Polisen har genomfört 6 trafikkontroller, varav 4 med kontrolltyp hastighet" \
           in again.sections[key]["generated"]
    assert again.sections["lagesbild"]["edited"] is None
    assert again.verdicts[police]["override"] == "delvis_uppfyllt"
    assert again.verdicts[police]["override_reason"] == "Fel skolor."
    assert again.verdicts[police]["reason"] == "6 genomförda tillfällen av målet 5 under 2023."


def test_an_approved_follow_up_is_left_alone(plan):
    followup = compile_followup(plan["promise"].id, 2023, today=AFTER)
    followup.status = FollowUpStatus.APPROVED
    db.session.flush()
    before = (copy.deepcopy(followup.sections), copy.deepcopy(followup.verdicts),
              followup.compiled_at)
    _entries(plan["controls"],
             [(date(2023, 11, 1), plan["school"], {"typ": "hastighet"}, "", False)])

    again = compile_followup(plan["promise"].id, 2023, today=AFTER)

    assert again.id == followup.id
    assert (again.sections, again.verdicts, again.compiled_at) == before


def test_years_outside_the_period_and_missing_promises_are_refused(plan):
    with pytest.raises(DomainError, match="utanför medborgarlöftets period"):
        compile_followup(plan["promise"].id, 2024, today=AFTER)
    with pytest.raises(DomainError, match="finns inte"):
        compile_followup(10**9, 2023, today=AFTER)


def _bulk_promise(town, place, n_entries: int) -> Promise:
    promise = _promise(town, title=f"Löfte med {n_entries}")
    commitment = Commitment(promise_id=promise.id, party=Party.POLISEN, text="Kontrollera.")
    db.session.add(commitment)
    db.session.flush()
    activity = _activity(commitment, _traffic_type(), "Kontroller")
    db.session.execute(sa.insert(LogEntry.__table__), [
        dict(activity_id=activity.id, occurred_on=date(2023, 1 + i % 12, 1 + i % 28),
             place_id=place.id, duration_minutes=30, note=f"Notering {i}",
             measures={"typ": ["hastighet", "nykterhet"][i % 2], "kontrollerade_fordon": i},
             include_in_followup=i % 10 == 0, is_demo=False, created_at=utcnow())
        for i in range(n_entries)])
    return promise


def test_statement_count_does_not_grow_with_the_log(session, town):
    place = Place(municipality_id=town.id, name="Rondellen")
    db.session.add(place)
    db.session.flush()
    small, large = _bulk_promise(town, place, 20), _bulk_promise(town, place, 500)
    ids = small.id, large.id
    db.session.expire_all()

    with count_queries() as few:
        compile_followup(ids[0], 2023, today=AFTER)
    db.session.expire_all()
    with count_queries() as many:
        large_followup = compile_followup(ids[1], 2023, today=AFTER)

    assert len(few) == len(many) == 17
    assert "500 trafikkontroller, varav 250 med kontrolltyp hastighet" in _text(large_followup)


def test_demo_lidkoping_2023_reads_like_the_published_follow_up(session):
    from tracker.demo.loader import load_demo

    load_demo()
    promise = session.scalar(sa.select(Promise)
                             .where(Promise.title == "Medborgarlöfte 2022–2023"))

    followup = compile_followup(promise.id, 2023, today=date(2024, 2, 1))

    text = _text(followup)
    assert text.startswith("Lidköpings kommun och Polisen i lokalpolisområde Västra Skaraborg "
                           "har tecknat ett tvåårigt medborgarlöfte som löper för åren 2022 "
                           "och 2023.")
    assert "Polisen har genomfört" in text and " skolbesök, varav " in text
    assert "med årskurs åk 7" in text
    assert "trafikkontroller, varav" in text and "med typ av kontroll hastighet" in text
    assert "> **Polisen lovar:** Öka tryggheten i Lidköping centrum." in text
    assert "| Andel som känner oro" in text
    assert "Syns det någon effekt på brott och trygghet?" in followup.sections["effekt"]["title"]
    assert "Inga aktiviteter har registrerats för löftet under 2023." in text
    assert set(followup.verdicts) == {str(c) for c in session.scalars(
        sa.select(Commitment.id).where(Commitment.promise_id == promise.id))}
    assert Verdict.FULFILLED.value in {v["suggested"] for v in followup.verdicts.values()}


def test_demo_lidkoping_2023_counts_match_the_log_counted_independently(session):
    """Every commitment is quoted, and each type's count and each month's total equals what
    plain Python counts over the same log entries."""
    from tracker.demo.loader import load_demo
    from tracker.followups.prose import PARTY_ACTOR, occasions_phrase

    load_demo()
    promise = session.scalar(sa.select(Promise)
                             .where(Promise.title == "Medborgarlöfte 2022–2023"))
    followup = compile_followup(promise.id, 2023, today=date(2024, 2, 1))
    text = _text(followup)

    rows = session.execute(
        sa.select(Commitment.id, Commitment.party, Commitment.text, ActivityType.name_sv,
                  LogEntry.occurred_on)
        .join(Activity, Activity.commitment_id == Commitment.id)
        .join(ActivityType, ActivityType.id == Activity.type_id)
        .join(LogEntry, LogEntry.activity_id == Activity.id)
        .where(Commitment.promise_id == promise.id)
    ).all()
    in_year = [row for row in rows if row.occurred_on.year == 2023]
    assert len(in_year) > 100
    per_type: dict[tuple, int] = {}
    for row in in_year:
        per_type[(row.id, row.party, row.name_sv)] = per_type.get(
            (row.id, row.party, row.name_sv), 0) + 1
    for (cid, party, type_name), n in per_type.items():
        section = followup.sections[followup.verdicts[str(cid)]["section"]]["generated"]
        assert f"{PARTY_ACTOR[party]} {occasions_phrase(n, type_name)}" in section
    for commitment in session.scalars(sa.select(Commitment)
                                      .where(Commitment.promise_id == promise.id)):
        assert commitment.text.strip() in text
    monthly = [0] * 12
    for row in in_year:
        monthly[row.occurred_on.month - 1] += 1
    charted = [sum(series["counts"][m] for series in followup.figures["months"])
               for m in range(12)]
    assert charted == monthly
    assert followup.sections["kontakt"]["generated"].startswith(
        "Frågor om medborgarlöftet besvaras av:")
