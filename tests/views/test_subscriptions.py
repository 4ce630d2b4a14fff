"""Following a municipality by e-mail: double opt-in, one confirmation mail at most, news
only to confirmed addresses with a working unsubscribe link, and the address deleted on
unsubscribing. Mail goes through a real SMTP server on loopback."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import AuditEvent, Promise, PromiseStatus, Subscription
from tracker.services import subscriptions as service

ADDRESS = "granne@example.se"


pytestmark = pytest.mark.usefixtures("no_earlier_posts")


@pytest.fixture
def place(town, session):
    town["m"].slug = "lidkoping"
    session.commit()
    return town["m"]


def _subscribe(client, address=ADDRESS, **extra):
    return client.post("/offentlig/lidkoping/prenumerera",
                       data={"email": address, "webbplats": "", **extra})


def _link(body: str, word: str) -> str:
    return re.search(rf"(https://lofteskollen\.example\.se/offentlig/prenumeration/\S+/{word})", body)[1].replace(
        "https://lofteskollen.example.se", "")


def _rows() -> list[Subscription]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Subscription)))


def test_subscribing_sends_one_confirmation_and_stores_only_the_address(client, place, inbox):
    assert _subscribe(client).status_code == 302
    assert _subscribe(client, ADDRESS.upper()).status_code == 302  # again: nothing more sent
    (mail,) = inbox.to(ADDRESS)
    assert "Bekräfta" in mail.subject
    [row] = _rows()
    assert (row.email, row.confirmed_at) == (ADDRESS, None)
    changes = str(db.session.scalars(sa.select(AuditEvent.changes)).all())
    assert ADDRESS not in changes
    confirm = _link(mail.body, "bekrafta")
    assert client.get(confirm).status_code == 200
    assert _rows()[0].confirmed_at is None  # opening the link confirms nothing by itself
    page = client.post(confirm, follow_redirects=True).get_data(as_text=True)
    assert "Nu följer du medborgarlöftet i Lidköping" in page
    assert _rows()[0].confirmed_at is not None
    assert _subscribe(client).status_code == 302
    assert len(inbox.to(ADDRESS)) == 1


def test_a_forged_or_foreign_link_is_not_found(client, place, inbox):
    _subscribe(client)
    confirm = _link(inbox.messages[0].body, "bekrafta")
    forged = re.sub(r"/[0-9a-f]{64}/", "/" + "0" * 64 + "/", confirm)
    assert client.get(forged).status_code == 404
    unsubscribe = confirm.replace("bekrafta", "avsluta")  # a confirm token does not unsubscribe
    assert client.get(unsubscribe).status_code == 404


def test_a_robot_and_bad_input_get_no_mail(client, place, inbox):
    assert _subscribe(client, webbplats="http://spam.example").status_code == 302
    refused = _subscribe(client, "inte-en-adress")
    assert refused.status_code == 422 and "namn@exempel.se" in refused.get_data(as_text=True)
    # å, ä, ö need a mail server that speaks SMTPUTF8: refused, not "a letter is on its way"
    umlaut = _subscribe(client, "åsa@exempel.se")
    assert umlaut.status_code == 422 and "utan å, ä och ö" in umlaut.get_data(as_text=True)
    assert _rows() == [] and inbox.messages == []


def test_the_sign_up_is_rate_limited_per_client(client, place, app, monkeypatch, inbox):
    monkeypatch.setitem(app.config, "SUBSCRIBE_RATE_LIMIT", "2 per minute")
    codes = [_subscribe(client, f"person{n}@example.se").status_code for n in range(3)]
    assert codes == [302, 302, 429]
    assert len(inbox.messages) == 2


def test_news_reach_confirmed_addresses_only_and_unsubscribing_deletes(app, client, place,
                                                                       inbox, session):
    _subscribe(client)
    client.post(_link(inbox.messages[0].body, "bekrafta"))
    _subscribe(client, "obekraftad@example.se")
    promise = Promise(municipality_id=place.id, title="Tryggare tillsammans", start_year=2026,
                      end_year=2026, status=PromiseStatus.SIGNED, is_public=True)
    session.add(promise)
    session.commit()
    from tracker.public.subscription_views import announce_promise

    with app.test_request_context():
        assert announce_promise(promise.id) == 1
    (news,) = [m for m in inbox.to(ADDRESS) if "Nytt medborgarlöfte" in m.subject]
    assert f"/offentlig/lidkoping/loften/{promise.id}" in news.body
    assert len(inbox.to("obekraftad@example.se")) == 1  # the confirmation only
    unsubscribe = _link(news.body, "avsluta")
    assert client.get(unsubscribe).status_code == 200
    done = client.post(unsubscribe, follow_redirects=True).get_data(as_text=True)
    assert "Prenumerationen är avslutad" in done
    assert [r.email for r in _rows()] == ["obekraftad@example.se"]
    again = client.post(unsubscribe, follow_redirects=True)  # already gone: the same answer
    assert again.status_code == 200 and "Prenumerationen är avslutad" in again.get_data(
        as_text=True)
    reopened = client.get(unsubscribe)  # the link opened again: said so, not "not found"
    assert reopened.status_code == 404
    assert "Antingen är prenumerationen redan avslutad" in reopened.get_data(as_text=True)


def test_unconfirmed_sign_ups_are_forgotten_after_a_week(place, session):
    fresh = service.subscribe(place.id, "ny@example.se")
    old = service.subscribe(place.id, "gammal@example.se")
    old.created_at = datetime.now(timezone.utc) - timedelta(days=8)
    session.commit()
    assert fresh and service.forget_unconfirmed(datetime.now(timezone.utc)) == 1
    assert [r.email for r in _rows()] == ["ny@example.se"]


def test_with_mail_off_nothing_is_promised_or_stored(app, client, place, monkeypatch, inbox):
    monkeypatch.setitem(app.config, "MAIL_ENABLED", False)  # the default of `make run`
    form = client.get("/offentlig/lidkoping/prenumerera").get_data(as_text=True)
    assert "skickar ingen e-post just nu" in form and 'name="email"' not in form
    answer = _subscribe(client)
    assert answer.status_code == 200 and "har vi skickat" not in answer.get_data(as_text=True)
    thanks = client.get("/offentlig/lidkoping/prenumerera/tack", follow_redirects=True)
    assert "har vi skickat ett brev" not in thanks.get_data(as_text=True)
    assert _rows() == [] and inbox.messages == []


def test_a_confirmation_that_could_not_be_sent_can_be_asked_for_again(app, client, place,
                                                                      monkeypatch, inbox):
    from tests.test_reminders import refused_port

    with refused_port() as dead, monkeypatch.context() as failing:
        failing.setitem(app.config, "SMTP_PORT", dead)
        refused = _subscribe(client)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 503 and "har vi skickat" not in page
    assert "Vi kunde inte skicka brevet just nu. Försök igen om en stund." in page
    assert f'value="{ADDRESS}"' in page  # still typed
    assert _rows() == []  # nothing stands in the way of asking again
    assert _subscribe(client).status_code == 302  # the mail server works again
    (mail,) = inbox.to(ADDRESS)
    assert "Bekräfta" in mail.subject and len(_rows()) == 1
