"""The kommunpolis' phone (Chromium, 390×844 touch): log an occasion in few taps, a double tap
on Spara logs once, correct an occasion, remove another with a reason; the menu works without
JavaScript; the officer's pages reflow at 320 px with no horizontal scrolling and no axe
violations."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.test_working_year import _login
from tracker.extensions import db
from tracker.formatting import local_today

pytestmark = pytest.mark.browser

OFFICER = "kommunpolis.skara@demo.lofteskollen.se"
TITLE = "Mobilpatrull vid stationen"
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "sv-SE", "is_mobile": True,
         "has_touch": True}


@pytest.fixture(scope="module")
def activity_id(demo_app):
    from tracker.models import Activity

    """An activity of the officer's in a promise of this year, removed again afterwards."""
    from tests.factories import make_commitment, make_promise
    from tracker.models import ActivityType, Membership, Municipality, Place, Promise, User

    with demo_app.app_context():
        officer = db.session.scalar(sa.select(User).where(User.email == OFFICER))
        skara = db.session.scalar(sa.select(Municipality).join(
            Membership, Membership.municipality_id == Municipality.id).where(
            Membership.user_id == officer.id, Municipality.name == "Skara"))
        promise = make_promise(skara, year=local_today().year)
        promise.title = "Medborgarlöfte för mobilen"
        commitment = make_commitment(promise)
        place = db.session.scalars(sa.select(Place).where(
            Place.municipality_id == skara.id).order_by(Place.name)).first()
        kind = db.session.scalar(sa.select(ActivityType).where(
            ActivityType.key == "trygghetsskapande_patrullering"))
        activity = Activity(commitment_id=commitment.id, municipality_id=skara.id,
                            type_id=kind.id, title=TITLE, owner_id=officer.id, target_count=10,
                            due_date=local_today())
        activity.assignees, activity.places = [], [place]
        db.session.add(activity)
        db.session.commit()
        created, promise_id = activity.id, promise.id
    yield created
    with demo_app.app_context():
        db.session.execute(sa.delete(Promise).where(Promise.id == promise_id))
        db.session.commit()


def _entries(app, activity_id: int) -> list[tuple[int, str]]:
    from tracker.models import LogEntry

    with app.app_context():
        rows = db.session.execute(sa.select(LogEntry.id, LogEntry.note).where(
            LogEntry.activity_id == activity_id).order_by(LogEntry.id)).all()
        db.session.remove()
    return [tuple(r) for r in rows]


def _axe(page, found: list[str]) -> None:
    page.wait_for_load_state()
    for v in Axe().run(page).response["violations"]:
        found.append(f"{page.url}: {v['id']} {v['help']}")


def _go(page, target) -> None:
    """Tap a link or button and wait for the page it leads to."""
    with page.expect_navigation():
        target.tap()
    page.wait_for_load_state()


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_log_fix_and_remove_occasions_on_a_phone(browser, live_server, activity_id):
    app, base = live_server.app, live_server.url
    context = browser.new_context(**PHONE)
    page = context.new_page()
    violations: list[str] = []
    _login(page, live_server, OFFICER)

    # From the page after login to a logged occasion: Mina uppgifter, Logga, Spara.
    taps = 0
    _go(page, page.get_by_role("link", name="Mina uppgifter").first)
    taps += 1
    _axe(page, violations)
    task = page.get_by_role("listitem").filter(has_text=TITLE)
    _go(page, task.get_by_role("link", name=re.compile("^Logga")))
    taps += 1
    _axe(page, violations)
    assert page.get_by_label(re.compile("^Timmar")).count() == 1
    assert page.get_by_label("Tid i timmar").count() == 0
    save = page.get_by_role("button", name="Spara")
    box = save.bounding_box()
    assert box["y"] + box["height"] <= 844 and box["height"] >= 44  # within reach, no scrolling
    page.get_by_label("Anteckning").fill("Lugnt vid stationen")
    _go(page, save)
    taps += 1
    assert page.get_by_role("heading", name="Genomförandet är loggat").is_visible()
    assert taps == 3
    assert _entries(app, activity_id) == [(_entries(app, activity_id)[0][0], "Lugnt vid stationen")]

    # Correct it straight from the confirmation.
    _go(page, page.get_by_role("link", name="Ändra genomförandet"))
    _axe(page, violations)
    page.get_by_label("Anteckning").fill("Lugnt vid stationen, två samtal")
    _go(page, page.get_by_role("button", name="Spara ändringen"))
    assert page.get_by_text("Genomförandet är ändrat.").is_visible()
    assert _entries(app, activity_id)[0][1] == "Lugnt vid stationen, två samtal"

    # Spara tapped twice: the first sending's answer never reaches the phone (sent here from
    # the page itself, as the browser would), so the kommunpolis taps again: one occasion.
    page.goto(f"{base}/aktiviteter/{activity_id}/logga")
    page.get_by_label("Anteckning").fill("Dubbeltryck")
    status = page.evaluate("""async () => {
        const form = document.querySelector('.log-form');
        const answer = await fetch(form.action || location.href,
                                   {method: 'POST', body: new FormData(form), redirect: 'manual'});
        return answer.type === 'opaqueredirect' ? 302 : answer.status; }""")
    assert status == 302
    _go(page, page.get_by_role("button", name="Spara"))
    assert page.get_by_role("heading", name="Genomförandet är loggat").is_visible()
    assert page.get_by_text("inget nytt är sparat").is_visible()
    notes = [note for _id, note in _entries(app, activity_id)]
    assert notes.count("Dubbeltryck") == 1, notes

    # Remove it with a reason: the activity's history says who and why.
    page.goto(f"{base}/aktiviteter/{activity_id}")
    _axe(page, violations)
    _go(page, page.get_by_role("link", name=re.compile("^Ta bort")).first)
    _axe(page, violations)
    _go(page, page.get_by_role("button", name="Ta bort genomförandet"))
    assert page.get_by_text("Ange varför genomförandet tas bort.").first.is_visible()
    page.get_by_label("Varför tas genomförandet bort?").fill("Loggad två gånger")
    _go(page, page.get_by_role("button", name="Ta bort genomförandet"))
    assert page.get_by_text("Genomförandet är borttaget.").is_visible()
    assert [note for _id, note in _entries(app, activity_id)] == ["Lugnt vid stationen, två samtal"]
    history = page.locator("#history-heading + ol")
    assert "Motivering: Loggad två gånger" in history.inner_text()
    assert "ändrade genomförandet" in history.inner_text()
    context.close()
    assert violations == []


def test_the_menu_opens_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, **PHONE)
    page = context.new_page()
    _login(page, live_server, OFFICER)
    header = page.locator(".site-header")
    assert header.bounding_box()["height"] <= 80  # one compact row
    logout = page.get_by_role("button", name="Logga ut")
    assert not logout.is_visible()
    page.locator("summary", has_text="Meny").tap()  # "Meny" and any unread count
    assert logout.is_visible()
    context.close()


def test_the_officers_pages_reflow_at_320_px(browser, live_server, activity_id):
    context = browser.new_context(**{**PHONE, "viewport": {"width": 320, "height": 640}})
    page = context.new_page()
    _login(page, live_server, OFFICER)
    page.goto(f"{live_server.url}/aktiviteter/{activity_id}/logga")
    _go(page, page.get_by_role("button", name="Spara"))
    entry = _entries(live_server.app, activity_id)[-1][0]
    paths = ["/", "/mina-uppgifter", "/paminnelser", f"/aktiviteter/{activity_id}",
             f"/aktiviteter/{activity_id}/logga",
             f"/aktiviteter/{activity_id}/genomforanden/{entry}/andra",
             f"/aktiviteter/{activity_id}/genomforanden/{entry}/ta-bort"]
    page.goto(f"{live_server.url}/aktiviteter/{activity_id}")
    municipality = page.get_by_role("link", name=re.compile("^Alla aktiviteter i")).get_attribute(
        "href").split("/")[2]
    paths += [f"/kommuner/{municipality}", f"/kommuner/{municipality}/aktiviteter",
              f"/kommuner/{municipality}/platser"]
    overflowing, violations = [], []
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        if _overflow(page) > 0:
            overflowing.append(f"{path}: {_overflow(page)} px")
        _axe(page, violations)
    context.close()
    assert overflowing == [] and violations == []
