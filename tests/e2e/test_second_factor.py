"""In Chromium: a user enrols an authenticator app, logs in with a code, then with a
recovery code."""
from __future__ import annotations

import time

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tracker.extensions import db
from tracker.services import accounts

pytestmark = pytest.mark.browser

EMAIL = "tvasteg@demo.lofteskollen.se"


def _violations(page) -> list[str]:
    return [f"{v['id']}: {v['help']}" for v in Axe().run(page).response["violations"]]


def _password_step(page, live_server):
    page.goto(f"{live_server.url}/login")
    page.get_by_label("E-postadress").fill(EMAIL)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()


def _log_out(page):
    page.get_by_role("button", name="Logga ut").first.click()
    page.wait_for_load_state()


@pytest.fixture
def officer(demo_app):
    with demo_app.app_context():
        user = accounts.create_user(EMAIL, "Tove Tvåsteg", PASSWORD)
        db.session.commit()
        user_id = user.id
    yield EMAIL
    with demo_app.app_context():  # the other browser tests see the plain demo
        db.session.delete(db.session.get(type(user), user_id))
        db.session.commit()


def test_enrol_log_in_with_a_code_and_with_a_recovery_code(page, live_server, officer):
    _password_step(page, live_server)
    page.get_by_role("link", name="Mitt konto").click()
    page.get_by_role("link", name="Slå på tvåstegsverifiering").click()
    expect(
        page.get_by_role("img", name="QR-kod att skanna med autentiseringsappen")
    ).to_be_visible()
    assert _violations(page) == []
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.get_by_label("Kod").fill(totp.now())
    page.get_by_label("Ditt lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Slå på tvåstegsverifiering").click()
    expect(page.get_by_text("Tvåstegsverifiering är påslagen för ditt konto.")).to_be_visible()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and all(len(code.replace("-", "")) == 24 for code in codes)
    assert _violations(page) == []
    page.set_viewport_size({"width": 320, "height": 640})  # the codes reflow too
    assert page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    page.set_viewport_size({"width": 1280, "height": 720})
    page.get_by_role("link", name="Jag har sparat koderna").click()
    _log_out(page)

    _password_step(page, live_server)
    expect(page.get_by_role("heading", name="Tvåstegsverifiering")).to_be_visible()
    assert _violations(page) == []
    page.get_by_label("Kod").fill(totp.at(time.time() + 30))  # not the code used to enrol
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_load_state()
    expect(page.get_by_role("link", name="Mitt konto")).to_be_visible()
    _log_out(page)

    _password_step(page, live_server)
    page.get_by_label("Kod").fill(codes[0])
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Du loggade in med en återställningskod")).to_be_visible()
    page.get_by_role("link", name="Mitt konto").click()
    expect(page.get_by_text("9 oanvända återställningskoder")).to_be_visible()
    assert _violations(page) == []
    _log_out(page)

    _password_step(page, live_server)  # a used recovery code does not work again
    page.get_by_label("Kod").fill(codes[0])
    page.get_by_role("button", name="Fortsätt").click()
    expect(page.get_by_text("Koden stämmer inte").first).to_be_visible()
