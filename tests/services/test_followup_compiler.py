"""The yearly follow-up compiler: texts from SQL aggregates, verdicts, recompiles, statements."""
from __future__ import annotations

import copy
import re
from datetime import date

import pytest
import sqlalchemy as sa

from tests.conftest import count_queries
from tracker.extensions import db
from tracker.followups.assess import suggest_verdict
from tracker.followups.compiler import compile_followup
from tracker.models import (
    Activity,
    ActivityStatus,
    ActivityType,
    Commitment,
    CommitmentIndicator,
    CommitmentKind,
    FocusArea,
    FollowUp,
    FollowUpStatus,
    Indicator,
    IndicatorValue,
    LogEntry,
    Organisation,
    Party,
    Place,
    Promise,
    PromiseStatus,
    Role,
    User,
    Verdict,
)
from tracker.models.base import utcnow
from tracker.models.promise import word_for_every
from tracker.services import DomainError

AFTER = date(2024, 3, 1)  # the 2023 period is over
DURING = date(2023, 6, 1)
CONTROL_MEASURES = [
    {"key": "typ", "label": "Kontrolltyp", "kind": "choice", "choices": ["hastighet", "nykterhet"],
     "choice_phrases": {"hastighet": "{n} hastighetskontroller",
                        "nykterhet": "{n} nykterhetskontroller"},
     "choice_phrases_one": {"nykterhet": "{n} nykterhetskontroll"}},
    {"key": "kontrollerade_fordon", "label": "Kontrollerade fordon", "kind": "integer",
     "phrase": "{n} kontrollerade fordon"},
    {"key": "anteckning", "label": "Anteckning", "kind": "text", "in_report": False},
]


def _traffic_type() -> ActivityType:
    kind = db.session.scalar(sa.select(ActivityType).where(ActivityType.key == "fu_trafik"))
    if kind is None:
        kind = ActivityType(key="fu_trafik", name_sv="Trafikkontroll", measures=CONTROL_MEASURES,
                            noun_singular="trafikkontroll", noun_plural="trafikkontroller")
        db.session.add(kind)
        db.session.flush()
    return kind


def _walk_type() -> ActivityType:
    kind = ActivityType(key="fu_vandring", name_sv="Trygghetsvandring", measures=[
        {"key": "deltagare", "label": "Deltagare", "kind": "integer", "phrase": "{n} deltagare"}],
        noun_singular="trygghetsvandring", noun_plural="trygghetsvandringar")
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


def _entries(activity, rows, author=None):
    """rows: (day, place, measures, note, include)."""
    db.session.add_all([
        LogEntry(activity_id=activity.id, occurred_on=day, place_id=place.id if place else None,
                 duration_minutes=60, measures=measures, note=note, include_in_followup=include,
                 author_id=author.id if author else None)
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
def plan(session, town, make_user):
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
    officer = make_user(Role.OFFICER, town, organisation=Organisation.POLISEN)
    clerk = make_user(Role.COORDINATOR, town, organisation=Organisation.KOMMUNEN)
    controls = _activity(police, _traffic_type(), "Kontroller vid skolor")
    _entries(controls, author=officer, rows=[
        (date(2023, 3, 2), school, {"typ": "hastighet", "kontrollerade_fordon": 10}, "", False),
        (date(2023, 3, 9), school, {"typ": "hastighet", "kontrollerade_fordon": 12}, "", False),
        (date(2023, 4, 4), square, {"typ": "hastighet", "kontrollerade_fordon": 8}, "", False),
        (date(2023, 5, 5), square, {"typ": "nykterhet", "kontrollerade_fordon": 30}, "", False),
        (date(2023, 9, 1), school, {"typ": "nykterhet", "kontrollerade_fordon": 20}, "", False),
        (date(2022, 12, 30), school, {"typ": "nykterhet", "kontrollerade_fordon": 99}, "", False),
    ])
    walk = _activity(council, _walk_type(), "Trygghetsvandring på Torget")
    _entries(walk, author=clerk, rows=[
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
            "together": together, "walk": walk, "controls": controls, "school": school,
            "indicator": indicator}


def _text(followup: FollowUp) -> str:
    return "\n\n".join(s["generated"] for s in followup.sections.values())


def _body(followup: FollowUp, commitment) -> str:
    return followup.sections[f"lofte-{commitment.id}"]["generated"]


def test_each_commitment_has_its_own_section_under_its_focus_area(plan):
    followup = compile_followup(plan["promise"].id, 2023, today=AFTER)

    area = followup.sections[f"fokus-{plan['area'].id}"]
    assert area["title"] == "Trygg trafik" and area["edited"] is None
    police = followup.sections[f"lofte-{plan['police'].id}"]
    # the sentence names its party: not "Polisen lovar: Polisen lovar att …"
    assert police["title"] == "Polisen lovar att genomföra trafikkontroller vid skolorna."
    assert police["parent"] == f"fokus-{plan['area'].id}"
    assert ("Polisen har genomfört 5 trafikkontroller under mars–september 2023, varav "
            "3 hastighetskontroller och 2 nykterhetskontroller. "  # the places: in the list
            "Sammanlagt 80 kontrollerade fordon." in police["generated"])  # not 2022's 99
    assert "Platser: Västerskolan (3 tillfällen) och Torget (2 tillfällen)." in police["generated"]
    assert "Kommunen har genomfört 2 trygghetsvandringar" in _body(followup, plan["council"])


def test_one_occasion_of_a_choice_is_said_in_the_singular_where_the_type_gives_it(plan):
    """'varav 4 hastighetskontroller och 1 nykterhetskontroll', not '1 nykterhetskontroller';
    a choice without a singular keeps its one phrase."""
    with_four = [(date(2023, 6, d), plan["school"], {"typ": "hastighet"}, "", False)
                 for d in (1, 2)]
    officer = db.session.get(User, db.session.scalar(sa.select(LogEntry.author_id).where(
        LogEntry.activity_id == plan["controls"].id).limit(1)))
    _entries(plan["controls"], author=officer, rows=with_four)
    db.session.execute(sa.delete(LogEntry).where(
        LogEntry.activity_id == plan["controls"].id, LogEntry.occurred_on == date(2023, 9, 1)))
    db.session.flush()

    body = _body(compile_followup(plan["promise"].id, 2023, today=AFTER), plan["police"])

    assert "varav 5 hastighetskontroller och 1 nykterhetskontroll." in body


def test_only_notes_marked_for_the_follow_up_stand_under_their_commitment_and_activity(plan):
    followup = compile_followup(plan["promise"].id, 2023, today=AFTER)

    council = _body(followup, plan["council"])
    assert ("- Trygghetsvandring på Torget, 3 oktober 2023: Belysningen vid busshållplatsen "
            "brister." in council)
    assert "intern anteckning" not in _text(followup)
    assert ">" not in council  # notes are a list, never a quote a commitment could fall into


def test_a_commitment_without_activities_is_named(plan):
    followup = compile_followup(plan["promise"].id, 2023, today=AFTER)

    assert _body(followup, plan["together"]) == (
        "Inga aktiviteter har registrerats för löftet under 2023.")


def test_the_other_sections_follow_the_published_shape(plan, make_user, town):
    officer = make_user(Role.OFFICER, town, organisation=Organisation.POLISEN)
    officer.title = "Kommunpolis"
    field_worker = make_user(Role.OFFICER, town)  # logs too, but is no contact of the report
    field_worker.title = "Fältsekreterare"
    make_user(Role.VIEWER, town)
    plan["police"].kind = CommitmentKind.PRESTATION
    db.session.add(CommitmentIndicator(commitment_id=plan["council"].id,
                                       indicator_id=plan["indicator"].id, higher_is_better=False))
    plan["council"].kind = CommitmentKind.EFFEKT
    db.session.flush()

    sections = compile_followup(plan["promise"].id, 2023, today=AFTER).sections

    area = f"fokus-{plan['area'].id}"
    assert list(sections) == ["inledning", "lagesbild", area,
                              *(f"lofte-{plan[k].id}" for k in ("police", "council", "together")),
                              "effekt", "lardomar", "nasta-steg", "kontakt"]
    intro = sections["inledning"]["generated"]
    assert intro.startswith("Mariestads kommun och Polisen i lokalpolisområde Testområdet har "
                            "tecknat ett ettårigt medborgarlöfte som löper för 2023.")
    # what was promised, before the details (as seed 004 opens)
    assert ("Löftet innehåller 3 åtaganden: 1 för polisen, 1 för kommunen och 1 gemensamt. De "
            "hör till fokusområdet ”Trygg trafik”.\n\n") in intro
    assert "utifrån medborgardialoger och brottsstatistik." in intro
    assert "Underlag: Dialoger på torget." in intro
    assert "undertecknades 1 februari 2023 av Eva Ek (kommunstyrelsens ordförande) och Per Berg" \
           " (lokalpolisområdeschef)." in intro  # a title in a sentence, not a heading
    assert "[Medborgarlöfte 2023](https://example.se/lofte.pdf)" in intro
    situation = sections["lagesbild"]["generated"]
    assert "|" not in situation  # the table is printed once, from the figures
    effect = sections["effekt"]["generated"]
    assert "Oro att gå ut på kvällen: 18\u00a0% (2022) och 15\u00a0% (2023); riket 24\u00a0% (2023)." in effect
    assert "förbättring" not in effect and "försämring" not in effect
    assert "Kommunen lovar att gå trygghetsvandringar. Mäts med: Oro att gå ut på kvällen." \
        in effect
    assert "säger lite" in effect
    assert "Registrerad tid under året: 7 timmar (Polisen 5 och kommunen 2)." \
           in sections["lardomar"]["generated"]

    # A basis note that names every source already: the sources are not told twice
    plan["promise"].sources_note = "Löftet bygger på medborgardialoger och anmälningsstatistik."
    db.session.flush()
    intro = compile_followup(plan["promise"].id, 2023, today=AFTER).sections["inledning"][
        "generated"]
    assert "utifrån" not in intro and "bygger på medborgardialoger och anmälningsstatistik" in intro
    assert sections["nasta-steg"]["generated"].startswith("*Skriv här")
    contact = sections["kontakt"]["generated"]
    assert f"- {officer.name}, kommunpolis" in contact  # a title inside a line
    assert field_worker.name not in contact
    assert "114 14" in contact and "polisen.se" in contact


def test_verdicts_by_kind_when_the_period_is_over(plan):
    plan["together"].kind = CommitmentKind.EFFEKT
    db.session.flush()
    verdicts = compile_followup(plan["promise"].id, 2023, today=AFTER).verdicts

    police, council, together = (verdicts[str(plan[k].id)]
                                 for k in ("police", "council", "together"))
    assert police["kind"] == "prestation"  # it has a target
    assert police["suggested"] == Verdict.FULFILLED.value
    assert police["reason"] == "5 av 5 planerade tillfällen har genomförts under 2023."
    assert council["kind"] == "arbetssatt"
    assert council["suggested"] == Verdict.DONE.value  # never an automatic "uppfyllt"
    assert together["suggested"] == Verdict.CANNOT_ASSESS.value
    assert together["auto_reason"] == {"code": "annat",
                                       "text": "inget mått är kopplat till löftet"}
    assert together["override"] is None and together["reason_code"] is None


@pytest.mark.parametrize("text, word", [
    ("Kommunen lovar att gå trygghetsvandringar i alla stadsdelar.", "alla"),
    ("Kommunen lovar att besöka samtliga klasser i årskurs 7.", "samtliga"),
    ("Kommunen lovar att genomföra en trygghetsvandring varje höst.", "varje"),
])
def test_a_prestation_for_every_one_of_something_is_not_fulfilled_by_a_count_alone(
        plan, text, word):
    council = plan["council"]
    council.text, council.kind = text, CommitmentKind.PRESTATION
    db.session.flush()

    verdict = compile_followup(plan["promise"].id, 2023, today=AFTER).verdicts[str(council.id)]
    assert verdict["suggested"] == Verdict.CANNOT_ASSESS.value
    assert verdict["reason"] == (
        f"2 genomförda tillfällen under 2023. Löftet säger ”{word}” men anger inget antal att "
        "nå, så det går inte att räkna fram om alla har nåtts.")
    assert verdict["auto_reason"] == {"code": "annat", "text": "inget antal att nå"}

    council.target_count = 2  # the coordinator says how many "all" is
    db.session.flush()
    counted = compile_followup(plan["promise"].id, 2023, today=AFTER).verdicts[str(council.id)]
    assert counted["suggested"] == Verdict.FULFILLED.value
    assert counted["reason"] == "2 av 2 planerade tillfällen har genomförts under 2023."


@pytest.mark.parametrize("text, word", [
    ("Besöka alla skolor.", "alla"),
    ("Gå trygghetsvandringar i alla stadsdelar.", "alla"),
    ("Besöka samtliga klasser i åk 7.", "samtliga"),
    ("Patrullera varje helg.", "varje"),
    ("Ordna en trygghetsvandring öppen för alla.", None),     # all take part in one
    ("Gå en vandring tillsammans med alla berörda.", None),
    ("Skicka information till alla hushåll.", None),          # one mailing reaches all
    ("Ordna en föräldrakväll vartannat år.", None),
])
def test_the_words_that_promise_every_one_of_something(text, word):
    assert word_for_every(text) == word


def test_a_prestation_without_a_target_or_every_is_fulfilled_by_its_occasions(plan):
    council = plan["council"]
    council.text = "Kommunen lovar att ordna en trygghetsvandring öppen för alla."
    council.kind = CommitmentKind.PRESTATION
    db.session.flush()

    verdict = compile_followup(plan["promise"].id, 2023, today=AFTER).verdicts[str(council.id)]
    assert verdict["suggested"] == Verdict.FULFILLED.value
    assert verdict["reason"] == ("2 genomförda tillfällen under 2023; löftet anger inget antal "
                                 "att nå.")


def test_finishing_every_activity_never_turns_a_missed_target_into_fulfilled(plan):
    plan["police"].target_count = 8
    plan["controls"].status = ActivityStatus.DONE
    db.session.flush()

    police = compile_followup(plan["promise"].id, 2023, today=AFTER).verdicts[
        str(plan["police"].id)]

    assert police["suggested"] == Verdict.PARTLY.value
    assert police["reason"] == ("5 av 8 planerade tillfällen har genomförts under 2023; alla "
                                "planerade aktiviteter är avslutade.")
    assert police["auto_reason"] is None  # a person must say why


def test_an_effect_is_judged_by_its_indicators_only(plan):
    plan["council"].kind = CommitmentKind.EFFEKT
    link = CommitmentIndicator(commitment_id=plan["council"].id,
                               indicator_id=plan["indicator"].id, higher_is_better=False)
    db.session.add(link)
    db.session.flush()
    council = str(plan["council"].id)

    better = compile_followup(plan["promise"].id, 2023, today=AFTER).verdicts[council]
    assert better["suggested"] == Verdict.FULFILLED.value  # 18 % → 15 %, lower is better
    assert ("Oro att gå ut på kvällen har minskat från 18\u00a0% (2022) till 15\u00a0% (2023), vilket är en "
            "förbättring.") in better["reason"]
    assert "säger lite" not in better["reason"]  # the survey caveat: once, under the effects

    link.target_value = 10
    db.session.flush()
    missed = compile_followup(plan["promise"].id, 2023, today=AFTER).verdicts[council]
    assert missed["suggested"] == Verdict.PARTLY.value  # improved, target not reached
    assert "Målet är 10\u00a0%, och det är inte nått." in missed["reason"]

    link.higher_is_better = True
    link.target_value = None
    db.session.flush()
    worse = compile_followup(plan["promise"].id, 2023, today=AFTER).verdicts[council]
    assert worse["suggested"] == Verdict.NOT_FULFILLED.value


def test_an_effect_is_judged_over_the_promise_s_period_not_from_years_before(plan):
    """2019 was worse than now, but the promise of 2023 began from 2022's 12 %: worse since."""
    plan["council"].kind = CommitmentKind.EFFEKT
    link = CommitmentIndicator(commitment_id=plan["council"].id,
                               indicator_id=plan["indicator"].id, higher_is_better=False)
    db.session.add(link)
    db.session.execute(sa.update(IndicatorValue).where(IndicatorValue.year == 2022)
                       .values(value=12))
    db.session.add(IndicatorValue(indicator_id=plan["indicator"].id,
                                  municipality_id=plan["promise"].municipality_id, year=2019,
                                  value=25))
    db.session.flush()
    council = str(plan["council"].id)

    verdict = compile_followup(plan["promise"].id, 2023, today=AFTER).verdicts[council]
    assert verdict["suggested"] == Verdict.NOT_FULFILLED.value
    assert ("Oro att gå ut på kvällen har ökat från 12\u00a0% (2022) till 15\u00a0% (2023), vilket är en "
            "försämring.") in verdict["reason"]

    # A target that only a value from before the period meets is not met by the promise.
    db.session.execute(sa.delete(IndicatorValue).where(IndicatorValue.year == 2023))
    link.target_value = 14
    db.session.flush()
    before = compile_followup(plan["promise"].id, 2023, today=AFTER).verdicts[council]
    assert before["suggested"] == Verdict.CANNOT_ASSESS.value
    assert before["auto_reason"]["code"] == "annat"  # the period is over
    assert ("det senaste värdet, 12\u00a0% (2022), är från före löftets period" in before["reason"])
    assert "nått" not in before["reason"]


def test_one_year_of_an_indicator_cannot_show_an_effect(plan):
    plan["council"].kind = CommitmentKind.EFFEKT
    db.session.add(CommitmentIndicator(commitment_id=plan["council"].id,
                                       indicator_id=plan["indicator"].id, higher_is_better=False))
    db.session.execute(sa.delete(IndicatorValue).where(IndicatorValue.year == 2022))
    db.session.flush()

    during = compile_followup(plan["promise"].id, 2023, today=DURING).verdicts[
        str(plan["council"].id)]
    assert during["auto_reason"]["code"] == "for_tidigt_att_bedoma"  # a value may still come
    council = compile_followup(plan["promise"].id, 2023, today=AFTER).verdicts[
        str(plan["council"].id)]

    assert council["suggested"] == Verdict.CANNOT_ASSESS.value
    # the period is over: not "för tidigt", but too few values
    assert council["auto_reason"] == {"code": "annat", "text": (
        "måtten har för få värden från löftets period för att visa en förändring")}
    assert "måttet finns bara för ett år" in council["reason"]


def test_verdicts_while_the_period_runs(plan):
    running = compile_followup(plan["promise"].id, 2023, today=DURING).verdicts
    assert running[str(plan["police"].id)]["suggested"] == Verdict.FULFILLED.value
    assert running[str(plan["council"].id)]["suggested"] == Verdict.ONGOING.value
    assert running[str(plan["council"].id)]["auto_reason"]["code"] == "for_tidigt_att_bedoma"
    # nothing registered yet: not "pågår"
    assert running[str(plan["together"].id)]["suggested"] == Verdict.NOT_STARTED.value
    assert running[str(plan["together"].id)]["reason"] == (
        "Perioden pågår, och inga genomförda tillfällen har registrerats för löftet under 2023.")


def test_an_effect_is_not_called_reached_or_missed_while_the_period_runs(plan):
    """A state reached can be lost before the period ends, as one missed can be reached: while
    it runs an effekt is "pågår" either way, and its basis says which way the values went."""
    plan["council"].kind = CommitmentKind.EFFEKT
    link = CommitmentIndicator(commitment_id=plan["council"].id,
                               indicator_id=plan["indicator"].id, higher_is_better=False,
                               target_value=16)
    db.session.add(link)
    db.session.flush()
    council = str(plan["council"].id)

    reached = compile_followup(plan["promise"].id, 2023, today=DURING).verdicts[council]
    assert reached["suggested"] == Verdict.ONGOING.value  # 15 % is under the target of 16 %
    assert "har minskat från 18\u00a0% (2022) till 15\u00a0% (2023), vilket är en förbättring. Målet är " \
           "16\u00a0%, och det är nått." in reached["reason"]
    link.higher_is_better, link.target_value = True, None
    db.session.flush()
    worse = compile_followup(plan["promise"].id, 2023, today=DURING).verdicts[council]
    assert worse["suggested"] == Verdict.ONGOING.value
    assert "vilket är en försämring" in worse["reason"]
    after = compile_followup(plan["promise"].id, 2023, today=AFTER).verdicts[council]
    assert after["suggested"] == Verdict.NOT_FULFILLED.value


@pytest.mark.parametrize("occasions, target, running, expected", [
    (5, 5, False, Verdict.FULFILLED),
    (2, None, False, Verdict.FULFILLED),
    (33, 40, False, Verdict.PARTLY),
    (0, 5, False, Verdict.NOT_FULFILLED),
    (2, 5, True, Verdict.ONGOING),
    (0, None, True, Verdict.NOT_STARTED),
    (0, 5, True, Verdict.NOT_STARTED),
])
def test_suggest_verdict_for_a_prestation(occasions, target, running, expected):
    assert suggest_verdict(occasions, target, running) is expected


def test_a_year_that_is_not_the_current_one_inside_a_longer_period_is_still_running(session,
                                                                                   town):
    promise = _promise(town, start=2022, end=2023, title="Medborgarlöfte 2022–2023")
    db.session.add(Commitment(promise_id=promise.id, party=Party.POLISEN, text="Synas mer."))
    db.session.flush()

    followup = compile_followup(promise.id, 2022, today=AFTER)

    assert [v["suggested"] for v in followup.verdicts.values()] == [Verdict.NOT_STARTED.value]
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
    key = f"lofte-{plan['police'].id}"
    followup.sections = {**followup.sections,
                         key: {**followup.sections[key], "edited": "Vår egen text."}}
    police = str(plan["police"].id)
    followup.verdicts = {**followup.verdicts, police: {
        **followup.verdicts[police], "override": "delvis_uppfyllt", "reason_code": "resursbrist",
        "override_reason": "Fel skolor."}}
    _entries(plan["controls"],
             [(date(2023, 11, 1), plan["school"], {"typ": "hastighet"}, "", False)])

    again = compile_followup(plan["promise"].id, 2023, today=AFTER)

    assert again.sections[key]["edited"] == "Vår egen text."
    assert "6 trafikkontroller har genomförts (Polisen 5 och övriga 1) under mars–november " \
           "2023, varav 4 hastighetskontroller" in again.sections[key]["generated"]
    assert again.sections["lagesbild"]["edited"] is None
    assert again.verdicts[police]["override"] == "delvis_uppfyllt"
    assert again.verdicts[police]["reason_code"] == "resursbrist"
    assert again.verdicts[police]["override_reason"] == "Fel skolor."
    assert again.verdicts[police]["reason"] == ("6 av 5 planerade tillfällen har genomförts "
                                                "under 2023.")


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

    # 20, the year's safety walks and its tips, the municipality's new data version, the
    # period's different places ("minst 10 platser")
    assert len(few) == len(many) == 24
    assert ("500 trafikkontroller har genomförts under januari–december 2023, varav "
            "250 hastighetskontroller och 250 nykterhetskontroller" in _text(large_followup))


@pytest.fixture
def demo_2023(session):
    from tracker.demo.loader import load_demo

    load_demo()
    promise = session.scalar(sa.select(Promise)
                             .where(Promise.title == "Medborgarlöfte 2022–2023"))
    return promise, compile_followup(promise.id, 2023, today=date(2024, 2, 1))


def _by_text(followup, fragment: str) -> dict:
    return next(v for v in followup.verdicts.values() if fragment in v["text"])


def test_demo_lidkoping_2023_reads_like_the_published_follow_up(session, demo_2023):
    promise, followup = demo_2023
    text = _text(followup)
    assert text.startswith("Lidköpings kommun och Polisen i lokalpolisområde Västra Skaraborg "
                           "har tecknat ett tvåårigt medborgarlöfte som löper för åren 2022 "
                           "och 2023.")
    # as seed 004 opens: "… så lovade bland annat polisen att jobba aktivt med att förebygga …"
    assert ("Bland annat lovade polisen att jobba aktivt med att förebygga och förhindra "
            "missbruk hos ungdomar") in text
    assert "Polisen har genomfört 50 skolbesök under januari–december 2023, varav " in text
    assert "med årskurs" not in text and "med typ av kontroll" not in text
    assert "varav 20 hastighetskontroller och 15 nykterhetskontroller" in text
    assert ("Ämnen: ”Kontaktskapande besök” och ”Straffmyndig – vad betyder det, Trafik, "
            "Narkotika och Brott på nätet”." in text)
    assert "samtliga tillsammans med socialtjänsten" in text
    assert "Sammanlagt: antal poliser" not in text and "poliser per tillfälle" in text
    assert "Aktivitet registrerades under" not in text
    assert ("- Projektet Drogfria platser – De la Gardieskolan, 10 maj 2023: Ett bra projekt "
            "som har gagnat samverkan" in text)
    assert "Syns det någon effekt på brott och trygghet?" in followup.sections["effekt"]["title"]
    # the effect "Invånarna … skall känna sig trygga": its measures, not its own occasions
    assert ("Löftet gäller ett läge i samhället och följs upp med mått, inte med egna "
            "genomförda tillfällen.") in text
    assert "Inga aktiviteter har registrerats för löftet under 2023." not in text
    assert set(followup.verdicts) == {str(c) for c in session.scalars(
        sa.select(Commitment.id).where(Commitment.promise_id == promise.id))}


def test_demo_lidkoping_2023_verdicts_can_be_defended(demo_2023):
    _promise, followup = demo_2023
    kinds = {v["text"]: v["kind"] for v in followup.verdicts.values()}
    assert kinds == {
        "Jobba aktivt med att förebygga och förhindra missbruk hos ungdomar.": "arbetssatt",
        "Jobba med unga missbrukare och sedan få till orosanmälningar till Socialtjänsten.":
            "arbetssatt",
        "Samtliga skolor inom kommun skall vara drogfria.": "effekt",
        "Öka tryggheten i Lidköping centrum.": "effekt",
        "Invånarna i Lidköping skall känna sig trygga och se poliser i större utsträckning.":
            "effekt",
    }
    for verdict in followup.verdicts.values():
        assert verdict["suggested"] != Verdict.FULFILLED.value, verdict["text"]
        if verdict["kind"] == "effekt" and not verdict["indicators"]:
            assert verdict["suggested"] == Verdict.CANNOT_ASSESS.value
    schools = _by_text(followup, "skolor inom kommun skall vara drogfria")
    assert "inget mått är kopplat till löftet" in schools["reason"]
    centre = _by_text(followup, "Öka tryggheten i Lidköping centrum")
    assert centre["suggested"] == Verdict.CANNOT_ASSESS.value
    assert "måttet finns bara för ett år" in centre["reason"]


def test_demo_lidkoping_2023_work_follows_who_logged_it(demo_2023):
    _promise, followup = demo_2023
    schools = _by_text(followup, "skolor inom kommun skall vara drogfria")
    body = followup.sections[schools["key"]]["generated"]
    assert schools["party"] == "tillsammans"
    assert body.startswith("Polisen har genomfört 12 narkotikasök med hund")
    assert "Kommunen har genomfört 6 samverkansmöten" in body
    assert "tillsammans genomfört" not in _text(followup)


def test_demo_lidkoping_2023_totals_add_up_as_printed(demo_2023):
    _promise, followup = demo_2023
    lessons = followup.sections["lardomar"]["generated"]
    match = re.search(r"Registrerad tid under året: ([\d ,]+) timmar \(Polisen ([\d ,]+) och "
                      r"kommunen ([\d ,]+)\)", lessons)
    assert match, lessons
    total, *parts = (float(g.replace("\xa0", "").replace(" ", "").replace(",", "."))
                     for g in match.groups())
    assert round(sum(parts), 1) == total
    for body in (s["generated"] for k, s in followup.sections.items() if k.startswith("lofte-")):
        for found in re.finditer(r"(\d[\d\xa0]*) [^.;]*?, varav ((?:\d[\d\xa0]* [^,;.]+?"
                                 r"(?:, | och ))*\d[\d\xa0]* [^,;.]+?)(?:, på|\.)", body):
            whole = int(found.group(1).replace("\xa0", ""))
            parts = [int(n.replace("\xa0", "")) for n in
                     re.findall(r"(?:^|, | och )(\d[\d\xa0]*) ", found.group(2))]
            assert sum(parts) <= whole, found.group(0)


def test_demo_lidkoping_2023_counts_match_the_log_counted_independently(session, demo_2023):
    """Every commitment has its section, and each type's count and each month's total equals
    what plain Python counts over the same log entries."""
    promise, followup = demo_2023
    text = _text(followup)
    rows = session.execute(
        sa.select(Commitment.id, ActivityType.noun_plural, LogEntry.occurred_on)
        .join(Activity, Activity.commitment_id == Commitment.id)
        .join(ActivityType, ActivityType.id == Activity.type_id)
        .join(LogEntry, LogEntry.activity_id == Activity.id)
        .where(Commitment.promise_id == promise.id)
    ).all()
    in_year = [row for row in rows if row.occurred_on.year == 2023]
    assert len(in_year) > 100
    per_type: dict[tuple, int] = {}
    for row in in_year:
        per_type[(row.id, row.noun_plural)] = per_type.get((row.id, row.noun_plural), 0) + 1
    for (cid, noun), n in per_type.items():
        body = followup.sections[f"lofte-{cid}"]["generated"]
        assert re.search(rf"har genomfört {n} {re.escape(noun)} ", body), (n, noun)
    for commitment in session.scalars(sa.select(Commitment)
                                      .where(Commitment.promise_id == promise.id)):
        assert commitment.text.strip() in followup.sections[f"lofte-{commitment.id}"]["title"]
    monthly = [0] * 12
    for row in in_year:
        monthly[row.occurred_on.month - 1] += 1
    charted = [sum(series["counts"][m] for series in followup.figures["months"])
               for m in range(12)]
    assert charted == monthly
    assert followup.sections["kontakt"]["generated"].startswith(
        "Frågor om medborgarlöftet besvaras av:")
    assert "114 14" in text


def _walks_in(activity, *days):
    _entries(activity, [(day, None, {"deltagare": 5}, "", False) for day in days])


def test_the_last_year_of_a_two_year_promise_judges_the_whole_period(session, town):
    """Four walks a year against "minst åtta under perioden", and two yearly activities with a
    target of three each: both met over 2024–2025, though the last year alone holds half."""
    promise = _promise(town, start=2024, end=2025, title="Medborgarlöfte 2024–2025")
    own, by_activities = (
        Commitment(promise_id=promise.id, party=Party.KOMMUNEN, text=text, position=i,
                   target_count=target, kind=CommitmentKind.PRESTATION)
        for i, (text, target) in enumerate([("Gå minst åtta trygghetsvandringar.", 8),
                                            ("Gå trygghetsvandringar med skolorna.", None)]))
    db.session.add_all([own, by_activities])
    db.session.flush()
    kind = _walk_type()
    _walks_in(_activity(own, kind, "Vandringar"), *(date(y, m, 1) for y in (2024, 2025)
                                                    for m in (3, 5, 8, 10)))
    first = _activity(by_activities, kind, "Skolvandringar 2024", target=3)
    second = _activity(by_activities, kind, "Skolvandringar 2025", target=3)
    first.due_date, second.due_date = date(2024, 12, 31), date(2025, 12, 31)
    _walks_in(first, date(2024, 4, 1), date(2024, 5, 1), date(2024, 9, 1))
    _walks_in(second, date(2025, 4, 1), date(2025, 5, 1), date(2025, 9, 1))

    during = compile_followup(promise.id, 2024, today=date(2024, 12, 1)).verdicts
    assert [(v["suggested"], v["reason"]) for v in during.values()] == [
        (Verdict.ONGOING.value, "Perioden pågår; hittills har 4 av 8 planerade tillfällen "
                                "genomförts."),
        (Verdict.ONGOING.value, "Perioden pågår; hittills har 3 av 6 planerade tillfällen "
                                "genomförts.")]
    after = compile_followup(promise.id, 2025, today=date(2026, 2, 1))
    assert [(v["suggested"], v["reason"]) for v in after.verdicts.values()] == [
        (Verdict.FULFILLED.value, "8 av 8 planerade tillfällen har genomförts under 2024–2025."),
        (Verdict.FULFILLED.value, "6 av 6 planerade tillfällen har genomförts under 2024–2025.")]
    # What was done is still told for the year alone.
    assert "4 trygghetsvandringar har genomförts under mars–oktober 2025." in _body(after, own)


def test_a_cancelled_activity_is_told_in_the_follow_up_of_its_own_year(session, town):
    promise = _promise(town, start=2024, end=2025, title="Medborgarlöfte 2024–2025")
    commitment = Commitment(promise_id=promise.id, party=Party.POLISEN, text="Synas mer.")
    db.session.add(commitment)
    db.session.flush()
    kind = _walk_type()
    for title, due in (("Temakväll 2024", date(2024, 11, 30)),
                       ("Temakväll 2025", date(2025, 11, 30)),
                       ("Temakväll 2027", date(2027, 3, 1))):  # after the period: its last year
        db.session.add(Activity(
            commitment_id=commitment.id, municipality_id=town.id, type_id=kind.id, title=title,
            status=ActivityStatus.CANCELLED, status_reason="Resurserna behövdes på annat håll.",
            due_date=due))
    db.session.flush()

    told = {year: re.findall(r"Inställd: (Temakväll \d+)",
                             _body(compile_followup(promise.id, year, today=AFTER), commitment))
            for year in (2024, 2025)}
    assert told == {2024: ["Temakväll 2024"], 2025: ["Temakväll 2025", "Temakväll 2027"]}


def test_every_cancelled_activity_is_told_in_exactly_one_follow_up_of_its_period(session, town):
    """Random plans: dates inside, across and outside a three-year period, or none at all."""
    import random

    rng = random.Random(20261207)
    promise = _promise(town, start=2023, end=2025, title="Medborgarlöfte 2023–2025")
    commitment = Commitment(promise_id=promise.id, party=Party.KOMMUNEN, text="Synas mer.")
    db.session.add(commitment)
    db.session.flush()
    kind = _walk_type()
    for n in range(40):
        days = sorted(date(rng.randint(2021, 2027), rng.randint(1, 12), rng.randint(1, 28))
                      for _ in range(2))
        start, due = rng.choice([(days[0], days[1]), (days[0], None), (None, days[1]),
                                 (None, None)])
        db.session.add(Activity(
            commitment_id=commitment.id, municipality_id=town.id, type_id=kind.id,
            title=f"Inställd aktivitet {n:02d}", status=ActivityStatus.CANCELLED,
            status_reason="Resurserna behövdes på annat håll.", start_date=start, due_date=due))
    db.session.flush()

    told = [title for year in (2023, 2024, 2025) for title in re.findall(
        r"Inställd: (Inställd aktivitet \d+)",
        _body(compile_followup(promise.id, year, today=date(2026, 3, 1)), commitment))]
    assert sorted(told) == [f"Inställd aktivitet {n:02d}" for n in range(40)]


@pytest.mark.parametrize("party, text, heading", [
    (Party.POLISEN, "Genomföra trafikkontroller.", "Polisen lovar: Genomföra trafikkontroller."),
    (Party.POLISEN, "Polisen ska besöka skolorna.", "Polisen ska besöka skolorna."),
    (Party.KOMMUNEN, "Kommunen fortsätter att samverka.", "Kommunen fortsätter att samverka."),
    (Party.KOMMUNEN, "Götene kommun erbjuder kurser.", "Götene kommun erbjuder kurser."),
    (Party.TILLSAMMANS, "Polisen och kommunen ordnar en kväll.",
     "Polisen och kommunen ordnar en kväll."),
    (Party.TILLSAMMANS, "Vi lovar att ordna en föräldrakväll.",
     "Vi lovar att ordna en föräldrakväll."),
    # a sentence led by the other party does not speak for this one
    (Party.KOMMUNEN, "Polisen och kommunen ordnar en kväll.",
     "Kommunen lovar: Polisen och kommunen ordnar en kväll."),
])
def test_a_commitment_s_heading_names_its_party_once(party, text, heading):
    from tracker.followups.compiler import PARTY_PROMISES
    from tracker.labels import promise_heading

    assert promise_heading(PARTY_PROMISES[party.value], party, text) == heading


def test_the_report_says_the_compiler_s_reason_once(plan):
    """"Underlag: … inget mått är kopplat till löftet …" is followed by no "Orsak: Inget mått
    är kopplat till löftet"; a person's own reason is always printed."""
    from tracker.followups import workflow as followups
    from tracker.followups.report import build_report

    plan["council"].kind = CommitmentKind.EFFEKT
    followup = compile_followup(plan["promise"].id, 2023, today=AFTER)
    db.session.flush()

    def council_line(report):
        return next(v for s in report.sections for c in s.commitments for v in [c.verdict]
                    if v.commitment_text == plan["council"].text)

    line = council_line(build_report(followups.load(followup.id)))
    assert "inget mått är kopplat till löftet" in line.basis and line.reason == ""
    item = followup.verdicts[str(plan["council"].id)]
    followup.verdicts = {**followup.verdicts, str(plan["council"].id): {
        **item, "reason_code": "annat", "override_reason": "Enkäten görs först 2025."}}
    db.session.flush()
    assert council_line(build_report(followups.load(followup.id))).reason == \
        "Annat – Enkäten görs först 2025."


def test_a_running_verdict_prints_no_automatic_too_early(plan):
    """"Pågår" with "Orsak: För tidigt att bedöma" says the verdict twice; a person's own
    reason under it is printed."""
    from tracker.followups import workflow as followups
    from tracker.followups.report import build_report

    followup = compile_followup(plan["promise"].id, 2023, today=date(2023, 6, 1))
    db.session.flush()
    lines = [c.verdict for s in build_report(followups.load(followup.id)).sections
             for c in s.commitments]
    running = [v for v in lines if v.verdict in ("pagar", "ej_paborjat")]
    assert running and all(v.reason == "" for v in running)
    key, item = next((k, i) for k, i in followup.verdicts.items()
                     if i["suggested"] in ("pagar", "ej_paborjat"))
    followup.verdicts = {**followup.verdicts, key: {
        **item, "reason_code": "annat", "override_reason": "Vänta på höstens enkät."}}
    db.session.flush()
    texts = [c.verdict.reason for s in build_report(followups.load(followup.id)).sections
             for c in s.commitments if c.verdict.commitment_text == item["text"]]
    assert texts == ["Annat – Vänta på höstens enkät."]


@pytest.mark.parametrize("person, said", [
    ({"name": "Eva Ek", "title": "Kommunstyrelsens ordförande"},
     "Eva Ek (kommunstyrelsens ordförande)"),
    ({"name": "Bertil Jonsson", "title": "Kommunstyrelsens ordförande (M)"},
     "kommunstyrelsens ordförande Bertil Jonsson (M)"),
    ({"name": "Per Berg", "title": "Lokalpolisområdeschef (LPO Lidköping)"},
     "Per Berg, lokalpolisområdeschef (LPO Lidköping)"),
    ({"name": "Anna Al", "title": ""}, "Anna Al"),
])
def test_a_signatory_is_named_without_brackets_in_brackets(person, said):
    from tracker.followups.compiler import _signatory

    assert _signatory(person) == said


def test_an_effect_listed_with_its_measures_is_a_sentence_of_its_own():
    """"minska andelen … på kvällen" led a list item in lower case and ran on into "Mäts med"."""
    from types import SimpleNamespace

    from tracker.followups.compiler import _effect_commitments

    effect = SimpleNamespace(id=1, kind=CommitmentKind.EFFEKT,
                             text=" minska andelen som känner sig otrygga på kvällen")
    series = {7: SimpleNamespace(name="Otrygga i centrum")}
    assert _effect_commitments([effect], {1: [(7, False, None)]}, series) == [
        {"text": "Minska andelen som känner sig otrygga på kvällen.",
         "measures": ["Otrygga i centrum"]}]


def test_the_opening_names_a_promise_of_each_party_as_seed_004_does():
    """"I medborgarlöftet … lovade bland annat polisen att …": the first promise of each party
    worded as what to do; not a sentence of its own, nor "Samtliga skolor … ska vara"."""
    from types import SimpleNamespace

    from tracker.followups.compiler import _promised

    def said(party, text):
        return SimpleNamespace(party=Party(party), text=text)

    assert _promised([
        said("polisen", "Polisen ska synas mer i centrum."),  # a sentence of its own
        said("polisen", "Jobba aktivt med att förebygga missbruk hos ungdomar."),
        said("tillsammans", "Samtliga skolor inom kommunen skall vara drogfria."),
        said("kommunen", "Genomföra minst fyra trygghetsvandringar."),
        said("polisen", "Genomföra hastighetskontroller."),  # the police's is told already
        said("tillsammans", "Ordna en trygghetsdag i centrum."),
    ]) == ["polisen att jobba aktivt med att förebygga missbruk hos ungdomar",
           "kommunen att genomföra minst fyra trygghetsvandringar",
           "vi tillsammans att ordna en trygghetsdag i centrum"]


def test_the_signatories_are_said_one_way_in_one_sentence():
    """One named title first (with a political party) and the others after their name read as
    two styles in one sentence."""
    from tracker.followups.compiler import _signatories

    assert _signatories([{"name": "Anna Jönsson", "title": "Kommunstyrelsens ordförande (S)"},
                         {"name": "Peter Nilsson", "title": "Lokalpolisområdeschef"},
                         {"name": "", "title": "Kommunpolis"}]) == [
        "kommunstyrelsens ordförande Anna Jönsson (S)", "lokalpolisområdeschef Peter Nilsson"]
    assert _signatories([{"name": "Eva Ek", "title": "Kommunstyrelsens ordförande"},
                         {"name": "Per Berg", "title": "Lokalpolisområdeschef"}]) == [
        "Eva Ek (kommunstyrelsens ordförande)", "Per Berg (lokalpolisområdeschef)"]


@pytest.mark.parametrize("before, after, verdict, unchanged", [
    (20, 19.6, Verdict.NOT_FULFILLED, True),   # 2 %: within a survey's margin of error
    (20, 20.5, Verdict.NOT_FULFILLED, True),
    (20, 18, Verdict.FULFILLED, False),        # 10 % lower, lower is better
    (20, 22, Verdict.NOT_FULFILLED, False),
])
def test_a_change_too_small_to_tell_is_no_improvement(plan, before, after, verdict, unchanged):
    plan["council"].kind = CommitmentKind.EFFEKT
    db.session.add(CommitmentIndicator(commitment_id=plan["council"].id,
                                       indicator_id=plan["indicator"].id, higher_is_better=False))
    db.session.execute(sa.update(IndicatorValue).where(IndicatorValue.year == 2022)
                       .values(value=before))
    db.session.execute(sa.update(IndicatorValue).where(IndicatorValue.year == 2023)
                       .values(value=after))
    db.session.flush()
    found = compile_followup(plan["promise"].id, 2023, today=AFTER).verdicts[
        str(plan["council"].id)]
    assert found["suggested"] == verdict.value
    assert ("Skillnaden är mindre än fem procent av värdet, så läget räknas som oförändrat."
            in found["reason"]) is unchanged


def test_older_values_alone_are_pointed_to_not_denied_and_not_called_a_development(plan):
    db.session.execute(sa.delete(IndicatorValue).where(IndicatorValue.year.in_([2022, 2023])))
    db.session.add(IndicatorValue(indicator_id=plan["indicator"].id,
                                  municipality_id=plan["promise"].municipality_id, year=2020,
                                  value=17))
    db.session.flush()
    sections = compile_followup(plan["promise"].id, 2023, today=AFTER).sections
    situation = sections["lagesbild"]["generated"]
    assert situation.startswith("Det finns inga värden för Mariestads kommun för 2022–2023. "
                                "De senaste värdena som finns står under rubriken om effekt")
    effect = sections["effekt"]["generated"]
    assert effect.startswith("Så här ser måtten ut fram till och med 2023:")
    assert "17\u00a0% (2020). Måttet finns bara för ett år." in effect


def test_a_total_of_one_is_said_in_the_singular_where_the_type_gives_it(plan):
    """"Sammanlagt 1 kontrollerat fordon", not "1 kontrollerade fordon"."""
    kind = ActivityType(key="fu_ett", name_sv="Kontroll", noun_singular="kontroll",
                        noun_plural="kontroller", measures=[
                            {"key": "fordon", "label": "Fordon", "kind": "integer",
                             "phrase": "{n} kontrollerade fordon",
                             "phrase_one": "{n} kontrollerat fordon"},
                            {"key": "klasser", "label": "Klasser", "kind": "integer",
                             "phrase": "{n} klasser"}])
    db.session.add(kind)
    db.session.flush()
    activity = _activity(plan["together"], kind, "En kontroll")
    db.session.add(LogEntry(activity_id=activity.id, occurred_on=date(2023, 4, 2),
                            measures={"fordon": 1, "klasser": 2}))
    db.session.flush()
    body = _body(compile_followup(plan["promise"].id, 2023, today=AFTER), plan["together"])
    assert "Sammanlagt 1 kontrollerat fordon och 2 klasser." in body


@pytest.mark.parametrize("occasions, said", [
    (0, "Perioden pågår; hittills inga genomförda tillfällen under 2025."),
    (1, "Perioden pågår; hittills 1 genomfört tillfälle under 2025."),
    (1200, "Perioden pågår; hittills 1\u00a0200 genomförda tillfällen under 2025."),
])
def test_a_running_count_is_said_as_swedish_says_it(occasions, said):
    from tracker.followups import prose

    assert prose.render("verdict.md.j2", case="running", occasions=occasions, year=2025,
                        target=None, all_done=False, lines=[]) == said


def test_one_occasion_is_not_said_to_be_all_of_a_kind_and_one_actor_s_hours_not_repeated(plan):
    from tracker.followups import prose

    work = prose.CommitmentWork(activity_count=1, types=[prose.TypeWork(
        count_phrase="1 trafikkontroll", actor="Polisen", by_actor=[], period="mars 2025",
        place_count=1, qualifiers=["hastighetskontroller"])], places=[], notes=[],
        cancelled=[], year=2025)
    assert prose.render("commitment.md.j2", work=work) == (
        "Polisen har genomfört 1 trafikkontroll under mars 2025, på 1 plats.")
    assert prose.render("lessons.md.j2", total="18", parts=["Polisen 18"]).endswith(
        "Registrerad tid under året: 18 timmar, all registrerad av Polisen.")


def test_the_period_s_last_follow_up_compiled_before_the_year_ends_cannot_publish_pagar(plan):
    """The last year's draft is compiled in December: what still says "pågår" or "ej påbörjat"
    must get a final verdict by hand, or wait for the recount after New Year."""
    from tracker.followups.guard import publication_problems

    during = compile_followup(plan["promise"].id, 2023, today=DURING)
    final = [p.key for p in publication_problems(during) if "periodens sista" in p.message]
    assert sorted(final) == sorted([str(plan["council"].id), str(plan["together"].id)])

    after = compile_followup(plan["promise"].id, 2023, today=AFTER)
    assert not [p for p in publication_problems(after) if "periodens sista" in p.message]
