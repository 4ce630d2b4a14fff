"""Notifications in the app: who is told what, the count in the header (at no statement of
its own), the list where each links to its object, and read ones marked."""
import re

import sqlalchemy as sa

from tests.api.conftest import bearer
from tests.conftest import count_queries, login
from tests.factories import make_activity, make_commitment, make_ready, make_type
from tests.views.test_activities import world  # noqa: F401  (the shared fixture)
from tracker.extensions import db
from tracker.followups import compiler as followup_compiler
from tracker.followups import workflow as followups
from tracker.formatting import local_today
from tracker.models import (
    Activity,
    Membership,
    Notification,
    NotificationKind,
    Organisation,
    Party,
    Role,
)
from tracker.services import comments, notifications


def _mine(session, user) -> list[Notification]:
    return list(session.scalars(sa.select(Notification).where(
        Notification.user_id == user.id).order_by(Notification.id)))


def _badge(page: str) -> str | None:
    """The count on the Meny button, as a sighted user reads it."""
    found = re.search(r"<summary>Meny <span class=\"badge\">(\d+)<span", page)
    return found[1] if found else None


def _assign(client, world, *people):
    activity = world["activity"]
    return client.post(f"/aktiviteter/{activity.id}/redigera", data={
        "commitment_id": world["commitment"].id, "type_id": world["kind"].id,
        "title": activity.title, "owner_id": world["officer"].id,
        "assignee_ids": [p.id for p in people],
        "version": str(db.session.get(Activity, activity.id).version_id)})


def test_an_assignment_on_the_web_shows_in_the_header_and_the_list(client, world, session):
    officer = world["officer"]
    login(client, world["coordinator"].email)
    assert _assign(client, world, officer, world["coordinator"]).status_code == 302
    (note,) = _mine(session, officer)
    assert note.kind is NotificationKind.ASSIGNED and note.actor_id == world["coordinator"].id
    assert _mine(session, world["coordinator"]) == []  # not the one who saved
    client.post("/logout")

    login(client, officer.email)
    page = client.get("/mina-uppgifter").get_data(as_text=True)
    assert _badge(page) == "1"
    assert '1<span class="visually-hidden"> oläst avisering</span>' in page  # read out
    listing = client.get("/aviseringar").get_data(as_text=True)
    assert (f"{world['coordinator'].name} tilldelade dig aktiviteten ”Kvällspatrull”."
            in listing)
    assert f'href="/aviseringar/{note.id}"' in listing and "Oläst" in listing
    opened = client.get(f"/aviseringar/{note.id}")
    assert opened.status_code == 302
    assert opened.headers["Location"] == f"/aktiviteter/{world['activity'].id}"
    session.expire_all()
    assert _mine(session, officer)[0].read_at is not None
    listing = client.get("/aviseringar").get_data(as_text=True)
    assert "Läst" in listing and "Oläst" not in listing
    assert _badge(listing) is None
    assert "Markera alla som lästa" not in listing


def test_an_assignment_through_the_api_notifies_too(client, world, session):
    response = client.put(f"/api/v1/activities/{world['activity'].id}",
                          headers=bearer(world["coordinator"]), json={
                              "commitment_id": world["commitment"].id,
                              "type_id": world["kind"].id, "title": "Kvällspatrull",
                              "owner_id": world["officer"].id,
                              "assignee_ids": [world["officer"].id],
                              "version": db.session.get(Activity, world["activity"].id).version_id})
    assert response.status_code == 200, response.json
    (note,) = _mine(session, world["officer"])
    assert (note.kind, note.target_type, note.target_id) == (
        NotificationKind.ASSIGNED, "activity", world["activity"].id)


def test_a_mention_links_to_the_comment_on_the_activity_page(client, world, session):
    coordinator = world["coordinator"]
    comment = comments.add_comment(world["officer"], world["activity"],
                                   f"@{coordinator.name} titta på det här")
    session.commit()
    login(client, coordinator.email)
    listing = client.get("/aviseringar").get_data(as_text=True)
    assert f"{world['officer'].name} nämnde dig i en kommentar om ”Kvällspatrull”." in listing
    (note,) = _mine(session, coordinator)
    opened = client.get(f"/aviseringar/{note.id}")
    assert opened.headers["Location"] == (
        f"/aktiviteter/{world['activity'].id}#kommentar-{comment.id}")
    page = client.get(opened.headers["Location"]).get_data(as_text=True)
    assert f'id="kommentar-{comment.id}"' in page


def test_mark_all_read_and_nobody_opens_anothers_notification(client, world, session):
    officer = world["officer"]
    for n in range(3):
        notifications.notify([officer], NotificationKind.ASSIGNED, "activity",
                             world["activity"].id, f"Aktivitet {n}")
    session.commit()
    login(client, world["viewer"].email)
    (first, *_rest) = _mine(session, officer)
    assert client.get(f"/aviseringar/{first.id}").status_code == 404
    session.expire_all()
    assert _mine(session, officer)[0].read_at is None
    client.post("/logout")

    login(client, officer.email)
    assert _badge(client.get("/").get_data(as_text=True)) == "3"
    listing = client.get("/aviseringar").get_data(as_text=True)
    assert "Markera alla som lästa" in listing
    response = client.post("/aviseringar/markera-lasta")
    assert response.status_code == 302
    session.expire_all()
    assert all(n.read_at is not None for n in _mine(session, officer))
    assert _badge(client.get("/").get_data(as_text=True)) is None


def test_the_header_count_costs_no_statement_of_its_own(client, world, session):
    officer = world["officer"]
    login(client, officer.email)
    client.get("/mina-uppgifter")
    with count_queries() as without:
        client.get("/mina-uppgifter")
    for n in range(5):
        notifications.notify([officer], NotificationKind.ASSIGNED, "activity",
                             world["activity"].id, f"Aktivitet {n}")
    session.commit()
    with count_queries() as with_five:
        page = client.get("/mina-uppgifter").get_data(as_text=True)
    assert _badge(page) == "5"
    assert len(with_five) == len(without)
    reading = [s for s in with_five if "notification" in s]
    assert len(reading) == 1 and "user_account" in reading[0]  # the login's own statement


def test_the_list_takes_one_statement_whatever_its_length(client, world, session):
    officer = world["officer"]
    login(client, officer.email)
    counts = []
    for batch in (1, 30):
        for n in range(batch):
            notifications.notify([officer], NotificationKind.MENTIONED, "activity",
                                 world["activity"].id, f"Aktivitet {n}",
                                 actor=world["coordinator"])
        session.commit()
        client.get("/aviseringar")
        with count_queries() as statements:
            assert client.get("/aviseringar").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]
    assert "Sida 1 av 2" in client.get("/aviseringar").get_data(as_text=True)


def test_a_tip_tells_the_municipalitys_coordinators_without_its_words(client, world, session):
    text = "Gatlampan vid Skaragatan är trasig."
    response = client.post(f"/offentlig/{world['m'].slug}/tips", data={"text": text})
    assert response.status_code == 302
    (note,) = _mine(session, world["coordinator"])
    assert note.kind is NotificationKind.TIP and note.target_type == "tip"
    assert "Skaragatan" not in note.text
    assert _mine(session, world["viewer"]) == [] and _mine(session, world["officer"]) == []
    assert _mine(session, world["stranger"]) == []
    login(client, world["coordinator"].email)
    assert "Ett nytt tips från en invånare i Lidköping." in client.get(
        "/aviseringar").get_data(as_text=True)
    assert client.get(f"/aviseringar/{note.id}").headers["Location"] == f"/tips/{note.target_id}"


def test_one_partys_approval_tells_the_other_partys_coordinators(world, session, make_user):
    m = world["m"]
    police = make_user(Role.COORDINATOR, m, organisation=Organisation.POLISEN)
    municipal = world["coordinator"]
    year = local_today().year
    commitment = make_commitment(world["promise"], Party.POLISEN, "Polisen syns i centrum.")
    make_activity(commitment, make_type("kvallspatrull"), owner=municipal)
    followup = followups.load(followup_compiler.compile_followup(world["promise"].id, year).id)
    followup = make_ready(followup, municipal)
    followups.approve(police, followup, None)
    (note,) = _mine(session, municipal)
    assert (note.kind, note.target_type, note.target_id) == (
        NotificationKind.APPROVAL, "followup", followup.id)
    assert _mine(session, police) == []
    assert session.scalar(sa.select(sa.func.count()).select_from(Membership).where(
        Membership.municipality_id == m.id)) >= 4
    followups.approve(municipal, followup, None)  # both approved: nobody waits any more
    assert _mine(session, police) == []


def test_an_action_point_due_is_told_once_and_links_where_it_is_registered(app, world, session):
    officer = world["officer"]
    first = notifications.action_point_due([officer.id], world["activity"].id, "Laga lampan",
                                           local_today())
    again = notifications.action_point_due([officer.id], world["activity"].id,
                                           "Laga lampan", local_today())
    with app.test_request_context():
        path = notifications.path_of("action_point", world["activity"].id)
    assert len(first) == 1 and again == []
    assert path == f"/atgardspunkter/{world['activity'].id}"  # the action point's own page
    row = notifications.Row(first[0].id, NotificationKind.ACTION_DUE, "action_point",
                            first[0].text, None, first[0].created_at, False)
    assert notifications.message(row).startswith("Åtgärdspunkten ”Laga lampan (senast")
    given = notifications.Row(1, NotificationKind.ASSIGNED, "action_point", "Laga lampan",
                              "Sara", first[0].created_at, False)
    assert notifications.message(given) == "Sara gav dig åtgärdspunkten ”Laga lampan”."


def test_once_both_parties_approved_nobody_is_asked_any_more(world, session, make_user):
    police = make_user(Role.COORDINATOR, world["m"], organisation=Organisation.POLISEN)
    municipal = world["coordinator"]
    commitment = make_commitment(world["promise"], Party.POLISEN, "Polisen syns i centrum.")
    make_activity(commitment, make_type("kvallspatrull"), owner=municipal)
    followup = followups.load(followup_compiler.compile_followup(
        world["promise"].id, local_today().year).id)
    followup = make_ready(followup, municipal)
    followups.approve(police, followup, None)
    (asked,) = _mine(session, municipal)
    assert asked.read_at is None
    followups.approve(municipal, followup, None)
    session.refresh(asked)
    assert asked.read_at is not None
