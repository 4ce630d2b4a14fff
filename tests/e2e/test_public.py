"""The public site in Chromium, no login: from the start page to a promise, a tip and the
accessibility statement, with axe on every page and the tip form done by keyboard alone."""
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.test_working_year import Visits, _login
from tracker.extensions import db
from tracker.models import Municipality

pytestmark = pytest.mark.browser

COORDINATOR = "samordnare@demo.lofteskollen.se"  # Lidköping


def _municipality_id(live_server, slug: str) -> int:
    with live_server.app.app_context():
        return db.session.scalar(sa.select(Municipality.id).where(Municipality.slug == slug))


def test_a_resident_reads_a_promise_and_sends_a_tip_by_keyboard(browser, page, live_server):
    visits = Visits(page)
    page.goto(f"{live_server.url}/offentlig/")
    visits.check()
    expect(page.get_by_role("heading", name="Lokalpolisområde Västra Skaraborg")).to_be_visible()

    page.get_by_role("link", name="Lidköping", exact=True).click()
    visits.check()
    expect(page.get_by_role("heading", level=1, name="Medborgarlöften i Lidköping")).to_be_visible()

    page.get_by_role("link", name="Medborgarlöfte 2024").click()
    visits.check()
    expect(page.get_by_role("heading", level=3, name="Tillsammans lovar vi").first).to_be_visible()
    expect(page.get_by_text("Planera aktivitet")).to_have_count(0)  # nothing internal shows

    page.get_by_role("link", name=re.compile("Lämna tips eller synpunkter")).click()
    visits.check()
    expect(page.get_by_text("Ring 112 vid akut fara, 114 14 för annat.")).to_be_visible()
    honeypot = page.get_by_label("Lämna tomt").bounding_box()
    assert honeypot["x"] + honeypot["width"] <= 0  # the honeypot is out of sight

    page.get_by_label("Ditt tips eller din synpunkt").focus()
    page.keyboard.type("Belysningen vid gångtunneln under järnvägen är trasig.")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "reply_to"
    page.keyboard.type("invanare@example.se")
    page.keyboard.press("Tab")  # the honeypot (tabindex -1) is skipped
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skicka"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/tips/tack$"))
    visits.check()
    expect(page.get_by_role("heading", level=1, name="Tack för ditt tips")).to_be_visible()
    expect(page.get_by_text("gångtunneln")).to_have_count(0)  # never echoed

    page.get_by_role("link", name="Tillgänglighetsredogörelse").click()
    visits.check()
    expect(
        page.get_by_role("link", name="Anmäl bristande tillgänglighet till Digg")
    ).to_be_visible()

    # The coordinator finds the tip from the dashboard and marks it answered.
    staff = browser.new_context(locale="sv-SE").new_page()
    staff_visits = Visits(staff)
    _login(staff, live_server, COORDINATOR)
    staff.goto(f"{live_server.url}/kommuner/{_municipality_id(live_server, 'lidkoping')}")
    staff.get_by_role("link", name="Tips från invånare").click()
    staff_visits.check()
    staff.get_by_role("link", name=re.compile("Belysningen vid gångtunneln")).first.click()
    staff_visits.check()
    staff.locator("#besvarad-note").fill("Felanmält till gatuenheten, svar skickat per e-post.")
    staff.get_by_role("button", name="Markera som besvarat").click()
    staff_visits.check()
    expect(staff.get_by_text("Tipset är markerat som besvarat.")).to_be_visible()
    assert visits.violations + staff_visits.violations == []


def test_a_refused_tip_shows_the_error_accessibly(page, live_server):
    visits = Visits(page)
    page.goto(f"{live_server.url}/offentlig/skara/tips")
    page.get_by_label("Ditt tips eller din synpunkt").fill("Min granne 811218-9876 gör inbrott.")
    page.get_by_role("button", name="Skicka").click()
    visits.check()
    expect(page.get_by_role("alert").get_by_text(re.compile("personnummer"))).to_be_visible()
    assert visits.violations == []
