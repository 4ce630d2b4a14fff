"""API tokens: made on Mitt konto → API-nycklar, shown once, stored as a hash, scoped, expiring,
revocable; only a token (never the session cookie) authenticates an API request."""
from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.api.conftest import bearer
from tests.conftest import login
from tracker.extensions import db
from tracker.models import ActivityStatus, ApiScope, ApiToken, AuditEvent
from tracker.models.base import utcnow
from tracker.services import api_tokens

SECRET = re.compile(r'value="(lk_[A-Za-z0-9_-]{43})"')


def _create_on_page(client, **data):
    form = {"name": "Intranätet", "scope": "read", "expires_in": "90", **data}
    return client.post("/konto/api-nycklar", data=form)


def test_the_page_shows_a_new_token_once_and_stores_only_its_hash(client, session, world):
    login(client, world.officer.email)
    response = _create_on_page(client, scope="read_write")
    assert response.status_code == 201
    secret = SECRET.search(response.get_data(as_text=True)).group(1)
    token = session.scalar(sa.select(ApiToken).where(ApiToken.user_id == world.officer.id))
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:11] and token.scope is ApiScope.READ_WRITE
    assert timedelta(days=89) < token.expires_at - utcnow() <= timedelta(days=90)
    audited = session.scalars(sa.select(AuditEvent.changes).where(AuditEvent.entity == "api_token"))
    assert all(token.token_hash not in json.dumps(changes) for changes in audited)

    listing = client.get("/konto/api-nycklar").get_data(as_text=True)
    assert secret not in listing
    assert token.prefix in listing and "Intranätet" in listing and "Läsa och skriva" in listing
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).json["id"] \
        == world.officer.id


@pytest.mark.parametrize("data", [{"expires_in": "400"}, {"name": ""}, {"scope": "admin"},
                                  {"name": "Nyckel för 19121212-1212"}])
def test_the_page_refuses_bad_choices_and_creates_nothing(client, session, world, data):
    login(client, world.officer.email)
    response = _create_on_page(client, **data)
    assert response.status_code == 400
    assert not SECRET.search(response.get_data(as_text=True))
    assert session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_the_nav_links_to_the_page(client, world):
    login(client, world.viewer.email)
    assert 'href="/konto/api-nycklar"' in client.get("/konto/api-nycklar").get_data(as_text=True)


def test_revoking_on_the_page_ends_the_token(client, session, world):
    headers = bearer(world.officer)
    token = session.scalar(sa.select(ApiToken).where(ApiToken.user_id == world.officer.id))
    login(client, world.officer.email)
    response = client.post(f"/konto/api-nycklar/{token.id}/aterkalla", follow_redirects=True)
    assert "är återkallad" in response.get_data(as_text=True)
    refused = client.get("/api/v1/me", headers=headers)
    assert refused.status_code == 401 and refused.json["code"] == "token_revoked"


def test_nobody_revokes_someone_elses_token(client, session, world):
    headers = bearer(world.officer)
    token = session.scalar(sa.select(ApiToken).where(ApiToken.user_id == world.officer.id))
    login(client, world.coordinator.email)
    client.post(f"/konto/api-nycklar/{token.id}/aterkalla")
    assert client.get("/api/v1/me", headers=headers).status_code == 200


def _expired(user):
    headers = bearer(user)
    token = api_tokens.authenticate(headers["Authorization"][7:])
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.flush()
    return headers


def _revoked(user):
    headers = bearer(user)
    api_tokens.revoke(user, api_tokens.authenticate(headers["Authorization"][7:]).id)
    return headers


def _disabled(user):
    headers = bearer(user)
    user.is_enabled = False
    db.session.flush()
    return headers


@pytest.mark.parametrize("make_headers, code", [
    (lambda user: {}, "token_missing"),
    (lambda user: {"Authorization": "Basic b2ZmaWNlcjpsw7ZzZW4="}, "token_missing"),
    (lambda user: {"Authorization": "Bearer lk_" + "x" * 43}, "token_invalid"),
    (lambda user: {"Authorization": "Bearer " + "x" * 46}, "token_invalid"),
    (_expired, "token_expired"),
    (_revoked, "token_revoked"),
    (_disabled, "token_invalid"),
], ids=["none", "basic", "unknown", "not-ours", "expired", "revoked", "disabled-user"])
def test_a_request_without_a_valid_token_is_401_json(client, world, make_headers, code):
    response = client.get("/api/v1/me", headers=make_headers(world.officer))
    assert response.status_code == 401
    assert response.json["code"] == code and response.json["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_session_cookie_never_authenticates_the_api(client, world):
    login(client, world.coordinator.email)
    assert client.get("/").status_code == 200  # the web session works...
    response = client.post(f"/api/v1/activities/{world.a.activity.id}/status",
                           json={"status": "done", "reason": "Klar", "version": 1})
    assert response.status_code == 401  # ...but is not a credential here


def test_last_used_is_written_at_most_once_a_minute(client, session, world):
    headers = bearer(world.viewer)
    token = session.scalar(sa.select(ApiToken).where(ApiToken.user_id == world.viewer.id))
    assert token.last_used_at is None
    client.get("/api/v1/me", headers=headers)
    session.refresh(token)
    first = token.last_used_at
    assert first is not None
    client.get("/api/v1/me", headers=headers)
    session.refresh(token)
    assert token.last_used_at == first
    token.last_used_at = first - timedelta(minutes=2)
    session.flush()
    client.get("/api/v1/me", headers=headers)
    session.refresh(token)
    assert token.last_used_at > first


def test_a_read_token_reads_but_never_writes(client, session, world):
    headers = bearer(world.coordinator, ApiScope.READ)
    url = f"/api/v1/activities/{world.a.activity.id}"
    assert client.get(url, headers=headers).status_code == 200
    response = client.post(f"{url}/status", headers=headers,
                           json={"status": "cancelled", "reason": "Inställd", "version": 1})
    assert response.status_code == 403 and response.json["code"] == "insufficient_scope"
    session.refresh(world.a.activity)
    assert world.a.activity.status is ActivityStatus.PLANNED


def test_the_api_takes_no_csrf_token_but_the_page_does(client, app, world, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post(f"/api/v1/activities/{world.a.activity.id}/log-entries",
                           headers=bearer(world.officer),
                           json={"occurred_on": world.a.entry.occurred_on.isoformat(),
                                 "measures": {"antal_poliser": 2}})
    assert response.status_code == 201
    login_page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    client.post("/login", data={"email": world.officer.email, "password": "ett-långt-testlösenord",
                                "csrf_token": csrf})
    assert _create_on_page(client).status_code == 400  # no CSRF token: refused
    page = client.get("/konto/api-nycklar").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert _create_on_page(client, csrf_token=csrf).status_code == 201


def test_api_changes_are_audited_as_the_token_user(client, session, world):
    response = client.post(f"/api/v1/activities/{world.a.activity.id}/status",
                           headers=bearer(world.officer),
                           json={"status": "done", "reason": "Alla pass gjorda", "version": 1})
    assert response.status_code == 200
    event = session.scalar(sa.select(AuditEvent).where(
        AuditEvent.entity == "activity", AuditEvent.entity_id == world.a.activity.id,
        AuditEvent.action == "update"))
    assert event.actor_id == world.officer.id and event.changes["status"] == ["planned", "done"]
