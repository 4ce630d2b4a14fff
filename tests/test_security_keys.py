"""Security keys (WebAuthn) beside the authenticator app: adding one needs a current code,
logging in with one, and every refusal — a forged or replayed answer, another origin, another
user's key, the lockout — plus removal, turning off and the admin's reset.

A small software authenticator below makes real ES256 credentials and signatures, checked by
py_webauthn as the browser's would be; tests/e2e/test_security_keys.py does the same with
Chromium's virtual authenticator.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re

import cbor2
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from tests.conftest import PASSWORD, login
from tests.test_second_factor import _enrol, _next_code
from tracker.models import AuditEvent, LoginAttempt, User, WebAuthnCredential

ORIGIN = "http://localhost"  # the test client's address


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class SoftKey:
    """A security key in software: one ES256 credential, a signature counter."""

    def __init__(self, rp_id: str = "localhost"):
        self.private = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.rp_hash = hashlib.sha256(rp_id.encode()).digest()
        self.count = 0

    def _cose(self) -> bytes:
        numbers = self.private.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"),
                            -3: numbers.y.to_bytes(32, "big")})

    def create(self, options: dict, origin: str = ORIGIN) -> str:
        client_data = json.dumps({"type": "webauthn.create", "challenge": options["challenge"],
                                  "origin": origin, "crossOrigin": False}).encode()
        auth_data = (self.rp_hash + bytes([0x41]) + self.count.to_bytes(4, "big") + bytes(16)
                     + len(self.credential_id).to_bytes(2, "big") + self.credential_id
                     + self._cose())
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return json.dumps({"id": b64(self.credential_id), "rawId": b64(self.credential_id),
                           "type": "public-key", "clientExtensionResults": {},
                           "response": {"clientDataJSON": b64(client_data),
                                        "attestationObject": b64(attestation),
                                        "transports": ["usb"]}})

    def get(self, options: dict, origin: str = ORIGIN, signer=None) -> str:
        self.count += 1
        client_data = json.dumps({"type": "webauthn.get", "challenge": options["challenge"],
                                  "origin": origin, "crossOrigin": False}).encode()
        auth_data = self.rp_hash + bytes([0x05]) + self.count.to_bytes(4, "big")
        signature = (signer or self.private).sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return json.dumps({"id": b64(self.credential_id), "rawId": b64(self.credential_id),
                           "type": "public-key", "clientExtensionResults": {},
                           "response": {"clientDataJSON": b64(client_data),
                                        "authenticatorData": b64(auth_data),
                                        "signature": b64(signature), "userHandle": None}})


def options_on(page: str) -> dict | None:
    """The options the page hands to static/webauthn.js, as the browser reads them."""
    found = re.search(r'data-webauthn-options="([^"]*)"', page)
    return json.loads(html.unescape(found[1])) if found else None


def add_key(client, secret: str, key: SoftKey, name: str = "YubiKey") -> object:
    options = options_on(client.get("/konto/sakerhetsnycklar").get_data(as_text=True))
    return client.post("/konto/sakerhetsnycklar", data={
        "name": name, "code": _next_code(secret), "credential": key.create(options)})


def a_minute_later(session, user) -> None:
    """As if the app's next code had come: the step used last moves back (each code works
    once, so a test that needs two codes within the same half minute would wait)."""
    stored = session.get(User, user.id)
    stored.totp_last_step -= 2
    session.flush()


def password_step(app, email: str):
    fresh = app.test_client()
    assert login(fresh, email).headers["Location"] == "/login/kod"
    return fresh


@pytest.fixture
def keyed(app, client, make_user, session):
    """A user with the app on and one security key; yields (user, app secret, key)."""
    user = make_user()
    login(client, user.email)
    secret, _codes = _enrol(client)
    key = SoftKey()
    response = add_key(client, secret, key)
    assert response.status_code == 302
    return user, secret, key


def _actions(session, entity: str) -> list[str]:
    return list(session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.entity == entity).order_by(AuditEvent.id)))


def test_a_key_is_added_listed_and_then_used_instead_of_a_code(app, client, keyed, session):
    user, _secret, key = keyed
    page = client.get("/konto/sakerhetsnycklar").get_data(as_text=True)
    assert "Säkerhetsnyckeln ”YubiKey” är tillagd." in page and "Inte använd än" in page
    assert '<script src="/static/webauthn.js" defer></script>' in page
    assert "1 säkerhetsnyckel." in client.get("/konto").get_data(as_text=True)
    stored = session.scalars(sa.select(WebAuthnCredential)).one()
    assert stored.user_id == user.id and stored.credential_id == b64(key.credential_id)
    assert stored.transports == "usb" and stored.sign_count == 0

    fresh = password_step(app, user.email)
    page = fresh.get("/login/kod").get_data(as_text=True)
    assert "Logga in med säkerhetsnyckel" in page
    options = options_on(page)
    assert [c["id"] for c in options["allowCredentials"]] == [b64(key.credential_id)]
    response = fresh.post("/login/nyckel", data={"nyckel-credential": key.get(options)})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert fresh.get("/").status_code == 200
    session.expire_all()
    assert stored.sign_count == 1 and stored.last_used_at is not None
    assert _actions(session, "webauthn_credential") == ["security_key_added",
                                                        "security_key_used"]
    login_event = session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "login").order_by(AuditEvent.id.desc())).first()
    assert login_event.changes == {"second_factor": "security_key"}


def test_adding_a_key_needs_a_current_code_a_real_answer_and_a_name_without_personnummer(
        client, make_user, session):
    user = make_user()
    login(client, user.email)
    assert client.get("/konto/sakerhetsnycklar").headers["Location"] == (
        "/konto/tvastegsverifiering")  # the app first
    secret, _codes = _enrol(client)
    key = SoftKey()
    options = options_on(client.get("/konto/sakerhetsnycklar").get_data(as_text=True))
    wrong_code = client.post("/konto/sakerhetsnycklar", data={
        "name": "YubiKey", "code": "000000", "credential": key.create(options)})
    assert wrong_code.status_code == 400
    assert "Koden stämmer inte." in wrong_code.get_data(as_text=True)
    assert 'value="YubiKey"' in wrong_code.get_data(as_text=True)  # what was typed stays

    options = options_on(client.get("/konto/sakerhetsnycklar").get_data(as_text=True))
    named = client.post("/konto/sakerhetsnycklar", data={
        "name": "Nyckel 19811218-9876", "code": _next_code(secret),
        "credential": key.create(options)})
    assert named.status_code == 400 and "personnummer" in named.get_data(as_text=True)

    options = options_on(client.get("/konto/sakerhetsnycklar").get_data(as_text=True))
    elsewhere = client.post("/konto/sakerhetsnycklar", data={
        "name": "YubiKey", "code": _next_code(secret),
        "credential": key.create(options, origin="https://lofteskollen.example.net")})
    assert elsewhere.status_code == 400
    assert "Säkerhetsnyckeln kunde inte kontrolleras." in elsewhere.get_data(as_text=True)
    garbage = client.post("/konto/sakerhetsnycklar", data={
        "name": "YubiKey", "code": _next_code(secret), "credential": '{"id": 1}'})
    assert garbage.status_code == 400
    assert session.scalar(sa.select(sa.func.count()).select_from(WebAuthnCredential)) == 0


def test_the_same_key_cannot_be_added_twice(client, keyed, session):
    user, secret, key = keyed
    a_minute_later(session, user)
    response = add_key(client, secret, key, name="Igen")
    assert response.status_code == 400
    assert "Den här säkerhetsnyckeln är redan tillagd." in response.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(WebAuthnCredential)) == 1


def test_forged_replayed_and_foreign_answers_are_refused_and_lock_the_account(
        app, keyed, session, make_user):
    user, secret, key = keyed
    fresh = password_step(app, user.email)
    options = options_on(fresh.get("/login/kod").get_data(as_text=True))
    used = key.get(options)
    assert fresh.post("/login/nyckel", data={"nyckel-credential": used}).status_code == 302

    stranger = SoftKey()  # a key nobody registered, with the user's credential id
    stranger.credential_id = key.credential_id
    attempts = {
        "replayed": lambda options: used,
        "forged": lambda options: stranger.get(options),
        "another origin": lambda options: key.get(options, origin="https://evil.example"),
        "unknown key": lambda options: SoftKey().get(options),
        "garbage": lambda options: "{}",
    }
    client = password_step(app, user.email)
    for name, answer in attempts.items():
        options = options_on(client.get("/login/kod").get_data(as_text=True))
        response = client.post("/login/nyckel", data={"nyckel-credential": answer(options)})
        assert response.headers["Location"] == "/login/kod", name
        page = client.get("/login/kod").get_data(as_text=True)
        assert "Säkerhetsnyckeln godtogs inte." in page, name
        assert client.get("/").status_code == 302, name
    failures = session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt).where(
        LoginAttempt.user_id == user.id, LoginAttempt.second_factor.is_(True),
        LoginAttempt.succeeded.is_(False)))
    assert failures == len(attempts)
    session.expire_all()
    assert session.get(User, user.id).locked_until is not None  # five failures: locked
    options = options_on(client.get("/login/kod").get_data(as_text=True))
    client.post("/login/nyckel", data={"nyckel-credential": key.get(options)})
    assert client.get("/").status_code == 302  # even the right key waits out the lock
    assert "second_factor_lockout" in _actions(session, "login")
    assert "security_key_refused" in _actions(session, "webauthn_credential")


def test_a_key_cannot_be_used_without_the_password_step(app, keyed):
    _user, _secret, key = keyed
    anonymous = app.test_client()
    response = anonymous.post("/login/nyckel", data={"nyckel-credential": key.get(
        {"challenge": b64(os.urandom(32))})})
    assert response.headers["Location"] == "/login"
    assert anonymous.get("/").status_code == 302


def test_another_users_key_cannot_be_removed(app, keyed, make_user, session):
    _user, _secret, _key = keyed
    stored = session.scalars(sa.select(WebAuthnCredential)).one()
    other = app.test_client()
    login(other, make_user().email)
    response = other.post(f"/konto/sakerhetsnycklar/{stored.id}/ta-bort")
    assert response.status_code == 302
    assert "Säkerhetsnyckeln finns inte." in other.get(
        response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(WebAuthnCredential)) == 1
    assert "refused" in _actions(session, "route")


def test_removing_the_key_leaves_the_code(app, client, keyed, session):
    user, secret, _key = keyed
    a_minute_later(session, user)
    stored = session.scalars(sa.select(WebAuthnCredential)).one()
    response = client.post(f"/konto/sakerhetsnycklar/{stored.id}/ta-bort",
                           follow_redirects=True)
    assert "Säkerhetsnyckeln ”YubiKey” är borttagen." in response.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(WebAuthnCredential)) == 0
    event = session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "security_key_removed")).one()
    assert event.actor_id == user.id and event.changes["name"] == "YubiKey"
    fresh = password_step(app, user.email)
    assert "Logga in med säkerhetsnyckel" not in fresh.get("/login/kod").get_data(as_text=True)
    assert fresh.post("/login/kod", data={"code": _next_code(secret)}).status_code == 302


def test_turning_the_second_factor_off_removes_the_keys(client, keyed, session):
    user, secret, _key = keyed
    a_minute_later(session, user)
    response = client.post("/konto/tvastegsverifiering/stang-av",
                           data={"av-code": _next_code(secret)})
    assert response.status_code == 302
    assert session.scalar(sa.select(sa.func.count()).select_from(WebAuthnCredential)) == 0
    event = session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "second_factor_turned_off")).one()
    assert event.changes == {"security_keys_removed": 1}


def test_an_admins_reset_removes_the_keys(app, keyed, make_user, session):
    user, _secret, _key = keyed
    admin = app.test_client()
    login(admin, make_user(admin=True).email)
    page = admin.get(f"/admin/sakerhet/{user.id}").get_data(as_text=True)
    assert "1 säkerhetsnyckel är tillagd." in page
    assert admin.post(f"/admin/sakerhet/{user.id}/tvastegsverifiering/aterstall"
                      ).status_code == 302
    assert session.scalar(sa.select(sa.func.count()).select_from(WebAuthnCredential)) == 0
    event = session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "second_factor_reset")).one()
    assert event.changes["security_keys_removed"] == 1


def test_on_an_ip_address_no_key_is_offered(app, keyed):
    """Browsers refuse WebAuthn for an IP address: the page says so instead of a dead button."""
    user, _secret, _key = keyed
    by_ip, address = app.test_client(), "http://127.0.0.1:5000"
    by_ip.post("/login", data={"email": user.email, "password": PASSWORD}, base_url=address)
    page = by_ip.get("/login/kod", base_url=address).get_data(as_text=True)
    assert "Skriv den sexsiffriga koden" in page
    assert "Logga in med säkerhetsnyckel" not in page
