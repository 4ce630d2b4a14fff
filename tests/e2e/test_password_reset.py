"""A forgotten password in a browser: from the login page to a new password through the link in
a real e-mail (an SMTP server on loopback), axe on every page on the way."""
from __future__ import annotations

import re

import pytest

from tests.e2e.test_onboarding import (  # noqa: F401  (the fixtures)
    ADMIN,
    ADMIN_PASSWORD,
    empty_server,
    inbox,
    link_in,
)
from tests.e2e.test_working_year import Visits

pytestmark = pytest.mark.browser

NEW_PASSWORD = "en-ny-fras-som-ingen-gissar"
LINK = re.compile(r"http://127\.0\.0\.1:\d+/login/nytt-losenord/[A-Za-z0-9_-]+")


def test_a_forgotten_password_is_replaced_from_the_mailed_link(browser, empty_server,  # noqa: F811
                                                               inbox):  # noqa: F811
    url = empty_server.url
    page = browser.new_context(locale="sv-SE").new_page()
    visits = Visits(page)
    page.goto(f"{url}/login")
    page.get_by_role("link", name="Glömt lösenordet?").click()
    visits.check()
    page.get_by_label("E-postadress").fill(ADMIN)
    page.get_by_role("button", name="Skicka länken").click()
    visits.check()
    assert page.get_by_text("Om det finns ett konto för adressen").is_visible()

    page.goto(link_in(inbox, ADMIN, LINK))
    visits.check()
    page.get_by_label("Nytt lösenord").fill(NEW_PASSWORD)
    page.get_by_label("Upprepa lösenordet").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Spara lösenordet").click()
    visits.check()
    assert page.get_by_text("Ditt nya lösenord är sparat").is_visible()

    for password, signed_in in ((ADMIN_PASSWORD, False), (NEW_PASSWORD, True)):
        page.get_by_label("E-postadress").fill(ADMIN)
        page.get_by_label("Lösenord", exact=True).fill(password)
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_load_state()
        assert page.get_by_role("button", name="Logga ut").count() == (1 if signed_in else 0)
    assert visits.violations == []
