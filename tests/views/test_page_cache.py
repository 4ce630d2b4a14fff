"""Kept parts of the dashboard and the activity page: a write shows at once, nothing leaks
between viewers, and a kept page costs fewer statements."""
from __future__ import annotations

from datetime import timedelta

from tests.conftest import count_queries, login
from tests.views.test_dashboard import (
    make_activity,
    make_commitment,
    make_promise,
    make_type,
    section,
)
from tracker.extensions import db
from tracker.formatting import local_today
from tracker.models import Commitment, LogEntry, Municipality, Promise, Role
from tracker.services import logbook


def _log(actor, activity, note: str) -> LogEntry:
    """An occasion logged through the service and committed (as another request would)."""
    entry = logbook.log_occasion(actor, activity, logbook.LogInput(
        occurred_on=local_today() - timedelta(days=1), note=note), today=local_today())
    db.session.commit()
    return entry


def _world(town, *assignees):
    commitment = make_commitment(make_promise(town["m"]))
    activity = make_activity(commitment, "Kvällspatrull vid torget", owner=town["officer"],
                             target=4, due=local_today() + timedelta(days=3))
    activity.assignees = list(assignees)
    db.session.commit()
    return activity


def test_the_dashboard_shows_a_logged_occasion_at_once(client, town):
    activity = _world(town)
    login(client, town["viewer"].email)
    url = f"/kommuner/{town['m'].id}"
    before = client.get(url).get_data(as_text=True)
    assert "Inga genomföranden är loggade ännu." in section(before, "senaste")
    assert "0 av 4" in section(before, "snart")

    _log(town["officer"], activity, "Lugnt på torget")
    after = client.get(url).get_data(as_text=True)
    assert "Kvällspatrull vid torget" in section(after, "senaste")
    assert "1 av 4" in section(after, "snart") and "1 av 4" in section(after, "framsteg")


def test_a_renamed_owner_and_activity_type_show_on_the_kept_dashboard(client, town):
    _world(town)
    login(client, town["viewer"].email)
    url = f"/kommuner/{town['m'].id}"
    page = client.get(url).get_data(as_text=True)
    assert town["officer"].name in section(page, "snart") and "Patrullering" in page

    town["officer"].name = "Omdöpt Polis"
    make_type().name_sv = "Fotpatrull"
    db.session.commit()
    soon = section(client.get(url).get_data(as_text=True), "snart")
    assert "Omdöpt Polis" in soon and "Fotpatrull" in soon


def test_a_write_in_another_municipality_keeps_this_ones_version(client, town):
    _world(town)
    here, there = town["m"], town["other"]
    versions = (here.data_version, there.data_version)
    make_activity(make_commitment(make_promise(there)), "Skaras patrull")
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Municipality, here.id).data_version == versions[0]
    assert db.session.get(Municipality, there.id).data_version != versions[1]
    login(client, town["viewer"].email)
    client.get(f"/kommuner/{here.id}")  # a read changes no version
    db.session.expire_all()
    assert db.session.get(Municipality, here.id).data_version == versions[0]


def test_the_activity_page_follows_a_correction_of_an_entry(client, town):
    activity = _world(town)
    entry = _log(town["officer"], activity, "Första anteckningen")
    login(client, town["viewer"].email)
    url = f"/aktiviteter/{activity.id}"
    assert "Första anteckningen" in client.get(url).get_data(as_text=True)

    entry.note = "Rättad anteckning"
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "Rättad anteckning" in page and "Första anteckningen" not in page


def test_each_viewer_sees_only_the_corrections_they_may_make(client, make_user, town):
    other_officer = make_user(Role.OFFICER, town["m"])
    activity = _world(town, other_officer)
    own = _log(town["officer"], activity, "Polisens egen anteckning")
    theirs = _log(other_officer, activity, "Kollegans anteckning")
    url = f"/aktiviteter/{activity.id}"

    def edit_links(who) -> set[int]:
        browser = client.application.test_client()
        login(browser, who.email)
        page = browser.get(url).get_data(as_text=True)
        return {e.id for e in (own, theirs)
                if f"/aktiviteter/{activity.id}/genomforanden/{e.id}/andra" in page}

    # each in turn, so a part kept for one is asked for by the next
    assert edit_links(town["officer"]) == {own.id}
    assert edit_links(other_officer) == {theirs.id}
    assert edit_links(town["viewer"]) == set()
    assert edit_links(town["coordinator"]) == {own.id, theirs.id}
    assert edit_links(town["officer"]) == {own.id}


def test_kept_parts_cost_no_statements(client, town):
    activity = _world(town)
    _log(town["officer"], activity, "Lugnt")
    login(client, town["officer"].email)
    counts = {}
    for name, url in (("dashboard", f"/kommuner/{town['m'].id}"),
                      ("activity", f"/aktiviteter/{activity.id}")):
        measured = []
        for _ in range(2):
            with count_queries() as statements:
                assert client.get(url).status_code == 200
            measured.append(len(statements))
        assert measured[1] < measured[0]  # the first request renders and keeps the parts
        counts[name] = measured[1]
    # dashboard: user with roles and municipality; the figures, deadlines and log come kept
    # activity: user, the activity with its assignees and places, its files, its conversation
    # (kept: its log, history, action points and tips)
    assert counts == {"dashboard": 2, "activity": 4}


def test_the_public_promise_page_counts_a_logged_occasion_at_once(client, town):
    activity = _world(town)
    promise_id = db.session.get(Commitment, activity.commitment_id).promise_id
    db.session.get(Promise, promise_id).is_public = True
    db.session.commit()
    url = f"/offentlig/{town['m'].slug}/loften/{promise_id}"
    assert "1 aktivitet planerad" in client.get(url).get_data(as_text=True)

    _log(town["officer"], activity, "Lugnt på torget")
    page = client.get(url).get_data(as_text=True)
    assert "1 tillfälle hittills" in page and "1 aktivitet planerad" not in page
    assert client.get(f"/offentlig/{town['m'].slug}/loften/999999").status_code == 404


def test_the_public_start_page_follows_a_new_promise_and_a_new_municipality(
        client, town, make_municipality):
    town["m"].is_public = True
    db.session.commit()
    before = client.get("/offentlig/").get_data(as_text=True)
    assert "0 medborgarlöften" in before and "Vara" not in before

    make_promise(town["m"]).is_public = True
    make_municipality("Vara")
    db.session.commit()
    after = client.get("/offentlig/").get_data(as_text=True)
    assert "1 medborgarlöfte" in after and "Vara" in after
