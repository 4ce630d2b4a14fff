"""The TOTP second factor: enrolment, login with a code or a recovery code, its own lockout,
the requirement for admins and coordinators, and the admin's reset."""
from __future__ import annotations

import re
import time

import pyotp
import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD, login
from tracker.models import AuditEvent, RecoveryCode, Role, User
from tracker.services import second_factor

CODE_HINT = "Skriv den sexsiffriga koden"


def _enrol(client) -> tuple[str, list[str]]:
    """Enrol through the pages; returns the secret and the recovery codes shown once."""
    page = client.get("/konto/tvastegsverifiering").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page  # the QR code, made here
    secret = re.search(r'name="secret" type="hidden" value="([A-Z2-7]{32})"', page).group(1)
    shown = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1)
    assert shown.replace(" ", "") == secret
    response = client.post("/konto/tvastegsverifiering",
                           data={"secret": secret, "code": pyotp.TOTP(secret).now(),
                                 "password": PASSWORD})
    assert response.status_code == 201
    codes = re.findall(r"<code>((?:[A-Z2-9]{4}-){5}[A-Z2-9]{4})</code>",
                       response.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def _next_code(secret: str) -> str:
    """The code of the next time step: the one just used is refused as a replay."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def test_enrol_then_log_in_with_a_code_and_with_a_recovery_code(app, client, make_user, session):
    user = make_user()
    login(client, user.email)
    secret, codes = _enrol(client)
    stored = session.scalars(sa.select(RecoveryCode.code_hash)
                             .where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # hashed, never the codes

    fresh = app.test_client()
    response = login(fresh, user.email)
    assert response.status_code == 302 and response.headers["Location"] == "/login/kod"
    assert fresh.get("/").status_code == 302  # the password alone does not sign in
    assert CODE_HINT in fresh.get("/login/kod").get_data(as_text=True)
    assert fresh.post("/login/kod", data={"code": _next_code(secret)}).status_code == 302
    assert fresh.get("/").status_code == 200

    other = app.test_client()
    login(other, user.email)
    assert other.post("/login/kod", data={"code": codes[3].lower()}).status_code == 302
    assert other.get("/").status_code == 200
    third = app.test_client()
    login(third, user.email)
    again = third.post("/login/kod", data={"code": codes[3]})
    assert again.status_code == 200 and "Koden stämmer inte" in again.get_data(as_text=True)
    actions = session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.entity_id == user.id)).all()
    assert {"second_factor_enrolled", "recovery_code_used", "second_factor_failed"} <= set(actions)


def test_a_code_works_once(app, client, make_user):
    user = make_user()
    login(client, user.email)
    secret, _codes = _enrol(client)
    code = _next_code(secret)
    first, second = app.test_client(), app.test_client()
    login(first, user.email)
    login(second, user.email)
    assert first.post("/login/kod", data={"code": code}).status_code == 302
    assert second.post("/login/kod", data={"code": code}).status_code == 200


def test_wrong_codes_lock_the_account(app, client, make_user, session):
    user = make_user()
    login(client, user.email)
    secret, _codes = _enrol(client)
    attacker = app.test_client()
    login(attacker, user.email)
    for _ in range(app.config["SECOND_FACTOR_MAX_FAILURES"]):
        attacker.post("/login/kod", data={"code": "000000"})
    session.expire_all()
    assert session.get(User, user.id).locked_until is not None
    # locked: even the right password and then the right code are refused
    owner = app.test_client()
    assert login(owner, user.email).status_code == 200
    assert "second_factor_lockout" in session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.entity_id == user.id)).all()


def test_a_wrong_enrolment_code_keeps_the_factor_off(client, make_user, session):
    user = make_user()
    login(client, user.email)
    page = client.get("/konto/tvastegsverifiering").get_data(as_text=True)
    secret = re.search(r'name="secret" type="hidden" value="([A-Z2-7]{32})"', page).group(1)
    response = client.post("/konto/tvastegsverifiering", data={"secret": secret,
                                                              "code": "123456",
                                                              "password": PASSWORD})
    assert response.status_code == 400 and "Koden stämmer inte" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(User, user.id).totp_secret is None


def test_enrolment_asks_the_password_as_a_session_alone_may_be_someone_elses(
        client, make_user, session):
    """ASVS 5.0 7.5.1: with a right code but without the right password, nothing changes."""
    user = make_user()
    login(client, user.email)
    page = client.get("/konto/tvastegsverifiering").get_data(as_text=True)
    assert 'autocomplete="current-password"' in page
    secret = re.search(r'name="secret" type="hidden" value="([A-Z2-7]{32})"', page).group(1)
    for password, message in ((None, "Skriv ditt lösenord."),
                              ("fel-lösenord-helt-enkelt", "Lösenordet stämmer inte.")):
        data = {"secret": secret, "code": pyotp.TOTP(secret).now()}
        if password:
            data["password"] = password
        response = client.post("/konto/tvastegsverifiering", data=data)
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(User, user.id).totp_secret is None
    response = client.post("/konto/tvastegsverifiering", data={
        "secret": secret, "code": pyotp.TOTP(secret).now(), "password": PASSWORD})
    assert response.status_code == 201


def test_the_second_step_expires(app, client, make_user):
    user = make_user()
    login(client, user.email)
    secret, _codes = _enrol(client)
    fresh = app.test_client()
    login(fresh, user.email)
    with fresh.session_transaction() as s:
        s["pending_login"]["at"] -= app.config["SECOND_FACTOR_STEP_SECONDS"] + 1
        s.modified = True
    response = fresh.post("/login/kod", data={"code": _next_code(secret)})
    assert response.status_code == 302 and response.headers["Location"] == "/login"


@pytest.fixture
def strict_app(workdir):
    """An app that requires the second factor of admins and coordinators, as production does."""
    from tests.conftest import fresh_database_url, make_test_app, upgrade

    application = make_test_app(fresh_database_url(workdir, "second_factor"),
                                SECOND_FACTOR_REQUIRED=True)
    upgrade(application)
    return application


def test_coordinators_and_admins_must_enrol_others_may(strict_app):
    from tests.conftest import rolled_back
    from tracker.models import Membership, Municipality, PoliceArea
    from tracker.services import accounts

    with rolled_back(strict_app) as session:
        area = PoliceArea(name="Område")
        session.add(area)
        session.flush()
        town = Municipality(name="Götene", slug="gotene", police_area_id=area.id)
        session.add(town)
        session.flush()
        users = {}
        for key, role in (("coordinator", Role.COORDINATOR), ("officer", Role.OFFICER)):
            users[key] = accounts.create_user(f"{key}@example.se", key.title(), PASSWORD)
            session.add(Membership(user_id=users[key].id, municipality_id=town.id, role=role))
        users["admin"] = accounts.create_user("admin@example.se", "Admin", PASSWORD,
                                              is_admin=True)
        session.flush()
        for key in ("coordinator", "admin"):
            client = strict_app.test_client()
            login(client, users[key].email)
            response = client.get(f"/kommuner/{town.id}")
            assert response.status_code == 302
            assert response.headers["Location"] == "/konto/tvastegsverifiering"
            _enrol(client)
            assert client.get(f"/kommuner/{town.id}").status_code in (200, 403)
            assert client.get("/").status_code == 200
        officer = strict_app.test_client()
        login(officer, users["officer"].email)
        assert officer.get("/").status_code == 200
        # a coordinator cannot turn it off; an officer can
        coordinator = users["coordinator"]
        with strict_app.test_request_context():
            with pytest.raises(second_factor.SecondFactorRefused):
                second_factor.turn_off(coordinator, "000000",
                                       roles={town.id: Role.COORDINATOR},
                                       config=strict_app.config)


def test_an_admin_resets_a_second_factor_and_it_is_audited(app, client, town, session):
    target = town["officer"]
    login(client, target.email)
    _enrol(client)
    admin = app.test_client()
    login(admin, town["admin"].email)
    response = admin.post(f"/admin/sakerhet/{target.id}/tvastegsverifiering/aterstall")
    assert response.status_code == 302
    session.expire_all()
    assert session.get(User, target.id).totp_secret is None
    assert client.get("/").status_code == 302  # their sessions ended
    assert login(app.test_client(), target.email).headers["Location"] == "/"
    event = session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "second_factor_reset")).one()
    assert event.entity_id == target.id and event.actor_id == town["admin"].id
    # not an admin: refused and recorded
    assert login(client, town["coordinator"].email).status_code == 302
    assert client.post(
        f"/admin/sakerhet/{target.id}/tvastegsverifiering/aterstall").status_code == 403


def test_recovery_codes_carry_120_bits_and_older_16_character_codes_still_work_once(
        app, client, make_user, session):
    """Six groups of four from 32 characters: at 112 bits or more one SHA-256 may store them
    (ASVS 5.0 6.5.2); a 16-character code made before the change works once more."""
    import hashlib

    user = make_user()
    login(client, user.email)
    _secret, codes = _enrol(client)
    assert all(len(code.replace("-", "")) == 24 for code in codes)
    assert len(set(codes)) == 10
    legacy = "ABCDEFGHJKLMNPQR"
    session.add(RecoveryCode(user_id=user.id,
                             code_hash=hashlib.sha256(legacy.encode()).hexdigest()))
    session.flush()
    fresh = app.test_client()
    login(fresh, user.email)
    assert fresh.post("/login/kod", data={"code": "abcd-efgh-jklm-npqr"}).status_code == 302
    again = app.test_client()
    login(again, user.email)
    assert "Koden stämmer inte" in again.post(
        "/login/kod", data={"code": legacy}).get_data(as_text=True)
