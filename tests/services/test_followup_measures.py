"""The follow-up adds up each activity type's own measures and places, under its own labels."""
from __future__ import annotations

from datetime import date

from tests.factories import make_activity, make_commitment, make_place, make_promise, make_type
from tracker.extensions import db
from tracker.models import ActivityType, LogEntry, Party
from tracker.followups.compiler import compile_followup


def test_each_type_sums_its_own_measures_and_counts_its_own_places(session, make_municipality):
    town = make_municipality("Vara")
    promise = make_promise(town, year=2023)
    police = make_commitment(promise, Party.POLISEN, "Polisen lovar att synas.")
    square, school = make_place(town, "Torget"), make_place(town, "Skolan")
    patrol = make_type()  # antal_poliser, timmar (and a choice, typ)
    walk = ActivityType(key="fu_vandring", name_sv="Trygghetsvandring", measures=[
        {"key": "deltagare", "label": "Deltagare", "kind": "integer"},
        {"key": "timmar", "label": "Timmar i området", "kind": "decimal"},
    ])
    db.session.add(walk)
    db.session.flush()
    patrols, walks = make_activity(police, patrol), make_activity(police, walk, title="Vandring")
    db.session.add_all([
        LogEntry(activity_id=patrols.id, occurred_on=day, place_id=place.id, measures=measures)
        for day, place, measures in [
            (date(2023, 3, 1), square, {"antal_poliser": 2, "timmar": 1.5, "typ": "hastighet"}),
            (date(2023, 4, 1), school, {"antal_poliser": 3, "timmar": 2.5}),
            (date(2023, 5, 1), square, {"antal_poliser": 1}),
            (date(2022, 12, 31), school, {"antal_poliser": 50, "timmar": 9}),  # the year before
        ]
    ] + [
        LogEntry(activity_id=walks.id, occurred_on=day, place_id=square.id, measures=measures)
        for day, measures in [(date(2023, 6, 1), {"deltagare": 12, "timmar": 1}),
                              (date(2023, 7, 1), {"deltagare": 8})]
    ])
    db.session.flush()

    followup = compile_followup(promise.id, 2023, today=date(2024, 3, 1))

    text = followup.sections[f"fokus-{police.focus_area_id}"]["generated"]
    assert ("Polisen har genomfört 3 trygghetsskapande patrulleringar, varav 1 med kontrolltyp "
            "hastighet, på 2 platser, mellan 1 mars 2023 och 1 maj 2023. "
            "Sammanlagt: antal poliser 6, timmar 4." in text)
    assert ("Polisen har genomfört 2 trygghetsvandringar, på 1 plats, mellan 1 juni 2023 och "
            "1 juli 2023. Sammanlagt: deltagare 20, timmar i området 1." in text)
    assert "Platser: Torget (4), Skolan (1)." in text
