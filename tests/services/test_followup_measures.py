"""The follow-up says each type's own measures, places and who did the work, in Swedish."""
from __future__ import annotations

from datetime import date

from tests.factories import make_activity, make_commitment, make_place, make_promise, make_type
from tracker.extensions import db
from tracker.followups.compiler import compile_followup
from tracker.models import ActivityType, LogEntry, Organisation, Party, Role

WALK_MEASURES = [
    {"key": "deltagare", "label": "Deltagare", "kind": "integer", "phrase": "{n} deltagare"},
    {"key": "poliser", "label": "Antal poliser", "kind": "integer", "total": "average",
     "phrase": "i genomsnitt {n} poliser per vandring"},
    {"key": "timmar", "label": "Timmar i området", "kind": "decimal", "total": "none"},
    {"key": "med_soc", "label": "Med socialtjänsten", "kind": "boolean",
     "yes_phrase": "{n} tillsammans med socialtjänsten"},
    {"key": "omrade", "label": "Område", "kind": "choice", "choices": ["norr", "söder"],
     "choice_phrases": {"norr": "{n} i norra delen", "söder": "{n} i södra delen"}},
    {"key": "tema", "label": "Tema", "kind": "text", "list_label": "Teman"},
]


def _body(followup, commitment) -> str:
    return followup.sections[f"lofte-{commitment.id}"]["generated"]


def test_each_type_says_its_own_measures_places_and_period(session, make_municipality, make_user):
    town = make_municipality("Vara")
    officer = make_user(Role.OFFICER, town,
                        organisation=Organisation.POLISEN)
    promise = make_promise(town, year=2023)
    police = make_commitment(promise, Party.POLISEN, "Polisen lovar att synas.")
    square, school = make_place(town, "Torget"), make_place(town, "Skolan")
    patrol = make_type()  # no grammar data: the neutral forms
    walk = ActivityType(key="fu_vandring", name_sv="Trygghetsvandring", measures=WALK_MEASURES,
                        noun_singular="trygghetsvandring", noun_plural="trygghetsvandringar")
    db.session.add(walk)
    db.session.flush()
    patrols, walks = make_activity(police, patrol), make_activity(police, walk, title="Vandring")
    db.session.add_all([
        LogEntry(activity_id=patrols.id, occurred_on=day, place_id=place.id, measures=measures,
                 author_id=officer.id)
        for day, place, measures in [
            (date(2023, 3, 1), square, {"antal_poliser": 2, "timmar": 1.5, "typ": "hastighet"}),
            (date(2023, 4, 1), school, {"antal_poliser": 3, "timmar": 2.5}),
            (date(2023, 5, 1), square, {"antal_poliser": 1}),
            (date(2022, 12, 31), school, {"antal_poliser": 50, "timmar": 9}),  # the year before
        ]
    ] + [
        LogEntry(activity_id=walks.id, occurred_on=day, place_id=square.id, measures=measures,
                 author_id=officer.id)
        for day, measures in [
            (date(2023, 6, 1), {"deltagare": 12, "poliser": 2, "timmar": 1, "med_soc": True,
                                "omrade": "norr", "tema": "Belysning"}),
            (date(2023, 7, 1), {"deltagare": 8, "poliser": 3, "med_soc": False,
                                "omrade": "söder", "tema": "Trafik"}),
            (date(2023, 9, 1), {"deltagare": 5, "poliser": 1, "med_soc": True,
                                "omrade": "norr", "tema": "Belysning"}),
        ]
    ])
    db.session.flush()

    text = _body(compile_followup(promise.id, 2023, today=date(2024, 3, 1)), police)

    assert ("Polisen har genomfört 3 trygghetsvandringar under juni–september 2023, varav "
            "2 tillsammans med socialtjänsten; 2 i norra delen och 1 i södra delen, på 1 plats. "
            "Sammanlagt 25 deltagare. I genomsnitt 2 poliser per vandring. "
            "Teman: Belysning och Trafik." in text), text
    # Without grammar data: "tillfällen med …", labels in brackets, never a summed label.
    assert ("Polisen har genomfört 3 tillfällen med trygghetsskapande patrullering under "
            "mars–maj 2023, varav 1 (kontrolltyp: hastighet), på 2 platser. "
            "Sammanlagt 6 (antal poliser) och 4 (timmar)." in text), text
    assert "Platser: Torget (5 tillfällen) och Skolan (1 tillfälle)." in text
    assert "timmar i området" not in text.lower()  # "total": "none" keeps it out


def test_one_listed_value_is_said_under_the_measures_own_label(session, make_municipality,
                                                               make_user):
    """"Teman: Belysning och Trafik" for several; "Tema: Belysning", not "Teman:", for one."""
    town = make_municipality("Grästorp")
    officer = make_user(Role.OFFICER, town, organisation=Organisation.POLISEN)
    promise = make_promise(town, year=2023)
    police = make_commitment(promise, Party.POLISEN, "Polisen lovar att vandra.")
    walk = ActivityType(key="fu_vandring_ett", name_sv="Trygghetsvandring",
                        measures=WALK_MEASURES, noun_singular="trygghetsvandring",
                        noun_plural="trygghetsvandringar")
    db.session.add(walk)
    db.session.flush()
    walks = make_activity(police, walk, title="Vandring")
    db.session.add_all(LogEntry(activity_id=walks.id, occurred_on=day, author_id=officer.id,
                                measures={"deltagare": 4, "tema": "Belysning"})
                       for day in (date(2023, 6, 1), date(2023, 8, 1)))
    db.session.flush()

    text = _body(compile_followup(promise.id, 2023, today=date(2024, 3, 1)), police)

    assert "Tema: Belysning." in text, text
    assert "Teman:" not in text


def test_the_work_follows_who_logged_it_not_the_commitments_party(session, make_municipality,
                                                                  make_user):
    town = make_municipality("Tibro")
    police = make_user(Role.OFFICER, town,
                       organisation=Organisation.POLISEN)
    clerk = make_user(Role.COORDINATOR, town,
                      organisation=Organisation.KOMMUNEN)
    promise = make_promise(town, year=2023)
    together = make_commitment(promise, Party.TILLSAMMANS, "Skolorna ska vara drogfria.")
    searches = make_activity(together, make_type("sok", []), title="Sök med hund")
    meetings = make_activity(together, make_type("mote", []), title="Möten")
    db.session.add_all(
        [LogEntry(activity_id=searches.id, occurred_on=date(2023, 2, d), author_id=police.id)
         for d in (1, 2, 3)]
        + [LogEntry(activity_id=meetings.id, occurred_on=date(2023, 3, d),
                    author_id=who.id if who else None)
           for d, who in ((1, police), (2, clerk), (3, clerk), (4, None))])
    db.session.flush()

    text = _body(compile_followup(promise.id, 2023, today=date(2024, 3, 1)), together)

    assert "Polisen har genomfört 3 tillfällen med" in text
    assert "Polisen och kommunen har genomfört 4 tillfällen med" in text
    assert "(Polisen 1, kommunen 2 och övriga 1)" in text
    assert "tillsammans genomfört" not in text


def test_work_logged_on_someone_elses_activity_is_the_owners_partys(session, make_municipality,
                                                                     make_user):
    """The kommunpolis types in the clearing of bushes on the municipality's activity (owned by
    its coordinator, nobody assigned): the municipality's work, not the police's. Logged by
    the owner or an assignee, the work is theirs."""
    town = make_municipality("Töreboda")
    police = make_user(Role.OFFICER, town, organisation=Organisation.POLISEN)
    clerk = make_user(Role.COORDINATOR, town, organisation=Organisation.KOMMUNEN)
    promise = make_promise(town, year=2023)
    together = make_commitment(promise, Party.TILLSAMMANS, "Skolgårdarna ska vara trygga.")
    bushes = make_activity(together, make_type("rojning", []), owner=clerk, title="Röjning")
    patrols = make_activity(together, make_type("patrull_egen", []), owner=clerk,
                            assignees=[police], title="Patrull")
    db.session.add_all(
        [LogEntry(activity_id=bushes.id, occurred_on=date(2023, 5, d), author_id=police.id)
         for d in (1, 2)]
        + [LogEntry(activity_id=patrols.id, occurred_on=date(2023, 6, d), author_id=police.id)
           for d in (1, 2, 3)])
    db.session.flush()

    text = _body(compile_followup(promise.id, 2023, today=date(2024, 3, 1)), together)

    assert "Kommunen har genomfört 2 tillfällen med" in text, text
    assert "Polisen har genomfört 3 tillfällen med" in text, text
