"""A new municipality from nothing, with only a browser: from an empty database (no demo) to
the first logged occasion, the invitations read from a real SMTP server on loopback, axe on
every page. The steps a person takes are counted and printed with the time the run took."""
from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.conftest import LiveServer, fresh_database_url, make_test_app, upgrade
from tests.e2e.test_working_year import Visits
from tests.test_reminders import SmtpInbox

pytestmark = pytest.mark.browser

ADMIN, ADMIN_PASSWORD = "it@vanersborg.example.se", "driftens-eget-långa-lösenord"
COORDINATOR = "sakerhet@vanersborg.example.se"
OFFICER = "kommunpolis@polisen.example.se"
LINK = re.compile(r"http://127\.0\.0\.1:\d+/inbjudan/[A-Za-z0-9_-]+")


class Steps:
    """What the people do, counted: every page they open and every form they send."""

    def __init__(self):
        self.pages = 0
        self.forms = 0
        self.fields = 0
        self.log: list[str] = []

    def open(self, what: str) -> None:
        self.pages += 1
        self.log.append(f"öppnar {what}")

    def fill(self, locator, value: str) -> None:
        self.fields += 1
        locator.fill(value)

    def send(self, what: str) -> None:
        self.forms += 1
        self.log.append(f"skickar {what}")


@pytest.fixture
def inbox():
    with SmtpInbox() as server:
        yield server


@pytest.fixture
def empty_server(request, workdir, inbox):
    """The app on an empty database of the test module's own, with only the admin the server
    operator creates."""
    name = request.module.__name__.rpartition(".")[2]
    app = make_test_app(fresh_database_url(workdir, name), MAIL_ENABLED=True,
                        SMTP_HOST="127.0.0.1", SMTP_PORT=inbox.port,
                        MAIL_FROM="lofteskollen@vanersborg.example.se")
    upgrade(app)
    # The server operator's one command (the password is prompted for, never an argument).
    created = app.test_cli_runner().invoke(
        args=["users", "create", "--email", ADMIN, "--name", "Ida IT", "--admin"],
        input=f"{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n")
    assert created.exit_code == 0, created.output
    server = LiveServer(app)
    app.config["BASE_URL"] = server.url  # TRACKER_BASE_URL: where the service is reached
    yield server
    server.stop()


def _login(page, visits, steps, url, email, password):
    page.goto(f"{url}/login")
    steps.open("inloggningen")
    visits.check()
    steps.fill(page.get_by_label("E-postadress"), email)
    steps.fill(page.get_by_label("Lösenord"), password)
    page.get_by_role("button", name="Logga in").click()
    steps.send("inloggningen")
    visits.check()


def link_in(inbox, address: str, pattern: re.Pattern = LINK) -> str:
    """The link in the latest mail to `address`, waiting a moment for it to arrive."""
    for _ in range(50):
        mails = inbox.to(address)
        if mails:
            return pattern.search(mails[-1].body).group()
        time.sleep(0.1)
    raise AssertionError(f"no link reached {address}")


def _set_password(page, visits, steps, link, password):
    page.goto(link)
    steps.open("länken i e-posten")
    visits.check()
    steps.fill(page.get_by_label("Nytt lösenord"), password)
    steps.fill(page.get_by_label("Upprepa lösenordet"), password)
    page.get_by_role("button", name="Spara lösenordet").click()
    steps.send("lösenordet")
    visits.check()
    expect(page.get_by_text("Ditt lösenord är sparat")).to_be_visible()


def test_a_new_municipality_from_nothing_to_its_first_logged_occasion(
        browser, empty_server, inbox):
    url = empty_server.url
    steps = Steps()
    started = time.perf_counter()

    # ---- the admin: police area, municipality, an activity type, the coordinator's invitation
    desk = browser.new_context(locale="sv-SE")
    admin = desk.new_page()
    admin_visits = Visits(admin)
    _login(admin, admin_visits, steps, url, ADMIN, ADMIN_PASSWORD)
    admin.get_by_role("navigation").get_by_role("link", name="Administration").click()
    steps.open("administrationen")
    admin_visits.check()
    admin.get_by_role("link", name="Lokalpolisområden").click()
    steps.open("lokalpolisområdena")
    admin_visits.check()
    steps.fill(admin.get_by_label("Namn"), "Trollhättan-Vänersborg")
    steps.fill(admin.get_by_label("Kontakt i rapporten"), "Polisen nås på 114 14 och polisen.se.")
    admin.get_by_role("button", name="Spara lokalpolisområdet").click()
    steps.send("lokalpolisområdet")
    admin_visits.check()
    admin.get_by_role("link", name="Ny kommun i Trollhättan-Vänersborg").click()
    steps.open("ny kommun")
    admin_visits.check()
    steps.fill(admin.get_by_label("Namn", exact=True), "Vänersborg")
    admin.get_by_role("button", name="Spara kommunen").click()
    steps.send("kommunen")
    admin_visits.check()
    expect(admin.get_by_role("cell", name="Vänersborgs kommun")).to_be_visible()
    expect(admin.get_by_text("/offentlig/vanersborg")).to_be_visible()

    admin.get_by_role("navigation").get_by_role("link", name="Administration").click()
    steps.open("administrationen")
    admin.get_by_role("link", name="Aktivitetstyper").click()
    steps.open("aktivitetstyperna")
    admin_visits.check()
    admin.get_by_role("link", name="Ny aktivitetstyp").click()
    steps.open("ny aktivitetstyp")
    admin_visits.check()
    steps.fill(admin.locator("#key"), "patrullering")
    steps.fill(admin.get_by_label("Namn på svenska"), "Trygghetsskapande patrullering")
    steps.fill(admin.get_by_label("Namn på engelska"), "Patrol")
    admin.get_by_role("button", name="Spara").click()
    steps.send("aktivitetstypen")
    admin_visits.check()

    admin.get_by_role("navigation").get_by_role("link", name="Administration").click()
    steps.open("administrationen")
    admin.get_by_role("link", name="Användare").click()
    steps.open("användarna")
    admin_visits.check()
    admin.get_by_role("link", name="Bjud in en användare").click()
    steps.open("inbjudan")
    admin_visits.check()
    steps.fill(admin.get_by_label("E-postadress"), COORDINATOR)
    steps.fill(admin.get_by_label("Namn", exact=True), "Siv Säkerhetssamordnare")
    admin.get_by_label("Kommun", exact=True).select_option(label="Vänersborg")
    steps.fields += 1
    admin.get_by_role("button", name="Skicka inbjudan").click()
    steps.send("inbjudan till samordnaren")
    admin_visits.check()
    expect(admin.get_by_text(f"En inbjudan har skickats till {COORDINATOR}")).to_be_visible()
    desk.close()

    # ---- the coordinator: password from the mail, a promise with a commitment, signed,
    # the kommunpolis invited, an activity planned for them
    coordinator_desk = browser.new_context(locale="sv-SE")
    page = coordinator_desk.new_page()
    visits = Visits(page)
    _set_password(page, visits, steps, link_in(inbox, COORDINATOR), "samordnarens-egna-fras")
    steps.fill(page.get_by_label("E-postadress"), COORDINATOR)
    steps.fill(page.get_by_label("Lösenord"), "samordnarens-egna-fras")
    page.get_by_role("button", name="Logga in").click()
    steps.send("inloggningen")
    visits.check()
    region = page.get_by_role("region", name="Vänersborg")
    region.get_by_role("link", name="Alla löften").click()
    steps.open("löftena")
    visits.check()
    page.get_by_role("link", name=re.compile("Nytt medborgarlöfte|Nytt löfte")).first.click()
    steps.open("nytt medborgarlöfte")
    visits.check()
    year = time.localtime().tm_year
    steps.fill(page.get_by_label("Rubrik"), f"Medborgarlöfte {year}")
    steps.fill(page.get_by_label("Startår"), str(year))
    steps.fill(page.get_by_label("Slutår"), str(year))
    page.get_by_role("button", name=re.compile("Spara|Skapa")).click()
    steps.send("löftet")
    visits.check()
    page.get_by_role("link", name="Lägg till åtagande").first.click()
    steps.open("nytt åtagande")
    visits.check()
    steps.fill(page.get_by_label("Åtagande", exact=True),
               "Polisen genomför trygghetsskapande patrullering vid resecentrum varje fredag.")
    page.get_by_label("Polisen").check()
    steps.fields += 1
    page.get_by_role("button", name=re.compile("Spara|Lägg till")).click()
    steps.send("åtagandet")
    visits.check()
    page.get_by_role("link", name="Underteckna").click()
    steps.open("undertecknandet")
    visits.check()
    page.get_by_label("Datum för undertecknandet").fill(time.strftime("%Y-%m-%d"))
    steps.fields += 1
    steps.fill(page.get_by_label("Namn, undertecknare 1"), "Kent Kommunstyrelse")
    steps.fill(page.get_by_label("Titel, undertecknare 1"), "Kommunstyrelsens ordförande")
    page.get_by_role("button", name="Underteckna").click()
    steps.send("undertecknandet")
    visits.check()
    expect(page.get_by_text("Undertecknat av")).to_be_visible()
    promise_url = page.url

    page.get_by_role("navigation").get_by_role("link", name="Start").click()
    steps.open("startsidan")
    page.get_by_role("region", name="Vänersborg").get_by_role("link", name="Översikt").click()
    steps.open("översikten")
    visits.check()
    page.get_by_role("link", name="Medlemmar").click()
    steps.open("medlemmarna")
    visits.check()
    page.get_by_role("link", name="Bjud in en person").click()
    steps.open("inbjudan")
    visits.check()
    steps.fill(page.get_by_label("E-postadress"), OFFICER)
    steps.fill(page.get_by_label("Namn", exact=True), "Kalle Kommunpolis")
    steps.fill(page.get_by_label("Titel (valfritt)"), "Kommunpolis")
    page.get_by_label("Polisen").check()
    steps.fields += 1
    page.get_by_role("button", name="Skicka inbjudan").click()
    steps.send("inbjudan till kommunpolisen")
    visits.check()
    expect(page.get_by_role("rowheader", name=re.compile("Kalle Kommunpolis"))).to_be_visible()

    page.goto(promise_url)
    steps.open("löftet")
    page.get_by_role("link", name=re.compile("Planera aktivitet")).first.click()
    steps.open("ny aktivitet")
    visits.check()
    page.get_by_label("Aktivitetstyp").select_option(label="Trygghetsskapande patrullering")
    steps.fields += 1
    steps.fill(page.get_by_label("Rubrik"), "Fredagspatrull vid resecentrum")
    # not logged in yet: the list says so (people.labelled)
    page.get_by_label("Ansvarig").select_option(label="Kalle Kommunpolis (inbjuden)")
    steps.fields += 1
    steps.fill(page.get_by_label("Mål (antal tillfällen)"), "40")
    page.get_by_role("button", name="Spara aktiviteten").click()
    steps.send("aktiviteten")
    visits.check()
    coordinator_desk.close()

    # ---- the kommunpolis, on a phone: password from the mail, log the first occasion
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="sv-SE",
                                is_mobile=True, has_touch=True)
    mobile = phone.new_page()
    phone_visits = Visits(mobile)
    _set_password(mobile, phone_visits, steps, link_in(inbox, OFFICER), "polisens-egen-långa-fras")
    steps.fill(mobile.get_by_label("E-postadress"), OFFICER)
    steps.fill(mobile.get_by_label("Lösenord"), "polisens-egen-långa-fras")
    mobile.get_by_role("button", name="Logga in").click()
    steps.send("inloggningen")
    phone_visits.check()
    mobile.goto(f"{url}/mina-uppgifter")
    steps.open("mina uppgifter")
    phone_visits.check()
    task = mobile.get_by_role("listitem").filter(has_text="Fredagspatrull vid resecentrum")
    task.get_by_role("link", name=re.compile("^Logga")).click()
    steps.open("loggningen")
    phone_visits.check()
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 390
    steps.fill(mobile.get_by_label("Anteckning"), "Lugnt vid resecentrum, många i rörelse.")
    mobile.get_by_role("button", name="Spara").click()
    steps.send("genomförandet")
    phone_visits.check()
    expect(mobile.get_by_role("heading", name="Genomförandet är loggat")).to_be_visible()
    expect(mobile.get_by_text("1 av 40")).to_be_visible()
    phone.close()

    elapsed = time.perf_counter() - started
    print(f"\nOnboarding: {steps.pages} sidor öppnade, {steps.forms} formulär skickade, "
          f"{steps.fields} fält ifyllda; {elapsed:.1f} s")
    print("\n".join(f"  {n}. {line}" for n, line in enumerate(steps.log, 1)))
    assert len(inbox.messages) == 2
    assert admin_visits.violations + visits.violations + phone_visits.violations == []
