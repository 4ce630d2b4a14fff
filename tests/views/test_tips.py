"""Residents' tips: the public form (guard, honeypot, rate limit, CSRF) and coordinators' triage."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from tests.conftest import count_queries, login
from tests.factories import make_activity, make_commitment, make_promise, make_type
from tracker.extensions import db, limiter
from tracker.formatting import STOCKHOLM
from tracker.models import Membership, Party, Role, Tip, TipStatus
from tracker.services import tips as service

PERSONNUMMER = "811218-9876"
FORM = "/offentlig/{slug}/tips"


pytestmark = pytest.mark.usefixtures("no_earlier_posts")


def _tips(municipality=None) -> list[Tip]:
    db.session.expire_all()
    query = sa.select(Tip).order_by(Tip.id)
    if municipality is not None:
        query = query.where(Tip.municipality_id == municipality.id)
    return list(db.session.scalars(query))


def _post_tip(client, municipality, **data):
    fields = {"text": "Det är mörkt i gångtunneln vid stationen på kvällarna.", "reply_to": "",
              "webbplats": ""}
    fields.update(data)
    return client.post(FORM.format(slug=municipality.slug), data=fields)


# ---------------------------------------------------------------- the public form

def test_the_form_warns_about_emergencies_and_personnummer_and_hides_the_honeypot(client, town):
    page = client.get(FORM.format(slug=town["m"].slug)).get_data(as_text=True)
    assert "Ring 112 vid akut fara, 114 14 för annat." in page
    assert "Skriv inte personnummer" in page
    honeypot = re.search(r'<div class="hp-field" aria-hidden="true">(.*?)</div>', page, re.S)[1]
    assert "Lämna tomt" in honeypot and 'tabindex="-1"' in honeypot
    assert 'name="reply_to"' in page and 'type="email"' in page


def test_a_tip_is_stored_and_the_thank_you_page_does_not_echo_it(client, town):
    text = "Bilar kör för fort på Skaragatan efter skolans slut."
    response = _post_tip(client, town["m"], text=text, reply_to="anna@example.se")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/offentlig/{quote(town['m'].slug)}/tips/tack")
    [tip] = _tips()
    assert (tip.municipality_id, tip.text, tip.reply_to, tip.status) == (
        town["m"].id, text, "anna@example.se", TipStatus.NEW)
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tack för ditt tips" in thanks
    assert "Skaragatan" not in thanks and "anna@example.se" not in thanks


def test_a_personnummer_is_refused_in_swedish_and_nothing_is_stored(client, town):
    response = _post_tip(client, town["m"], text=f"Grannen {PERSONNUMMER} säljer narkotika.")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "ser ut som ett personnummer" in page and "allmän handling" in page
    assert _tips() == []


@pytest.mark.parametrize("data, message", [
    ({"text": "   "}, "Skriv ditt tips eller din synpunkt."),
    ({"text": "x" * 4001}, "Texten får vara högst 4\u00a0000 tecken."),  # a no-break space
    ({"reply_to": "inte-en-adress"}, "Skriv en e-postadress som namn@exempel.se"),
])
def test_bad_input_is_refused_with_a_swedish_message(client, town, data, message):
    response = _post_tip(client, town["m"], **data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _tips() == []


def test_an_english_page_writes_the_limit_as_english_does(client, town):
    """The limit in the message is the service's number, written by Babel for the language."""
    client.get("/sprak/en")
    response = _post_tip(client, town["m"], text="x" * 4001)
    assert response.status_code == 422
    assert "The text may be at most 4,000 characters." in response.get_data(as_text=True)
    assert _tips() == []


def test_a_filled_honeypot_looks_like_success_but_stores_nothing(client, town):
    response = _post_tip(client, town["m"], webbplats="http://spam.example")
    assert response.status_code == 302 and response.headers["Location"].endswith("/tips/tack")
    assert _tips() == []


def test_an_unknown_municipality_has_no_form(client, town):
    assert client.get(FORM.format(slug="ingenstans")).status_code == 404
    assert client.post(FORM.format(slug="ingenstans"), data={"text": "Hej"}).status_code == 404


def test_too_many_tips_from_one_address_get_429(client, town, app, monkeypatch):
    monkeypatch.setitem(app.config, "TIP_RATE_LIMIT", "2 per minute")
    codes = [_post_tip(client, town["m"], text=f"Tips nummer {n}").status_code for n in range(3)]
    assert codes == [302, 302, 429]
    refused = _post_tip(client, town["m"])
    assert "För många försök" in refused.get_data(as_text=True)
    assert len(_tips()) == 2
    assert client.get(FORM.format(slug=town["m"].slug)).status_code == 200  # reading still works


def test_with_csrf_on_a_post_needs_the_forms_token(client, town, app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    refused = _post_tip(client, town["m"])
    assert refused.status_code == 400 and "säkerhetstoken" in refused.get_data(as_text=True)
    assert _tips() == []
    page = client.get(FORM.format(slug=town["m"].slug)).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    assert _post_tip(client, town["m"], csrf_token=token).status_code == 302
    assert len(_tips()) == 1


# ---------------------------------------------------------------- triage

@pytest.fixture
def triage(session, town):
    """A new tip in Lidköping, one in Skara, and an activity in each municipality."""
    home, other = town["m"], town["other"]
    kind = make_type()
    mine = make_activity(make_commitment(make_promise(home)), kind, title="Kvällspatrull")
    theirs = make_activity(make_commitment(make_promise(other)), kind, title="Skarapatrull")
    tip = Tip(municipality_id=home.id, text="Fest i parken varje fredag.", reply_to="a@example.se")
    foreign = Tip(municipality_id=other.id, text="Skaras tips.")
    session.add_all([tip, foreign])
    session.commit()
    return dict(town, tip=tip, foreign=foreign, mine=mine, theirs=theirs)


def _routes(t):
    """(method, url, form data that would succeed) for every triage route."""
    tip = t["tip"].id
    return {
        "list": ("get", f"/kommuner/{t['m'].id}/tips", None),
        "detail": ("get", f"/tips/{tip}", None),
        "answer": ("post", f"/tips/{tip}/besvarad", {"besvarad-note": "Svarade per e-post."}),
        "dismiss": ("post", f"/tips/{tip}/avfardad", {"avfardad-note": "Gäller inte oss."}),
        "link": ("post", f"/tips/{tip}/aktivitet", {"aktivitet-activity_id": str(t["mine"].id)}),
        "new_activity": ("get", f"/tips/{tip}/ny-aktivitet?commitment_id="
                                f"{t['mine'].commitment_id}", None),
    }


OK = {"list": 200, "detail": 200, "answer": 302, "dismiss": 302, "link": 302, "new_activity": 302}
EXPECTED = {
    # to the login page; a form sent without a session gets the login page itself
    "anonymous": {route: 302 if method == "get" else 401
                  for route, method in (("list", "get"), ("detail", "get"), ("answer", "post"),
                                        ("dismiss", "post"), ("link", "post"),
                                        ("new_activity", "get"))},
    "viewer": {**{route: 403 for route in OK}, "list": 200},  # counts only
    # reads the tips (list and detail), never handles them
    "officer": {**{route: 403 for route in OK}, "list": 200, "detail": 200},
    "coordinator": OK,
    "stranger": {route: 403 for route in OK},  # coordinator of Skara
    "admin": OK,
}


@pytest.mark.parametrize("who", EXPECTED)
def test_who_may_triage_tips(app, triage, who):
    """The role × route table: one client per role, every route in turn."""
    client = app.test_client()
    if who != "anonymous":
        login(client, triage[who].email)
    for route, (method, url, data) in _routes(triage).items():
        response = getattr(client, method)(url, data=data)
        assert response.status_code == EXPECTED[who][route], route
        if who == "anonymous":
            assert "/login" in (response.headers.get("Location")
                                or response.get_data(as_text=True))
        [tip] = _tips(triage["m"])
        if method == "post" and EXPECTED[who] is OK:
            assert tip.status is not TipStatus.NEW and tip.handled_by_id == triage[who].id
        elif EXPECTED[who] is not OK:
            assert tip.status is TipStatus.NEW and tip.handled_at is None, route  # unchanged


def test_a_viewer_sees_the_counts_but_never_a_tips_text(client, triage):
    login(client, triage["viewer"].email)
    page = client.get(f"/kommuner/{triage['m'].id}/tips").get_data(as_text=True)
    assert "Tips per månad" in page
    # the caption counts the months the table has (tips.month_counts)
    assert "Mottagna tips per månad de senaste 12 månaderna, med status i dag" in page
    assert "Fest i parken" not in page and "a@example.se" not in page


def test_answer_dismiss_and_link_record_who_and_when(client, triage):
    login(client, triage["coordinator"].email)
    tip_id = triage["tip"].id
    before = datetime.now(timezone.utc)
    response = client.post(f"/tips/{tip_id}/besvarad", data={"besvarad-note": "Ringde upp."})
    assert response.headers["Location"].endswith(f"/kommuner/{triage['m'].id}/tips")
    [tip] = _tips(triage["m"])
    assert (tip.status, tip.handling_note, tip.handled_by_id) == (
        TipStatus.ANSWERED, "Ringde upp.", triage["coordinator"].id)
    assert tip.handled_at >= before - timedelta(seconds=1)

    client.post(f"/tips/{tip_id}/aktivitet", data={"aktivitet-activity_id": triage["mine"].id,
                                                  "aktivitet-note": "Tas upp i EST."})
    [tip] = _tips(triage["m"])
    assert (tip.status, tip.activity_id) == (TipStatus.ACTIVITY, triage["mine"].id)
    page = client.get(f"/tips/{tip_id}").get_data(as_text=True)
    assert "Kvällspatrull" in page and f'/aktiviteter/{triage["mine"].id}"' in page

    client.post(f"/tips/{tip_id}/avfardad", data={"avfardad-note": "Dubblett."})
    [tip] = _tips(triage["m"])
    assert (tip.status, tip.activity_id, tip.handling_note) == (TipStatus.DISMISSED, None,
                                                                "Dubblett.")


@pytest.mark.parametrize("route, data, message", [
    ("besvarad", {"besvarad-note": ""}, "Skriv en kort anteckning"),
    ("avfardad", {"avfardad-note": f"Gäller {PERSONNUMMER}."}, "personnummer"),
    ("aktivitet", {"aktivitet-activity_id": ""}, "Välj en aktivitet i samma kommun"),
])
def test_a_refused_change_shows_why_and_changes_nothing(client, triage, route, data, message):
    login(client, triage["coordinator"].email)
    response = client.post(f"/tips/{triage['tip'].id}/{route}", data=data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    [tip] = _tips(triage["m"])
    assert tip.status is TipStatus.NEW and tip.handled_at is None


def test_a_tip_cannot_be_tied_to_another_municipalitys_activity(client, triage, make_user):
    """Even for someone who coordinates both municipalities: the activity must be the tip's."""
    both = make_user(Role.COORDINATOR, triage["m"])
    db.session.add(Membership(user_id=both.id, municipality_id=triage["other"].id,
                              role=Role.COORDINATOR))
    db.session.commit()
    login(client, both.email)
    response = client.post(f"/tips/{triage['tip'].id}/aktivitet",
                           data={"aktivitet-activity_id": triage["theirs"].id})
    assert response.status_code == 422
    assert _tips(triage["m"])[0].activity_id is None
    away = client.get(f"/tips/{triage['tip'].id}/ny-aktivitet?commitment_id="
                      f"{triage['theirs'].commitment_id}")
    assert away.headers["Location"].endswith(f"/tips/{triage['tip'].id}")


def test_planning_a_new_activity_opens_the_activity_form_of_the_commitment(client, triage):
    login(client, triage["coordinator"].email)
    page = client.get(f"/tips/{triage['tip'].id}").get_data(as_text=True)
    assert "Planera en ny aktivitet" in page and "Skarapatrull" not in page
    response = client.get(f"/tips/{triage['tip'].id}/ny-aktivitet?commitment_id="
                          f"{triage['mine'].commitment_id}")
    assert response.headers["Location"].endswith(
        f"/ataganden/{triage['mine'].commitment_id}/aktiviteter/ny")


def test_the_dashboard_links_to_the_tips_for_those_who_may_see_them(client, app, triage):
    for who, shown in (("coordinator", True), ("viewer", True), ("officer", True)):
        with app.test_client() as c:
            login(c, triage[who].email)
            page = c.get(f"/kommuner/{triage['m'].id}").get_data(as_text=True)
        assert (f'href="/kommuner/{triage["m"].id}/tips"' in page) is shown, who


def _at(year, month, day, hour=12, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


def test_counts_per_month_follow_local_months_and_current_status(session, town):
    home = town["m"]
    rows = [
        (_at(2026, 3, 1, 0, 30), TipStatus.NEW),         # 23:30 UTC on 28 Feb, still March
        (_at(2026, 3, 31, 23, 30), TipStatus.ANSWERED),  # 21:30 UTC, March
        (_at(2026, 2, 28, 23, 59), TipStatus.DISMISSED),
        (_at(2025, 4, 15), TipStatus.ACTIVITY),          # the oldest month shown
        (_at(2025, 3, 31), TipStatus.NEW),               # 13 months back: not shown
        (_at(2026, 4, 1, 0, 5), TipStatus.NEW),          # after today's month
    ]
    session.add_all([Tip(municipality_id=home.id, text="x", status=s, created_at=at)
                     for at, s in rows])
    session.add(Tip(municipality_id=town["other"].id, text="y", created_at=_at(2026, 3, 5)))
    session.flush()
    with count_queries() as statements:
        months = service.month_counts(home.id, date(2026, 3, 20))
    assert len(statements) == 1
    assert [m.month for m in months][0] == date(2025, 4, 1) and months[-1].month == date(2026, 3, 1)
    by_month = {m.month: (m.total, {s.value: n for s, n in m.by_status.items() if n})
                for m in months if m.total}
    assert by_month == {
        date(2026, 3, 1): (2, {"new": 1, "answered": 1}),
        date(2026, 2, 1): (1, {"dismissed": 1}),
        date(2025, 4, 1): (1, {"activity": 1}),
    }


def test_the_list_filters_by_status_and_pages(client, app, triage, session, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 5)
    now = datetime.now(timezone.utc)
    session.add_all([Tip(municipality_id=triage["m"].id, text=f"Svarat tips {n}",
                         status=TipStatus.ANSWERED, created_at=now - timedelta(minutes=n))
                     for n in range(7)])
    session.commit()
    login(client, triage["coordinator"].email)
    url = f"/kommuner/{triage['m'].id}/tips"
    answered = client.get(f"{url}?status=answered").get_data(as_text=True)
    assert "Fest i parken" not in answered and "Svarat tips 0" in answered
    assert "Sida 1 av 2" in answered and "Besvarad (7)" in answered and "Ny (1)" in answered
    second = client.get(f"{url}?status=answered&sida=2").get_data(as_text=True)
    assert "Svarat tips 5" in second and "Svarat tips 6" in second and "Svarat tips 0" not in second
    everything = client.get(url).get_data(as_text=True)
    assert "Fest i parken" in everything and "Alla (8)" in everything
    month = re.search(r"<tbody>.*?</tr>", everything.split("Tips per månad")[1], re.S)[0]
    assert re.findall(r"<td>(\d+)</td>", month) == ["8", "1", "0", "7", "0", "0"]


def test_triage_pages_use_a_fixed_number_of_statements(client, triage, session):
    login(client, triage["coordinator"].email)
    urls = [f"/kommuner/{triage['m'].id}/tips", f"/tips/{triage['tip'].id}"]

    def measure():
        result = []
        for url in urls:
            client.get(url)
            with count_queries() as statements:
                assert client.get(url).status_code == 200
            result.append(len(statements))
        return result

    small = measure()
    session.add_all([Tip(municipality_id=triage["m"].id, text=f"Tips {n}",
                         status=list(TipStatus)[n % 4]) for n in range(40)])
    kind = make_type()
    for n in range(10):
        make_activity(make_commitment(make_promise(triage["m"], year=2020 + n % 5),
                                      Party.KOMMUNEN, text=f"Åtagande {n}"), kind, title=f"A{n}")
    session.commit()
    large = measure()
    assert large == small
    assert max(small) <= 9
