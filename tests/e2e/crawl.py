"""The crawl of the accessibility tests: each role follows the links it is shown, from its start
pages, visiting each page type (Flask endpoint) at most twice to find further links.

`tests/e2e/test_axe_every_page.py` crawls as one role per test, so the roles can run in
parallel processes.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import sqlalchemy as sa
from werkzeug.exceptions import HTTPException

from tests.e2e.test_working_year import _login
from tracker.extensions import db

ROLES = {
    "invånare": None,
    "läsare": "lasare@demo.lofteskollen.se",
    "kommunpolis": "kommunpolis@demo.lofteskollen.se",
    "samordnare": "samordnare@demo.lofteskollen.se",
    "administratör": "admin@demo.lofteskollen.se",
}
# The page types each role must reach (beside its start page): a crawl that stops reaching
# them has lost a link, and its pages would go unchecked.
MUST_REACH = {
    "invånare": {"auth.login", "auth.forgot_password", "public.index", "public.followup",
                 "public.promise", "walks.public_protocol"},
    "läsare": {"followups.index", "activities.list_for", "activities.detail",
               "activities.my_tasks", "walks.protocol"},
    "kommunpolis": {"activities.log", "activities.edit_entry", "notifications.index",
                    "activities.my_tasks", "walks.protocol", "walks.action_list"},
    "samordnare": {"followups.edit_section", "promises.paste", "promises.create",
                   "members.invite", "walks.protocol", "walks.new_finding", "walks.edit_finding",
                   "walks.remove_finding", "walks.action", "walks.edit_action",
                   "walks.new_action", "walks.action_list"},
    "administratör": {"admin.jobs", "admin.user_security", "admin.users",
                      "admin.municipality_new"},
}
WALK_PAGES = {"walks.protocol", "walks.new_finding", "walks.edit_finding",
              "walks.remove_finding", "walks.action", "walks.edit_action", "walks.action_list",
              "walks.new_action", "walks.public_protocol"}
SKIP = ("/logout", "/sprak/", "/api/", "/kalender/", "/export", ".pdf", ".docx", ".ics",
        ".csv", ".xlsx", ".atom", "/import/mallar/", "/bilagor/", "/bilder/")  # files
MAX_PAGES_PER_ROLE = 120
VISITS_PER_ENDPOINT = 2
# How far the page scrolls sideways (WCAG 1.4.10: none at 320 CSS px).
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@dataclass
class Visit:
    url: str
    endpoint: str
    page: object      # the Playwright page, showing the URL
    first: bool       # the first visit of this page type in the crawl
    start: bool       # the role's own start page


def _endpoint(app, url: str) -> str | None:
    parts = urlsplit(url)
    try:
        endpoint, _ = app.url_map.bind("localhost").match(parts.path, method="GET")
    except HTTPException:
        return None
    return endpoint


def _user_id(app, email: str) -> int:
    from tracker.models import User

    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == email))


def _links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    found = []
    for href in hrefs:
        url = urljoin(page.url, href).split("#")[0]
        if url.startswith(base) and not any(part in url for part in SKIP):
            found.append(url)
    return found


def crawl(browser, live_server, role: str, **context_options) -> Iterator[Visit]:
    """The pages `role` reaches (status < 400), in a browser context of its own."""
    app, base, email = live_server.app, live_server.url, ROLES[role]
    context = browser.new_context(**context_options)
    try:
        page = context.new_page()
        if email:
            _login(page, live_server, email)
        start = page.url if email else f"{base}/offentlig/"
        extra = ["/uppfoljningar", "/mina-uppgifter"] if email else [
            "/login", "/offentlig/tillganglighet"]
        if role == "administratör":  # a user's security page is reached only by a search
            extra.append(f"/admin/sakerhet/{_user_id(app, ROLES['läsare'])}")
        queue = [start, *(base + path for path in extra)]
        seen: set[str] = set()
        per_endpoint: dict[str, int] = {}  # pages visited per page type, to find links
        visited = 0
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
                continue  # a link this role is shown but may not open is the route table's job
            yield Visit(url, endpoint, page, per_endpoint[endpoint] == 1, url == start)
            queue.extend(link for link in _links(page, base) if link not in seen)
    finally:
        context.close()
