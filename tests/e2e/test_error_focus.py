"""A form the server sends back with errors: focus lands on its error summary, so a keyboard
user starts at the list of what to correct instead of tabbing through the menu to it."""
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.test_working_year import _login
from tracker.extensions import db

pytestmark = pytest.mark.browser

COORDINATOR = "samordnare@demo.lofteskollen.se"
OFFICER = "kommunpolis@demo.lofteskollen.se"
ACTIVE = ("() => { const e = document.activeElement;"
          " return [e.tagName, e.className, e.getAttribute('role')] }")


def test_a_refused_activity_form_puts_focus_on_its_error_summary(browser, live_server, demo_app,
                                                                 new_activity):
    from tracker.models import Commitment

    with new_activity(OFFICER, "Lidköping", "Löfte för felsummering",
                      "trygghetsskapande_patrullering", "Befintlig aktivitet") as made:
        with demo_app.app_context():
            commitment_id = db.session.scalar(sa.select(Commitment.id).where(
                Commitment.promise_id == made["promise"]))
        page = browser.new_context(locale="sv-SE").new_page()
        _login(page, live_server, COORDINATOR)
        page.goto(f"{live_server.url}/ataganden/{commitment_id}/aktiviteter/ny")
        page.get_by_label("Rubrik").fill("   ")
        page.get_by_label("Startdatum").fill("2025-06-10")
        page.get_by_label("Slutdatum").fill("2025-06-01")
        with page.expect_navigation():
            page.get_by_role("button", name="Spara aktiviteten").click()

        summary = page.locator(".error-summary")
        expect(summary).to_be_visible()
        expect(summary).to_be_focused()
        assert page.evaluate(ACTIVE) == ["DIV", "error-summary", "alert"]
        page.context.close()
