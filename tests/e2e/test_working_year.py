"""The working year in Chromium: plan, assign, log twice on a phone, see progress."""
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tracker.formatting import local_today

pytestmark = pytest.mark.browser

COORDINATOR = "samordnare.skara@demo.lofteskollen.se"
OFFICER = "kommunpolis.skara@demo.lofteskollen.se"
PERSONNUMMER = "121212-1212"


class Visits:
    """Runs axe on every page a test visits and collects the violations."""

    def __init__(self, page):
        self.page = page
        self.violations = []

    def check(self):
        self.page.wait_for_load_state()
        for v in Axe().run(self.page).response["violations"]:
            self.violations.append(f"{self.page.url}: {v['id']} {v['help']}")


def _login(page, live_server, email):
    page.goto(f"{live_server.url}/login")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(live_server.app.config["DEMO_PASSWORDS"][email])
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()


def test_plan_assign_log_twice_on_a_phone_and_see_progress(browser, live_server):
    year = local_today().year
    desk = browser.new_context(locale="sv-SE")
    page = desk.new_page()
    visits = Visits(page)
    _login(page, live_server, COORDINATOR)
    visits.check()
    skara = page.get_by_role("region", name="Skara")
    skara.get_by_role("link", name="Alla löften").click()
    visits.check()
    page.get_by_role("link", name=re.compile("Nytt medborgarlöfte|Nytt löfte")).first.click()
    visits.check()
    page.get_by_label("Rubrik").fill(f"Medborgarlöfte {year}")
    page.get_by_label("Startår").fill(str(year))
    page.get_by_label("Slutår").fill(str(year))
    page.get_by_role("button", name=re.compile("Spara|Skapa")).click()
    visits.check()
    page.get_by_role("link", name="Lägg till åtagande").first.click()
    visits.check()
    page.get_by_label("Åtagande", exact=True).fill("Polisen lovar att patrullera vid resecentrum varje fredag.")
    page.get_by_label("Polisen").check()
    page.get_by_role("button", name=re.compile("Spara|Lägg till")).click()
    visits.check()
    page.get_by_role("link", name=re.compile("Planera aktivitet")).first.click()
    visits.check()
    page.get_by_label("Aktivitetstyp").select_option(label="Trygghetsskapande patrullering")
    page.get_by_label("Rubrik").fill("Fredagspatrull vid resecentrum")
    page.get_by_label("Ansvarig").select_option(label="Nils Närpolis")
    page.get_by_label("Nils Närpolis").check()
    page.get_by_label("Mål (antal tillfällen)").fill("10")
    page.get_by_role("button", name="Spara aktiviteten").click()
    visits.check()
    expect(page.get_by_role("heading", name="Fredagspatrull vid resecentrum")).to_be_visible()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="sv-SE",
                                is_mobile=True, has_touch=True)
    mobile = phone.new_page()
    phone_visits = Visits(mobile)
    _login(mobile, live_server, OFFICER)
    mobile.goto(f"{live_server.url}/mina-uppgifter")
    phone_visits.check()
    task = mobile.get_by_role("listitem").filter(has_text="Fredagspatrull vid resecentrum")
    task.get_by_role("link", name=re.compile("^Logga")).click()  # one tap opens the form
    phone_visits.check()
    assert mobile.get_by_label("Datum").input_value() == local_today().isoformat()
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 390
    box = mobile.get_by_role("button", name="Spara").bounding_box()
    assert box["height"] >= 44
    mobile.get_by_label("Plats").select_option(label="Resecentrum")
    mobile.get_by_label(re.compile("^Antal poliser")).fill("2")
    mobile.get_by_label("Anteckning").fill(f"Samtal med ungdom {PERSONNUMMER} vid bussen")
    mobile.get_by_role("button", name="Spara").click()
    phone_visits.check()
    expect(mobile.get_by_text("personnummer").first).to_be_visible()
    assert mobile.get_by_label("Anteckning").input_value().endswith("vid bussen")
    mobile.get_by_label("Anteckning").fill("Lugnt vid bussterminalen, många i rörelse")
    mobile.get_by_role("button", name="Spara").click()
    phone_visits.check()
    expect(mobile.get_by_role("heading", name="Genomförandet är loggat")).to_be_visible()
    expect(mobile.get_by_text("1 av 10")).to_be_visible()
    mobile.get_by_role("link", name="Logga igen").click()
    phone_visits.check()
    assert mobile.get_by_label(re.compile("^Antal poliser")).input_value() == "2"
    assert mobile.get_by_label("Plats").input_value() == mobile.get_by_label("Plats").locator(
        "option", has_text="Resecentrum").get_attribute("value")
    mobile.get_by_role("button", name="Spara").click()
    phone_visits.check()
    expect(mobile.get_by_text("2 av 10")).to_be_visible()
    phone.close()

    page.goto(page.url.split("/aktiviteter/")[0] + "/")
    skara = page.get_by_role("region", name="Skara")
    skara.get_by_role("link", name="Översikt").click()
    visits.check()
    expect(page.get_by_text(re.compile(r"\b2 av 10\b")).first).to_be_visible()
    desk.close()
    assert visits.violations + phone_visits.violations == []

