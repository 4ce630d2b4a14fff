"""The public site, no login: signed promises grouped by party, published follow-ups, Atom."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from xml.etree import ElementTree as ET

import pytest
import sqlalchemy as sa

from tests.conftest import count_queries
from tracker import page_cache
from tracker.extensions import db
from tracker.followups import compiler as followup_compiler
from tracker.models import (
    Commitment,
    FocusArea,
    FollowUp,
    FollowUpStatus,
    FollowUpVersion,
    Municipality,
    Party,
    PoliceArea,
    Promise,
    PromiseStatus,
)

ATOM = "{http://www.w3.org/2005/Atom}"
JAN = datetime(2024, 1, 30, 9, 0, tzinfo=timezone.utc)
FEB = datetime(2024, 2, 14, 15, 30, tzinfo=timezone.utc)
MAR = datetime(2024, 3, 1, 8, 0, tzinfo=timezone.utc)


def _promise(municipality, title, start, end, status, *, public=True, areas=()):
    """A promise with focus areas [(title, [(party, text), ...]), ...], in the given order."""
    promise = Promise(municipality_id=municipality.id, title=title, start_year=start,
                      end_year=end, status=status, is_public=public,
                      signed_on=None if status is PromiseStatus.DRAFT else date(start, 2, 4),
                      signatories=[] if status is PromiseStatus.DRAFT else
                      [{"name": "Bertil Jonsson (M)", "title": "kommunstyrelsens ordförande"}])
    db.session.add(promise)
    db.session.flush()
    for position, (area_title, lines) in enumerate(areas):
        area = FocusArea(promise_id=promise.id, title=area_title, position=position)
        db.session.add(area)
        db.session.flush()
        for n, (party, text) in enumerate(lines):
            db.session.add(Commitment(promise_id=promise.id, focus_area_id=area.id, party=party,
                                      text=text, position=n))
    db.session.flush()
    return promise


def _publish(followup: FollowUp, at: datetime) -> None:
    """What publishing leaves: a version with published_at (approvals are tested elsewhere)."""
    number = (db.session.scalar(sa.select(sa.func.max(FollowUpVersion.number)).where(
        FollowUpVersion.follow_up_id == followup.id)) or 0) + 1
    followup.status, followup.published_at = FollowUpStatus.PUBLISHED, at
    db.session.add(FollowUpVersion(follow_up_id=followup.id, number=number,
                                   sections=followup.sections, verdicts=followup.verdicts,
                                   figures=followup.figures or {}, published_at=at,
                                   correction_note=followup.correction_note))
    db.session.flush()


def _compiled(promise, year):
    return followup_compiler.compile_followup(promise.id, year, today=date(year + 1, 1, 15))


@pytest.fixture
def world(session):
    area = PoliceArea(name="Västra Skaraborg")
    session.add(area)
    session.flush()
    home = Municipality(name="Lidköping", slug="lidkoping", police_area_id=area.id)
    away = Municipality(name="Skara", slug="skara", police_area_id=area.id)
    session.add_all([home, away])
    session.flush()
    signed = _promise(home, "Medborgarlöfte 2024", 2024, 2024, PromiseStatus.SIGNED, areas=[
        ("Trygg stadskärna", [
            (Party.TILLSAMMANS, "Vi genomför trygghetsvandringar i centrum."),
            (Party.POLISEN, "Polisen patrullerar vid resecentrum på fredagskvällar."),
            (Party.KOMMUNEN, "Kommunen förbättrar belysningen i stadsparken."),
        ]),
        ("Narkotika bland unga", [
            (Party.POLISEN, "Polisen gör riktade insatser mot narkotika."),
        ]),
    ])
    draft = _promise(home, "Utkast till medborgarlöfte 2026", 2026, 2026, PromiseStatus.DRAFT,
                     areas=[("Hemligt", [(Party.KOMMUNEN, "Ett löfte som inte är klart.")])])
    hidden = _promise(home, "Medborgarlöfte 2025 (inte publikt)", 2025, 2025,
                      PromiseStatus.ACTIVE, public=False,
                      areas=[("Dolt", [(Party.POLISEN, "Ett löfte som inte visas.")])])
    old = _promise(home, "Medborgarlöfte 2022–2023", 2022, 2023, PromiseStatus.CONCLUDED,
                   areas=[("Trafik", [(Party.POLISEN, "Polisen gör trafikkontroller.")])])
    skara = _promise(away, "Medborgarlöfte 2023", 2023, 2023, PromiseStatus.CONCLUDED,
                     areas=[("Resecentrum", [(Party.KOMMUNEN, "Kommunen rustar resecentrum.")])])
    published = _compiled(old, 2022)
    _publish(published, JAN)
    corrected = _compiled(old, 2023)
    _publish(corrected, JAN)
    _publish(corrected, FEB)  # a correction, published again
    in_draft = _compiled(signed, 2024)  # never published
    skara_followup = _compiled(skara, 2023)
    _publish(skara_followup, MAR)
    session.commit()
    return dict(area=area, home=home, away=away, signed=signed, draft=draft, hidden=hidden,
                old=old, published=published, corrected=corrected, in_draft=in_draft,
                skara_followup=skara_followup)


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_start_page_lists_police_areas_and_their_municipalities(client, world):
    page = _text(client.get("/offentlig/"))
    assert "Lokalpolisområde Västra Skaraborg" in page
    assert 'href="/offentlig/lidkoping"' in page and 'href="/offentlig/skara"' in page
    # Lidköping: the signed and the concluded promise; the draft and the hidden one do not count
    assert "2 medborgarlöften, 2 publicerade uppföljningar" in page
    assert "1 medborgarlöfte, 1 publicerad uppföljning" in page


def test_the_municipality_page_shows_public_promises_and_published_follow_ups_only(client, world):
    page = _text(client.get("/offentlig/lidkoping"))
    assert "Medborgarlöfte 2024" in page and "Medborgarlöfte 2022–2023" in page
    assert "Utkast till medborgarlöfte 2026" not in page
    assert "inte publikt" not in page
    assert f'/offentlig/uppfoljningar/{world["published"].id}"' in page
    assert f'/offentlig/uppfoljningar/{world["corrected"].id}"' in page
    assert f'/offentlig/uppfoljningar/{world["in_draft"].id}"' not in page
    assert f'/offentlig/uppfoljningar/{world["skara_followup"].id}"' not in page  # Skara's
    assert "rättad 14 februari 2024" in page
    assert 'href="/offentlig/lidkoping/tips"' in page


def test_a_promise_page_groups_commitments_by_party_per_focus_area(client, world):
    page = _text(client.get(f"/offentlig/lidkoping/loften/{world['signed'].id}"))
    order = ["Trygg stadskärna",
             "Kommunen lovar", "Kommunen förbättrar belysningen i stadsparken.",
             "Polisen lovar", "Polisen patrullerar vid resecentrum på fredagskvällar.",
             "Tillsammans lovar vi", "Vi genomför trygghetsvandringar i centrum.",
             "Narkotika bland unga", "Polisen lovar", "Polisen gör riktade insatser mot narkotika."]
    positions, start = [], 0
    for text in order:
        start = page.index(text, start)
        positions.append(start)
    second_area = page[page.index("Narkotika bland unga"):]
    assert "Kommunen lovar" not in second_area and "Tillsammans lovar vi" not in second_area
    assert "Bertil Jonsson (M), kommunstyrelsens ordförande" in page
    assert "4 februari 2024" in page
    assert "Planera aktivitet" not in page and "aktivitet" not in page.lower().split("<main")[1]


@pytest.mark.parametrize("which, slug", [
    ("draft", "lidkoping"), ("hidden", "lidkoping"), ("signed", "skara"),
])
def test_draft_hidden_and_misplaced_promises_are_not_found(client, world, which, slug):
    assert client.get(f"/offentlig/{slug}/loften/{world[which].id}").status_code == 404


def test_an_unknown_municipality_is_not_found(client, world):
    assert client.get("/offentlig/ingenstans").status_code == 404
    assert client.get("/offentlig/ingenstans/uppfoljningar.atom").status_code == 404


def test_a_draft_follow_up_is_never_public_and_a_published_one_is(client, world):
    assert client.get(f"/offentlig/uppfoljningar/{world['in_draft'].id}").status_code == 404
    page = _text(client.get(f"/offentlig/uppfoljningar/{world['published'].id}"))
    assert "Uppföljning medborgarlöfte 2022" in page
    assert 'href="/offentlig/lidkoping"' in page  # back to the municipality


def _feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    return root


def _entries(root):
    return [{child.tag.removeprefix(ATOM): child for child in entry}
            for entry in root.findall(f"{ATOM}entry")]


def test_the_atom_feed_lists_published_follow_ups_newest_first(client, world):
    root = _feed(client, "/offentlig/uppfoljningar.atom")
    for tag in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{tag}") is not None, tag
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == \
        "https://lofteskollen.example.se/offentlig/uppfoljningar.atom"
    entries = _followup_entries(root)
    expected = [world["skara_followup"], world["corrected"], world["published"]]
    assert [e["link"].get("href") for e in entries] == [
        f"https://lofteskollen.example.se/offentlig/uppfoljningar/{f.id}" for f in expected]
    assert [e["id"].text for e in entries] == [e["link"].get("href") for e in entries]
    assert [e["updated"].text for e in entries] == [
        "2024-03-01T08:00:00Z", "2024-02-14T15:30:00Z", "2024-01-30T09:00:00Z"]
    assert entries[1]["published"].text == "2024-01-30T09:00:00Z"  # first publication
    assert root.find(f"{ATOM}updated").text == "2024-03-01T08:00:00Z"
    assert "Uppföljning 2023 av Medborgarlöfte 2022–2023 – Lidköping" == entries[1]["title"].text
    assert all(e["summary"].text and e["author"].find(f"{ATOM}name").text for e in entries)


def _followup_entries(root) -> list[dict]:
    return [e for e in _entries(root) if "/uppfoljningar/" in e["link"].get("href")]


def test_the_feeds_carry_signed_promises_too(client, world):
    """The same events subscribers get by e-mail: a promise signed, a follow-up published."""
    entries = _entries(_feed(client, "/offentlig/lidkoping/uppfoljningar.atom"))
    signed = [e for e in entries if "/loften/" in e["link"].get("href")]
    assert [e["id"].text for e in signed] == [
        f"https://lofteskollen.example.se/offentlig/lidkoping/loften/{world[k].id}" for k in ("signed", "old")]
    assert signed[0]["title"].text == "Nytt medborgarlöfte: Medborgarlöfte 2024 – Lidköping"
    assert signed[0]["updated"].text == "2024-02-03T23:00:00Z"  # 4 February in Stockholm
    updated = [e["updated"].text for e in entries]
    assert updated == sorted(updated, reverse=True)
    hrefs = " ".join(e["link"].get("href") for e in entries)
    for hidden in ("draft", "hidden"):
        assert f"/loften/{world[hidden].id}" not in hrefs


def test_the_municipality_feed_has_its_own_follow_ups_and_stable_ids(client, world, session):
    root = _feed(client, "/offentlig/lidkoping/uppfoljningar.atom")
    ids = [e["id"].text for e in _followup_entries(root)]
    assert ids == [f"https://lofteskollen.example.se/offentlig/uppfoljningar/{world[k].id}"
                   for k in ("corrected", "published")]
    assert root.find(f"{ATOM}id").text == "https://lofteskollen.example.se/offentlig/lidkoping/uppfoljningar.atom"

    _publish(world["in_draft"], datetime(2025, 1, 10, 7, 0, tzinfo=timezone.utc))
    session.commit()
    again = _followup_entries(_feed(client, "/offentlig/lidkoping/uppfoljningar.atom"))
    assert [e["id"].text for e in again][1:] == ids  # the older entries keep their ids
    assert again[0]["updated"].text == "2025-01-10T07:00:00Z"


def test_an_empty_feed_is_valid(client, world):
    root = _feed(client, "/offentlig/skara/uppfoljningar.atom")
    assert len(_entries(root)) == 2  # its follow-up and its signed promise
    session_free = Municipality(name="Götene", slug="gotene", police_area_id=world["area"].id)
    db.session.add(session_free)
    db.session.commit()
    empty = _feed(client, "/offentlig/gotene/uppfoljningar.atom")
    assert _entries(empty) == []
    assert empty.find(f"{ATOM}updated").text and empty.find(f"{ATOM}id").text


def _statements(client, url: str) -> tuple[int, int]:
    """(statements of a request with no kept part, of the next one with the parts kept)."""
    client.get(url)
    page_cache.clear(client.application)
    counts = []
    for _ in range(2):
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        counts.append(len(statements))
    return counts[0], counts[1]


PAGES = ["/offentlig/", "/offentlig/lidkoping", "/offentlig/lidkoping/loften/{signed}",
         "/offentlig/uppfoljningar.atom", "/offentlig/lidkoping/uppfoljningar.atom"]


def test_public_pages_use_a_fixed_number_of_statements(client, world, session):
    urls = [u.format(signed=world["signed"].id) for u in PAGES]
    small = [_statements(client, url) for url in urls]
    for n in range(6):  # many more municipalities, promises, commitments and follow-ups
        extra = Municipality(name=f"Kommun {n}", slug=f"kommun-{n}",
                             police_area_id=world["area"].id)
        session.add(extra)
        session.flush()
        for year in (2021, 2023):
            promise = _promise(world["home"], f"Löfte {n}-{year}", year, year,
                               PromiseStatus.CONCLUDED, areas=[("Område", [(Party.POLISEN, "X")])])
            _publish(_compiled(promise, year), MAR)
            _promise(extra, f"Löfte {year}", year, year, PromiseStatus.ACTIVE)
        session.add_all([Commitment(promise_id=world["signed"].id, party=party, text=f"Mer {n}")
                         for party in Party])
    session.commit()
    large = [_statements(client, url) for url in urls]
    assert large == small
    # the promise page: 5 for the promise and its follow-ups, 4 for its progress
    # (per commitment, per month, the activities shown to residents, the latest change); the
    # municipality page: 3 and its published walk protocols; the feeds: follow-ups and signed
    # promises. Kept (tracker/page_cache.py), the municipality and promise pages read only
    # the municipality, the start page only every municipality's data version.
    assert small == [(2, 1), (4, 1), (9, 1), (2, 2), (3, 3)]


def test_public_pages_have_no_inline_script_or_style(client, world):
    for url in [u.format(signed=world["signed"].id) for u in PAGES[:3]] + [
            "/offentlig/tillganglighet", "/offentlig/lidkoping/tips"]:
        page = _text(client.get(url))
        assert re.search(r"<script(?![^>]*\ssrc=)", page) is None and "style=" not in page and "<style" not in page, url


def test_the_accessibility_statement_follows_diggs_model(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "ACCESSIBILITY_CONTACT", "webb@lidkoping.example")
    page = _text(client.get("/offentlig/tillganglighet"))
    for heading in ("Hur tillgänglig är webbplatsen?",
                    "Rapportera brister i webbplatsens tillgänglighet",
                    "Tillsyn", "Teknisk information om webbplatsens tillgänglighet",
                    "Innehåll som inte är tillgängligt", "Hur vi testat webbplatsen"):
        assert f">{heading}</h2>" in page, heading
    assert "lagen (2018:1937) om tillgänglighet till digital offentlig service" in page
    assert "delvis förenlig" in page
    assert re.search(r'<a href="https://www\.digg\.se/tdosanmalan"[^>]*>Anmäl bristande '
                     r'tillgänglighet till Digg</a>', page)
    assert 'href="mailto:webb@lidkoping.example"' in page
    assert "Redogörelsen uppdaterades senast den 22 november 2026." in page


def test_every_page_links_to_the_public_site_and_the_statement_in_its_footer(client, world):
    for url in ("/login", "/offentlig/lidkoping"):
        footer = _text(client.get(url)).split('<footer class="site-footer">')[1]
        assert 'href="/offentlig/"' in footer and 'href="/offentlig/tillganglighet"' in footer


def test_the_print_stylesheet_hides_navigation_and_buttons(client):
    response = client.get("/static/style.css")
    css = response.get_data(as_text=True)
    response.close()
    print_rules = css[css.index("@media print"):]
    assert ".site-header nav" in print_rules and ".button" in print_rules and "form" in print_rules


def _edit_first_section(followup: FollowUp, text: str) -> None:
    sections = {key: dict(value) for key, value in followup.sections.items()}
    sections[next(iter(sections))]["edited"] = text
    followup.sections = sections


def test_a_published_page_follows_renames_and_corrections(client, world, session):
    """The rendered report is kept between views; what it prints must never go stale."""
    followup = world["corrected"]
    url = f"/offentlig/uppfoljningar/{followup.id}"
    assert "Lidköping" in _text(client.get(url))

    world["home"].name = "Lidköpings kommun"
    world["area"].name = "Skaraborg västra"
    session.commit()
    page = _text(client.get(url))
    assert "Uppföljning medborgarlöfte 2023 – Lidköpings kommun" in page
    assert "lokalpolisområde Skaraborg västra" in page

    _edit_first_section(followup, "Rättad text om trafikkontrollerna vid skolorna.")
    followup.correction_note = "Antalet kontroller var fel."
    _publish(followup, MAR)
    session.commit()
    page = _text(client.get(url))
    assert "Rättad text om trafikkontrollerna vid skolorna." in page
    assert "Antalet kontroller var fel." in page
    earlier = _text(client.get(f"{url}/version/2"))
    assert "Rättad text om trafikkontrollerna" not in earlier
    assert "Det här är en äldre version." in earlier


def test_a_published_page_reads_its_content_once_and_the_draft_never(client, world, session):
    url = f"/offentlig/uppfoljningar/{world['published'].id}"
    with count_queries() as first:
        assert client.get(url).status_code == 200
    with count_queries() as again:
        assert client.get(url).status_code == 200
    # The first view reads the heading, the published versions, the version's sections and
    # figures and the readers' comments; the next only the heading (its municipality's data
    # version keys the kept parts).
    assert (len(first), len(again)) == (4, 1)
    assert not any("follow_up.sections" in statement for statement in first)


def test_the_demo_municipalities_are_named_officially_in_report_pages_and_feed(client, session):
    """"Lidköpings kommun", "Skara kommun", "Götene kommun": never "Skaras kommun"."""
    from tracker.demo.loader import load_demo

    load_demo()
    names = {"lidkoping": "Lidköpings kommun", "skara": "Skara kommun", "gotene": "Götene kommun"}
    for slug, official in names.items():
        promise = session.scalar(sa.select(Promise).join(Municipality)
                                 .where(Municipality.slug == slug, Promise.status.in_(
                                     [PromiseStatus.SIGNED, PromiseStatus.CONCLUDED]))
                                 .order_by(Promise.start_year).limit(1))
        followup = _compiled(promise, promise.end_year)
        _publish(followup, MAR)
        session.commit()
        intro = followup.sections["inledning"]["generated"]
        assert intro.startswith(f"{official} och Polisen i lokalpolisområde Västra Skaraborg")
        report = _text(client.get(f"/offentlig/uppfoljningar/{followup.id}"))
        assert f"Medborgarlöfte mellan {official} och Polisen" in report
        assert f"{official} och Polisen i lokalpolisområde" in _text(
            client.get(f"/offentlig/{slug}"))
        assert f"som bor i {official}." in _text(
            client.get(f"/offentlig/{slug}/loften/{promise.id}"))
        feed = _text(client.get(f"/offentlig/{slug}/uppfoljningar.atom"))
        assert f"{official} och Polisen har publicerat" in feed
    everything = " ".join(_text(client.get(f"/offentlig/{slug}")) for slug in names)
    for wrong in ("Skaras kommun", "Götenes kommun", "Lidköping kommun", "Exempelkommuns"):
        assert wrong not in everything


def test_a_municipality_that_is_not_public_hides_its_published_follow_up(client, world, session):
    followup = world["published"]
    assert client.get(f"/offentlig/uppfoljningar/{followup.id}").status_code == 200
    followup.promise.municipality.is_public = False
    session.commit()
    assert client.get(f"/offentlig/uppfoljningar/{followup.id}").status_code == 404
    assert client.get(f"/offentlig/uppfoljningar/{followup.id}/uppfoljning.pdf").status_code == 404


@pytest.mark.parametrize("url", [u for u in PAGES if not u.endswith(".atom")] + [
    "/offentlig/lidkoping/tips", "/offentlig/lidkoping/prenumerera", "/offentlig/tillganglighet"])
def test_every_link_on_a_public_page_leads_somewhere(client, world, url):
    """A kept page body is rendered apart from its page: a link it takes from the page's
    context is empty (href="" reloads the page)."""
    page = _text(client.get(url.format(signed=world["signed"].id)))
    assert re.findall(r'href="\s*"', page) == []


def test_the_municipality_pages_atom_link_answers_with_its_feed(client, world):
    page = _text(client.get("/offentlig/lidkoping"))
    (link,) = re.findall(r'<a href="([^"]+)">Prenumerera på uppföljningar och nya löften', page)
    feed = client.get(link)
    assert feed.status_code == 200 and feed.mimetype == "application/atom+xml"
    assert ET.fromstring(feed.data).find(f"{ATOM}title").text == \
        "Publicerade uppföljningar för Lidköping"
