"""Offline logging on the kommunpolis' phone (Chromium, 390×844 touch): the app is installable
(a manifest Chromium reads without errors, its icons load), its service worker registers, Mina
uppgifter and the log forms open without a network, an occasion logged there waits on the
phone as "väntar på att skickas" and is stored exactly once when the network returns; a double
tap queues one; a refusal shows the server's message; an ended session says so and keeps it."""
from __future__ import annotations

import io
import json
import re
from urllib.parse import urljoin

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.phone import NARROW, axe_into, overflow, tap
from tracker.extensions import db
from tracker.formatting import local_today

pytestmark = pytest.mark.browser

OFFICER = "kommunpolis.skara@demo.lofteskollen.se"
TITLE = "Kvällspatrull utan täckning"


@pytest.fixture(scope="module", autouse=True)
def csrf_on(live_server):
    """CSRF checked as in production: an entry sent later must carry a token that is valid
    then (the shared test app runs without it elsewhere)."""
    app = live_server.app
    before = app.config["WTF_CSRF_ENABLED"]
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = before


@pytest.fixture(scope="module")
def activity_id(new_activity):
    """An activity of the officer's in a promise of this year, removed again afterwards."""
    with new_activity(OFFICER, "Skara", "Medborgarlöfte utan täckning",
                      "trygghetsskapande_patrullering", TITLE, target_count=10) as made:
        yield made["activity"]


WALK_TITLE = "Trygghetsvandring utan täckning"


@pytest.fixture(scope="module")
def walk_id(new_activity):
    """A trygghetsvandring of the officer's: logging one leads on to its protocol."""
    with new_activity(OFFICER, "Skara", "Medborgarlöfte med vandring utan täckning",
                      "trygghetsvandring", WALK_TITLE) as made:
        yield made["activity"]


def _notes(app, activity_id: int) -> list[str]:
    from tracker.models import LogEntry

    with app.app_context():
        notes = list(db.session.scalars(sa.select(LogEntry.note).where(
            LogEntry.activity_id == activity_id).order_by(LogEntry.id)))
        db.session.remove()
    return notes


def _started(page) -> None:
    """offline.js has done its work on this page (drawn the outbox, sent what it could)."""
    page.wait_for_function("() => document.documentElement.dataset.offlineStarted === '1'")


def _outbox(page) -> list[dict]:
    return page.evaluate("LofteskollenOutbox.entries()")


def _ready_for_offline(page, live_server) -> None:
    """Mina uppgifter visited online: the worker controls the page and the copies are kept."""
    page.goto(f"{live_server.url}/mina-uppgifter")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    _started(page)
    notice = page.get_by_text("finns sparade i telefonen")
    notice.wait_for()
    # It appears below the tasks, so no Logga button moves under a finger about to tap it.
    tasks = page.locator("[data-offline-tasks]").bounding_box()
    assert notice.bounding_box()["y"] >= tasks["y"] + tasks["height"]


def _open_form_offline(page, title: str = TITLE) -> None:
    task = page.get_by_role("listitem").filter(has_text=title)
    tap(page, task.get_by_role("link", name=re.compile("^Logga")))
    _started(page)


def _offline(phone_login, live_server, **options):
    """The officer's phone, logged in, with Mina uppgifter kept for use without a network, and
    then without one."""
    context, page = phone_login(OFFICER, **options)
    _ready_for_offline(page, live_server)
    context.set_offline(True)
    return context, page


def test_the_app_is_installable_with_its_icons(live_server, phone_login):
    context, page = phone_login(OFFICER)
    page.goto(f"{live_server.url}/mina-uppgifter")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    worker = page.evaluate("""async () => { const r = await navigator.serviceWorker.ready;
                                            return [r.scope, r.active.scriptURL]; }""")
    assert worker == [f"{live_server.url}/", f"{live_server.url}/sw.js"]
    href = page.locator("link[rel=manifest]").get_attribute("href")
    manifest_url = urljoin(page.url, href)
    answer = page.request.get(manifest_url)
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("application/manifest+json")
    manifest = json.loads(answer.text())
    assert manifest["name"].startswith("Löfteskollen") and manifest["short_name"] == "Löfteskollen"
    assert manifest["lang"] == "sv" and manifest["display"] == "standalone"
    assert urljoin(manifest_url, manifest["start_url"]) == f"{live_server.url}/mina-uppgifter"
    brand = re.search(r"--brand: (#[0-9a-f]{6})", page.request.get(
        f"{live_server.url}/static/style.css").text()).group(1)
    assert manifest["theme_color"] == brand == page.locator(
        "meta[name=theme-color]").get_attribute("content")

    # Chromium reads it without an error and finds nothing that stops an install.
    cdp = context.new_cdp_session(page)
    read = cdp.send("Page.getAppManifest")
    assert read["url"] == manifest_url and read["errors"] == []
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # a test browser's context is a private one, where Chromium never offers an install
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []

    sizes = {}
    for icon in manifest["icons"]:
        picture = page.request.get(urljoin(manifest_url, icon["src"]))
        assert picture.status == 200 and picture.headers["content-type"] == "image/png"
        image = Image.open(io.BytesIO(picture.body()))
        assert f"{image.width}x{image.height}" == icon["sizes"]
        sizes.setdefault(icon.get("purpose", "any"), set()).add(icon["sizes"])
    assert sizes == {"any": {"192x192", "512x512"}, "maskable": {"512x512"}}
    touch = page.request.get(urljoin(page.url, page.locator(
        "link[rel=apple-touch-icon]").get_attribute("href")))
    assert Image.open(io.BytesIO(touch.body())).size == (180, 180)
    context.close()


def test_log_offline_and_it_is_sent_once_when_the_network_returns(live_server, phone_login,
                                                                 activity_id):
    app = live_server.app
    violations: list[str] = []
    # The taps and screens from the login page to a logged occasion, without a network.
    screens, taps = 1, 0  # the login page
    context, page = phone_login(OFFICER)
    taps, screens = taps + 1, screens + 1  # Logga in → the start page
    tap(page, page.get_by_role("link", name="Mina uppgifter").first)
    taps, screens = taps + 1, screens + 1
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.get_by_text("finns sparade i telefonen").wait_for()
    axe_into(page, violations)

    context.set_offline(True)
    _open_form_offline(page)
    taps, screens = taps + 1, screens + 1
    expect(page.get_by_role("heading", name="Logga genomförande")).to_be_visible()
    assert page.get_by_label("Datum").input_value() == local_today().isoformat()
    page.get_by_label("Anteckning").fill("Loggat utan täckning")
    tap(page, page.get_by_role("button", name="Spara"))
    taps, screens = taps + 1, screens + 1
    _started(page)
    expect(page.get_by_role("heading", name="Mina uppgifter")).to_be_visible()
    outbox = page.locator("#offline-outbox")
    expect(outbox.get_by_text(TITLE)).to_be_visible()
    expect(outbox.get_by_text("väntar på att skickas").first).to_be_visible()
    assert "väntar på att skickas" in page.get_by_role("status").first.inner_text()
    assert _notes(app, activity_id).count("Loggat utan täckning") == 0
    axe_into(page, violations)
    assert (taps, screens) == (4, 5)

    context.set_offline(False)
    page.get_by_text(f"Skickat och sparat: {TITLE}").wait_for()
    expect(outbox).not_to_be_visible()
    assert _notes(app, activity_id).count("Loggat utan täckning") == 1
    page.reload()
    _started(page)
    assert _outbox(page) == []
    assert _notes(app, activity_id).count("Loggat utan täckning") == 1
    context.close()
    assert violations == []


def test_a_double_tap_offline_and_a_lost_answer_store_one_occasion(live_server, phone_login,
                                                                   activity_id):
    app = live_server.app
    context, page = _offline(phone_login, live_server)
    _open_form_offline(page)
    page.get_by_label("Anteckning").fill("Dubbeltryck utan täckning")
    with page.expect_navigation(url=re.compile("/mina-uppgifter$")):
        page.evaluate("""() => { const save = document.querySelector('.log-form [type=submit]');
                                 save.click(); save.click(); }""")
    _started(page)
    assert len(_outbox(page)) == 1

    # The first sending reached the server but its answer never reached the phone (sent here
    # beside the browser, with the entry's fields and key): the entry stays on the phone and is
    # sent again when the network returns; the key makes the server answer with the first result.
    (entry,) = _outbox(page)
    form_url = live_server.url + entry["url"]
    form_page = context.request.get(form_url).text()
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"',
                      form_page)[1]
    fields = {name: (token if name == "csrf_token" else value) for name, value in entry["fields"]}
    first = context.request.post(form_url, form=fields, max_redirects=0)
    assert first.status == 302 and "/loggad/" in first.headers["location"]
    assert _notes(app, activity_id).count("Dubbeltryck utan täckning") == 1
    assert len(_outbox(page)) == 1

    context.set_offline(False)
    page.get_by_text("Skickat och sparat").wait_for()
    assert _outbox(page) == []
    assert _notes(app, activity_id).count("Dubbeltryck utan täckning") == 1
    context.close()


def test_a_walk_logged_offline_is_sent_and_does_not_hold_back_what_was_logged_after_it(
        live_server, phone_login, activity_id, walk_id):
    """A trygghetsvandring's answer leads on to its protocol, not to the "logged" page: it is
    sent and saved all the same, and the occasion queued after it goes too."""
    app = live_server.app
    context, page = _offline(phone_login, live_server)
    _open_form_offline(page, WALK_TITLE)
    page.get_by_label("Anteckning").fill("Vandring utan täckning")
    tap(page, page.get_by_role("button", name="Spara"))
    _started(page)
    _open_form_offline(page)
    page.get_by_label("Anteckning").fill("Patrull efter vandringen")
    tap(page, page.get_by_role("button", name="Spara"))
    _started(page)
    assert len(_outbox(page)) == 2

    context.set_offline(False)
    page.get_by_text(f"Skickat och sparat: {TITLE}").wait_for()
    assert _outbox(page) == []
    assert _notes(app, walk_id) == ["Vandring utan täckning"]
    assert _notes(app, activity_id).count("Patrull efter vandringen") == 1
    page.reload()
    _started(page)
    assert _outbox(page) == [] and _notes(app, walk_id) == ["Vandring utan täckning"]
    context.close()


def test_a_refused_entry_shows_the_servers_message_and_can_be_corrected(live_server, phone_login,
                                                                        activity_id):
    """At 320 px: the outbox with the server's message reflows too."""
    app = live_server.app
    violations: list[str] = []
    context, page = _offline(phone_login, live_server, **NARROW)
    _open_form_offline(page)
    page.get_by_label(re.compile("^Antal poliser")).fill("många")
    page.get_by_label("Anteckning").fill("Fel antal")
    tap(page, page.get_by_role("button", name="Spara"))
    _started(page)
    context.set_offline(False)
    outbox = page.locator("#offline-outbox")
    outbox.get_by_text("skickades inte").wait_for()
    message = outbox.locator("ul.error li").first.inner_text()
    assert message.startswith("Antal poliser")
    assert "Rätta det eller ta bort det" in page.get_by_role("status").first.inner_text()
    assert _notes(app, activity_id).count("Fel antal") == 0
    assert overflow(page) <= 0
    axe_into(page, violations)

    tap(page, outbox.get_by_role("link", name="Rätta"))
    _started(page)
    summary = page.get_by_role("alert")
    assert message in summary.inner_text()
    assert page.get_by_label("Anteckning").input_value() == "Fel antal"
    assert overflow(page) <= 0
    axe_into(page, violations)
    page.get_by_label(re.compile("^Antal poliser")).fill("2")
    tap(page, page.get_by_role("button", name="Spara"))
    expect(page.get_by_role("heading", name="Genomförandet är loggat")).to_be_visible()
    _started(page)
    assert _outbox(page) == []
    assert _notes(app, activity_id).count("Fel antal") == 1
    context.close()
    assert violations == []


def test_an_ended_session_keeps_the_entry_until_the_officer_logs_in(live_server, phone_login,
                                                                    activity_id):
    app = live_server.app
    context, page = _offline(phone_login, live_server)
    _open_form_offline(page)
    page.get_by_label("Anteckning").fill("Efter utloggning")
    tap(page, page.get_by_role("button", name="Spara"))
    _started(page)
    context.clear_cookies()  # the session ends while the phone is without a network
    context.set_offline(False)
    outbox = page.locator("#offline-outbox")
    outbox.get_by_text("Du har loggats ut").wait_for()
    (entry,) = _outbox(page)
    assert entry["status"] == "login" and _notes(app, activity_id).count("Efter utloggning") == 0
    tap(page, outbox.get_by_role("link", name="Logga in"))
    page.get_by_label("E-postadress").fill(OFFICER)
    page.get_by_label("Lösenord").fill(app.config["DEMO_PASSWORDS"][OFFICER])
    tap(page, page.get_by_role("button", name="Logga in"))
    _started(page)
    assert _outbox(page) == []
    assert _notes(app, activity_id).count("Efter utloggning") == 1
    # The token saved with the entry belonged to the ended session: sent as it was, the server
    # would have refused it; the outbox sent it with the new session's token.
    stale = dict(entry["fields"], once_key="en-annan-nyckel")
    refused = context.request.post(live_server.url + entry["url"], form=stale, max_redirects=0)
    assert refused.status == 400 and "säkerhetstoken" in refused.text()
    assert _notes(app, activity_id).count("Efter utloggning") == 1
    context.close()


def test_spara_after_the_session_ended_elsewhere_keeps_the_entry_for_after_the_login(
        live_server, phone_login, activity_id):
    """Online, but the session ended while the form was filled in (logged out everywhere from
    another device; an idle session answers the same): the login page says nothing arrived, the
    phone keeps the form, and after the login it is stored once."""
    from tracker.models import User
    from tracker.services import accounts

    app = live_server.app
    context, page = phone_login(OFFICER)
    _ready_for_offline(page, live_server)
    _open_form_offline(page)
    page.get_by_label("Anteckning").fill("Sparat efter ny inloggning")
    with app.app_context():  # another device: "Logga ut överallt"
        officer = db.session.scalar(sa.select(User).where(User.email == OFFICER))
        accounts.log_out_everywhere(officer, actor=officer)
        db.session.commit()
        db.session.remove()
    tap(page, page.get_by_role("button", name="Spara"))
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible()
    expect(page.get_by_text("det du skickade har inte kommit fram")).to_be_visible()
    _started(page)
    (entry,) = _outbox(page)
    assert entry["status"] == "login"
    assert _notes(app, activity_id).count("Sparat efter ny inloggning") == 0
    page.locator("#offline-outbox").get_by_text("väntar").wait_for()
    page.get_by_label("E-postadress").fill(OFFICER)
    page.get_by_label("Lösenord").fill(app.config["DEMO_PASSWORDS"][OFFICER])
    tap(page, page.get_by_role("button", name="Logga in"))
    _started(page)
    page.get_by_text(f"Skickat och sparat: {TITLE}").wait_for()
    assert _outbox(page) == []
    assert _notes(app, activity_id).count("Sparat efter ny inloggning") == 1
    context.close()


def test_the_offline_page_without_a_copy(live_server, phone_login, activity_id):
    """A page that was never kept: a short Swedish page that leads to Mina uppgifter (which
    is kept once the officer has a task: `activity_id`, also when this test runs first)."""
    context, page = _offline(phone_login, live_server, **NARROW)
    page.goto(f"{live_server.url}/paminnelser")
    expect(page.get_by_role("heading", name="Ingen uppkoppling")).to_be_visible()
    assert overflow(page) <= 0
    violations: list[str] = []
    axe_into(page, violations)
    tap(page, page.get_by_role("link", name="Mina uppgifter").last)
    expect(page.get_by_role("heading", name="Mina uppgifter")).to_be_visible()
    context.close()
    assert violations == []


def test_with_javascript_off_the_log_form_works_as_before(live_server, phone_login, activity_id):
    """Progressive enhancement only: no outbox, no worker, the form posts as it always did."""
    context, page = phone_login(OFFICER, java_script_enabled=False)
    tap(page, page.get_by_role("link", name="Mina uppgifter").first)
    expect(page.locator("[data-offline-ready]")).not_to_be_visible()
    expect(page.locator("#offline-outbox")).not_to_be_visible()
    tap(page, page.get_by_role("listitem").filter(has_text=TITLE).get_by_role(
        "link", name=re.compile("^Logga")))
    page.get_by_label("Anteckning").fill("Utan JavaScript")
    tap(page, page.get_by_role("button", name="Spara"))
    expect(page.get_by_role("heading", name="Genomförandet är loggat")).to_be_visible()
    assert _notes(live_server.app, activity_id).count("Utan JavaScript") == 1
    context.close()
