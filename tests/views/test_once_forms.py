"""Every form that creates something carries a one-time key in the page the server renders;
sent twice with it (a double tap, a resend) it creates one row and both answers lead to it."""
import re

import sqlalchemy as sa

from tests.conftest import login
from tests.factories import make_promise
from tracker.models import Commitment, FocusArea, Promise, Tip


def _key(page: str) -> str:
    return re.search(r'name="once_key" type="hidden" value="([^"]+)"', page)[1]


def _twice(client, url: str, data: dict):
    key = _key(client.get(url).get_data(as_text=True))
    first = client.post(url, data={**data, "once_key": key})
    second = client.post(url, data={**data, "once_key": key})
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    return first


def _count(session, model, *where) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_promise_focus_area_and_commitment_forms_create_once(client, session, town):
    login(client, town["coordinator"].email)
    m = town["m"].id
    _twice(client, f"/kommuner/{m}/loften/nytt",
           {"title": "Medborgarlöfte 2030", "start_year": "2030", "end_year": "2030"})
    assert _count(session, Promise, Promise.title == "Medborgarlöfte 2030") == 1
    promise = session.scalar(sa.select(Promise).where(Promise.title == "Medborgarlöfte 2030"))
    _twice(client, f"/loften/{promise.id}/fokusomraden", {"title": "Trygg stadskärna"})
    assert _count(session, FocusArea, FocusArea.promise_id == promise.id) == 1
    _twice(client, f"/loften/{promise.id}/ataganden",
           {"focus_area_id": "0", "party": "kommunen", "text": "Kommunen tänder belysningen."})
    assert _count(session, Commitment, Commitment.promise_id == promise.id) == 1


def test_copying_a_promise_to_the_next_period_twice_makes_one_draft(client, session, town):
    login(client, town["coordinator"].email)
    promise = make_promise(town["m"], year=2031, status="active")
    _twice(client, f"/loften/{promise.id}/kopiera", {})
    assert _count(session, Promise, Promise.start_year == 2032) == 1


def test_a_tip_sent_twice_is_stored_once(client, session, town):
    url = f"/offentlig/{town['m'].slug}/tips"
    response = _twice(client, url, {"text": "Mopeder kör fort på torget.", "webbplats": ""})
    assert response.headers["Location"].endswith("/tips/tack")
    assert _count(session, Tip) == 1
    # Another visitor's identical form (another session) is another tip.
    other = client.application.test_client()
    _twice(other, url, {"text": "Mopeder kör fort på torget.", "webbplats": ""})
    assert _count(session, Tip) == 2


def test_a_form_sent_without_a_key_is_saved_each_time_and_leaves_no_key(client, session, town):
    """A client that sends no key (a script, not the server's form) is not protected: each
    sending is saved, and no one-time key is stored for a key it never had."""
    from tracker.models import IdempotencyKey

    url = f"/offentlig/{town['m'].slug}/tips"
    keys_before = _count(session, IdempotencyKey)
    for _ in range(2):
        response = client.post(url, data={"text": "Mopeder kör fort på torget.", "webbplats": ""})
        assert response.status_code == 302
    assert _count(session, Tip) == 2
    assert _count(session, IdempotencyKey) == keys_before
