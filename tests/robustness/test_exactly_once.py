"""Exactly once, under real commits: the same form or API request sent again, one after the
other or at the same moment from several threads, creates one row; every answer points to it.
On SQLite and on PostgreSQL (the two resolve the race differently: SQLite refuses the second
writer, PostgreSQL makes it wait on the UNIQUE key)."""
from __future__ import annotations

import re
import threading

import pytest
import sqlalchemy as sa

from tests.conftest import fresh_database_url, login, make_test_app, upgrade
from tests.factories import make_activity, make_commitment, make_place, make_promise, make_type
from tracker.extensions import db
from tracker.formatting import local_today
from tracker.models import (
    LOGGED_COUNT,
    Activity,
    ApiScope,
    IdempotencyKey,
    LogEntry,
    Membership,
    Municipality,
    PoliceArea,
    Role,
)
from tracker.services import accounts, api_tokens

THREADS = 4
PASSWORD = "ett-långt-testlösenord"


@pytest.fixture(params=["sqlite", "postgres"])
def world(workdir, request):
    name = "once_" + re.sub(r"\W", "_", request.node.name)
    app = make_test_app(fresh_database_url(workdir, name, postgres=request.param == "postgres"),
                        MAIL_ENABLED=False)
    upgrade(app)
    with app.app_context():
        area = PoliceArea(name="Området")
        db.session.add(area)
        db.session.flush()
        town = Municipality(name="Enkelby", slug="enkelby", police_area_id=area.id)
        db.session.add(town)
        db.session.flush()
        officer = accounts.create_user("polis@enkelby.se", "Olle Polis", PASSWORD)
        db.session.add(Membership(user_id=officer.id, municipality_id=town.id, role=Role.OFFICER))
        promise = make_promise(town, year=local_today().year)
        place = make_place(town, "Torget")
        activity = make_activity(make_commitment(promise), make_type(), owner=officer,
                                 places=[place], target=4)
        token = api_tokens.create_token(officer, "test", ApiScope.READ_WRITE, 30).secret
        db.session.commit()
        ids = {"activity": activity.id, "place": place.id, "email": officer.email,
               "token": token}
    yield app, ids
    with app.app_context():
        db.engine.dispose()


def _counts(app, activity_id: int) -> tuple[int, int, int]:
    with app.app_context():
        entries = db.session.scalar(sa.select(sa.func.count()).select_from(LogEntry).where(
            LogEntry.activity_id == activity_id))
        kept = db.session.scalar(sa.select(LOGGED_COUNT).where(Activity.id == activity_id))
        keys = db.session.scalar(sa.select(sa.func.count()).select_from(IdempotencyKey))
        db.session.remove()
    return entries, kept, keys


def _form(ids, key: str) -> dict:
    return {"occurred_on": local_today().isoformat(), "m_antal_poliser": "2",
            "place_id": str(ids["place"]), "note": "Dubbeltryck", "once_key": key}


def _together(calls) -> list:
    """Run the calls in threads released at the same moment; their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            results[i] = call()
        except Exception as error:  # noqa: BLE001  (reported by the assertion below)
            results[i] = error

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_the_same_log_form_twice_in_sequence_logs_once(world):
    app, ids = world
    client = app.test_client()
    assert login(client, ids["email"], PASSWORD).status_code == 302
    url = f"/aktiviteter/{ids['activity']}/logga"
    first = client.post(url, data=_form(ids, "tap-1"))
    second = client.post(url, data=_form(ids, "tap-1"))
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert _counts(app, ids["activity"]) == (1, 1, 1)


def test_the_same_log_form_from_parallel_threads_logs_once(world):
    app, ids = world
    clients = []
    for _ in range(THREADS):
        client = app.test_client()
        assert login(client, ids["email"], PASSWORD).status_code == 302
        clients.append(client)
    url = f"/aktiviteter/{ids['activity']}/logga"
    responses = _together([lambda c=c: c.post(url, data=_form(ids, "tap-parallel"))
                           for c in clients])
    assert all(not isinstance(r, Exception) for r in responses), responses
    assert [r.status_code for r in responses] == [302] * THREADS
    assert len({r.headers["Location"] for r in responses}) == 1
    assert _counts(app, ids["activity"]) == (1, 1, 1)


def test_the_same_api_request_from_parallel_threads_logs_once(world):
    app, ids = world
    url = f"/api/v1/activities/{ids['activity']}/log-entries"
    headers = {"Authorization": f"Bearer {ids['token']}", "Idempotency-Key": "api-parallel"}
    body = {"occurred_on": local_today().isoformat(), "measures": {"antal_poliser": 2}}
    # The token's first use records when it was used (a write of its own; on SQLite four
    # first uses at once would race for that, which is not what this test is about).
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 200
    responses = _together([lambda c=app.test_client(): c.post(url, headers=headers, json=body)  # noqa: B008
                           for _ in range(THREADS)])
    assert all(not isinstance(r, Exception) for r in responses), responses
    assert [r.status_code for r in responses] == [201] * THREADS
    assert len({r.json["id"] for r in responses}) == 1
    assert _counts(app, ids["activity"]) == (1, 1, 1)
