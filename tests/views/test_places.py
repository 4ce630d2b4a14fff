"""Places of a municipality: list with counts, one place's page, adding a place."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import count_queries, login
from tracker.extensions import db
from tracker.models import (
    Activity,
    ActivityType,
    Commitment,
    LogEntry,
    Membership,
    Party,
    Place,
    Promise,
    PromiseStatus,
    Role,
)

# --- small local factories -------------------------------------------------------------

def make_place(m, name, kind="centrum") -> Place:
    place = Place(municipality_id=m.id, name=name, kind=kind)
    db.session.add(place)
    db.session.flush()
    return place


def make_commitment(m) -> Commitment:
    promise = Promise(municipality_id=m.id, title=f"Löfte {m.name}", start_year=2025,
                      end_year=2026, status=PromiseStatus.ACTIVE)
    db.session.add(promise)
    db.session.flush()
    commitment = Commitment(promise_id=promise.id, party=Party.POLISEN, text="Polisen lovar.")
    db.session.add(commitment)
    db.session.flush()
    return commitment


def make_activity(commitment, m, title, places=(), owner=None) -> Activity:
    kind = db.session.scalar(sa.select(ActivityType).where(ActivityType.key == "plats_patrull"))
    if kind is None:
        kind = ActivityType(key="plats_patrull", name_sv="Platspatrull", measures=[])
        db.session.add(kind)
        db.session.flush()
    activity = Activity(commitment_id=commitment.id, municipality_id=m.id, type_id=kind.id,
                        title=title, owner_id=owner.id if owner else None, target_count=5)
    activity.places = list(places)
    activity.assignees = []
    db.session.add(activity)
    db.session.flush()
    return activity


def add_logs(activity, count, place=None, author=None, last=date(2025, 6, 30)) -> None:
    db.session.execute(sa.insert(LogEntry), [
        {"activity_id": activity.id, "occurred_on": last - timedelta(days=i),
         "place_id": place.id if place else None, "author_id": author.id if author else None,
         "measures": {}}
        for i in range(count)
    ])


def places_count(m) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Place).where(Place.municipality_id == m.id))


def row_of(page: str, name: str) -> str:
    """The visible text of the table row that names a place."""
    for row in page.split("<tr>"):
        if f">{name}</a>" in row:
            return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row.split("</tr>")[0])).strip()
    raise AssertionError(f"no row for {name}")


# --- list -----------------------------------------------------------------------------

def test_list_shows_activities_and_logged_occasions_per_place(client, town):
    m = town["m"]
    station = make_place(m, "Stationsområdet", "station")
    square = make_place(m, "Stortorget")
    school = make_place(m, "Vinbergsskolan", "skola")
    commitment = make_commitment(m)
    first = make_activity(commitment, m, "Kvällspatrull", places=[station, square])
    second = make_activity(commitment, m, "Helgpatrull", places=[station])
    add_logs(first, 4, place=station)
    add_logs(second, 3, place=station)
    add_logs(first, 2, place=school)  # logged at a place the activity did not plan

    login(client, town["viewer"].email)
    page = client.get(f"/kommuner/{m.id}/platser").get_data(as_text=True)
    assert row_of(page, "Stationsområdet") == "Stationsområdet Station eller resecentrum 2 7"
    assert row_of(page, "Stortorget") == "Stortorget Centrum 1 0"
    assert row_of(page, "Vinbergsskolan") == "Vinbergsskolan Skola 0 2"
    assert f'href="/platser/{station.id}"' in page
    assert 'name="name"' not in page  # a viewer gets no form


@pytest.mark.parametrize("who, expected", [
    ("coordinator", 200), ("officer", 200), ("viewer", 200), ("admin", 200), ("stranger", 403),
])
def test_who_may_see_the_list(client, town, who, expected):
    login(client, town[who].email)
    assert client.get(f"/kommuner/{town['m'].id}/platser").status_code == expected


def test_unknown_municipality_is_404(client, town):
    login(client, town["admin"].email)
    assert client.get("/kommuner/987654/platser").status_code == 404
    response = client.post("/kommuner/987654/platser", data={"name": "X", "kind": "ovrigt"})
    assert response.status_code == 404


# --- create ---------------------------------------------------------------------------

def test_coordinator_adds_a_place_with_coordinates(client, town, session):
    m = town["m"]
    login(client, town["coordinator"].email)
    form = client.get(f"/kommuner/{m.id}/platser").get_data(as_text=True)
    assert '<label for="name">Namn</label>' in form
    assert '<label for="kind">Typ av plats</label>' in form
    assert re.search(r"<script(?![^>]*\ssrc=)", form) is None and " style=" not in form and "dashboard.css" in form
    response = client.post(f"/kommuner/{m.id}/platser", data={
        "name": "  Axvalls  fritidsgård ", "kind": "fritidsgard", "lat": "58,3894", "lon": "13.57",
    })
    assert response.status_code == 302
    place = session.scalar(sa.select(Place).where(Place.municipality_id == m.id))
    assert (place.name, place.kind, place.lat, place.lon) == ("Axvalls fritidsgård", "fritidsgard",
                                                              58.3894, 13.57)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Platsen ”Axvalls fritidsgård” har lagts till." in page
    assert row_of(page, "Axvalls fritidsgård") == "Axvalls fritidsgård Fritidsgård 0 0"


def test_admin_may_add_a_place_anywhere(client, town):
    login(client, town["admin"].email)
    response = client.post(f"/kommuner/{town['m'].id}/platser",
                           data={"name": "Torget", "kind": "centrum"})
    assert response.status_code == 302 and places_count(town["m"]) == 1


def test_duplicate_name_gives_a_swedish_error_and_saves_nothing(client, town):
    m = town["m"]
    make_place(m, "Stortorget")
    make_place(town["other"], "Resecentrum")
    login(client, town["coordinator"].email)
    response = client.post(f"/kommuner/{m.id}/platser",
                           data={"name": "stortorget", "kind": "centrum"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Det finns redan en plats som heter ”stortorget” i kommunen." in page
    assert places_count(m) == 1
    # the same name in another municipality is fine
    assert client.post(f"/kommuner/{m.id}/platser",
                       data={"name": "Resecentrum", "kind": "station"}).status_code == 302


def test_a_name_taken_between_check_and_insert_is_still_a_swedish_error(
        client, town, monkeypatch):
    """Two coordinators adding the same place at once: the UNIQUE constraint decides."""
    from tracker.services import places

    make_place(town["m"], "Stortorget")
    monkeypatch.setattr(places, "_name_taken", lambda *args: False)
    login(client, town["coordinator"].email)
    response = client.post(f"/kommuner/{town['m'].id}/platser",
                           data={"name": "Stortorget", "kind": "centrum"})
    assert response.status_code == 200
    assert "Det finns redan en plats som heter ”Stortorget”" in response.get_data(as_text=True)
    assert places_count(town["m"]) == 1


@pytest.mark.parametrize("data, message", [
    ({"name": "", "kind": "centrum"}, "Ange ett namn på platsen."),
    ({"name": "Torget", "kind": "slott"}, "Välj en typ av plats."),
    ({"name": "Torget", "kind": "centrum", "lat": "91", "lon": "13"},
     "Latitud ska vara ett tal mellan -90 och 90."),
    ({"name": "Torget", "kind": "centrum", "lat": "58", "lon": "öster"},
     "Longitud ska vara ett tal mellan -180 och 180."),
    ({"name": "Torget", "kind": "centrum", "lat": "58"},
     "Ange både latitud och longitud, eller ingen av dem."),
    ({"name": "Hos 121212-1212", "kind": "ovrigt"}, "personnummer"),
])
def test_bad_input_is_refused_in_swedish(client, town, data, message):
    login(client, town["coordinator"].email)
    response = client.post(f"/kommuner/{town['m'].id}/platser", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert "Formuläret innehåller fel" in page and 'aria-invalid="true"' in page
    assert places_count(town["m"]) == 0


@pytest.mark.parametrize("who", ["officer", "viewer", "stranger"])
def test_others_may_not_add_places(client, town, who):
    login(client, town[who].email)
    response = client.post(f"/kommuner/{town['m'].id}/platser",
                           data={"name": "Torget", "kind": "centrum"})
    assert response.status_code == 403
    assert places_count(town["m"]) == 0


# --- detail ---------------------------------------------------------------------------

def test_place_page_shows_its_activities_and_latest_fifty_occasions(client, town):
    m = town["m"]
    station, square = make_place(m, "Stationsområdet", "station"), make_place(m, "Stortorget")
    commitment = make_commitment(m)
    here = make_activity(commitment, m, "Kvällspatrull", places=[station], owner=town["officer"])
    elsewhere = make_activity(commitment, m, "Torgvandring", places=[square])
    last = date(2025, 6, 30)
    add_logs(here, 55, place=station, author=town["officer"], last=last)
    add_logs(elsewhere, 1, place=square, last=date(2025, 7, 1))

    login(client, town["viewer"].email)
    page = client.get(f"/platser/{station.id}").get_data(as_text=True)
    assert "<h1>Stationsområdet</h1>" in page and "Station eller resecentrum" in page
    activities, logged = page.split('id="genomforanden"')
    assert f'href="/aktiviteter/{here.id}"' in activities and "Torgvandring" not in activities
    assert town["officer"].name in activities and "55 av 5" in activities
    assert logged.count("<tr>") == 51  # header + 50
    assert ">30 juni 2025<" in logged and ">1 juli 2025<" not in logged
    assert ">12 maj 2025<" in logged and ">11 maj 2025<" not in logged


def test_place_page_permissions(client, town):
    place = make_place(town["m"], "Stortorget")
    login(client, town["stranger"].email)
    assert client.get(f"/platser/{place.id}").status_code == 403
    assert client.get("/platser/987654").status_code == 404


# --- statement counts -----------------------------------------------------------------

def _fill(m, places: int, activities: int, logs: int, author) -> list[Place]:
    created = [make_place(m, f"Plats {i}") for i in range(places)]
    commitment = make_commitment(m)
    per_activity = logs // activities
    for i in range(activities):
        spot = created[i % places]
        activity = make_activity(commitment, m, f"Aktivitet {i}", places=[spot], owner=author)
        add_logs(activity, per_activity, place=spot, author=author)
    return created


def test_statement_counts_do_not_grow_with_the_data(client, make_municipality, make_user):
    small, large = make_municipality("Grästorp"), make_municipality("Vara")
    coordinator = make_user(Role.COORDINATOR, small)
    db.session.add(Membership(user_id=coordinator.id, municipality_id=large.id,
                              role=Role.COORDINATOR))
    small_places = _fill(small, places=2, activities=2, logs=6, author=coordinator)
    large_places = _fill(large, places=20, activities=30, logs=300, author=coordinator)
    urls = {
        "list": [f"/kommuner/{small.id}/platser", f"/kommuner/{large.id}/platser"],
        "detail": [f"/platser/{small_places[0].id}", f"/platser/{large_places[0].id}"],
    }
    login(client, coordinator.email)
    measured = {}
    for page, (small_url, large_url) in urls.items():
        counts = []
        for url in (small_url, large_url):
            with count_queries() as statements:
                assert client.get(url).status_code == 200
            counts.append(len(statements))
        measured[page] = counts
    # list: user with roles, municipality, places with both counts
    # detail: user with roles, place with municipality, activities with their logged counts, log
    assert measured == {"list": [3, 3], "detail": [5, 5]}  # 5: the place's action points
