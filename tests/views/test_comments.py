"""The conversation on an activity: members comment, @Namn notifies, the author corrects or
removes within 15 minutes, viewers read, and another municipality's users get 404."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import login
from tests.views.test_activities import world  # noqa: F401  (the shared fixture)
from tracker.extensions import db
from tracker.models import ActivityComment, AuditEvent, Notification, NotificationKind
from tracker.models.base import utcnow
from tracker.services import DomainError, comments


def _say(client, world, text, **extra):
    return client.post(f"/aktiviteter/{world['activity'].id}/kommentarer",
                       data={"text": text, **extra})


def _comments(session, world) -> list[ActivityComment]:
    return list(session.scalars(sa.select(ActivityComment).where(
        ActivityComment.activity_id == world["activity"].id).order_by(ActivityComment.id)))


def _notifications(session, user) -> list[Notification]:
    return list(session.scalars(sa.select(Notification).where(Notification.user_id == user.id)))


def _written_minutes_ago(session, comment, minutes: int) -> None:
    """Moves the comment's stored time back, as the other window tests move stored times."""
    session.execute(sa.update(ActivityComment).where(ActivityComment.id == comment.id)
                    .values(created_at=utcnow() - timedelta(minutes=minutes)))
    session.commit()


def test_a_member_comments_and_everyone_in_the_municipality_reads_it(client, world, session):
    login(client, world["officer"].email)
    response = _say(client, world, "Vi behöver fler poliser på fredag.")
    assert response.status_code == 302
    (comment,) = _comments(session, world)
    assert response.headers["Location"].endswith(
        f"/aktiviteter/{world['activity'].id}#kommentar-{comment.id}")
    assert comment.author_id == world["officer"].id
    client.post("/logout")
    login(client, world["viewer"].email)
    page = client.get(f"/aktiviteter/{world['activity'].id}").get_data(as_text=True)
    assert "Vi behöver fler poliser på fredag." in page
    assert world["officer"].name in page
    assert "Du kan läsa samtalet men inte skriva i det." in page
    assert 'name="text"' not in page


def test_the_page_says_how_to_mention_and_a_mention_notifies_that_member(
        client, world, session):
    login(client, world["officer"].email)
    page = client.get(f"/aktiviteter/{world['activity'].id}").get_data(as_text=True)
    assert "Nämn en medlem med @ och hela namnet" in page
    coordinator = world["coordinator"]
    _say(client, world, f"@{coordinator.name} kan du boka bilen? Och @Ingen Alls")
    (comment,) = _comments(session, world)
    (note,) = _notifications(session, coordinator)
    assert note.kind is NotificationKind.MENTIONED
    assert (note.target_type, note.target_id) == ("activity", world["activity"].id)
    assert note.anchor == f"kommentar-{comment.id}" and note.actor_id == world["officer"].id
    assert _notifications(session, world["viewer"]) == []
    assert _notifications(session, world["officer"]) == []  # never the writer
    # another municipality's coordinator is no member here: not found, not told
    assert _notifications(session, world["stranger"]) == []


def test_mentions_resolve_whole_names_and_e_mail_names_only(world, session):
    m = world["m"].id
    coordinator, viewer = world["coordinator"], world["viewer"]
    local = viewer.email.partition("@")[0]
    assert comments.mentioned_ids(m, f"Hej @{coordinator.name.upper()}!") == {coordinator.id}
    assert comments.mentioned_ids(m, f"(@{local}) ring mig") == {viewer.id}
    assert comments.mentioned_ids(m, f"skriv till x@{local} eller @{coordinator.name}9") == set()
    assert comments.mentioned_ids(m, f"@{world['stranger'].name}") == set()


def test_a_personnummer_is_refused_and_the_text_stays_in_the_form(client, world, session):
    login(client, world["officer"].email)
    text = "Personen 19121212-1212 syntes vid stationen."
    response = _say(client, world, text)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "personnummer" in page and "Personen 19121212-1212 syntes" in page
    assert _comments(session, world) == []
    assert _say(client, world, "   ").status_code == 422
    assert _comments(session, world) == []


def test_control_characters_are_removed_before_the_comment_is_stored(client, world, session):
    login(client, world["officer"].email)
    _say(client, world, "Lampan\x00 är\x1b trasig\x85.")
    (comment,) = _comments(session, world)
    assert comment.text == "Lampan är trasig."


def test_a_comment_sent_twice_is_written_once(client, world, session):
    login(client, world["officer"].email)
    first = _say(client, world, "En gång.", once_key="nyckel-1")
    second = _say(client, world, "En gång.", once_key="nyckel-1")
    assert first.status_code == second.status_code == 302
    assert len(_comments(session, world)) == 1


def test_the_author_edits_within_15_minutes_and_not_after(client, world, session):
    login(client, world["officer"].email)
    _say(client, world, "Mötet är klockan 18.")
    (comment,) = _comments(session, world)
    url = f"/aktiviteter/{world['activity'].id}/kommentarer/{comment.id}/andra"
    page = client.get(f"/aktiviteter/{world['activity'].id}").get_data(as_text=True)
    assert url in page
    assert client.get(url).status_code == 200
    coordinator = world["coordinator"]
    assert client.post(url, data={"text": f"Mötet är klockan 19, @{coordinator.name}."}
                       ).status_code == 302
    session.expire_all()
    (comment,) = _comments(session, world)
    assert comment.text.startswith("Mötet är klockan 19") and comment.edited_at is not None
    assert len(_notifications(session, coordinator)) == 1  # newly mentioned by the edit

    _written_minutes_ago(session, comment, 16)
    page = client.get(f"/aktiviteter/{world['activity'].id}").get_data(as_text=True)
    assert url not in page
    refused = client.post(url, data={"text": "För sent."})
    assert refused.status_code == 302
    with client.session_transaction() as flask_session:
        assert any("15 minuter" in m for c, m in flask_session["_flashes"] if c == "error")
    session.expire_all()
    assert _comments(session, world)[0].text.startswith("Mötet är klockan 19")
    removed = client.post(f"/aktiviteter/{world['activity'].id}/kommentarer/{comment.id}/ta-bort")
    assert removed.status_code == 302
    assert len(_comments(session, world)) == 1


def test_the_service_itself_refuses_a_late_edit_and_another_members_edit(world, session):
    activity, officer = world["activity"], world["officer"]
    comment = comments.add_comment(officer, activity, "Första versionen.")
    with pytest.raises(DomainError, match="15 minuter"):
        comments.edit_comment(officer, activity, comment, "Ny text",
                              now=comment.created_at + timedelta(minutes=15, seconds=1))
    assert comments.edit_comment(officer, activity, comment, "Ny text",
                                 now=comment.created_at + timedelta(minutes=14)).text == "Ny text"
    with pytest.raises(DomainError):
        comments.edit_comment(world["coordinator"], activity, comment, "Hans text")
    with pytest.raises(DomainError):
        comments.add_comment(world["viewer"], activity, "En läsare skriver.")
    with pytest.raises(DomainError):
        comments.remove_comment(officer, activity, comment,
                                now=comment.created_at + timedelta(minutes=16))
    # a coordinator removes any comment (moderation)
    comments.remove_comment(world["coordinator"], activity, comment)
    assert _comments(session, world) == []


def test_a_removal_is_audited_with_the_whole_comment(client, world, session):
    login(client, world["officer"].email)
    _say(client, world, "Fel aktivitet, förlåt.")
    (comment,) = _comments(session, world)
    response = client.post(
        f"/aktiviteter/{world['activity'].id}/kommentarer/{comment.id}/ta-bort")
    assert response.status_code == 302
    assert _comments(session, world) == []
    event = session.scalar(sa.select(AuditEvent).where(
        AuditEvent.entity == "activity_comment", AuditEvent.entity_id == comment.id,
        AuditEvent.action == "delete"))
    assert event.actor_id == world["officer"].id
    assert event.changes["text"] == "Fel aktivitet, förlåt."
    inserted = session.scalar(sa.select(AuditEvent).where(
        AuditEvent.entity == "activity_comment", AuditEvent.entity_id == comment.id,
        AuditEvent.action == "insert"))
    assert inserted is not None


def test_a_viewer_reads_but_may_not_write(client, world, session):
    login(client, world["viewer"].email)
    assert _say(client, world, "Jag vill också säga något.").status_code == 403
    assert _comments(session, world) == []


def test_every_comment_address_is_404_for_another_municipality(client, world, session):
    comment = comments.add_comment(world["officer"], world["activity"], "Bara för Lidköping.")
    session.commit()
    login(client, world["stranger"].email)
    base = f"/aktiviteter/{world['activity'].id}/kommentarer"
    assert _say(client, world, "Hej från Skara").status_code == 404
    assert client.get(f"{base}/{comment.id}/andra").status_code == 404
    assert client.post(f"{base}/{comment.id}/andra", data={"text": "x"}).status_code == 404
    assert client.post(f"{base}/{comment.id}/ta-bort").status_code == 404
    # and a comment asked for under another activity is not found either
    other = f"/aktiviteter/{world['other_activity'].id}/kommentarer/{comment.id}/ta-bort"
    assert client.post(other).status_code == 404
    db.session.expire_all()
    assert [c.text for c in _comments(session, world)] == ["Bara för Lidköping."]
    refusals = session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "not_found_elsewhere", AuditEvent.actor_id == world["stranger"].id))
    assert len(list(refusals)) >= 4


# ---------------------------------------------------------------- the same through the API

def test_the_api_writes_reads_and_enforces_the_window(client, world, session):
    from tests.api.conftest import bearer

    officer = bearer(world["officer"])
    base = f"/api/v1/activities/{world['activity'].id}/comments"
    created = client.post(base, headers={**officer, "Idempotency-Key": "k1"},
                          json={"text": f"@{world['coordinator'].name} ring mig"})
    assert created.status_code == 201, created.json
    again = client.post(base, headers={**officer, "Idempotency-Key": "k1"},
                        json={"text": f"@{world['coordinator'].name} ring mig"})
    assert again.json["id"] == created.json["id"]
    assert len(_notifications(session, world["coordinator"])) == 1
    listed = client.get(base, headers=bearer(world["viewer"]))
    assert [c["text"] for c in listed.json["items"]] == [created.json["text"]]
    assert listed.json["items"][0]["author"]["name"] == world["officer"].name

    url = f"/api/v1/comments/{created.json['id']}"
    assert client.patch(url, headers=bearer(world["coordinator"]),
                        json={"text": "Inte din"}).status_code == 403
    refused = client.post(base, headers=officer, json={"text": "Pnr 19121212-1212"})
    assert refused.status_code == 422 and "text" in refused.json["errors"]
    assert client.post(base, headers=bearer(world["viewer"]),
                       json={"text": "Läsaren"}).status_code == 403
    assert client.get(url, headers=bearer(world["stranger"])).status_code == 404
    assert client.get(base, headers=bearer(world["stranger"])).status_code == 404
    assert client.patch(url, headers=officer, json={"text": "Rättad"}).json["text"] == "Rättad"

    comment = session.get(ActivityComment, created.json["id"])
    _written_minutes_ago(session, comment, 16)
    late = client.patch(url, headers=officer, json={"text": "För sent"})
    assert late.status_code == 422 and "15 minuter" in late.json["message"]
    assert client.delete(url, headers=officer).status_code == 422
    assert client.delete(url, headers=bearer(world["coordinator"])).status_code == 204
    assert _comments(session, world) == []


def test_an_author_who_may_no_longer_write_is_refused_alike_on_the_web_and_in_the_api(
        client, world, session):
    """Owning a comment takes the right to write in the conversation (policies.owns_comment):
    an officer made a viewer keeps their comment, but neither the page nor the API lets them
    change it, even within the window; a coordinator may still remove it."""
    from tests.api.conftest import bearer
    from tracker.models import Membership, Role

    comment = comments.add_comment(world["officer"], world["activity"], "Skrivet som polis.")
    session.commit()
    session.execute(sa.update(Membership).where(Membership.user_id == world["officer"].id)
                    .values(role=Role.VIEWER))
    session.commit()
    url = f"/api/v1/comments/{comment.id}"
    assert client.patch(url, headers=bearer(world["officer"]),
                        json={"text": "Ändrat som läsare"}).status_code == 403
    assert client.delete(url, headers=bearer(world["officer"])).status_code == 403
    login(client, world["officer"].email)
    page = f"/aktiviteter/{world['activity'].id}/kommentarer/{comment.id}/andra"
    assert client.get(page).status_code == 403
    assert client.post(page, data={"text": "Ändrat som läsare"}).status_code == 403
    session.expire_all()
    assert [c.text for c in _comments(session, world)] == ["Skrivet som polis."]
    assert client.delete(url, headers=bearer(world["coordinator"])).status_code == 204
