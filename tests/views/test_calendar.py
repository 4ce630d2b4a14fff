"""Calendar subscription over HTTP: the settings page, the secret feeds, 404s, CSRF."""
from __future__ import annotations

import re
from datetime import date

import pytest
from icalendar import Calendar

from tests.conftest import count_queries, login
from tests.factories import bulk_activities, make_activity, make_commitment, make_promise, make_type
from tests.services.test_calendar_feed import expand
from tracker.formatting import local_today
from tracker.services import calendar_feed
from tracker.services.recurrence import occasions

RULE = {"freq": "monthly", "weekdays": [1, 3], "count": 6}


@pytest.fixture
def world(session, town):
    year = local_today().year
    promise = make_promise(town["m"], year=year)
    commitment = make_commitment(promise)
    kind = make_type()
    mine = make_activity(commitment, kind, owner=town["officer"], title="Skolpatrull",
                         start=date(year, 1, 1), due=date(year, 12, 31), recurrence=RULE)
    assigned = make_activity(commitment, kind, assignees=[town["officer"]],
                             title="Trygghetsvandring", due=date(year, 5, 20))
    others = make_activity(commitment, kind, owner=town["coordinator"], title="Krogtillsyn",
                           due=date(year, 6, 1))
    make_activity(make_commitment(make_promise(town["other"], year=year)), kind,
                  owner=town["stranger"], title="Skaras patrull", due=date(year, 6, 1))
    return dict(town, mine=mine, assigned=assigned, others=others)


def _token(client, user) -> str:
    """The secret shown once, in the response that made it."""
    login(client, user.email)
    response = client.post("/konto/kalender", data={"action": "ny"})
    assert response.status_code == 201
    client.post("/logout")
    return re.search(r"/kalender/([\w-]+)/mina-aktiviteter\.ics",
                     response.get_data(as_text=True))[1]


def _events(response) -> dict[str, object]:
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return {str(e["SUMMARY"]): e for e in Calendar.from_ical(response.data).walk("VEVENT")}


def test_first_visit_offers_a_button_and_the_post_shows_both_urls(client, world):
    login(client, world["officer"].email)
    page = client.get("/konto/kalender").get_data(as_text=True)
    assert "Skapa mina kalenderadresser" in page and "/kalender/" not in page
    page = client.post("/konto/kalender", data={"action": "ny"}).get_data(as_text=True)
    token = re.search(r"/kalender/([\w-]+)/mina-aktiviteter\.ics", page)[1]
    assert f"/kalender/{token}/kommuner/{world['m'].id}.ics" in page
    assert f"/kommuner/{world['other'].id}.ics" not in page
    assert "Outlook" in page and "Google Kalender" in page
    # only its hash is kept, and no later page shows it
    assert world["officer"].calendar_token == calendar_feed.hash_secret(token)
    later = client.get("/konto/kalender").get_data(as_text=True)
    assert token not in later and "Skapa nya adresser" in later


def test_my_feed_needs_no_session_and_lists_owned_and_assigned_activities(app, client, world):
    token = _token(client, world["officer"])
    events = _events(app.test_client().get(f"/kalender/{token}/mina-aktiviteter.ics"))
    assert set(events) == {"Skolpatrull", "Trygghetsvandring"}
    series = events["Skolpatrull"]
    activity = world["mine"]
    assert expand(series) == occasions(RULE, activity.start_date, activity.due_date)
    assert expand(events["Trygghetsvandring"]) == [world["assigned"].due_date]
    assert f"/aktiviteter/{activity.id}" in str(series["URL"])


def test_municipality_feed_for_members_only(app, client, world):
    token = _token(client, world["officer"])
    feed = app.test_client().get(f"/kalender/{token}/kommuner/{world['m'].id}.ics")
    assert set(_events(feed)) == {"Skolpatrull", "Trygghetsvandring", "Krogtillsyn"}
    other = app.test_client().get(f"/kalender/{token}/kommuner/{world['other'].id}.ics")
    assert other.status_code == 404
    assert app.test_client().get(f"/kalender/{token}/kommuner/999999.ics").status_code == 404


def test_regenerating_the_token_stops_the_old_url(app, client, world):
    old = _token(client, world["officer"])
    assert app.test_client().get(f"/kalender/{old}/mina-aktiviteter.ics").status_code == 200
    new = _token(client, world["officer"])
    assert new != old
    assert app.test_client().get(f"/kalender/{old}/mina-aktiviteter.ics").status_code == 404
    assert app.test_client().get(f"/kalender/{old}/kommuner/{world['m'].id}.ics").status_code == 404
    assert app.test_client().get(f"/kalender/{new}/mina-aktiviteter.ics").status_code == 200


def test_switching_off_and_unknown_or_disabled_tokens_answer_404(app, client, world, session):
    token = _token(client, world["officer"])
    login(client, world["officer"].email)
    client.post("/konto/kalender", data={"action": "stang"})
    assert world["officer"].calendar_token is None
    anonymous = app.test_client()
    assert anonymous.get(f"/kalender/{token}/mina-aktiviteter.ics").status_code == 404
    assert anonymous.get("/kalender/inte-en-riktig-token/mina-aktiviteter.ics").status_code == 404
    token = calendar_feed.new_calendar_token(world["viewer"])
    world["viewer"].is_enabled = False
    session.flush()
    assert anonymous.get(f"/kalender/{token}/mina-aktiviteter.ics").status_code == 404


def test_the_settings_page_needs_a_login(app, world):
    response = app.test_client().get("/konto/kalender")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_token_buttons_carry_a_working_csrf_token(client, world, app, monkeypatch):
    login(client, world["officer"].email)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post("/konto/kalender", data={"action": "ny"}).status_code == 400
    assert world["officer"].calendar_token is None
    page = client.get("/konto/kalender").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    accepted = client.post("/konto/kalender", data={"action": "ny", "csrf_token": token})
    assert accepted.status_code == 201
    assert world["officer"].calendar_token


def test_the_municipality_feed_uses_the_same_statements_for_10_and_100_activities(
        app, client, world, session):
    token = _token(client, world["coordinator"])
    url = f"/kalender/{token}/kommuner/{world['m'].id}.ics"
    commitment = world["mine"].commitment_id
    from tracker.models import Commitment

    feed = app.test_client()
    bulk_activities(session.get(Commitment, commitment), make_type(), 10,
                    due=date(local_today().year, 9, 1))
    with count_queries() as few:
        assert feed.get(url).status_code == 200
    bulk_activities(session.get(Commitment, commitment), make_type(), 90,
                    due=date(local_today().year, 9, 1))
    with count_queries() as many:
        response = feed.get(url)
    assert len(Calendar.from_ical(response.data).walk("VEVENT")) == 103
    assert len(many) == len(few)
