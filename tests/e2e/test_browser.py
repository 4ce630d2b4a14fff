"""Real Chromium against a live server with the demo data."""
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

COORDINATOR = "samordnare@demo.lofteskollen.se"


def _login(page, live_server, email):
    password = live_server.app.config["DEMO_PASSWORDS"][email]
    page.goto(f"{live_server.url}/login")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()


def _violations(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']}: {v['help']}" for v in results.response["violations"]]


def test_demo_coordinator_logs_in_and_sees_lidkopings_promises(page, live_server):
    _login(page, live_server, COORDINATOR)
    expect(page.get_by_role("heading", name="Lidköping")).to_be_visible()
    main = page.get_by_role("main")
    assert main.get_by_text("Medborgarlöfte 2022–2023").count() or main.get_by_text("2022–2023").count()
    expect(main.get_by_text("Drogförebyggande").first).to_be_visible()
    # A coordinator of Lidköping does not see Skara's promises.
    expect(page.get_by_role("heading", name="Skara")).to_have_count(0)


def test_wrong_password_shows_swedish_message_in_the_browser(page, live_server):
    page.goto(f"{live_server.url}/login")
    page.get_by_label("E-postadress").fill(COORDINATOR)
    page.get_by_label("Lösenord").fill("inte-rätt-lösenord")
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_text("Inloggningen misslyckades")).to_be_visible()


def test_login_page_has_no_axe_violations(page, live_server):
    page.goto(f"{live_server.url}/login")
    assert _violations(page) == []


def test_start_page_has_no_axe_violations(page, live_server):
    _login(page, live_server, COORDINATOR)
    assert _violations(page) == []


def test_error_page_has_no_axe_violations(page, live_server):
    page.goto(f"{live_server.url}/finns-inte")
    expect(page.get_by_role("heading", name="Sidan hittades inte")).to_be_visible()
    assert _violations(page) == []


def test_login_form_on_a_phone_has_no_horizontal_scroll(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="sv-SE")
    page = context.new_page()
    page.goto(f"{live_server.url}/login")
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 390
