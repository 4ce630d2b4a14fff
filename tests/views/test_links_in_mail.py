"""Links residents get by e-mail or in a feed lead to TRACKER_BASE_URL, whatever Host header
the request that caused them carried: a forged host must not put another site's address in
the municipality's own mail (host-header injection). Mail goes through a real SMTP server."""
from __future__ import annotations

import re
from datetime import date

import pytest

from tracker.models import Promise, PromiseStatus

BASE = "https://lofteskollen.example.se"  # TestConfig.BASE_URL
FOREIGN = {"Host": "evil.example.com"}
ADDRESS = "boende@example.se"


pytestmark = pytest.mark.usefixtures("no_earlier_posts", "ascii_slug")


@pytest.fixture
def ascii_slug(town, session):
    town["m"].slug = "lidkoping"
    session.commit()


def _links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"<>]+", text)


def _only_ours(text: str) -> list[str]:
    links = _links(text)
    assert links and all(link.startswith(BASE + "/") for link in links), links
    assert "evil.example.com" not in text
    return links


def test_the_tip_receipt_and_thank_you_page_link_to_the_base_url(client, town, inbox):
    sent = client.post(f"/offentlig/{town['m'].slug}/tips", headers=FOREIGN, data={
        "text": "Gatlyktan vid gångtunneln är trasig sedan en vecka.", "reply_to": ADDRESS,
        "webbplats": ""})
    assert sent.status_code == 302
    (receipt,) = inbox.to(ADDRESS)
    (status_url,) = _only_ours(receipt.body)
    thanks = client.get(sent.headers["Location"], headers=FOREIGN).get_data(as_text=True)
    assert f'<a href="{status_url}">' in thanks and "evil.example.com" not in thanks
    assert client.get(status_url.removeprefix(BASE)).status_code == 200


def test_the_confirmation_and_news_to_subscribers_link_to_the_base_url(app, client, town,
                                                                        inbox, session):
    assert client.post(f"/offentlig/{town['m'].slug}/prenumerera", headers=FOREIGN,
                       data={"email": ADDRESS, "webbplats": ""}).status_code == 302
    (confirmation,) = inbox.to(ADDRESS)
    (confirm,) = _only_ours(confirmation.body)
    assert client.post(confirm.removeprefix(BASE)).status_code == 302
    promise = Promise(municipality_id=town["m"].id, title="Tryggare tillsammans",
                      start_year=2026, end_year=2026, status=PromiseStatus.SIGNED,
                      is_public=True, signed_on=date(2026, 2, 4))
    session.add(promise)
    session.commit()
    from tracker.public.subscription_views import announce_promise

    # the coordinator who signs may reach the service by any host name
    with app.test_request_context(headers=FOREIGN):
        assert announce_promise(promise.id) == 1
    news = inbox.to(ADDRESS)[1]
    page, unsubscribe = _only_ours(news.body)
    assert page == f"{BASE}/offentlig/{town['m'].slug}/loften/{promise.id}"
    assert client.get(unsubscribe.removeprefix(BASE)).status_code == 200


def test_the_atom_feeds_link_to_the_base_url(client, town, session):
    session.add(Promise(municipality_id=town["m"].id, title="Tryggare tillsammans",
                        start_year=2026, end_year=2026, status=PromiseStatus.SIGNED,
                        is_public=True, signed_on=date(2026, 2, 4)))
    session.commit()
    for url in ("/offentlig/uppfoljningar.atom", f"/offentlig/{town['m'].slug}/uppfoljningar.atom"):
        feed = client.get(url, headers=FOREIGN)
        assert feed.status_code == 200
        links = _only_ours(feed.get_data(as_text=True).replace("http://www.w3.org/", ""))
        assert f"{BASE}{url}" in links and any("/loften/" in link for link in links)


def test_news_of_a_published_follow_up_links_to_the_base_url(app, town, inbox, session):
    from tests.views.test_public import _compiled, _promise, _publish
    from tracker.models import Subscription
    from tracker.models.base import utcnow
    from tracker.public.subscription_views import announce_followup

    old = _promise(town["m"], "Medborgarlöfte 2022", 2022, 2022, PromiseStatus.CONCLUDED)
    followup = _compiled(old, 2022)
    _publish(followup, utcnow())
    session.add(Subscription(municipality_id=town["m"].id, email=ADDRESS, confirmed_at=utcnow()))
    session.commit()
    with app.test_request_context(headers=FOREIGN):
        assert announce_followup(followup.id) == 1
    (news,) = inbox.to(ADDRESS)
    page, _unsubscribe = _only_ours(news.body)
    assert page == f"{BASE}/offentlig/uppfoljningar/{followup.id}"


def test_the_calendar_feed_links_to_the_base_url(client, town, session):
    from tests.factories import make_activity, make_commitment, make_promise, make_type
    from tracker.services import calendar_feed

    activity = make_activity(make_commitment(make_promise(town["m"])), make_type(),
                             owner=town["officer"], title="Kvällspatrull", due=date(2026, 5, 20))
    token = calendar_feed.new_calendar_token(town["officer"])
    session.commit()
    feed = client.get(f"/kalender/{token}/mina-aktiviteter.ics", headers=FOREIGN)
    assert feed.status_code == 200
    assert f"URL:{BASE}/aktiviteter/{activity.id}" in feed.get_data(as_text=True)
    assert "evil.example.com/" not in feed.get_data(as_text=True)
