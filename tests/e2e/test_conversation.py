"""The conversation on an activity and the notifications, on phones (320 and 390 px): the
kommunpolis writes, is refused a personnummer without losing the text, mentions the
coordinator and corrects the comment; the coordinator sees the count in the header, opens
Aviseringar and lands on the comment. Every page on the way: axe, no horizontal scrolling."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.crawl import OVERFLOW
from tests.e2e.test_working_year import _login
from tracker.extensions import db

pytestmark = pytest.mark.browser

OFFICER = "kommunpolis@demo.lofteskollen.se"
COORDINATOR = "samordnare@demo.lofteskollen.se"


def _phone(width: int) -> dict:
    return {"viewport": {"width": width, "height": 740}, "locale": "sv-SE", "is_mobile": True,
            "has_touch": True}


@pytest.fixture
def scene(demo_app):
    """A Lidköping activity and the coordinator's name, with no unread notification (the
    tests count them in the header; another test of the shared demo, a resident's tip, may
    have left some: they are read during the test and unread again after it); comments and
    notifications made here are removed afterwards."""
    from tracker.models import Activity, ActivityComment, Membership, Notification, User
    from tracker.models.base import utcnow

    with demo_app.app_context():
        coordinator = db.session.scalar(sa.select(User).where(User.email == COORDINATOR))
        municipality_id = db.session.scalar(sa.select(Membership.municipality_id).where(
            Membership.user_id == coordinator.id))
        activity_id = db.session.scalar(sa.select(Activity.id).where(
            Activity.municipality_id == municipality_id).order_by(Activity.id))
        name = coordinator.name
        first_new = (db.session.scalar(sa.select(sa.func.max(Notification.id))) or 0) + 1
        unread = list(db.session.scalars(sa.select(Notification.id).where(
            Notification.user_id == coordinator.id, Notification.read_at.is_(None))))
        db.session.execute(sa.update(Notification).where(Notification.id.in_(unread))
                           .values(read_at=utcnow()))
        db.session.commit()
    yield {"activity_id": activity_id, "coordinator_name": name}
    with demo_app.app_context():
        db.session.execute(sa.delete(Notification).where(Notification.id >= first_new))
        db.session.execute(sa.update(Notification).where(Notification.id.in_(unread))
                           .values(read_at=None))
        db.session.execute(sa.delete(ActivityComment))
        db.session.commit()


def _check(page, where: str, problems: list[str]) -> None:
    page.wait_for_load_state()  # after a click on a link, the next page may still be parsing
    excess = page.evaluate(OVERFLOW)
    if excess > 0:
        problems.append(f"{where}: {excess} px too wide")
    for v in Axe().run(page).response["violations"]:
        problems.append(f"{where}: {v['id']} {v['help']}")


def test_a_conversation_and_its_notification_on_phones(browser, live_server, scene):
    base, problems = live_server.url, []
    activity_url = f"{base}/aktiviteter/{scene['activity_id']}"

    officer = browser.new_context(**_phone(320)).new_page()
    _login(officer, live_server, OFFICER)
    officer.goto(activity_url)
    _check(officer, "320 activity page", problems)
    box = officer.get_by_label("Kommentar")
    assert "Nämn en medlem med @" in officer.locator("#text-hint").inner_text()
    box.fill("Mannen med personnummer 19121212-1212 var där igen.")
    officer.get_by_role("button", name="Skicka kommentaren").click()
    assert "personnummer" in officer.locator(".error-summary").inner_text()
    assert officer.get_by_label("Kommentar").input_value().startswith("Mannen med personnummer")
    _check(officer, "320 refused comment", problems)

    officer.get_by_label("Kommentar").fill(
        f"@{scene['coordinator_name']} kan du ta med ficklampor på torsdag?")
    officer.get_by_role("button", name="Skicka kommentaren").click()
    assert re.search(r"#kommentar-\d+$", officer.url)
    comment = officer.locator(".comments li").last
    assert "ta med ficklampor" in comment.inner_text()
    comment.get_by_role("link", name=re.compile("^Ändra")).click()
    _check(officer, "320 edit comment", problems)
    officer.get_by_label("Kommentar").fill(
        f"@{scene['coordinator_name']} kan du ta med ficklampor och västar på torsdag?")
    officer.get_by_role("button", name="Spara ändringen").click()
    assert "västar" in officer.locator(".comments li").last.inner_text()
    assert "ändrad" in officer.locator(".comments li").last.inner_text()
    officer.context.close()

    for width in (390, 320):  # 390 only looks; 320 opens the notification
        coordinator = browser.new_context(**_phone(width)).new_page()
        _login(coordinator, live_server, COORDINATOR)
        menu = coordinator.locator("summary", has_text="Meny")
        assert menu.locator(".badge").inner_text().startswith("1")
        _check(coordinator, f"{width} start page with a count", problems)
        if width == 390:
            coordinator.context.close()
            continue
        menu.click()
        coordinator.get_by_role("link", name=re.compile("^Aviseringar")).click()
        _check(coordinator, "320 Aviseringar", problems)
        notice = coordinator.get_by_role("link", name=re.compile("nämnde dig i en kommentar"))
        notice.click()
        assert re.search(rf"/aktiviteter/{scene['activity_id']}#kommentar-\d+$", coordinator.url)
        coordinator.goto(f"{base}/aviseringar")
        assert "Läst" in coordinator.locator(".notifications li").first.inner_text()
        expect(coordinator.locator("summary .badge")).to_have_count(0)
        _check(coordinator, "320 Aviseringar, all read", problems)
        coordinator.context.close()
    assert problems == []


def test_a_two_digit_count_still_fits_a_320_px_header(browser, live_server, scene):
    from tracker.models import NotificationKind, User
    from tracker.services import notifications

    with live_server.app.app_context():
        coordinator = db.session.scalar(sa.select(User).where(User.email == COORDINATOR))
        for n in range(12):
            notifications.notify([coordinator], NotificationKind.ASSIGNED, "activity",
                                 scene["activity_id"], f"Aktivitet {n}")
        db.session.commit()
    page = browser.new_context(**_phone(320)).new_page()
    _login(page, live_server, COORDINATOR)
    assert page.locator("summary .badge").inner_text().startswith("12")
    problems: list[str] = []
    _check(page, "320 start page with 12", problems)
    page.locator("summary", has_text="Meny").click()
    page.get_by_role("link", name=re.compile("^Aviseringar")).click()
    _check(page, "320 Aviseringar with 12", problems)
    page.get_by_role("button", name="Markera alla som lästa").click()
    assert "Alla aviseringar är markerade som lästa." in page.locator(".flashes").inner_text()
    expect(page.locator("summary .badge")).to_have_count(0)
    page.context.close()
    assert problems == []
