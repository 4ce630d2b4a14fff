"""The yearly follow-up in Chromium: draft, edit a section, both parties approve, publish, read."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_working_year import Visits, _login

pytestmark = pytest.mark.browser

COORDINATOR = "samordnare@demo.lofteskollen.se"   # Lidköping, the municipality side
POLICE = "lpo@demo.lofteskollen.se"               # Lidköping, the police side


def test_edit_approve_by_both_parties_publish_and_read_it_anonymously(browser, live_server):
    municipality = browser.new_context(locale="sv-SE")
    page = municipality.new_page()
    visits = Visits(page)
    _login(page, live_server, COORDINATOR)
    page.get_by_role("link", name="Alla löften").first.click()
    page.get_by_role("link", name="Medborgarlöfte 2022–2023").click()
    page.get_by_label("År").select_option("2023")
    page.get_by_role("button", name="Sammanställ utkast till uppföljning").click()
    visits.check()
    expect(page.get_by_text("inte godkänt och inte publicerat")).to_be_visible()
    followup_url = page.url.split("#")[0]

    page.get_by_role("link", name=re.compile("Redigera avsnittet.*Lärdomar")).click()
    visits.check()
    page.get_by_label("Avsnittets text").fill("Samarbetet kring **krogmiljön** fungerade bäst.\n\n"
                                   "- Fler trygghetsvandringar\n- Tydligare information")
    page.get_by_role("button", name="Spara avsnittet").click()
    visits.check()
    section = page.locator("#avsnitt-lardomar")
    expect(section.locator("strong", has_text="krogmiljön")).to_be_visible()
    expect(
        section.get_by_role("listitem").filter(has_text="Fler trygghetsvandringar")
    ).to_have_count(1)
    # The guard lists what is left; Nästa steg is the one thing the data cannot say.
    expect(page.get_by_text("1 sak kvar innan ni kan godkänna")).to_be_visible()
    page.get_by_role("link", name=re.compile("Nästa steg.*platshållartexten")).click()
    visits.check()
    page.get_by_label("Avsnittets text").fill("Drogfria platser fortsätter under 2024.")
    page.get_by_role("button", name="Spara avsnittet").click()
    expect(page.get_by_text("innan ni kan godkänna")).to_have_count(0)
    for commitment in ("Samtliga skolor inom kommun skall vara drogfria.",
                       "Öka tryggheten i Lidköping centrum."):
        expect(page.get_by_role("heading", level=3, name=re.compile(re.escape(commitment))
                                )).to_be_visible()

    police = browser.new_context(locale="sv-SE").new_page()
    _login(police, live_server, POLICE)
    police.goto(followup_url)
    police.get_by_role("button", name="Godkänn för Polisen").click()
    expect(police.get_by_text("Du har godkänt uppföljningen.")).to_be_visible()

    page.goto(followup_url)
    page.get_by_role("button", name="Godkänn för kommunen").click()
    page.get_by_role("button", name="Publicera för invånarna").click()
    expect(page.get_by_text("Uppföljningen är publicerad")).to_be_visible()
    visits.check()
    public_url = page.get_by_role("link", name="Den publicerade sidan för invånarna") \
        .get_attribute("href")

    reader = browser.new_context(locale="sv-SE").new_page()
    reader_visits = Visits(reader)
    reader.goto(f"{live_server.url}{public_url}")
    reader_visits.check()
    expect(reader.get_by_role("heading", level=1,
                              name=re.compile("Uppföljning medborgarlöfte 2023"))).to_be_visible()
    expect(reader.get_by_text("Samarbetet kring")).to_be_visible()
    expect(reader.get_by_text("Öka tryggheten i Lidköping centrum.").first).to_be_visible()
    expect(reader.get_by_text(re.compile("^Utkast"))).to_have_count(0)
    expect(reader.locator("svg[role=img]")).to_have_count(2)  # verdicts and months, tables beside
    expect(reader.get_by_role("table", name=re.compile("per månad"))).to_be_visible()
    expect(reader.get_by_role("table", name=re.compile("Bedömning av åtagandena"))).to_be_visible()
    expect(reader.get_by_role("table", name=re.compile("Bedömning av åtagandena"))
           .get_by_text("Kan inte bedömas")).to_be_visible()
    expect(reader.get_by_role("navigation", name="Innehåll")).to_be_visible()
    assert visits.violations + reader_visits.violations == []


def test_the_section_editor_works_with_the_keyboard_alone(browser, live_server):
    page = browser.new_context(locale="sv-SE").new_page()
    _login(page, live_server, COORDINATOR)
    page.get_by_role("link", name="Alla löften").first.click()
    page.get_by_role("link", name="Medborgarlöfte 2022–2023").click()
    existing = page.get_by_role("link", name="Uppföljning 2022")
    if existing.count() == 0:
        page.get_by_label("År").select_option("2022")
        page.get_by_role("button", name="Sammanställ utkast till uppföljning").click()
    else:
        existing.click()
    link = page.get_by_role("link", name=re.compile("Redigera avsnittet.*Nästa steg"))
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_label("Avsnittets text").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Vi fortsätter med skolbesöken.")
    page.keyboard.press("Tab")  # to the save button
    assert page.evaluate("document.activeElement.textContent") == "Spara avsnittet"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#avsnitt-nasta-steg").get_by_text(
        "Vi fortsätter med skolbesöken.")).to_be_visible()
