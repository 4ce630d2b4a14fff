"""The audit trail without gaps or surplus: association changes with before and after, refused
attempts of every kind with actor and target, and no resident's text or address copied in."""
from __future__ import annotations

import sqlalchemy as sa

from tests.api.conftest import bearer
from tests.conftest import login
from tests.factories import make_activity, make_commitment, make_place, make_promise, make_type
from tracker.extensions import db
from tracker.formatting import local_today
from tracker.models import Activity, AuditEvent, FollowUp, FollowUpStatus
from tracker.services import tips


def _events(session, **where) -> list[AuditEvent]:
    query = sa.select(AuditEvent).order_by(AuditEvent.id)
    for key, value in where.items():
        query = query.where(getattr(AuditEvent, key) == value)
    return list(session.scalars(query))


def test_assignee_and_place_changes_are_audited_with_before_and_after(client, town, session):
    m = town["m"]
    commitment = make_commitment(make_promise(m, year=local_today().year))
    kind = make_type()
    square, station = make_place(m, "Torget"), make_place(m, "Stationen")
    activity = make_activity(commitment, kind, owner=town["coordinator"],
                             assignees=[town["officer"]], places=[square])
    session.commit()
    login(client, town["coordinator"].email)
    response = client.post(f"/aktiviteter/{activity.id}/redigera", data={
        "commitment_id": commitment.id, "type_id": kind.id, "title": activity.title,
        "owner_id": town["coordinator"].id,
        "assignee_ids": [town["coordinator"].id], "place_ids": [square.id, station.id],
        "version": str(db.session.get(Activity, activity.id).version_id)})
    assert response.status_code == 302
    changes = {}
    for event in _events(session, entity="activity", entity_id=activity.id, action="update"):
        assert event.actor_id == town["coordinator"].id
        changes.update(event.changes)
    assert changes["assignees"] == [[town["officer"].id], [town["coordinator"].id]]
    assert changes["places"] == [[square.id], sorted([square.id, station.id])]


def test_a_new_activity_records_its_assignees(town, session):
    commitment = make_commitment(make_promise(town["m"], year=local_today().year))
    activity = make_activity(commitment, make_type(), assignees=[town["officer"]])
    (event,) = _events(session, entity="activity", entity_id=activity.id, action="insert")
    assert event.changes["assignees"] == [town["officer"].id]


def test_a_cross_municipality_404_in_the_api_is_recorded(client, town, session):
    headers = bearer(town["stranger"])
    before = len(_events(session, action="not_found_elsewhere"))
    response = client.get(f"/api/v1/municipalities/{town['m'].id}", headers=headers)
    assert response.status_code == 404
    missing = client.get("/api/v1/municipalities/2147483000", headers=headers)
    assert missing.status_code == 404  # a row that does not exist is not an attempt on one
    events = _events(session, action="not_found_elsewhere")
    assert len(events) == before + 1
    assert events[-1].actor_id == town["stranger"].id
    assert events[-1].changes["path"] == f"/api/v1/municipalities/{town['m'].id}"


def test_a_refused_approval_is_recorded(client, town, session):
    promise = make_promise(town["m"], year=local_today().year)
    followup = FollowUp(promise_id=promise.id, year=promise.start_year,
                        status=FollowUpStatus.DRAFT, sections={})
    session.add(followup)
    session.commit()
    login(client, town["viewer"].email)
    response = client.post(f"/uppfoljningar/{followup.id}/godkann")
    assert response.status_code == 302
    (event,) = _events(session, action="refused")
    assert event.actor_id == town["viewer"].id
    assert event.changes["path"] == f"/uppfoljningar/{followup.id}/godkann"
    assert event.changes["message"]


def test_a_post_without_a_csrf_token_is_recorded(app, client, town, session, monkeypatch):
    login(client, town["officer"].email)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post("/konto/kalender", data={"action": "ny"}).status_code == 400
    (event,) = _events(session, action="csrf_refused")
    assert event.actor_id == town["officer"].id and event.changes["path"] == "/konto/kalender"


def test_an_invalid_api_token_is_recorded_by_its_prefix_never_the_secret(client, session):
    secret = "lk_" + "x" * 43
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}
                      ).status_code == 401
    (event,) = _events(session, action="token_refused")
    assert event.changes["code"] == "token_invalid"
    assert event.changes["prefix"] == secret[:11] and secret not in str(event.changes)


def test_a_tips_text_and_address_are_not_copied_into_the_trail(town, session):
    tip, secret = tips.create_tip(town["m"].id, "Det luktar rök vid skolan varje kväll.",
                                  "boende@example.se")
    session.flush()
    (event,) = _events(session, entity="tip", entity_id=tip.id, action="insert")
    text = str(event.changes)
    assert "rök" not in text and "boende@example.se" not in text
    assert secret not in text and tip.status_token_hash not in text
    assert event.changes["text"] == event.changes["reply_to"] == "(ej kopierad)"


def test_a_failed_login_keeps_the_typed_address_only_if_it_is_an_account(client, town, session):
    login(client, "mitt-lösenord-av-misstag", "vad som helst här")
    login(client, town["officer"].email, "fel-lösenord-helt-och-hållet")
    unknown, known = _events(session, entity="login", action="login_failed")
    assert unknown.entity_id is None and "mitt-lösenord" not in str(unknown.changes)
    assert known.entity_id == town["officer"].id


def test_refusals_of_a_role_are_recorded_with_actor_and_target(client, town, session):
    login(client, town["officer"].email)
    assert client.get(f"/kommuner/{town['m'].id}/loften/nytt").status_code == 403
    (event,) = _events(session, action="forbidden")
    assert event.actor_id == town["officer"].id
    assert event.changes["path"] == f"/kommuner/{town['m'].id}/loften/nytt"


