"""The phone the browser tests use (Chromium, 390×844 touch) and what they check on each page."""
from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

# A Swedish phone: its clock in Stockholm time, like the server's local_today() (between
# midnight in Stockholm and midnight UTC the dates differ).
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "sv-SE",
         "timezone_id": "Europe/Stockholm", "is_mobile": True, "has_touch": True}
NARROW = {**PHONE, "viewport": {"width": 320, "height": 640}}  # the narrowest phone WCAG asks for


def axe_into(page, found: list[str]) -> None:
    """The page's axe violations, added to `found` with the page's address."""
    page.wait_for_load_state()
    for v in Axe().run(page).response["violations"]:
        found.append(f"{page.url}: {v['id']} {v['help']}")


def tap(page, target) -> None:
    """Tap a link or button and wait for the page it leads to."""
    with page.expect_navigation():
        target.tap()
    page.wait_for_load_state()


def overflow(page) -> int:
    """How many pixels the page is wider than the screen (horizontal scrolling when > 0)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
