"""CSRF with the real setting on: every POST of the web app without a token is a Swedish 400;
representative forms posted with the token of the rendered page succeed."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.security.helpers import client_with, cookies_of, csrf_token, rolled_back, world_app
from tests.security.test_route_table import ALL_RULES, url_of
from tracker.formatting import local_today
from tracker.models import FollowUp, LogEntry, Tip

EXPIRED = "Formuläret har gått ut eller saknar säkerhetstoken"
PUBLIC_FORMS = {"/login", "/offentlig/<slug>/tips"}  # posted by people who are not signed in
WEB_POSTS = sorted({rule.rule for rule in ALL_RULES
                    if "POST" in rule.methods and not rule.rule.startswith("/api/")})


@pytest.fixture(scope="module")
def csrf_world(workdir):
    app, world = world_app(workdir, "csrf", WTF_CSRF_ENABLED=True)
    return app, world, cookies_of(app, world)  # the logins themselves post the page's token


@pytest.mark.parametrize("rule", WEB_POSTS)
def test_a_post_without_a_token_is_a_swedish_400(csrf_world, rule):
    app, world, cookies = csrf_world
    role = "anonymous" if rule in PUBLIC_FORMS else "coordinator"
    url = url_of(("POST", rule), role, world)
    with rolled_back(app):
        client = client_with(app, None if role == "anonymous" else cookies["coordinator_a"])
        response = client.post(url, data={"text": "x", "note": "x"})
        page = response.get_data(as_text=True)
    assert response.status_code == 400, f"POST {url}: {response.status_code}"
    assert EXPIRED in page and 'lang="sv"' in page


def test_a_post_with_a_token_of_another_session_is_refused(csrf_world):
    app, world, cookies = csrf_world
    with rolled_back(app):
        token = csrf_token(client_with(app, None).get("/login").get_data(as_text=True))
        client = client_with(app, cookies["officer_a"])
        url = f"/aktiviteter/{world.a.ids['activity']}/logga"
        response = client.post(url, data={"csrf_token": token, "occurred_on": "2026-01-01"})
    assert response.status_code == 400


def _form_page(client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, url
    return page.get_data(as_text=True)


def test_logging_an_occasion_with_the_pages_token_works(csrf_world):
    app, world, cookies = csrf_world
    url = f"/aktiviteter/{world.a.ids['activity']}/logga"
    with rolled_back(app) as session:
        client = client_with(app, cookies["officer_a"])
        token = csrf_token(_form_page(client, url))
        response = client.post(url, data={"csrf_token": token,
                                          "occurred_on": local_today().isoformat(),
                                          "duration": "1,5", "m_antal_poliser": "3"})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        assert session.scalar(sa.select(sa.func.count()).select_from(LogEntry).where(
            LogEntry.activity_id == world.a.ids["activity"])) == 2


def test_editing_a_follow_up_section_with_the_pages_token_works(csrf_world):
    app, world, cookies = csrf_world
    followup_id, key = world.a.ids["followup"], world.a.ids["section"]
    url = f"/uppfoljningar/{followup_id}/avsnitt/{key}"
    with rolled_back(app) as session:
        client = client_with(app, cookies["coordinator_a"])
        page = _form_page(client, url)
        version = session.get(FollowUp, followup_id).version_id
        response = client.post(url, data={"csrf_token": csrf_token(page), "version": version,
                                          "text": "Fler kvällspromenader i centrum."})
        assert response.status_code == 302
        session.expire_all()
        edited = session.get(FollowUp, followup_id).sections[key]["edited"]
        assert edited == "Fler kvällspromenader i centrum."


def test_the_public_tip_form_with_the_pages_token_works(csrf_world):
    app, world, _cookies = csrf_world
    url = f"/offentlig/{world.a.ids['slug']}/tips"
    with rolled_back(app) as session:
        client = client_with(app, None)
        token = csrf_token(_form_page(client, url))
        response = client.post(url, data={"csrf_token": token,
                                          "text": "Gatlampan vid skolan är trasig."})
        assert response.status_code == 302 and response.headers["Location"].endswith("/tips/tack")
        assert session.scalar(sa.select(sa.func.count()).select_from(Tip).where(
            Tip.text == "Gatlampan vid skolan är trasig.")) == 1


def test_login_needs_the_pages_token(csrf_world):
    app, world, _cookies = csrf_world
    client = client_with(app, None)
    with rolled_back(app):
        refused = client.post("/login", data={"email": world.a.users["viewer"],
                                              "password": PASSWORD})
        assert refused.status_code == 400
        token = csrf_token(client.get("/login").get_data(as_text=True))
        accepted = client.post("/login", data={"email": world.a.users["viewer"],
                                               "password": PASSWORD,
                                               "csrf_token": token})
        assert accepted.status_code == 302
