"""Progress in public: each commitment of a signed public promise shows what has been done,
with the same figures the coordinators see, and nothing about people, notes or drafts."""
from __future__ import annotations

import re
from datetime import date

import pytest

from tests.conftest import login
from tests.factories import make_activity, make_commitment, make_type
from tracker.extensions import db
from tracker.models import LogEntry, Party, Promise, PromiseStatus, Role, Tip, TipStatus
from tracker.services import dashboard, public_progress
from tracker.services.promises import load_promise, sections


@pytest.fixture
def town(session, make_municipality, make_user):
    place = make_municipality("Lidköping")
    place.slug = "lidkoping"
    place.is_public = True
    promise = Promise(municipality_id=place.id, title="Tryggare tillsammans", start_year=2026,
                      end_year=2026, status=PromiseStatus.ACTIVE, is_public=True,
                      signed_on=date(2026, 2, 1))
    db.session.add(promise)
    db.session.flush()
    counted = make_commitment(promise, Party.POLISEN, "Polisen genomför tio trafikkontroller.")
    counted.target_count = 10
    working = make_commitment(promise, Party.KOMMUNEN, "Kommunen arbetar med grannsamverkan.")
    coordinator = make_user(Role.COORDINATOR, place, email="samordnare@example.se")
    coordinator.name = "Stina Samordnare"
    kind = make_type()
    shown = make_activity(counted, kind, title="Hastighetskontroller vid skolan",
                          owner=coordinator)
    shown.show_public = True
    hidden = make_activity(counted, kind, title="Intern planering med nattvandrarna")
    meeting = make_activity(working, kind, title="Träff med grannsamverkan")
    meeting.show_public = True
    for activity, day, note in [(shown, date(2026, 3, 4), ""), (shown, date(2026, 3, 18), ""),
                                (shown, date(2026, 5, 2), "Hemlig anteckning om en bil"),
                                (hidden, date(2026, 3, 9), ""), (hidden, date(2025, 12, 30), ""),
                                (meeting, date(2026, 4, 1), "")]:
        db.session.add(LogEntry(activity_id=activity.id, occurred_on=day, note=note))
    db.session.add(Tip(municipality_id=place.id, text="Bilar kör fort vid skolan.",
                       status=TipStatus.ACTIVITY, activity_id=shown.id))
    session.commit()
    return dict(place=place, promise=promise, counted=counted, working=working,
                coordinator=coordinator)


def _page(client, town) -> str:
    response = client.get(f"/offentlig/lidkoping/loften/{town['promise'].id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_countable_commitment_shows_occasions_against_its_target(client, town):
    page = _page(client, town)
    block = page[page.index('id="atagande-%d"' % town["counted"].id):]
    assert re.search(r"<strong>5 av 10</strong>\s*tillfällen hittills", block)
    assert "Tillfällen per månad 2026: 4" in block  # the entry of December 2025 is last year's
    assert "Hastighetskontroller vid skolan" in block
    assert "efter tips från invånare" in block
    march = re.search(r"<th scope=\"row\">Mars</th><td class=\"tal\">(\d+)</td>", block)
    assert march and march.group(1) == "3"


def test_another_commitment_shows_its_kind_and_what_was_done(client, town):
    page = _page(client, town)
    block = page[page.index('id="atagande-%d"' % town["working"].id):]
    assert "Arbetssätt" in block.split("</li>")[0]
    assert "1 tillfälle hittills, i 1 aktivitet" in block
    assert "Träff med grannsamverkan" in block


def test_activities_of_the_same_name_are_told_apart_by_their_year(client, town, session):
    """The same work planned for each year of a period: "… (2025)", "… (2026)", not the same
    line twice."""
    for due in (date(2025, 12, 31), date(2026, 12, 31)):
        twin = make_activity(town["working"], make_type(), title="Nattvandring i centrum")
        twin.show_public, twin.due_date = True, due
    session.commit()
    block = _page(client, town)
    block = block[block.index('id="atagande-%d"' % town["working"].id):]
    assert "Nattvandring i centrum (2025)" in block and "Nattvandring i centrum (2026)" in block
    assert "Träff med grannsamverkan (" not in block  # a name of its own needs no year


def test_a_concluded_promise_tells_what_was_done_during_its_period(client, town, session):
    town["promise"].status = PromiseStatus.CONCLUDED
    session.commit()
    page = _page(client, town)
    assert "hittills" not in page
    assert "Löftet är avslutat." in page
    assert re.search(r"<strong>5 av 10</strong>\s*tillfällen under perioden", page)
    assert "1 tillfälle under perioden, i 1 aktivitet" in page


def test_only_titles_marked_for_residents_and_never_people_or_notes(client, town):
    page = _page(client, town)
    for secret in ("Intern planering med nattvandrarna", "Hemlig anteckning", "Stina Samordnare",
                   "samordnare@example.se", "Bilar kör fort"):
        assert secret not in page
    assert "Senast uppdaterad" in page
    assert 'href="/offentlig/sa-raknar-vi"' in page


def test_the_public_figures_are_the_coordinators_figures(client, town):
    promise = load_promise(town["promise"].id)
    figures = public_progress.promise_figures(promise, date(2026, 12, 6))
    inside = {row.commitment.id: row.logged for s in sections(promise) for g in s.groups
              for row in g.rows}
    assert inside == {cid: figures.of(cid).logged for cid in inside} == {
        town["counted"].id: 5, town["working"].id: 1}
    # the dashboard's rows per focus area and party (one commitment each here) say the same
    rows = dashboard.progress([promise])[0].rows
    assert {row.party: row.logged for row in rows} == {
        Party.POLISEN: figures.of(town["counted"].id).logged,
        Party.KOMMUNEN: figures.of(town["working"].id).logged}
    login(client, "samordnare@example.se")
    internal = client.get(f"/loften/{promise.id}").get_data(as_text=True)
    assert "5 av 10" in internal
    client.post("/logout")
    assert "<strong>5 av 10</strong>" in _page(client, town)


def test_how_we_count_explains_in_plain_swedish(client, town):
    page = client.get("/offentlig/sa-raknar-vi").get_data(as_text=True)
    assert "<h1>Så räknar vi</h1>" in page
    assert "Det här visar siffrorna inte" in page


def test_only_coordinators_choose_what_residents_see(client, town, make_user):
    make_user(Role.OFFICER, town["place"], email="polis@example.se")
    db.session.commit()
    login(client, "polis@example.se")
    form = client.get(f"/ataganden/{town['counted'].id}/aktiviteter/ny").get_data(as_text=True)
    assert "Visa för invånare" not in form
    client.post("/logout")
    login(client, "samordnare@example.se")
    form = client.get(f"/ataganden/{town['counted'].id}/aktiviteter/ny").get_data(as_text=True)
    assert "Visa för invånare" in form


def test_a_concluded_promise_no_longer_speaks_of_work_to_come(client, town, session):
    """Once the period is over nothing is "ännu" or "hittills": a commitment without occasions
    says none were registered, and an effect commitment says what follows it up (its
    indicators) instead of "Inget är registrerat"."""
    from tracker.models import CommitmentKind

    effect = make_commitment(town["promise"], Party.TILLSAMMANS,
                             "Fler ska känna sig trygga i centrum.")
    effect.kind = CommitmentKind.EFFEKT
    quiet = make_commitment(town["promise"], Party.KOMMUNEN, "Kommunen ordnar trygghetsvandringar.")
    quiet.kind = CommitmentKind.ARBETSSATT
    town["promise"].status = PromiseStatus.CONCLUDED
    session.commit()
    page = _page(client, town)
    work = page[:page.index('id="rubrik-uppfoljningar"')]  # a follow-up may still be to come
    assert "ännu" not in work and "hittills" not in work
    effect_block = page[page.index('id="atagande-%d"' % effect.id):].split("</li>")[0]
    assert "Följs upp med indikatorer i den årliga uppföljningen." in effect_block
    assert "Inget är registrerat" not in effect_block
    assert "Inga tillfällen registrerades under 2026." in effect_block
    quiet_block = page[page.index('id="atagande-%d"' % quiet.id):].split("</li>")[0]
    assert "Inget registrerades under perioden." in quiet_block
