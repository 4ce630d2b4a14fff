"""'Var uppföljningen till hjälp?': a rating and a comment under a published follow-up, with
the honeypot, the rate limit, the personnummer guard and CSRF; comments public only once a
coordinator approved them; the coordinators see the distribution."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.conftest import login
from tests.views.test_public import JAN, _compiled, _promise, _publish
from tracker.extensions import db
from tracker.models import FollowUpFeedback, Party, PromiseStatus

pytestmark = pytest.mark.usefixtures("no_earlier_posts")


@pytest.fixture
def published(town, session):
    place = town["m"]
    place.slug = "lidkoping"
    promise = _promise(place, "Medborgarlöfte 2024", 2024, 2024, PromiseStatus.CONCLUDED,
                       areas=[("Trafik", [(Party.POLISEN, "Polisen gör trafikkontroller.")])])
    followup = _compiled(promise, 2024)
    _publish(followup, JAN)
    session.commit()
    return dict(town, followup=followup)


def _url(published) -> str:
    return f"/offentlig/uppfoljningar/{published['followup'].id}"


def _give(client, published, **data):
    return client.post(_url(published) + "/omdome",
                       data={"rating": "4", "comment": "", "webbplats": "", **data})


def _rows() -> list[FollowUpFeedback]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(FollowUpFeedback).order_by(FollowUpFeedback.id)))


def test_a_rating_and_comment_are_stored_and_the_comment_waits(client, published):
    page = client.get(_url(published)).get_data(as_text=True)
    assert "Var uppföljningen till hjälp?" in page
    assert "Högst 2\u00a0000 tecken." in page  # feedback.MAX_COMMENT_LENGTH, as Swedish writes it
    response = _give(client, published, comment="Bra att se siffrorna per månad.")
    assert response.status_code == 302 and response.headers["Location"].endswith("#omdome")
    [row] = _rows()
    assert (row.rating, row.comment, row.approved_at) == (4, "Bra att se siffrorna per månad.",
                                                          None)
    assert "Bra att se siffrorna" not in client.get(_url(published)).get_data(as_text=True)


@pytest.mark.parametrize("data, message", [
    ({"rating": ""}, "Välj en siffra från 1 till 5."),
    ({"rating": "9"}, "Välj en siffra från 1 till 5."),
    ({"comment": "Ring mig, 811218-9876."}, "personnummer"),
    ({"comment": "x" * 2001}, "högst 2\u00a0000 tecken"),  # Babel: a no-break space
])
def test_bad_input_is_refused_and_nothing_is_stored(client, published, data, message):
    response = _give(client, published, **data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _rows() == []


def test_a_robot_is_thanked_and_nothing_is_stored(client, published):
    assert _give(client, published, webbplats="http://spam.example").status_code == 302
    assert _rows() == []


def test_feedback_is_rate_limited_per_client(client, published, app, monkeypatch):
    monkeypatch.setitem(app.config, "FEEDBACK_RATE_LIMIT", "2 per minute")
    assert [_give(client, published).status_code for _ in range(3)] == [302, 302, 429]


def test_with_csrf_on_the_form_needs_its_token(client, published, app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert _give(client, published).status_code == 400
    page = client.get(_url(published)).get_data(as_text=True)
    token = re.search(r'id="omdome".*?name="csrf_token" type="hidden" value="([^"]+)"', page,
                      re.S)[1]
    assert _give(client, published, csrf_token=token).status_code == 302


def test_a_coordinator_sees_the_distribution_and_approves_a_comment(client, published):
    for rating, comment in (("5", "Tydlig och kort."), ("2", "Svår att förstå."), ("5", "")):
        _give(client, published, rating=rating, comment=comment)
    followup_id = published["followup"].id
    assert "Tydlig och kort." not in client.get(_url(published)).get_data(as_text=True)
    login(client, published["coordinator"].email)
    page = client.get(f"/uppfoljningar/{followup_id}/omdomen").get_data(as_text=True)
    counts = re.findall(r'<th scope="row">(\d)</th><td class="tal">(\d+)</td>', page)
    assert counts == [("1", "0"), ("2", "1"), ("3", "0"), ("4", "0"), ("5", "2")]
    assert "3 svar" in page and "Tydlig och kort." in page
    clear, unclear, _plain = _rows()
    client.post(f"/uppfoljningar/{followup_id}/omdomen/{clear.id}/godkann")
    client.post(f"/uppfoljningar/{followup_id}/omdomen/{unclear.id}/ta-bort")
    client.post("/logout")
    public = client.get(_url(published)).get_data(as_text=True)
    assert "Tydlig och kort." in public and "Svår att förstå." not in public
    assert [r.rating for r in _rows()] == [5, 2, 5]  # the ratings stay


def test_officers_and_viewers_do_not_review(client, published):
    login(client, published["officer"].email)
    assert client.get(
        f"/uppfoljningar/{published['followup'].id}/omdomen").status_code == 403


def test_a_rating_sent_twice_is_stored_once(client, published):
    page = client.get(_url(published)).get_data(as_text=True)
    key = re.search(r'id="omdome".*?name="once_key" type="hidden" value="([^"]+)"', page,
                    re.S)[1]
    first = _give(client, published, once_key=key)
    second = _give(client, published, once_key=key)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert [row.rating for row in _rows()] == [4]
