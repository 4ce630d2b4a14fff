"""A forgotten password in a browser: from the login page to a new password through the link in
a real e-mail (an SMTP server on loopback); then the same link sent by an admin from a user's
security page. axe on every page on the way."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.test_onboarding import (  # noqa: F401  (the fixtures)
    ADMIN,
    ADMIN_PASSWORD,
    empty_server,
    inbox,
    link_in,
)
from tests.e2e.test_working_year import Visits
from tracker.extensions import db
from tracker.models import Invitation

pytestmark = pytest.mark.browser

NEW_PASSWORD = "en-ny-fras-som-ingen-gissar"
ADMINS_CHOICE = "en-ny-fras-som-admin-aldrig-ser"
LINK = re.compile(r"http://127\.0\.0\.1:\d+/login/nytt-losenord/[A-Za-z0-9_-]+")


def test_a_forgotten_password_is_replaced_from_the_mailed_link_and_an_admin_sends_one(
        browser, empty_server, inbox):  # noqa: F811
    url = empty_server.url
    page = browser.new_context(locale="sv-SE").new_page()
    visits = Visits(page)
    page.goto(f"{url}/login")
    page.get_by_role("link", name="Glömt lösenordet?").click()
    visits.check()
    page.get_by_label("E-postadress").fill(ADMIN)
    page.get_by_role("button", name="Skicka länken").click()
    visits.check()
    expect(page.get_by_text("Om det finns ett konto för adressen")).to_be_visible()

    _choose(page, visits, link_in(inbox, ADMIN, LINK), NEW_PASSWORD)

    for password, signed_in in ((ADMIN_PASSWORD, False), (NEW_PASSWORD, True)):
        _log_in(page, password)
        expect(page.get_by_role("button", name="Logga ut")).to_have_count(1 if signed_in else 0)

    # An admin (here the same person) sends the link from a user's security page.
    page.get_by_role("navigation").get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="Behörigheter och inloggning").click()
    visits.check()
    page.get_by_label("E-postadress eller namn").fill("Ida")
    page.get_by_role("button", name="Sök").click()
    page.get_by_role("link", name="Ida IT").click()
    visits.check()
    page.get_by_role("button", name="Skicka länk för nytt lösenord").click()
    visits.check()  # within the minute of the user's own link: a message, no second mail
    expect(page.get_by_text(f"En länk skickades till {ADMIN} för mindre än en minut sedan",
                            exact=False)).to_be_visible()
    _a_minute_later(empty_server.app)
    inbox.messages.clear()
    page.get_by_role("button", name="Skicka länk för nytt lösenord").click()
    visits.check()
    expect(page.get_by_text(f"En länk för nytt lösenord är skickad till Ida IT på {ADMIN}.",
                            exact=True)).to_be_visible()
    link = link_in(inbox, ADMIN, LINK)
    assert link not in page.content()  # only the mail carries it
    _choose(page, visits, link, ADMINS_CHOICE)
    page.goto(f"{url}/login")
    _log_in(page, ADMINS_CHOICE)
    expect(page.get_by_role("button", name="Logga ut")).to_have_count(1)
    assert visits.violations == []


def _a_minute_later(app) -> None:
    """As if every link had been made minutes earlier (one mail a minute per account)."""
    with app.app_context():
        for link in db.session.scalars(sa.select(Invitation)):
            link.created_at -= timedelta(minutes=2)
        db.session.commit()


def _choose(page, visits, link: str, password: str) -> None:
    page.goto(link)
    visits.check()
    page.get_by_label("Nytt lösenord").fill(password)
    page.get_by_label("Upprepa lösenordet").fill(password)
    page.get_by_role("button", name="Spara lösenordet").click()
    visits.check()
    expect(page.get_by_text("Ditt nya lösenord är sparat")).to_be_visible()


def _log_in(page, password: str) -> None:
    page.get_by_label("E-postadress").fill(ADMIN)
    page.get_by_label("Lösenord", exact=True).fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()
