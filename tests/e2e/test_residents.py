"""Residents in Chromium, mail read from a real SMTP server on loopback: a tip gets a case
number and a private status address, the coordinator answers, the resident reads the answer;
a resident follows a municipality by e-mail, confirms, a follow-up is published and the news
arrives with a working unsubscribe link. Every page is checked with axe at desktop width and
at 320 px, where nothing may scroll sideways."""
from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.crawl import OVERFLOW
from tests.e2e.test_working_year import Visits, _login
from tests.factories import make_ready
from tests.test_reminders import SmtpInbox
from tracker.extensions import db
from tracker.models import (
    Commitment,
    FocusArea,
    FollowUp,
    Municipality,
    Party,
    Promise,
    PromiseStatus,
    Subscription,
    Tip,
    User,
)

pytestmark = pytest.mark.browser

COORDINATOR = "samordnare@demo.lofteskollen.se"  # Lidköping, the municipality side
POLICE = "lpo@demo.lofteskollen.se"
RESIDENT = "invanare@example.se"
NARROW = {"viewport": {"width": 320, "height": 640}, "locale": "sv-SE", "is_mobile": True,
          "has_touch": True}

@pytest.fixture
def inbox(live_server, monkeypatch):
    with SmtpInbox() as server:
        monkeypatch.setitem(live_server.app.config, "SMTP_PORT", server.port)
        yield server


def _wait_for(inbox, address: str, count: int):
    import time

    for _ in range(100):
        if len(inbox.to(address)) >= count:
            return inbox.to(address)
        time.sleep(0.05)
    raise AssertionError(f"{address} got {len(inbox.to(address))} of {count} messages")


def _narrow_check(browser, urls: list[str]) -> list[str]:
    """axe and sideways scrolling at 320 px, for pages a resident opens from a link."""
    found = []
    page = browser.new_context(**NARROW).new_page()
    for url in urls:
        page.goto(url)
        if (excess := page.evaluate(OVERFLOW)) > 0:
            found.append(f"{url}: {excess} px wider than 320")
        for v in Axe().run(page).response["violations"]:
            found.append(f"320 px {url}: {v['id']} {v['help']}")
    page.context.close()
    return found


@pytest.fixture
def cleanup(live_server):
    yield
    with live_server.app.app_context():  # the other browser tests start from the plain demo
        db.session.execute(sa.delete(Tip).where(Tip.reply_to == RESIDENT))
        db.session.execute(sa.delete(Subscription))
        promise_ids = db.session.scalars(sa.select(Promise.id).where(
            Promise.title == "Trygg i parken")).all()
        db.session.execute(sa.delete(FollowUp).where(FollowUp.promise_id.in_(promise_ids)))
        db.session.execute(sa.delete(Promise).where(Promise.id.in_(promise_ids)))
        db.session.commit()


def test_a_resident_sends_a_tip_follows_it_and_reads_the_answer(browser, live_server, inbox,
                                                                cleanup):
    page = browser.new_context(locale="sv-SE").new_page()
    visits = Visits(page)
    page.goto(f"{live_server.url}/offentlig/lidkoping/tips")
    page.get_by_label("Ditt tips eller din synpunkt").fill(
        "Det är mörkt vid gångbron över Lidan på kvällarna.")
    page.get_by_label("Din e-postadress (frivilligt)").fill(RESIDENT)
    page.get_by_role("button", name="Skicka").click()
    page.wait_for_url(re.compile(r"/tips/tack$"))
    visits.check()
    case = page.locator("strong").filter(has_text=re.compile(r"^\d{4}-\d{5}$")).inner_text()
    status_url = page.locator(".status-link a").get_attribute("href")
    assert "/offentlig/tips/" in status_url
    (receipt,) = _wait_for(inbox, RESIDENT, 1)
    assert case in receipt.subject and status_url in receipt.body

    page.goto(status_url)
    visits.check()
    expect(page.get_by_role("heading", level=1, name=f"Ditt tips, ärende {case}")).to_be_visible()
    expect(page.get_by_text("Mottaget").first).to_be_visible()

    staff = browser.new_context(locale="sv-SE").new_page()
    staff_visits = Visits(staff)
    _login(staff, live_server, COORDINATOR)
    with live_server.app.app_context():
        # the newest: an earlier browser test may have left a tip from the same address
        tip_id = db.session.scalar(sa.select(Tip.id).where(Tip.reply_to == RESIDENT)
                                   .order_by(Tip.id.desc()).limit(1))
    staff.goto(f"{live_server.url}/tips/{tip_id}")
    staff_visits.check()
    answer = "Tack! Vi har beställt ny belysning vid gångbron. Den sätts upp i januari."
    staff.get_by_label("Svar till invånaren").fill(answer)
    staff.get_by_label("Ärendets status efter svaret").select_option("answered")
    staff.get_by_role("button", name="Skicka svaret").click()
    expect(staff.get_by_text("Svaret är sparat och visas för invånaren.")).to_be_visible()
    staff_visits.check()
    (_receipt, mailed) = _wait_for(inbox, RESIDENT, 2)
    assert answer in mailed.body and case in mailed.subject

    page.goto(status_url)
    visits.check()
    expect(page.get_by_text(answer)).to_be_visible()
    expect(page.get_by_text("Avslutat").first).to_be_visible()
    expect(page.get_by_text("Samordnare")).to_have_count(0)  # never who answered
    narrow = _narrow_check(browser, [status_url])
    assert visits.violations + staff_visits.violations + narrow == []


def _ready_followup(app) -> int:
    """A signed public promise of Lidköping with a follow-up both parties approved."""
    from tracker.followups import workflow as followups
    from tracker.followups.compiler import compile_followup

    with app.app_context():
        place = db.session.scalar(sa.select(Municipality).where(Municipality.slug == "lidkoping"))
        promise = Promise(municipality_id=place.id, title="Trygg i parken", start_year=2022,
                          end_year=2022, status=PromiseStatus.CONCLUDED, is_public=True,
                          signed_on=date(2022, 2, 1))
        db.session.add(promise)
        db.session.flush()
        area = FocusArea(promise_id=promise.id, title="Parken")
        db.session.add(area)
        db.session.flush()
        db.session.add(Commitment(promise_id=promise.id, focus_area_id=area.id,
                                  party=Party.KOMMUNEN, text="Kommunen lyser upp parken."))
        followup = compile_followup(promise.id, 2022, today=date(2023, 2, 1))
        db.session.flush()
        coordinator = db.session.scalar(sa.select(User).where(User.email == COORDINATOR))
        followup = make_ready(followups.load(followup.id), coordinator)
        followups.approve(db.session.scalar(sa.select(User).where(User.email == POLICE)),
                          followup, None)
        db.session.commit()
        return followup.id


def test_a_resident_subscribes_confirms_gets_the_news_and_unsubscribes(browser, live_server,
                                                                      inbox, cleanup):
    base = live_server.url
    page = browser.new_context(locale="sv-SE").new_page()
    visits = Visits(page)
    page.goto(f"{base}/offentlig/lidkoping")
    page.get_by_role("link", name="Följ via e-post").click()
    visits.check()
    page.get_by_label("Din e-postadress").fill(RESIDENT)
    page.get_by_role("button", name="Prenumerera").click()
    visits.check()
    expect(page.get_by_role("heading", level=1, name="Bekräfta din prenumeration")).to_be_visible()
    (confirmation,) = _wait_for(inbox, RESIDENT, 1)
    confirm_url = re.search(r"http://\S+/bekrafta", confirmation.body)[0]
    page.goto(confirm_url)
    visits.check()
    page.get_by_role("button", name="Ja, bekräfta").click()
    visits.check()
    expect(
        page.get_by_role("heading", name="Nu följer du medborgarlöftet i Lidköping")
    ).to_be_visible()

    followup_id = _ready_followup(live_server.app)
    staff = browser.new_context(locale="sv-SE").new_page()
    _login(staff, live_server, COORDINATOR)
    staff.goto(f"{base}/uppfoljningar/{followup_id}")
    staff.get_by_role("button", name="Godkänn för kommunen").click()
    staff.get_by_role("button", name="Publicera för invånarna").click()
    expect(staff.get_by_text("Uppföljningen är publicerad")).to_be_visible()

    (_confirmation, news) = _wait_for(inbox, RESIDENT, 2)
    assert news.subject == "Uppföljning 2022 av medborgarlöftet i Lidköping"
    assert f"/offentlig/uppfoljningar/{followup_id}" in news.body
    unsubscribe_url = re.search(r"http://\S+/avsluta", news.body)[0]
    page.goto(f"{base}/offentlig/uppfoljningar/{followup_id}")
    visits.check()
    narrow = _narrow_check(browser, [f"{base}/offentlig/uppfoljningar/{followup_id}",
                                     f"{base}/offentlig/lidkoping/prenumerera",
                                     unsubscribe_url])
    page.goto(unsubscribe_url)
    visits.check()
    page.get_by_role("button", name="Avsluta prenumerationen").click()
    visits.check()
    expect(page.get_by_role("heading", name="Prenumerationen är avslutad")).to_be_visible()
    with live_server.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Subscription)) == 0
    page.goto(unsubscribe_url)  # the link from the letter opened again: said why it is spent
    visits.check()
    expect(page.get_by_role("heading", name="Länken går inte att använda")).to_be_visible()
    assert visits.violations + narrow == []


def test_charts_and_progress_fit_a_phone(browser, live_server):
    """The demo's published follow-up and its promise's progress, at 320 px: every chart
    scales to the screen and its table is there; nothing scrolls sideways; axe passes."""
    page = browser.new_context(**NARROW).new_page()
    visits = Visits(page)
    page.goto(f"{live_server.url}/offentlig/lidkoping")
    page.get_by_role("link", name=re.compile("Tryggare tillsammans")).first.click()
    visits.check()
    expect(page.get_by_text("Senast uppdaterad")).to_be_visible()
    summaries = page.locator("details.progress-chart summary")
    assert summaries.count() > 0
    summaries.first.click()
    chart = page.locator("details.progress-chart[open] svg[role=img]").first
    assert 0 < chart.bounding_box()["width"] <= 320
    expect(page.locator("details.progress-chart[open] table").first).to_be_visible()
    assert page.evaluate(OVERFLOW) == 0
    visits.check()
    page.get_by_role("link", name="Så räknar vi – och vad siffrorna inte visar").click()
    visits.check()
    assert page.evaluate(OVERFLOW) == 0

    page.goto(f"{live_server.url}/offentlig/lidkoping")
    page.locator(".followup-list a").first.click()
    visits.check()
    charts = page.locator("svg[role=img]")
    assert charts.count() >= 1
    for index in range(charts.count()):
        box = charts.nth(index).bounding_box()
        assert box is None or box["width"] <= 320
    assert page.evaluate(OVERFLOW) == 0
    assert visits.violations == []
