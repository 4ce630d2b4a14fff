""""Börja från ert publicerade medborgarlöfte" in Chromium: the whole flow with JavaScript off,
and axe on the paste page, the preview and their error states."""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.test_browser import _login
from tracker.extensions import db
from tracker.models import Municipality, Promise

pytestmark = pytest.mark.browser

COORDINATOR = "samordnare@demo.lofteskollen.se"
TEXT = (Path(__file__).resolve().parents[1] / "services" / "promise_texts" /
        "vanersborg_kolon_streck.txt").read_text(encoding="utf-8")
PERSONNUMMER = "811218-9876"


@pytest.fixture
def lidkoping(live_server):
    """Lidköping's id; the drafts a test saves are removed again for the other browser tests."""
    app = live_server.app
    with app.app_context():
        municipality_id = db.session.scalar(
            sa.select(Municipality.id).where(Municipality.name == "Lidköping"))
        before = set(db.session.scalars(sa.select(Promise.id)))
    yield municipality_id
    with app.app_context():
        for promise in db.session.scalars(sa.select(Promise).where(Promise.id.notin_(before))):
            db.session.delete(promise)
        db.session.commit()


def _violations(page) -> list[str]:
    return [f"{page.url} {v['id']}: {v['help']}" for v in Axe().run(page).response["violations"]]


def test_paste_correct_and_save_a_draft_with_javascript_off(browser, live_server, lidkoping):
    context = browser.new_context(locale="sv-SE", java_script_enabled=False)
    page = context.new_page()
    _login(page, live_server, COORDINATOR)
    page.goto(f"{live_server.url}/kommuner/{lidkoping}/loften")
    page.get_by_role("link", name="Börja från ert publicerade medborgarlöfte").click()
    page.get_by_label("Text från medborgarlöftet").fill(TEXT)
    page.get_by_role("button", name="Förhandsgranska").click()
    # waits until the preview has loaded (a click returns once the navigation has begun)
    expect(page.get_by_role("heading", name="Granska medborgarlöftet")).to_be_visible()
    expect(page.get_by_text("2 fokusområden och 6 åtaganden")).to_be_visible()
    assert page.get_by_label("Rubrik", exact=True).input_value() == (
        "Medborgarlöfte för Vänersborg 2024–2025")

    first = page.get_by_role("group", name="Åtagande 1", exact=True)
    first.get_by_label("Åtagande", exact=True).fill(
        "Förbättra belysningen i Skräcklebyparken och vid bron.")
    page.get_by_role("group", name="Åtagande 6", exact=True).get_by_label(
        "Ta bort åtagandet").check()
    page.get_by_role("button", name="Fokusområde 2, Polisen lovar").click()
    # the submit also carried out the removal: the struck commitment is gone, the new row is 6th
    expect(page.get_by_text("Genomföra riktade insatser mot narkotikaförsäljning")).to_have_count(0)
    new = page.get_by_role("group", name="Åtagande 6", exact=True)
    assert new.get_by_label("Åtagande", exact=True).input_value() == ""
    assert new.get_by_label("Vem som lovar").input_value() == "polisen"
    new.get_by_label("Åtagande", exact=True).fill("Besöka alla högstadieskolor en gång per termin.")
    page.get_by_role("button", name="Spara som utkast").click()

    expect(page.get_by_text("Medborgarlöftet är sparat som utkast")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Medborgarlöfte för Vänersborg 2024–2025")
    ).to_be_visible()
    main = page.get_by_role("main")
    expect(main.get_by_text("Förbättra belysningen i Skräcklebyparken och vid bron.",
                            exact=True)).to_be_visible()
    expect(main.get_by_text("Besöka alla högstadieskolor en gång per termin.",
                            exact=True)).to_be_visible()
    expect(main.get_by_text("Genomföra riktade insatser mot narkotikaförsäljning")).to_have_count(0)
    context.close()


def test_the_paste_pages_have_no_axe_violations(browser, live_server, lidkoping):
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    _login(page, live_server, COORDINATOR)
    violations = []
    page.goto(f"{live_server.url}/kommuner/{lidkoping}/loften/fran-text")
    violations += _violations(page)
    page.get_by_label("Text från medborgarlöftet").fill(TEXT + f"\nKontakt {PERSONNUMMER}")
    page.get_by_role("button", name="Förhandsgranska").click()
    expect(page.get_by_text("ser ut som ett personnummer").first).to_be_visible()
    violations += _violations(page)
    page.get_by_label("Text från medborgarlöftet").fill(TEXT)
    page.get_by_role("button", name="Förhandsgranska").click()
    expect(page.get_by_role("heading", name="Granska medborgarlöftet")).to_be_visible()
    violations += _violations(page)
    page.get_by_label("Rubrik", exact=True).fill("")
    page.get_by_role("button", name="Spara som utkast").click()
    expect(page.get_by_role("heading", name="Formuläret innehåller fel")).to_be_visible()
    violations += _violations(page)
    context.close()
    assert violations == []
