"""axe in Chromium on every page of the application, public and internal, as each role, at a
desktop width and at 320 px, where no page may scroll sideways (WCAG 1.4.10 reflow; a wide
table scrolls in its own focusable, labelled region).

Each role crawls the links it is shown, from its start page (and the public site for a
resident; `tests/e2e/crawl.py`), and every page type (Flask endpoint) is checked the first
time the role reaches it at 320 × 640 (what a desktop browser zoomed to 400 % shows): the
sideways scroll and axe. At 1280 × 720 axe checks each page type once, as the first role to
reach it shows it, and each role's start page. One test per role, so the roles run side by
side (in the processes of pytest-xdist, which share the record of page types checked).
"""
from __future__ import annotations

import os

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.crawl import MUST_REACH, OVERFLOW, ROLES, WALK_PAGES, crawl

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 720}
NARROW = {"width": 320, "height": 640}
# Pages measured and printed but not asserted at 320 px; empty now that every page reflows.
# Add an endpoint only with the reason, and remove it when its page reflows.
ELSEWHERE: set[str] = set()


@pytest.fixture(scope="session")
def first_at_desktop(tmp_path_factory, worker_id):
    """first_at_desktop(endpoint) → True for the first role of the run to check that page type
    at a desktop width, in any process (a file per page type in the run's shared directory)."""
    root = tmp_path_factory.getbasetemp()
    shared = (root if worker_id == "master" else root.parent) / "axe-at-desktop"
    shared.mkdir(exist_ok=True)

    def first(endpoint: str) -> bool:
        try:
            os.close(os.open(shared / endpoint, os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            return False
        return True

    return first


def test_the_roles_together_reach_every_walk_page():
    assert WALK_PAGES <= set().union(*MUST_REACH.values())


@pytest.mark.parametrize("role", ROLES)
def test_every_page_has_no_axe_violations_and_reflows_at_320_px(
        role, browser, live_server, published_followup, walk_protocol, first_at_desktop):
    axe = Axe()
    checked: dict[str, str] = {}   # endpoint → URL checked
    at_desktop = 0
    violations: list[str] = []
    overflowing: list[str] = []
    elsewhere: list[str] = []      # the ELSEWHERE pages' findings at 320 px, printed
    for visit in crawl(browser, live_server, role, locale="sv-SE", viewport=DESKTOP):
        if not visit.first:
            continue
        checked[visit.endpoint] = page_url = visit.url
        page = visit.page
        if visit.start or first_at_desktop(visit.endpoint):
            at_desktop += 1
            for v in axe.run(page).response["violations"]:
                violations.append(f"{role} {page_url}: {v['id']} {v['help']}")
        page.set_viewport_size(NARROW)
        narrow = overflowing if visit.endpoint not in ELSEWHERE else elsewhere
        if (excess := page.evaluate(OVERFLOW)) > 0:
            narrow.append(f"{role} {page_url} at 320 px: {excess} px")
        narrow = violations if visit.endpoint not in ELSEWHERE else elsewhere
        for v in axe.run(page).response["violations"]:
            narrow.append(f"{role} {page_url} at 320 px: {v['id']} {v['help']}")
        page.set_viewport_size(DESKTOP)
    print(f"{role}: {len(checked)} page types ({at_desktop} also at a desktop width); "
          f"{len(violations)} axe violations, "
          f"{len(overflowing)} overflowing at 320 px; on pages changed elsewhere "
          f"{len(elsewhere)} findings:", ", ".join(sorted(checked)))
    print("\n".join(violations + overflowing + elsewhere))
    assert MUST_REACH[role] <= set(checked)
    assert violations == []
    assert overflowing == []
