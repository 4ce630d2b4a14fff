"""The kommunpolis' phone (Chromium, 390×844 touch): log an occasion in few taps, a double tap
on Spara logs once, correct an occasion, remove another with a reason; the menu works without
JavaScript; the officer's pages reflow at 320 px with no horizontal scrolling and no axe
violations."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.phone import NARROW, axe_into, overflow, tap
from tracker.extensions import db
from tracker.formatting import local_today

pytestmark = pytest.mark.browser

OFFICER = "kommunpolis.skara@demo.lofteskollen.se"
TITLE = "Mobilpatrull vid stationen"


@pytest.fixture
def activity_id(new_activity):
    """An activity of the officer's in a promise of this year, removed again afterwards. One
    per test: the tests log occasions on it, and the first counts exactly the ones it logs."""
    with new_activity(OFFICER, "Skara", "Medborgarlöfte för mobilen",
                      "trygghetsskapande_patrullering", TITLE, target_count=10) as made:
        yield made["activity"]


def _entries(app, activity_id: int) -> list[tuple[int, str]]:
    from tracker.models import LogEntry

    with app.app_context():
        rows = db.session.execute(sa.select(LogEntry.id, LogEntry.note).where(
            LogEntry.activity_id == activity_id).order_by(LogEntry.id)).all()
        db.session.remove()
    return [tuple(r) for r in rows]


def test_log_fix_and_remove_occasions_on_a_phone(live_server, phone_login, activity_id):
    app, base = live_server.app, live_server.url
    context, page = phone_login(OFFICER)
    violations: list[str] = []

    # From the page after login to a logged occasion: Mina uppgifter, Logga, Spara.
    taps = 0
    tap(page, page.get_by_role("link", name="Mina uppgifter").first)
    taps += 1
    axe_into(page, violations)
    task = page.get_by_role("listitem").filter(has_text=TITLE)
    tap(page, task.get_by_role("link", name=re.compile("^Logga")))
    taps += 1
    axe_into(page, violations)
    expect(page.get_by_label(re.compile("^Timmar"))).to_have_count(1)
    expect(page.get_by_label("Tid i timmar")).to_have_count(0)
    save = page.get_by_role("button", name="Spara")
    box = save.bounding_box()
    assert box["y"] + box["height"] <= 844 and box["height"] >= 44  # within reach, no scrolling
    page.get_by_label("Anteckning").fill("Lugnt vid stationen")
    tap(page, save)
    taps += 1
    expect(page.get_by_role("heading", name="Genomförandet är loggat")).to_be_visible()
    assert taps == 3
    assert _entries(app, activity_id) == [(_entries(app, activity_id)[0][0], "Lugnt vid stationen")]

    # Correct it straight from the confirmation.
    tap(page, page.get_by_role("link", name="Ändra genomförandet"))
    axe_into(page, violations)
    page.get_by_label("Anteckning").fill("Lugnt vid stationen, två samtal")
    tap(page, page.get_by_role("button", name="Spara ändringen"))
    expect(page.get_by_text("Genomförandet är ändrat.")).to_be_visible()
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
    tap(page, page.get_by_role("button", name="Spara"))
    expect(page.get_by_role("heading", name="Genomförandet är loggat")).to_be_visible()
    expect(page.get_by_text("inget nytt är sparat")).to_be_visible()
    notes = [note for _id, note in _entries(app, activity_id)]
    assert notes.count("Dubbeltryck") == 1, notes

    # Remove it with a reason: the activity's history says who and why.
    page.goto(f"{base}/aktiviteter/{activity_id}")
    axe_into(page, violations)
    tap(page, page.get_by_role("link", name=re.compile("^Ta bort")).first)
    axe_into(page, violations)
    tap(page, page.get_by_role("button", name="Ta bort genomförandet"))
    expect(page.get_by_text("Ange varför genomförandet tas bort.").first).to_be_visible()
    page.get_by_label("Varför tas genomförandet bort?").fill("Loggad två gånger")
    tap(page, page.get_by_role("button", name="Ta bort genomförandet"))
    expect(page.get_by_text("Genomförandet är borttaget.")).to_be_visible()
    assert [note for _id, note in _entries(app, activity_id)] == ["Lugnt vid stationen, två samtal"]
    history = page.locator("#history-heading + ol")
    assert "Motivering: Loggad två gånger" in history.inner_text()
    assert "ändrade genomförandet" in history.inner_text()
    context.close()
    assert violations == []


def test_the_menu_opens_without_javascript(phone_login):
    context, page = phone_login(OFFICER, java_script_enabled=False)
    header = page.locator(".site-header")
    assert header.bounding_box()["height"] <= 80  # one compact row
    logout = page.get_by_role("button", name="Logga ut")
    expect(logout).not_to_be_visible()
    page.locator("summary", has_text="Meny").tap()  # "Meny" and any unread count
    expect(logout).to_be_visible()
    context.close()


def test_the_officers_pages_reflow_at_320_px(live_server, phone_login, activity_id):
    context, page = phone_login(OFFICER, **NARROW)
    page.goto(f"{live_server.url}/aktiviteter/{activity_id}/logga")
    tap(page, page.get_by_role("button", name="Spara"))
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
        if overflow(page) > 0:
            overflowing.append(f"{path}: {overflow(page)} px")
        axe_into(page, violations)
    # A refused status change (cancelled without a reason): its own page, the choice kept
    page.goto(f"{live_server.url}/aktiviteter/{activity_id}")
    page.get_by_label("Ny status").select_option("cancelled")
    tap(page, page.get_by_role("button", name="Ändra status"))
    expect(page.get_by_text("Ange varför aktiviteten ställs in.").first).to_be_visible()
    assert page.get_by_label("Ny status").input_value() == "cancelled"
    if overflow(page) > 0:
        overflowing.append(f"the refused status change: {overflow(page)} px")
    axe_into(page, violations)
    context.close()
    assert overflowing == [] and violations == []
