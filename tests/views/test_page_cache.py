"""Kept parts of the dashboard and the activity page: a write shows at once, nothing leaks
between viewers, and a kept page costs fewer statements."""
from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from tests.conftest import count_queries, login
from tests.factories import make_activity as make_typed_activity
from tests.factories import make_place
from tests.factories import make_type as make_measured_type
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
from tracker.services import logbook, places


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
                      ("activity", f"/aktiviteter/{activity.id}"),
                      ("activity_list", f"/kommuner/{town['m'].id}/aktiviteter?status=planned"),
                      ("my_tasks", "/mina-uppgifter")):
        measured = []
        for _ in range(2):
            with count_queries() as statements:
                assert client.get(url).status_code == 200
            measured.append(len(statements))
        assert measured[1] < measured[0]  # the first request renders and keeps the parts
        counts[name] = measured[1]
    # dashboard: user with roles and municipality; the figures, deadlines and log come kept
    # activity: user, the activity with its assignees and places (kept: its log, history,
    # files, conversation, action points and tips)
    # the list: user, the municipality with the filter choices; Mina uppgifter: user, the
    # data versions of the municipalities the user's tasks are in
    assert counts == {"dashboard": 2, "activity": 2, "activity_list": 2, "my_tasks": 2}


def test_the_activity_list_follows_a_change_and_keeps_each_filter_apart(client, town):
    activity = _world(town)
    login(client, town["viewer"].email)
    url = f"/kommuner/{town['m'].id}/aktiviteter"
    assert "Kvällspatrull vid torget" in client.get(url).get_data(as_text=True)
    assert "Kvällspatrull vid torget" not in client.get(f"{url}?status=done").get_data(
        as_text=True)

    activity.title = "Morgonpatrull vid stationen"
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "Morgonpatrull vid stationen" in page and "Kvällspatrull" not in page
    assert "1 av 4" not in page and "0 av 4" in page
    _log(town["officer"], activity, "Lugnt")
    assert "1 av 4" in client.get(url).get_data(as_text=True)


def test_mina_uppgifter_follows_a_task_in_another_municipality_and_its_end(
        client, town, make_user):
    _world(town)
    officer = town["officer"]
    login(client, officer.email)
    page = client.get("/mina-uppgifter").get_data(as_text=True)
    assert "Kvällspatrull vid torget" in page and "Skaras patrull" not in page

    elsewhere = make_activity(make_commitment(make_promise(town["other"])), "Skaras patrull",
                              owner=officer)
    db.session.commit()
    page = client.get("/mina-uppgifter").get_data(as_text=True)
    assert "Skaras patrull" in page and "Skara" in page

    elsewhere.owner = make_user(Role.OFFICER, town["other"])
    db.session.commit()
    page = client.get("/mina-uppgifter").get_data(as_text=True)
    assert "Skaras patrull" not in page and "Kvällspatrull vid torget" in page


def test_the_activity_page_keeps_comments_but_not_who_may_change_them(client, town):
    activity = _world(town)
    url = f"/aktiviteter/{activity.id}"

    def page_of(who) -> str:
        browser = client.application.test_client()
        login(browser, who.email)
        return browser.get(url).get_data(as_text=True)

    assert "Vi tar torget på fredag." not in page_of(town["viewer"])  # kept without it
    author = client.application.test_client()
    login(author, town["officer"].email)
    sent = author.post(f"{url}/kommentarer", data={"text": "Vi tar torget på fredag."})
    comment_id = int(sent.headers["Location"].rsplit("kommentar-", 1)[1])
    edit = f"/kommentarer/{comment_id}/andra"
    for who, may_change in ((town["viewer"], False), (town["officer"], True),
                            (town["coordinator"], False), (town["officer"], True)):
        page = page_of(who)
        assert "Vi tar torget på fredag." in page and (edit in page) is may_change


def test_an_officer_made_an_assignee_may_log_at_once(client, town, make_user):
    activity = _world(town)
    colleague = make_user(Role.OFFICER, town["m"])
    login(client, colleague.email)
    url = f"/aktiviteter/{activity.id}"
    log_button = f"/aktiviteter/{activity.id}/logga"
    assert log_button not in client.get(url).get_data(as_text=True)  # kept: not theirs yet

    activity.assignees = [colleague]
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert log_button in page and "Ändra status" in page
    activity.assignees = []
    db.session.commit()
    assert log_button not in client.get(url).get_data(as_text=True)


def _place_options(client, activity) -> dict[str, str]:
    """The log form's places: {option value: name}, the empty choice left out."""
    page = client.get(f"/aktiviteter/{activity.id}/logga").get_data(as_text=True)
    select = page.split('name="place_id"', 1)[1].split("</select>", 1)[0]
    return {value: name for value, name in re.findall(r'<option[^>]*value="(\d+)"[^>]*>([^<]*)<',
                                                       select)}


def _select_options(page: str, name: str) -> dict[str, str]:
    select = page.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
    return dict(re.findall(r'<option[^>]*value="(\d+)"[^>]*>([^<]*)<', select))


def test_a_place_measure_offers_the_municipalitys_places_on_every_log_form(client, town):
    """The form's class is kept per set of measures; its places are the form's own."""
    kind = make_measured_type("vandring_med_plats", measures=[
        {"key": "plats", "label": "Var", "kind": "place", "required": True}])
    activity = make_typed_activity(make_commitment(make_promise(town["m"])), kind,
                                   title="Vandring i centrum", owner=town["officer"])
    torget = make_place(town["m"], "Stora torget")
    elsewhere = make_typed_activity(make_commitment(make_promise(town["other"])), kind,
                                    title="Vandring i Skara")
    make_place(town["other"], "Skara torg")
    db.session.commit()
    login(client, town["officer"].email)
    for _ in range(2):  # the second form comes from the kept class and the kept places
        page = client.get(f"/aktiviteter/{activity.id}/logga").get_data(as_text=True)
        assert _select_options(page, "m_plats") == {str(torget.id): "Stora torget"}
    sent = client.post(f"/aktiviteter/{activity.id}/logga", data={
        "occurred_on": local_today().isoformat(), "m_plats": str(torget.id)})
    assert sent.status_code == 302
    entry = db.session.scalars(sa.select(LogEntry).order_by(LogEntry.id.desc())).first()
    page = client.get(f"/aktiviteter/{activity.id}/genomforanden/{entry.id}/andra").get_data(
        as_text=True)
    assert _select_options(page, "m_plats") == {str(torget.id): "Stora torget"}
    coordinator = client.application.test_client()
    login(coordinator, town["stranger"].email)
    page = coordinator.get(f"/aktiviteter/{elsewhere.id}/logga").get_data(as_text=True)
    assert list(_select_options(page, "m_plats").values()) == ["Skara torg"]


def test_the_log_forms_kept_places_follow_an_added_renamed_or_removed_place(client, town):
    activity = _world(town)
    torget = make_place(town["m"], "Stora torget")
    db.session.commit()
    login(client, town["officer"].email)
    assert _place_options(client, activity) == {str(torget.id): "Stora torget"}
    _log(town["officer"], activity, "Lugnt")  # a write that leaves the places as they were
    assert _place_options(client, activity) == {str(torget.id): "Stora torget"}

    added = places.create_place(town["coordinator"], town["m"].id, "Resecentrum", "station")
    db.session.commit()
    assert _place_options(client, activity) == {str(torget.id): "Stora torget",
                                                str(added.id): "Resecentrum"}
    sent = client.post(f"/aktiviteter/{activity.id}/logga", data={
        "occurred_on": local_today().isoformat(), "place_id": str(added.id)})
    assert sent.status_code == 302
    assert db.session.scalars(sa.select(LogEntry.place_id).order_by(LogEntry.id.desc())).first() \
        == added.id

    torget.name = "Torget"
    db.session.commit()
    assert _place_options(client, activity)[str(torget.id)] == "Torget"

    removed_id = added.id
    db.session.delete(added)
    db.session.commit()
    assert _place_options(client, activity) == {str(torget.id): "Torget"}
    refused = client.post(f"/aktiviteter/{activity.id}/logga", data={
        "occurred_on": local_today().isoformat(), "place_id": str(removed_id)})
    assert refused.status_code == 422
    assert "Välj en plats i kommunen." in refused.get_data(as_text=True)


def test_only_a_change_of_its_places_renews_a_municipalitys_places_version(town):
    activity = _world(town)
    here, there = town["m"], town["other"]
    versions = (here.places_version, there.places_version)
    _log(town["officer"], activity, "Lugnt")
    activity.title = "Morgonpatrull"
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Municipality, here.id).places_version == versions[0]

    make_place(there, "Skara torg")
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Municipality, here.id).places_version == versions[0]
    assert db.session.get(Municipality, there.id).places_version != versions[1]
