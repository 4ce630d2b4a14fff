"""An admin sends a link for a new password from a user's security page, in a browser: the link
comes in a real e-mail (an SMTP server on loopback) and sets the password; axe on every page."""
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

NEW_PASSWORD = "en-ny-fras-som-admin-aldrig-ser"
LINK = re.compile(r"http://127\.0\.0\.1:\d+/login/nytt-losenord/[A-Za-z0-9_-]+")


def _log_in(page, url: str, password: str) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("E-postadress").fill(ADMIN)
    page.get_by_label("Lösenord", exact=True).fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()


def test_an_admin_sends_a_password_link_from_the_security_page(browser, empty_server,  # noqa: F811
                                                               inbox):  # noqa: F811
    url = empty_server.url
    page = browser.new_context(locale="sv-SE").new_page()
    visits = Visits(page)
    _log_in(page, url, ADMIN_PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="Behörigheter och inloggning").click()
    visits.check()
    page.get_by_label("E-postadress eller namn").fill("Ida")
    page.get_by_role("button", name="Sök").click()
    page.get_by_role("link", name="Ida IT").click()
    visits.check()  # the page with the new button

    page.get_by_role("button", name="Skicka länk för nytt lösenord").click()
    visits.check()
    assert page.get_by_text(f"En länk för nytt lösenord är skickad till Ida IT på {ADMIN}.",
                            exact=True).is_visible()
    link = link_in(inbox, ADMIN, LINK)
    assert link not in page.content()  # only the mail carries it

    page.goto(link)
    visits.check()
    page.get_by_label("Nytt lösenord").fill(NEW_PASSWORD)
    page.get_by_label("Upprepa lösenordet").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Spara lösenordet").click()
    visits.check()
    assert page.get_by_text("Ditt nya lösenord är sparat").is_visible()
    _log_in(page, url, NEW_PASSWORD)
    assert page.get_by_role("button", name="Logga ut").count() == 1
    assert visits.violations == []
