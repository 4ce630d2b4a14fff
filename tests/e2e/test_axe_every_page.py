"""axe in Chromium on every page of the application, public and internal, as each role.

Each role crawls the links it is shown, from its start page (and the public site for a
resident). Every page type (Flask endpoint) is checked with axe the first time any role
reaches it, and every role's own start pages are checked too, so all pages are covered
without running axe hundreds of times on the same template.
"""
from __future__ import annotations

from datetime import date
from urllib.parse import urljoin, urlsplit

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from werkzeug.exceptions import HTTPException

from tests.e2e.test_working_year import _login
from tests.factories import make_ready
from tracker.extensions import db

pytestmark = pytest.mark.browser

ROLES = {
    "invånare": None,
    "läsare": "lasare@demo.lofteskollen.se",
    "kommunpolis": "kommunpolis@demo.lofteskollen.se",
    "samordnare": "samordnare@demo.lofteskollen.se",
    "administratör": "admin@demo.lofteskollen.se",
}
SKIP = ("/logout", "/sprak/", "/api/", "/kalender/", "/export", ".pdf", ".docx", ".ics",
        ".csv", ".xlsx", ".atom", "/import/mallar/", "/bilagor/", "/bilder/")  # files
MAX_PAGES_PER_ROLE = 120
VISITS_PER_ENDPOINT = 2


@pytest.fixture(scope="module")
def published_followup(demo_app):
    """A published follow-up and an open draft in the demo, so their pages are crawled too."""
    from tracker.followups import workflow as followups
    from tracker.followups.compiler import compile_followup
    from tracker.models import FollowUp, Notification, Promise, Tip, User

    with demo_app.app_context():
        promise = db.session.scalar(sa.select(Promise).where(
            Promise.title == "Medborgarlöfte 2022–2023"))
        published = compile_followup(promise.id, 2022, today=date(2024, 2, 1))
        draft = compile_followup(promise.id, 2023, today=date(2024, 2, 1))
        db.session.flush()
        published = followups.load(published.id)
        published = make_ready(published, db.session.scalar(sa.select(User).where(
            User.email == "samordnare@demo.lofteskollen.se")))
        for email in ("lpo@demo.lofteskollen.se", "samordnare@demo.lofteskollen.se"):
            user = db.session.scalar(sa.select(User).where(User.email == email))
            followups.approve(user, published, None)
        followups.publish(user, published, None)
        tip = Tip(municipality_id=promise.municipality_id,
                  text="Gatlampan vid busshållplatsen är trasig.")
        db.session.add(tip)
        db.session.commit()
        draft_id, promise_id, tip_id = draft.id, promise.id, tip.id
    yield draft_id
    with demo_app.app_context():  # the other browser tests start from the plain demo
        db.session.execute(sa.delete(Tip).where(Tip.id == tip_id))
        db.session.execute(sa.delete(Notification).where(  # the approval's, to the other party
            Notification.target_type == "followup", Notification.target_id.in_(
                sa.select(FollowUp.id).where(FollowUp.promise_id == promise_id))))
        db.session.execute(sa.delete(FollowUp).where(FollowUp.promise_id == promise_id))
        db.session.commit()


@pytest.fixture(scope="module")
def walk_protocol(demo_app):
    """A published walk protocol in Lidköping with a finding, its photo and an action for the
    coordinator, and a meeting's action point for the kommunpolis: the walk pages get crawled."""
    from tests import images
    from tests.factories import make_commitment, make_promise
    from tracker.formatting import local_today
    from tracker.models import (
        ActionPoint,
        Activity,
        ActivityType,
        Finding,
        FindingCategory,
        LogEntry,
        Municipality,
        Party,
        Place,
        Promise,
        ResponsibleParty,
        User,
        WalkProtocol,
    )
    from tracker.models.base import utcnow
    from tracker.services import uploads

    with demo_app.app_context():
        def user(email):
            return db.session.scalar(sa.select(User).where(User.email == email))

        officer, coordinator = (user("kommunpolis@demo.lofteskollen.se"),
                                user("samordnare@demo.lofteskollen.se"))
        town = db.session.scalar(sa.select(Municipality).where(Municipality.name == "Lidköping"))
        place = db.session.scalars(sa.select(Place).where(
            Place.municipality_id == town.id).order_by(Place.name)).first()
        promise = make_promise(town, year=local_today().year)
        promise.title = "Medborgarlöfte med en trygghetsvandring"
        kind = db.session.scalar(sa.select(ActivityType).where(
            ActivityType.key == "trygghetsvandring"))
        activity = Activity(commitment_id=make_commitment(promise, Party.TILLSAMMANS).id,
                            municipality_id=town.id, type_id=kind.id, owner_id=officer.id,
                            title="Trygghetsvandring i stationsområdet")
        activity.places = [place]
        db.session.add(activity)
        db.session.flush()
        entry = LogEntry(activity_id=activity.id, occurred_on=local_today(), place_id=place.id,
                         measures={"omrade": place.id}, author_id=officer.id)
        db.session.add(entry)
        db.session.flush()
        protocol = WalkProtocol(log_entry_id=entry.id, activity_id=activity.id,
                                municipality_id=town.id, summary="Mörkt vid gångtunneln.",
                                participants=[{"organisation": "Kommunen", "count": 2}],
                                published_at=utcnow())
        protocol.route = [place]
        db.session.add(protocol)
        db.session.flush()
        finding = Finding(protocol_id=protocol.id, municipality_id=town.id, place_id=place.id,
                          category=FindingCategory.LIGHTING, description="Trasig lampa.")
        db.session.add(finding)
        db.session.flush()
        db.session.add_all([
            ActionPoint(municipality_id=town.id, activity_id=activity.id, log_entry_id=entry.id,
                        finding_id=finding.id, place_id=place.id, text="Byt lampan.",
                        category=FindingCategory.LIGHTING, party=ResponsibleParty.KOMMUNEN,
                        owner_id=coordinator.id, due_date=local_today()),
            ActionPoint(municipality_id=town.id, activity_id=activity.id, text="Ta fram en "
                        "lägesbild för stationen.", party=ResponsibleParty.POLISEN,
                        owner_id=officer.id)])
        uploads.store(officer, uploads.Owner(town.id, activity.id, log_entry_id=entry.id,
                                             finding_id=finding.id),
                      "lampa.jpg", images.jpeg_with_gps())
        db.session.commit()
        promise_id = promise.id
    yield
    with demo_app.app_context():
        db.session.execute(sa.delete(Promise).where(Promise.id == promise_id))
        db.session.commit()


WALK_PAGES = {"walks.protocol", "walks.new_finding", "walks.edit_finding", "walks.action",
              "walks.edit_action", "walks.action_list", "walks.new_action",
              "walks.public_protocol"}


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


def test_every_page_has_no_axe_violations_for_every_role(browser, live_server,
                                                          published_followup, walk_protocol):
    app, base = live_server.app, live_server.url
    checked: dict[str, str] = {}   # endpoint → first URL checked
    violations: list[str] = []
    for role, email in ROLES.items():
        context = browser.new_context(locale="sv-SE")
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
        own_start = set(queue[:1])
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
            if endpoint not in checked or url in own_start:
                checked.setdefault(endpoint, url)
                for v in Axe().run(page).response["violations"]:
                    violations.append(f"{role} {url}: {v['id']} {v['help']}")
            queue.extend(link for link in _links(page, base) if link not in seen)
        context.close()
    print(f"axe checked {len(checked)} page types:", ", ".join(sorted(checked)))
    assert {"auth.login", "auth.forgot_password", "followups.index", "public.followup",
            "followups.edit_section", "activities.log", "admin.jobs", "promises.paste",
            "notifications.index", "admin.user_security"} <= set(checked)
    assert WALK_PAGES <= set(checked)
    assert len(checked) >= 40
    assert violations == []
