"""Logging an occasion with the keyboard alone: Tab through the form, type, Enter to save."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_working_year import _login

pytestmark = pytest.mark.browser

OFFICER = "kommunpolis@demo.lofteskollen.se"
FOCUSED = ("() => { const e = document.activeElement;"
           " return [e.tagName, e.type || '', e.value || '', e.id || '', !!e.checked] }")


def _tab_through_and_save(page) -> None:
    """Tab from the top to the save button: pick a choice, write a note, confirm, press Enter."""
    page.evaluate("document.activeElement.blur()")
    for _ in range(60):
        page.keyboard.press("Tab")
        tag, kind, value, element_id, checked = page.evaluate(FOCUSED)
        if tag == "SELECT" and not value:
            page.keyboard.press("ArrowDown")  # the first real choice
        elif tag == "TEXTAREA" and not value:
            page.keyboard.type("Loggat med tangentbordet.")
        elif element_id == "confirm_outside_period" and not checked:
            page.keyboard.press("Space")
        elif (tag, kind, value) == ("INPUT", "submit", "Spara"):
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return
    pytest.fail("Tab never reached the save button")


def test_an_officer_logs_an_occasion_without_a_mouse(browser, live_server):
    page = browser.new_context(locale="sv-SE").new_page()
    _login(page, live_server, OFFICER)
    page.goto(f"{live_server.url}/mina-uppgifter")
    page.get_by_role("link", name=re.compile("^Logga")).first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    _tab_through_and_save(page)
    if page.locator("#confirm_outside_period").count():  # the demo year is over: confirm it
        _tab_through_and_save(page)

    expect(page.get_by_role("heading", name="Genomförandet är loggat")).to_be_visible()
