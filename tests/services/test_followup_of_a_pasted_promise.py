"""A promise pasted as published (not one of the demo's), saved, worked on and followed up:
each commitment is judged as its wording says, over the whole period."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.followups.compiler import compile_followup
from tracker.models import (
    Activity,
    ActivityType,
    Commitment,
    LogEntry,
    Municipality,
    Organisation,
    Role,
    Verdict,
)
from tracker.services.promises.from_text import parse_promise_text
from tracker.services.promises.pasted import save_draft

TEXT = """Medborgarlöfte Svenljunga 2025–2026

Bakgrund
Medborgarlöftet har tagits fram utifrån polisens medborgardialog i september 2024.

Fokusområde: Trygg skolmiljö
Effektmål: Andelen elever i årskurs 9 som känner sig trygga i skolan ska öka.
Aktiviteter:
- Polisen besöker samtliga högstadieskolor minst en gång per termin.
- Polisen och kommunen håller gemensamma föräldramöten om droger två gånger per år.

Fokusområde: Trafik
- Polisen genomför 20 hastighetskontroller i bostadsområden under perioden.

Svenljunga den 14 januari 2025
Johan Björkman, kommunstyrelsens ordförande
Peter Nilsson, lokalpolisområdeschef Borås
"""


@pytest.fixture
def worked(session, make_municipality, make_user):
    """The pasted promise, and its work: 5 school visits, 3 parents' meetings over two years
    (of 2 a year), 20 speed checks."""
    town = make_municipality("Svenljunga")
    clerk = make_user(Role.COORDINATOR, town, organisation=Organisation.KOMMUNEN)
    promise = save_draft(clerk, town.id, parse_promise_text(TEXT), "text")
    kind = ActivityType(key="pasted_besok", name_sv="Besök", measures=[],
                        noun_singular="besök", noun_plural="besök")
    db.session.add(kind)
    db.session.flush()
    commitments = {c.text: c for c in db.session.scalars(
        sa.select(Commitment).where(Commitment.promise_id == promise.id))}
    done = {"Besöker samtliga högstadieskolor minst en gång per termin.":
            [date(2025, 3, 1), date(2025, 9, 1), date(2026, 3, 1), date(2026, 9, 1),
             date(2026, 10, 1)],
            "Håller gemensamma föräldramöten om droger två gånger per år.":
            [date(2025, 4, 1), date(2025, 10, 1), date(2026, 4, 1)],
            "Genomför 20 hastighetskontroller i bostadsområden under perioden.":
            [date(2025 + i % 2, 1 + i % 12, 1) for i in range(20)]}
    for text, days in done.items():
        activity = Activity(commitment_id=commitments[text].id, municipality_id=town.id,
                            type_id=kind.id, title=text[:60])
        db.session.add(activity)
        db.session.flush()
        db.session.add_all(LogEntry(activity_id=activity.id, occurred_on=day, measures={})
                           for day in days)
    db.session.flush()
    return promise, commitments


def test_each_commitment_of_a_pasted_promise_is_judged_as_its_wording_says(worked):
    promise, commitments = worked
    verdicts = compile_followup(promise.id, 2026, today=date(2027, 2, 1)).verdicts

    def verdict(text):
        found = verdicts[str(commitments[text].id)]
        return found["kind"], found["suggested"], found["reason"].split(" En förändring")[0]

    assert verdict("Andelen elever i årskurs 9 som känner sig trygga i skolan ska öka.") == (
        "effekt", Verdict.CANNOT_ASSESS.value,
        "Löftet gäller ett läge i samhället, och inget mått är kopplat till löftet. Därför kan "
        "det inte bedömas om läget har nåtts.")
    assert verdict("Besöker samtliga högstadieskolor minst en gång per termin.") == (
        "prestation", Verdict.CANNOT_ASSESS.value,
        "5 genomförda tillfällen under 2025–2026. Löftet säger ”samtliga” men anger inget antal "
        "att nå, så det går inte att räkna fram om alla har nåtts.")
    assert verdict("Håller gemensamma föräldramöten om droger två gånger per år.") == (
        "prestation", Verdict.PARTLY.value,  # a number per year is judged year by year
        "Löftet anger 2 per år. Genomförda tillfällen: 2 under 2025 och 1 under 2026; under "
        "2026 blev det färre än 2.")
    assert verdict("Genomför 20 hastighetskontroller i bostadsområden under perioden.") == (
        "prestation", Verdict.FULFILLED.value,
        "20 av 20 planerade tillfällen har genomförts under 2025–2026.")
    assert commitments["Håller gemensamma föräldramöten om droger två gånger per år."] \
        .target_note == "2 per år under periodens två år"


def test_the_introduction_tells_a_background_that_is_also_the_basis_once(worked):
    promise, _commitments = worked
    intro = compile_followup(promise.id, 2026, today=date(2027, 2, 1)).sections["inledning"]
    told = "Medborgarlöftet har tagits fram utifrån polisens medborgardialog i september 2024."
    assert intro["generated"].count(told) == 1
    assert "Underlag:" not in intro["generated"]
    assert ("undertecknades av Johan Björkman (kommunstyrelsens ordförande) och Peter Nilsson "
            "(lokalpolisområdeschef Borås).") in intro["generated"]


def test_a_number_in_the_wording_is_the_target_when_none_is_set_and_per_year_year_by_year(
        worked, session):
    """Commitments added by hand without a target: the number their text names is what the
    follow-up counts against, a number per year in each year; a way of working used in the
    period's first year is done at its end."""
    from tracker.models import CommitmentKind, Party
    from tracker.services.promises import CommitmentInput, add_commitment

    promise, commitments = worked
    kind = session.scalar(sa.select(ActivityType).where(ActivityType.key == "pasted_besok"))
    added = {}
    for text, wanted, days in (
            ("Polisen genomför minst 30 trafikkontroller per år.", CommitmentKind.PRESTATION,
             [date(2025, 5, 1)] * 50 + [date(2026, 5, 1)] * 10),
            ("Kommunen genomför minst fyra trygghetsvandringar.", CommitmentKind.PRESTATION,
             [date(2025, 5, 1), date(2026, 5, 1)]),
            ("Kommunen fortsätter att samverka i EST-gruppen.", CommitmentKind.ARBETSSATT,
             [date(2025, 5, 1)]),
            # a range promises its lower end, "ett tiotal" about ten
            ("Kommunen ordnar 3–5 föräldramöten.", CommitmentKind.PRESTATION,
             [date(2025, 9, 1)] * 2 + [date(2026, 9, 1)] * 2),
            ("Polisen genomför ett tiotal fotpatruller per år.", CommitmentKind.PRESTATION,
             [date(2025, 6, 1)] * 12 + [date(2026, 6, 1)] * 8),
            # a number that is no target: work done does not show it met
            ("Polisen genomför 2 extra patruller fredag och lördag natt.",
             CommitmentKind.PRESTATION, [date(2025, 6, 6)] * 3),
            ("Polisen genomför minst 40 patrulleringar under kvällar och helger.",
             CommitmentKind.PRESTATION, [date(2025, 6, 6)] * 25)):
        commitment = add_commitment(promise, _coordinator(session, promise),
                                    CommitmentInput(Party.KOMMUNEN, text, None, None, ""))
        commitment.kind = wanted
        activity = Activity(commitment_id=commitment.id, municipality_id=promise.municipality_id,
                            type_id=kind.id, title=text[:60])
        session.add(activity)
        session.flush()
        session.add_all(LogEntry(activity_id=activity.id, occurred_on=day, measures={})
                        for day in days)
        added[text] = commitment
    session.flush()
    # "minst 10 platser": different places count, not occasions (11 occasions at 3 places)
    from tests.factories import make_place

    lights = add_commitment(promise, _coordinator(session, promise), CommitmentInput(
        Party.KOMMUNEN, "Kommunen åtgärdar belysningen på minst 10 platser.", None, 10, ""))
    lights.kind = CommitmentKind.PRESTATION
    lamp = Activity(commitment_id=lights.id, municipality_id=promise.municipality_id,
                    type_id=kind.id, title="Belysning")
    session.add(lamp)
    session.flush()
    town = session.get(Municipality, promise.municipality_id)
    spots = [make_place(town, name) for name in ("Hamnen", "Torget", "Parken")]
    session.add_all(LogEntry(activity_id=lamp.id, occurred_on=date(2025, 4, 1 + n), measures={},
                             place_id=spots[n % 3].id) for n in range(11))
    session.flush()
    added["Kommunen åtgärdar belysningen på minst 10 platser."] = lights
    compiled = compile_followup(promise.id, 2026, today=date(2027, 2, 1))
    verdicts = compiled.verdicts
    # used in the period's first year only: the last year's text says when it was used
    est = added["Kommunen fortsätter att samverka i EST-gruppen."]
    assert compiled.sections[f"lofte-{est.id}"]["generated"] == (
        "Under 2026 har inga genomförda tillfällen registrerats för löftet. Genomförda "
        "tillfällen tidigare under perioden: 1 under 2025.")
    found = {text: (verdicts[str(c.id)]["suggested"], verdicts[str(c.id)]["reason"])
             for text, c in added.items()}
    assert found == {
        "Polisen genomför minst 30 trafikkontroller per år.": (
            Verdict.PARTLY.value, "Löftet anger 30 per år. Genomförda tillfällen: 50 under 2025 "
            "och 10 under 2026; under 2026 blev det färre än 30."),
        "Kommunen genomför minst fyra trygghetsvandringar.": (
            Verdict.PARTLY.value,
            "2 av de 4 tillfällen som löftet anger har genomförts under 2025–2026."),
        "Kommunen fortsätter att samverka i EST-gruppen.": (
            Verdict.DONE.value, "Arbetssättet har använts under 2025: 1 genomfört tillfälle."),
        "Kommunen ordnar 3–5 föräldramöten.": (
            Verdict.FULFILLED.value, "4 genomförda tillfällen under 2025–2026. Löftet anger "
            "3–5, alltså minst 3, och det är nått."),
        "Polisen genomför ett tiotal fotpatruller per år.": (
            Verdict.PARTLY.value, "Löftet anger ett tiotal per år, räknat som 10 per år. "
            "Genomförda tillfällen: 12 under 2025 och 8 under 2026; under 2026 blev det färre "
            "än 10."),
        "Polisen genomför 2 extra patruller fredag och lördag natt.": (
            Verdict.CANNOT_ASSESS.value, "3 genomförda tillfällen under 2025–2026. Löftet "
            "nämner ”2 extra patruller fredag och lördag natt” men inte som ett antal för "
            "perioden, så det går inte att räkna fram om det har nåtts."),
        "Polisen genomför minst 40 patrulleringar under kvällar och helger.": (
            Verdict.PARTLY.value,
            "25 av de 40 tillfällen som löftet anger har genomförts under 2025–2026."),
        "Kommunen åtgärdar belysningen på minst 10 platser.": (
            Verdict.PARTLY.value, "Under 2025–2026 har arbete registrerats på 3 olika "
            "platser. Löftet anger 10 platser, och det är inte nått."),
    }
    # the year before the end: the period runs, and the first year reached its 30
    running = compile_followup(promise.id, 2025, today=date(2025, 12, 1)).verdicts
    first = added["Polisen genomför minst 30 trafikkontroller per år."]
    assert (running[str(first.id)]["suggested"], running[str(first.id)]["reason"]) == (
        Verdict.ONGOING.value, "Perioden pågår. Löftet anger 30 per år. Genomförda tillfällen: "
        "50 under 2025.")
    # a year that is over and fell short is short for good, though the period runs on
    session.execute(sa.delete(LogEntry).where(LogEntry.id.in_(sa.select(LogEntry.id).join(
        Activity).where(Activity.commitment_id == first.id,
                        LogEntry.occurred_on < date(2026, 1, 1)).limit(49).scalar_subquery())))
    session.flush()
    short = compile_followup(promise.id, 2025, today=date(2026, 1, 20)).verdicts[str(first.id)]
    assert (short["suggested"], short["reason"]) == (
        Verdict.PARTLY.value, "Löftet anger 30 per år. Genomförda tillfällen: 1 under 2025, "
        "färre än 30.")
    way = compile_followup(promise.id, 2025, today=date(2025, 12, 1)).verdicts[
        str(added["Kommunen fortsätter att samverka i EST-gruppen."].id)]
    assert way["reason"] == "Perioden pågår; hittills 1 genomfört tillfälle under 2025."


def _coordinator(session, promise):
    from tracker.models import Membership, User

    return session.scalar(sa.select(User).join(Membership).where(
        Membership.municipality_id == promise.municipality_id))
