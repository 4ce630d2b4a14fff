"""The API corrects and removes logged occasions (PATCH/DELETE with the version) and takes an
Idempotency-Key on the requests that create."""
from __future__ import annotations

import sqlalchemy as sa

from tests.api.conftest import bearer
from tracker.formatting import local_today
from tracker.models import LOGGED_COUNT, Activity, AuditEvent, LogEntry


def _count(session, activity) -> int:
    return session.scalar(sa.select(LOGGED_COUNT).where(Activity.id == activity.id))


def test_the_author_patches_an_entry_with_its_version(client, session, world):
    url = f"/api/v1/log-entries/{world.a.entry.id}"
    headers = bearer(world.officer)
    read = client.get(url, headers=headers).json
    response = client.patch(url, headers=headers, json={
        "version": read["version"], "note": "Lugn kväll vid torget",
        "measures": {"timmar": 2.5}})
    assert response.status_code == 200, response.json
    assert response.json["note"] == "Lugn kväll vid torget"
    assert response.json["measures"] == {"antal_poliser": 2, "timmar": 2.5, "med_kommunen": False}
    assert response.json["version"] == read["version"] + 1
    stale = client.patch(url, headers=headers, json={"version": read["version"], "note": "x"})
    assert stale.status_code == 409 and stale.json["code"] == "stale_version"
    refused = client.patch(url, headers=headers, json={
        "version": response.json["version"], "note": "Pratade med 19121212-1212"})
    assert refused.status_code == 422 and "personnummer" in refused.json["errors"]["note"][0]


def test_who_may_patch_or_delete(client, world):
    url = f"/api/v1/log-entries/{world.a.entry.id}"
    body = {"version": 1, "note": "Ändrad"}
    for role, status in (("viewer", 403), ("other_officer", 403), ("stranger", 404),
                         ("coordinator", 200)):
        response = client.patch(url, headers=bearer(getattr(world, role)), json=body)
        assert response.status_code == status, role
        if status == 200:
            body["version"] = response.json["version"]
    response = client.delete(url, headers=bearer(world.other_officer),
                             json={"version": body["version"], "reason": "fel"})
    assert response.status_code == 403


def test_delete_needs_the_version_and_a_reason_and_the_count_follows(client, session, world):
    url = f"/api/v1/log-entries/{world.a.entry.id}"
    headers = bearer(world.officer)
    assert _count(session, world.a.activity) == 1
    missing = client.delete(url, headers=headers, json={"version": 1})
    assert missing.status_code == 422 and "reason" in missing.json["errors"]
    stale = client.delete(url, headers=headers, json={"version": 7, "reason": "Fel aktivitet"})
    assert stale.status_code == 409 and _count(session, world.a.activity) == 1
    gone = client.delete(url, headers=headers, json={"version": 1, "reason": "Fel aktivitet"})
    assert gone.status_code == 204
    assert _count(session, world.a.activity) == 0
    assert client.get(url, headers=headers).status_code == 404
    event = session.scalar(sa.select(AuditEvent).where(
        AuditEvent.entity == "activity", AuditEvent.entity_id == world.a.activity.id,
        AuditEvent.action == "log_entry_removed"))
    assert event.changes["reason"] == "Fel aktivitet"
    activity = client.get(f"/api/v1/activities/{world.a.activity.id}", headers=headers).json
    assert activity["logged"] == 0


def test_an_idempotency_key_logs_once_and_answers_with_the_first_result(client, session, world):
    url = f"/api/v1/activities/{world.a.activity.id}/log-entries"
    body = {"occurred_on": local_today().isoformat(), "measures": {"antal_poliser": 3}}
    headers = {**bearer(world.officer), "Idempotency-Key": "0b6f-logg-1"}
    first = client.post(url, headers=headers, json=body)
    second = client.post(url, headers=headers, json=body)
    assert first.status_code == second.status_code == 201
    assert first.json["id"] == second.json["id"]
    assert _count(session, world.a.activity) == 2  # the fixture's entry and this one
    other_body = client.post(url, headers=headers, json={**body, "note": "annat"})
    assert other_body.status_code == 422
    assert other_body.json["code"] == "idempotency_key_reused"
    without_key = client.post(url, headers=bearer(world.officer), json=body)
    assert without_key.status_code == 201 and _count(session, world.a.activity) == 3
    too_long = client.post(url, headers={**headers, "Idempotency-Key": "k" * 101}, json=body)
    assert too_long.status_code == 400


def test_an_idempotency_key_plans_an_activity_once(client, session, world):
    url = f"/api/v1/commitments/{world.a.police.id}/activities"
    body = {"type_id": world.kind.id, "title": "Skolbesök åk 9"}
    headers = {**bearer(world.coordinator), "Idempotency-Key": "plan-skolbesok"}
    first = client.post(url, headers=headers, json=body)
    second = client.post(url, headers=headers, json=body)
    assert first.status_code == 201, first.json
    assert second.status_code == 201 and first.json["id"] == second.json["id"]
    assert session.scalar(sa.select(sa.func.count()).select_from(Activity).where(
        Activity.title == "Skolbesök åk 9")) == 1
    assert session.scalar(sa.select(sa.func.count()).select_from(LogEntry)) == 2


def test_an_idempotency_key_registers_an_indicator_value_once(client, world):
    url = f"/api/v1/municipalities/{world.a.m.id}/indicator-values"
    body = {"indicator_id": world.indicator.id, "year": world.year, "value": 12.5}
    headers = {**bearer(world.coordinator), "Idempotency-Key": "varde-1"}
    first = client.post(url, headers=headers, json=body)
    second = client.post(url, headers=headers, json=body)
    assert first.status_code == second.status_code == 201, first.json
    assert first.json["id"] == second.json["id"]
    # Without the key the same request is the duplicate it is.
    assert client.post(url, headers=bearer(world.coordinator), json=body).status_code == 409
