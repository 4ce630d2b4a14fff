"""Every page type for every role at 320 px (WCAG 1.4.10 reflow): no horizontal scrolling of
the page (a wide table scrolls in its own focusable, labelled region) and no axe violations."""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.test_axe_every_page import (  # noqa: F401
    ROLES,
    WALK_PAGES,
    _endpoint,
    _links,
    published_followup,
    walk_protocol,
)
from tests.e2e.test_working_year import _login

pytestmark = pytest.mark.browser

NARROW = {"viewport": {"width": 320, "height": 640}, "locale": "sv-SE", "is_mobile": True,
          "has_touch": True}
MAX_PAGES_PER_ROLE = 120
VISITS_PER_ENDPOINT = 2
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
# Pages measured and printed but not asserted; empty now that every page reflows. Add an
# endpoint only with the reason, and remove it when its page reflows.
ELSEWHERE: set[str] = set()


def test_every_page_reflows_at_320_px_for_every_role(browser, live_server,
                                                     published_followup,  # noqa: F811
                                                     walk_protocol):  # noqa: F811
    app, base = live_server.app, live_server.url
    checked: dict[str, str] = {}
    overflowing: list[str] = []
    violations: list[str] = []
    elsewhere: list[str] = []  # the ELSEWHERE pages' findings, printed
    for role, email in ROLES.items():
        context = browser.new_context(**NARROW)
        page = context.new_page()
        if email:
            _login(page, live_server, email)
        start = page.url if email else f"{base}/offentlig/"
        extra = ["/uppfoljningar", "/mina-uppgifter"] if email else [
            "/login", "/offentlig/tillganglighet"]
        queue, seen, per_endpoint, visited = [start, *(base + p for p in extra)], set(), {}, 0
        while queue and visited < MAX_PAGES_PER_ROLE:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            endpoint = _endpoint(app, url)
            if endpoint is None or per_endpoint.get(endpoint, 0) >= VISITS_PER_ENDPOINT:
                continue
            per_endpoint[endpoint] = per_endpoint.get(endpoint, 0) + 1
            response = page.goto(url)
            visited += 1
            if response is None or response.status >= 400:
                continue
            key = f"{role} {endpoint}"
            if key not in checked:
                checked[key] = url
                found = overflowing if endpoint not in ELSEWHERE else elsewhere
                excess = page.evaluate(OVERFLOW)
                if excess > 0:
                    found.append(f"{role} {url}: {excess} px")
                found = violations if endpoint not in ELSEWHERE else elsewhere
                for v in Axe().run(page).response["violations"]:
                    found.append(f"{role} {url}: {v['id']} {v['help']}")
            queue.extend(link for link in _links(page, base) if link not in seen)
        context.close()
    endpoints = {key.split(" ", 1)[1] for key in checked}
    print(f"320 px: {len(checked)} (role, page type) pairs, {len(endpoints)} page types; "
          f"{len(overflowing)} overflowing, {len(violations)} axe violations; on pages changed "
          f"elsewhere {len(elsewhere)} findings")
    print("\n".join(overflowing + violations + elsewhere))
    assert len(endpoints) >= 40
    assert WALK_PAGES <= endpoints
    assert overflowing == []
    assert violations == []
