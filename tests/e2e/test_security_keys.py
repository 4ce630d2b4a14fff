"""In Chromium with a virtual authenticator (the DevTools protocol's WebAuthn domain): a user
with the app on adds a security key, logs in with it instead of a code, and removes it. The
refusals (a forged or replayed answer, another user's key, the lockout) are in
tests/test_security_keys.py."""
from __future__ import annotations

import time
from urllib.parse import urlsplit

import pyotp
import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tracker.extensions import db
from tracker.models import AuditEvent, User, WebAuthnCredential
from tracker.services import accounts, second_factor

pytestmark = pytest.mark.browser

EMAIL = "nyckel@demo.lofteskollen.se"
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _violations(page) -> list[str]:
    return [f"{v['id']}: {v['help']}" for v in Axe().run(page).response["violations"]]


@pytest.fixture
def enrolled(demo_app):
    """A user with the authenticator app on; yields the app's TOTP."""
    secret = second_factor.new_secret()
    with demo_app.app_context():
        user = accounts.create_user(EMAIL, "Nils Nyckel", PASSWORD)
        db.session.flush()
        second_factor.confirm_enrolment(user, secret, pyotp.TOTP(secret).at(time.time() - 30))
        db.session.commit()
        user_id = user.id
    yield pyotp.TOTP(secret), user_id
    with demo_app.app_context():  # the other browser tests see the plain demo
        db.session.delete(db.session.get(User, user_id))
        db.session.commit()


@pytest.fixture
def base(live_server) -> str:
    """WebAuthn needs a host name (browsers refuse an IP address as the relying party)."""
    return f"http://localhost:{urlsplit(live_server.url).port}"


@pytest.fixture
def authenticator(page):
    """A USB security key that answers at once and verifies its user."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    made = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "usb", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True,
        "automaticPresenceSimulation": True}})
    yield cdp, made["authenticatorId"]
    cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": made["authenticatorId"]})


def _password_step(page, base):
    page.goto(f"{base}/login")
    page.get_by_label("E-postadress").fill(EMAIL)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()


def _log_out(page):
    page.get_by_role("button", name="Logga ut").first.click()
    page.wait_for_load_state()


def _actions(demo_app, user_id) -> list[str]:
    with demo_app.app_context():
        rows = db.session.execute(sa.select(AuditEvent.action, AuditEvent.changes).where(
            AuditEvent.action.like("security_key_%")).order_by(AuditEvent.id)).all()
    return [action for action, changes in rows
            if (changes or {}).get("user") == f"user_account:{user_id}"]


def test_add_a_security_key_log_in_with_it_and_remove_it(page, base, demo_app, enrolled,
                                                         authenticator):
    totp, user_id = enrolled
    cdp, authenticator_id = authenticator
    _password_step(page, base)
    page.get_by_label("Kod").fill(totp.now())
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_load_state()

    page.get_by_role("link", name="Mitt konto").click()
    expect(page.get_by_text("Inga säkerhetsnycklar.")).to_be_visible()
    page.get_by_role("link", name="Säkerhetsnycklar").click()
    expect(page.get_by_text("Du har inga säkerhetsnycklar.")).to_be_visible()
    assert _violations(page) == []
    page.get_by_label("Namn på nyckeln").fill("YubiKey i nyckelknippan")
    page.get_by_label("Kod från appen").fill(totp.at(time.time() + 30))  # not the login's
    with page.expect_navigation():  # the key answers, then the form is sent
        page.get_by_role("button", name="Lägg till säkerhetsnyckel").click()
    page.wait_for_load_state()
    expect(
        page.get_by_text("Säkerhetsnyckeln ”YubiKey i nyckelknippan” är tillagd.")
    ).to_be_visible()
    expect(page.get_by_role("rowheader", name="YubiKey i nyckelknippan")).to_be_visible()
    expect(page.get_by_text("Inte använd än")).to_be_visible()
    assert _violations(page) == []
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert len(stored["credentials"]) == 1
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate(OVERFLOW) <= 0
    page.set_viewport_size({"width": 1280, "height": 720})
    _log_out(page)

    _password_step(page, base)  # the key instead of a code
    expect(page.get_by_role("heading", name="Logga in med säkerhetsnyckel")).to_be_visible()
    assert _violations(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Använd säkerhetsnyckel").click()
    page.wait_for_load_state()
    expect(page.get_by_role("link", name="Mitt konto")).to_be_visible()
    page.goto(f"{base}/konto/sakerhetsnycklar")
    expect(page.get_by_text("Inte använd än")).not_to_be_visible()
    with demo_app.app_context():
        key = db.session.scalar(sa.select(WebAuthnCredential).where(
            WebAuthnCredential.user_id == user_id))
        assert key.last_used_at is not None and key.sign_count >= 1

    page.get_by_role("button", name="Ta bort YubiKey i nyckelknippan").click()
    expect(
        page.get_by_text("Säkerhetsnyckeln ”YubiKey i nyckelknippan” är borttagen.")
    ).to_be_visible()
    expect(page.get_by_text("Du har inga säkerhetsnycklar.")).to_be_visible()
    _log_out(page)

    _password_step(page, base)  # without keys, only the code
    expect(page.get_by_label("Kod")).to_be_visible()
    expect(page.get_by_role("button", name="Använd säkerhetsnyckel")).to_have_count(0)
    assert _actions(demo_app, user_id) == [
        "security_key_added", "security_key_used", "security_key_removed"]
