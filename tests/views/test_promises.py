"""Promise pages over HTTP: writing, grouping, permissions, personnummer, conflicts, statements."""
import re
from datetime import date

import pytest
import sqlalchemy as sa

from tests.conftest import count_queries, login
from tests.factories import bulk_activities, make_type
from tracker.models import Commitment, FocusArea, Party, Promise, PromiseStatus, Role
from tracker.services import promises as service
from tracker.services.promises import CommitmentInput

PERSONNUMMER = "811218-9876"


@pytest.fixture
def world(session, make_municipality, make_user):
    home = make_municipality("Lidköping")
    away = make_municipality("Götene")
    users = {
        "coordinator": make_user(Role.COORDINATOR, home),
        "officer": make_user(Role.OFFICER, home),
        "viewer": make_user(Role.VIEWER, home),
        "stranger": make_user(Role.COORDINATOR, away),
    }
    promise = service.create_promise(users["coordinator"], home.id, title="Medborgarlöfte 2025",
                                     start_year=2025, end_year=2025)
    area = service.add_focus_area(promise, users["coordinator"], "Drogförebyggande arbete")
    commitment = service.add_commitment(
        promise, users["coordinator"],
        CommitmentInput(Party.POLISEN, "Polisen besöker skolorna.", area.id, 10,
                        "alla klasser i åk 7"),
    )
    session.commit()
    return dict(home=home, away=away, promise=promise, area=area, commitment=commitment, **users)


def _text(response) -> str:
    return response.get_data(as_text=True)


# ---------------------------------------------------------------- the coordinator's flow

def test_coordinator_writes_a_promise_and_sees_it_grouped_like_the_published_pages(
        client, world, session):
    login(client, world["coordinator"].email)
    home = world["home"].id
    form = client.get(f"/kommuner/{home}/loften/nytt")
    assert form.status_code == 200
    assert "Period (1–3 år)" in form.get_data(as_text=True)  # promises.MAX_PERIOD_YEARS
    response = client.post(f"/kommuner/{home}/loften/nytt", data={
        "title": "Medborgarlöfte 2026", "start_year": "2026", "end_year": "2026",
        "problem_picture": "Oro för narkotika bland unga.", "sources": ["enkat", "brottsstatistik"],
        "sources_note": "SCB:s medborgarundersökning",
    })
    assert response.status_code == 302
    promise_id = int(re.search(r"/loften/(\d+)", response.headers["Location"])[1])

    response = client.post(f"/loften/{promise_id}/fokusomraden",
                           data={"title": "Trygg stadskärna", "description": "Centrum på kvällen"})
    assert response.status_code == 302
    area = session.scalar(sa.select(FocusArea).where(FocusArea.promise_id == promise_id))
    for party, text in (("tillsammans", "Vi genomför trygghetsvandringar."),
                        ("polisen", "Polisen patrullerar fredagskvällar."),
                        ("kommunen", "Kommunen förbättrar belysningen.")):
        response = client.post(f"/loften/{promise_id}/ataganden", data={
            "focus_area_id": str(area.id), "party": party, "text": text,
            "target_count": "12", "target_note": f"mål för {party}",
        })
        assert response.status_code == 302, _text(response)
    client.post(f"/loften/{promise_id}/ataganden",
                data={"focus_area_id": "0", "party": "kommunen", "text": "Ett löfte utan område."})

    page = _text(client.get(f"/loften/{promise_id}"))
    assert "Medborgarlöfte 2026" in page and "Utkast" in page
    assert "Oro för narkotika bland unga." in page and "Enkät" in page and "Brottsstatistik" in page
    order = [page.index(s) for s in (
        "Trygg stadskärna", "Kommunen lovar", "Kommunen förbättrar belysningen.",
        "Polisen lovar", "Polisen patrullerar fredagskvällar.",
        "Tillsammans lovar vi", "Vi genomför trygghetsvandringar.", "mål för tillsammans",
        "Övriga löften", "Ett löfte utan område.")]
    assert order == sorted(order)
    assert re.search(r'<progress max="12" value="0"', page)
    assert "style=" not in page and re.search(r"<script(?![^>]*\ssrc=)", page) is None


def test_coordinator_signs_and_then_revises_with_a_reason(client, world, session):
    login(client, world["coordinator"].email)
    promise_id, commitment_id = world["promise"].id, world["commitment"].id
    response = client.post(f"/loften/{promise_id}/underteckna", data={
        "signed_on": "2025-02-04",
        "name_1": "Anna Andersson", "title_1": "Kommunstyrelsens ordförande",
        "name_2": "Bo Berg", "title_2": "Lokalpolisområdeschef",
    })
    assert response.status_code == 302
    page = _text(client.get(f"/loften/{promise_id}"))
    assert "Undertecknat" in page and "4 februari 2025" in page
    assert "Bo Berg, Lokalpolisområdeschef" in page
    # Editing a signed promise's commitment leads to the revision form instead.
    assert client.get(f"/ataganden/{commitment_id}/redigera").status_code == 302
    refused = client.post(f"/ataganden/{commitment_id}/revidera", data={
        "text": "Polisen besöker alla skolor.", "target_count": "12", "reason": ""})
    assert "Ange varför åtagandet revideras." in _text(refused)
    response = client.post(f"/ataganden/{commitment_id}/revidera", data={
        "text": "Polisen besöker alla skolor.", "target_count": "12", "target_note": "",
        "reason": "Fler skolor i kommunen",
    })
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Commitment, commitment_id).text == "Polisen besöker alla skolor."


def test_copy_to_next_period_page(client, world):
    login(client, world["coordinator"].email)
    promise_id = world["promise"].id
    form = _text(client.get(f"/loften/{promise_id}/kopiera"))
    assert "Ta med ej avslutade aktiviteter" in form and "2026" in form
    response = client.post(f"/loften/{promise_id}/kopiera", data={"carry_activities": "y"})
    assert response.status_code == 302
    page = _text(client.get(response.headers["Location"]))
    assert "Medborgarlöfte 2026" in page and "Polisen besöker skolorna." in page


def test_copy_page_warns_of_a_promise_already_covering_the_next_period(client, world, session):
    service.create_promise(world["coordinator"], world["home"].id, title="Trygghetslöfte",
                           start_year=2026, end_year=2026)
    session.commit()
    login(client, world["coordinator"].email)
    url = f"/loften/{world['promise'].id}/kopiera"

    form = _text(client.get(url))
    warning = "Obs: Trygghetslöfte gäller redan 2026, som överlappar den nya perioden."
    assert warning in form
    response = client.post(url, data={})
    assert response.status_code == 302
    assert warning in _text(client.get(response.headers["Location"]))


def test_moving_and_deleting_from_the_promise_page(client, world, session):
    login(client, world["coordinator"].email)
    promise, area = world["promise"], world["area"]
    second = service.add_commitment(promise, world["coordinator"],
                                    CommitmentInput(Party.POLISEN, "Andra löftet", area.id))
    session.commit()
    moved = client.post(f"/ataganden/{second.id}/flytta", data={"direction": "up"})
    assert moved.status_code == 302
    page = _text(client.get(f"/loften/{promise.id}"))
    assert page.index("Andra löftet") < page.index("Polisen besöker skolorna.")
    assert client.post(f"/fokusomraden/{area.id}/ta-bort").status_code == 302
    page = _text(client.get(f"/loften/{promise.id}"))
    assert "Drogförebyggande arbete</h2>" not in page and "Övriga löften</h2>" in page
    assert "2 åtaganden ligger nu under Övriga löften." in page


# ---------------------------------------------------------------- who may do what

WRITES = [
    ("get", "/loften/{p}/redigera", None),
    ("post", "/loften/{p}/redigera",
     {"title": "X", "start_year": "2025", "end_year": "2025", "version": "1"}),
    ("post", "/loften/{p}/underteckna", {"signed_on": "2025-01-01", "name_1": "A", "title_1": "B"}),
    ("post", "/loften/{p}/fokusomraden", {"title": "Nytt område"}),
    ("post", "/fokusomraden/{a}/redigera", {"title": "Nytt namn"}),
    ("post", "/fokusomraden/{a}/ta-bort", {}),
    ("post", "/fokusomraden/{a}/flytta", {"direction": "up"}),
    ("post", "/loften/{p}/ataganden", {"party": "polisen", "text": "Nytt", "focus_area_id": "0"}),
    ("get", "/ataganden/{c}/redigera", None),
    ("post", "/ataganden/{c}/redigera",
     {"party": "polisen", "text": "Ändrat", "focus_area_id": "0"}),
    ("get", "/ataganden/{c}/revidera", None),
    ("post", "/ataganden/{c}/flytta", {"direction": "down"}),
    ("post", "/ataganden/{c}/ta-bort", {}),
    ("get", "/loften/{p}/kopiera", None),
    ("post", "/loften/{p}/kopiera", {}),
    ("get", "/kommuner/{m}/loften/nytt", None),
    ("post", "/kommuner/{m}/loften/nytt", {"title": "X", "start_year": "2025", "end_year": "2025"}),
]
READS = ["/loften/{p}", "/kommuner/{m}/loften"]


def _url(template: str, world) -> str:
    return template.format(p=world["promise"].id, a=world["area"].id, c=world["commitment"].id,
                           m=world["home"].id)


@pytest.mark.parametrize("role, read_status, write_status", [
    ("officer", 200, 403),
    ("viewer", 200, 403),
    ("stranger", 403, 403),  # a coordinator of another municipality, with real ids
])
def test_role_table(client, world, session, role, read_status, write_status):
    login(client, world[role].email)
    for path in READS:
        assert client.get(_url(path, world)).status_code == read_status, path
    for method, path, data in WRITES:
        response = getattr(client, method)(_url(path, world), data=data)
        assert response.status_code == write_status, (method, path)
    session.expire_all()
    assert session.get(Commitment, world["commitment"].id).text == "Polisen besöker skolorna."
    assert session.get(FocusArea, world["area"].id) is not None
    assert session.scalar(sa.select(sa.func.count(Promise.id))) == 1


def test_missing_ids_give_404_and_anonymous_users_are_sent_to_login(client, world):
    assert client.get(f"/loften/{world['promise'].id}").status_code == 302
    login(client, world["coordinator"].email)
    for path in ("/loften/999999", "/kommuner/999999/loften", "/ataganden/999999/redigera",
                 "/fokusomraden/999999/redigera"):
        assert client.get(path).status_code == 404, path


# ---------------------------------------------------------------- personal data

def test_personnummer_in_a_commitment_is_refused_in_swedish_and_nothing_is_saved(
        client, world, session):
    login(client, world["coordinator"].email)
    promise_id = world["promise"].id
    response = client.post(f"/loften/{promise_id}/ataganden", data={
        "focus_area_id": "0", "party": "kommunen",
        "text": f"Orossamtal med {PERSONNUMMER} och vårdnadshavare.",
    })
    assert response.status_code == 200
    page = _text(response)
    assert "personnummer" in page and "Åtagande" in page and 'aria-invalid="true"' in page
    assert session.scalar(sa.select(sa.func.count(Commitment.id)).where(
        Commitment.promise_id == promise_id)) == 1


# ---------------------------------------------------------------- conflicts

def test_stale_edit_answers_409_with_both_versions_and_keeps_the_users_input(
        client, world, session):
    login(client, world["coordinator"].email)
    promise = world["promise"]
    form = _text(client.get(f"/loften/{promise.id}/redigera"))
    opened = re.search(r'name="version"[^>]*value="(\d+)"', form) or re.search(
        r'value="(\d+)"[^>]*name="version"', form)
    opened = opened[1]
    # Someone else saves in between.
    service.update_promise(promise, world["coordinator"], promise.version_id,
                           title="Medborgarlöfte 2025 – kollegans version",
                           problem_picture="Kollegans problembild")
    session.commit()
    response = client.post(f"/loften/{promise.id}/redigera", data={
        "title": "Medborgarlöfte 2025 – min version", "start_year": "2025", "end_year": "2025",
        "problem_picture": "Min problembild", "version": opened,
    })
    assert response.status_code == 409
    page = _text(response)
    assert "Medborgarlöfte 2025 – kollegans version" in page and "Kollegans problembild" in page
    assert 'value="Medborgarlöfte 2025 – min version"' in page
    assert "Min problembild</textarea>" in page
    session.expire_all()
    assert session.get(Promise, promise.id).title == "Medborgarlöfte 2025 – kollegans version"
    # Saving again from the conflict page overwrites knowingly.
    current = re.search(r'name="version"[^>]*value="(\d+)"', page)[1]
    response = client.post(f"/loften/{promise.id}/redigera", data={
        "title": "Medborgarlöfte 2025 – min version", "start_year": "2025", "end_year": "2025",
        "problem_picture": "Min problembild", "version": current,
    })
    assert response.status_code == 302


# ---------------------------------------------------------------- statement counts

def _promise_with(session, world, n: int) -> int:
    coordinator = world["coordinator"]
    promise = service.create_promise(coordinator, world["home"].id, title=f"Löfte med {n}",
                                     start_year=2030, end_year=2030)
    areas = [service.add_focus_area(promise, coordinator, f"Område {i}") for i in range(2)]
    kind = make_type()
    for i in range(n):
        commitment = service.add_commitment(promise, coordinator, CommitmentInput(
            list(Party)[i % 3], f"Åtagande {i}", areas[i % 2].id if i % 4 else None, 5))
        bulk_activities(commitment, kind, 3, entries_each=2)
    session.commit()
    return promise.id


def _statements(client, session, path: str) -> int:
    session.expire_all()
    with count_queries() as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_promise_page_runs_a_fixed_number_of_statements(client, world, session):
    small, large = _promise_with(session, world, 2), _promise_with(session, world, 20)
    login(client, world["viewer"].email)
    few = _statements(client, session, f"/loften/{small}")
    many = _statements(client, session, f"/loften/{large}")
    assert few == many <= 7, (few, many)
    page = _text(client.get(f"/loften/{large}"))
    assert page.count("<progress") == 20 and "6 av 5" in page and "3 aktiviteter" in page


def test_promise_list_runs_a_fixed_number_of_statements(client, world, session):
    login(client, world["viewer"].email)
    path = f"/kommuner/{world['home'].id}/loften"
    one = _statements(client, session, path)
    for year in range(2026, 2031):
        service.create_promise(world["coordinator"], world["home"].id, title=f"Löfte {year}",
                               start_year=year, end_year=year)
    session.commit()
    assert _statements(client, session, path) == one <= 4
    page = _text(client.get(path))
    assert "Löfte 2030" in page and page.index("Löfte 2030") < page.index("Medborgarlöfte 2025")


def test_start_page_links_promises_and_the_municipality_list(client, world):
    login(client, world["coordinator"].email)
    page = _text(client.get("/"))
    assert f'href="/loften/{world["promise"].id}"' in page
    assert f'href="/kommuner/{world["home"].id}/loften"' in page and "Alla löften" in page
    assert "Lidköping" in page and "Medborgarlöfte 2025" in page


def test_signed_promise_page_offers_revision_not_editing(client, world, session):
    service.sign_promise(world["promise"], world["coordinator"], date(2025, 1, 10),
                         [{"name": "A Andersson", "title": "KSO"}])
    session.commit()
    login(client, world["coordinator"].email)
    page = _text(client.get(f"/loften/{world['promise'].id}"))
    assert f"/ataganden/{world['commitment'].id}/revidera" in page
    assert f"/ataganden/{world['commitment'].id}/redigera" not in page
    assert world["promise"].status == PromiseStatus.SIGNED


def test_every_write_form_carries_a_working_csrf_token(client, world, session, app, monkeypatch):
    login(client, world["coordinator"].email)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    promise_id = world["promise"].id
    page = _text(client.get(f"/loften/{promise_id}"))
    forms = re.findall(r'<form method="post"[^>]*>(.*?)</form>', page, re.S)
    assert forms and all('name="csrf_token"' in form for form in forms)
    refused = client.post(f"/loften/{promise_id}/fokusomraden", data={"title": "Utan token"})
    assert refused.status_code == 400
    form = _text(client.get(f"/loften/{promise_id}/fokusomraden"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)[1]
    accepted = client.post(f"/loften/{promise_id}/fokusomraden",
                           data={"title": "Med token", "csrf_token": token})
    assert accepted.status_code == 302
    assert session.scalar(sa.select(sa.func.count(FocusArea.id)).where(
        FocusArea.promise_id == promise_id)) == 2
