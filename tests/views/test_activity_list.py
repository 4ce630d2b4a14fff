"""The municipality's activity list and Mina uppgifter, read from plain rows: what a row shows."""
from datetime import timedelta

import pytest

from tests.conftest import login
from tests.factories import (
    bulk_activities,
    make_activity,
    make_commitment,
    make_place,
    make_promise,
    make_type,
)
from tracker.extensions import db
from tracker.formatting import local_today
from tracker.models import ActivityStatus, Commitment, LogEntry, Party, Promise, Role


@pytest.fixture
def world(lidkoping_and_skara, make_user):
    m, other, promise = lidkoping_and_skara
    officer = make_user(Role.OFFICER, m)
    coordinator = make_user(Role.COORDINATOR, m)
    police = make_commitment(promise, party=Party.POLISEN)
    town = make_commitment(promise, party=Party.KOMMUNEN, text="Kommunen lovar belysning.",
                           focus_title="Trygg skolväg")
    kind = make_type()
    places = [make_place(m, "Torget <b>& co</b>"), make_place(m, "Ågatan"), make_place(m, "Badet")]
    patrol = make_activity(police, kind, owner=officer, places=[places[1], places[2]], target=3,
                           title="Kvällspatrull", due=local_today() - timedelta(days=2),
                           status=ActivityStatus.IN_PROGRESS)
    lights = make_activity(town, kind, owner=coordinator, places=[places[0]], title="Ny belysning",
                           due=local_today() + timedelta(days=30))
    for day in range(2):
        db.session.add(LogEntry(activity_id=patrol.id, author_id=officer.id,
                                occurred_on=local_today() - timedelta(days=day), measures={}))
    db.session.flush()
    return dict(m=m, other=other, officer=officer, coordinator=coordinator, patrol=patrol,
                lights=lights, police=police, kind=kind, places=places)


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _row(page: str, title: str) -> str:
    start = page.index(f">{title}</a>")
    return page[start:page.index("</tr>", start)]


def test_a_row_shows_type_places_party_owner_status_and_progress(client, world):
    login(client, world["coordinator"].email)
    page = _page(client, f"/kommuner/{world['m'].id}/aktiviteter")
    patrol = _row(page, "Kvällspatrull")
    assert "Trygghetsskapande patrullering · Badet, Ågatan" in patrol  # places in name order
    assert "Polisen" in patrol and world["officer"].name in patrol
    assert "Pågår" in patrol and "Försenad" in patrol
    assert "2 av 3" in patrol and 'max="3" value="2"' in patrol
    assert f'href="/aktiviteter/{world["patrol"].id}"' in page
    lights = _row(page, "Ny belysning")
    assert "Torget &lt;b&gt;&amp; co&lt;/b&gt;" in lights and "<b>&" not in page
    assert "Kommunen" in lights and "Planerad" in lights and "Försenad" not in lights
    assert "0 genomföranden" in lights


def test_filters_narrow_the_rows_and_keep_their_choices_selected(client, world):
    login(client, world["coordinator"].email)
    base = f"/kommuner/{world['m'].id}/aktiviteter"
    page = _page(client, f"{base}?part=kommunen")
    assert "Ny belysning" in page and "Kvällspatrull" not in page
    assert "1 aktivitet<" in page
    place = world["places"][2]
    page = _page(client, f"{base}?plats={place.id}&ansvarig={world['officer'].id}")
    assert "Kvällspatrull" in page and "Ny belysning" not in page
    assert f'<option value="{place.id}" selected>Badet</option>' in page
    assert f'<option value="{world["officer"].id}" selected>' in page
    assert "<option value=\"%d\">Torget &lt;b&gt;&amp; co&lt;/b&gt;</option>" % world["places"][0].id in page
    assert "Trygg skolväg" in page  # the focus area choices


def test_focus_areas_of_renewed_promises_are_told_apart_by_their_period(client, world):
    """A promise renewed with the same focus areas: "Trygg skolväg" twice in the choices said
    nothing of which promise each one was."""
    from tests.factories import make_promise

    earlier = make_promise(world["m"], year=2023)
    earlier.end_year = 2024
    make_commitment(earlier, party=Party.KOMMUNEN, focus_title="Trygg skolväg")
    db.session.flush()
    login(client, world["coordinator"].email)
    page = _page(client, f"/kommuner/{world['m'].id}/aktiviteter")
    current = db.session.get(Commitment, world["lights"].commitment_id)
    year = db.session.get(Promise, current.promise_id).start_year
    assert f'<option value="{current.focus_area_id}">Trygg skolväg ({year})</option>' in page
    assert ">Trygg skolväg (2023–2024)</option>" in page


def test_a_page_past_the_last_still_counts_the_rows(client, world):
    bulk_activities(world["police"], world["kind"], 30, owner=world["officer"])
    login(client, world["coordinator"].email)
    base = f"/kommuner/{world['m'].id}/aktiviteter"
    assert "Sida 2 av 2" in _page(client, f"{base}?sida=2")
    first = _page(client, f"{base}?part=polisen")  # the pager keeps the filter
    assert f'href="{base}?part=polisen&amp;sida=2">Nästa</a>' in first
    assert f'href="{base}?part=polisen&amp;sida=1">Föregående' in _page(
        client, f"{base}?part=polisen&sida=2")
    page = _page(client, f"{base}?sida=7")
    assert "32 aktiviteter" in page and "Inga aktiviteter matchar filtret." in page


def test_unknown_and_other_municipalities(client, world):
    login(client, world["coordinator"].email)
    assert client.get("/kommuner/999999/aktiviteter").status_code == 404
    assert client.get(f"/kommuner/{world['other'].id}/aktiviteter").status_code == 403


def test_my_tasks_names_the_municipality_and_links_each_task(client, world):
    login(client, world["officer"].email)
    page = _page(client, "/mina-uppgifter")
    assert "Lidköping · Trygghetsskapande patrullering" in page
    assert f'href="/aktiviteter/{world["patrol"].id}/logga"' in page
    assert "2 av 3" in page and "Försenad" in page
    assert "Ny belysning" not in page  # not the officer's


def test_a_recurring_activity_counts_its_occasions_as_its_target(client, world):
    from tracker.services.recurrence import occasions

    rule = {"freq": "weekly", "interval": 1, "weekdays": [0, 3]}
    start = local_today() - timedelta(days=30)
    due = local_today() + timedelta(days=60)
    make_activity(world["police"], world["kind"], owner=world["officer"], title="Torgvandring",
                  recurrence=rule, start=start, due=due)
    db.session.flush()
    expected = len(occasions(rule, start, due))
    login(client, world["coordinator"].email)
    row = _row(_page(client, f"/kommuner/{world['m'].id}/aktiviteter"), "Torgvandring")
    assert expected > 20 and f"0 av {expected}" in row and f'max="{expected}" value="0"' in row


def test_each_filter_with_either_value_finds_its_own_rows(client, world):
    """The list's statements are kept per set of filters: a second value of the same filter
    must find its own rows, not the first value's."""
    patrol, lights = world["patrol"], world["lights"]
    today = local_today()
    cases = [  # (query string, shows patrol, shows lights)
        (f"fokusomrade={world['police'].focus_area_id}", True, False),
        (f"fokusomrade={db.session.get(Commitment, lights.commitment_id).focus_area_id}",
         False, True),
        ("part=polisen", True, False), ("part=kommunen", False, True),
        ("status=in_progress", True, False), ("status=planned", False, True),
        (f"ansvarig={world['officer'].id}", True, False),
        (f"ansvarig={world['coordinator'].id}", False, True),
        (f"plats={world['places'][1].id}", True, False),
        (f"plats={world['places'][0].id}", False, True),
        (f"fran={today.isoformat()}", False, True),
        (f"fran={(today - timedelta(days=5)).isoformat()}", True, True),
        ("forsenade=1", True, False),
        (f"typ={world['kind'].id}", True, True),
        (f"part=polisen&fran={today.isoformat()}", False, False),
        (f"part=kommunen&fran={today.isoformat()}", False, True),
    ]
    login(client, world["coordinator"].email)
    base = f"/kommuner/{world['m'].id}/aktiviteter"
    for query, shows_patrol, shows_lights in cases:
        page = _page(client, f"{base}?{query}")
        assert (f">{patrol.title}</a>" in page, f">{lights.title}</a>" in page) == (
            shows_patrol, shows_lights), query


def test_every_page_shows_an_activitys_progress_the_same_way(client, world):
    """The list, Mina uppgifter, the dashboard's deadlines, the place page and the activity's
    own page read one row: the recurrence's target and "X av Y" agree everywhere."""
    from tracker.services.recurrence import occasions

    rule = {"freq": "weekly", "interval": 1, "weekdays": [1]}
    start, due = local_today() - timedelta(days=70), local_today() + timedelta(days=5)
    walk = make_activity(world["police"], world["kind"], owner=world["officer"], title="Torgvandring",
                         recurrence=rule, start=start, due=due, places=[world["places"][2]],
                         status=ActivityStatus.IN_PROGRESS)
    for day in range(3):
        db.session.add(LogEntry(activity_id=walk.id, author_id=world["officer"].id,
                                occurred_on=local_today() - timedelta(days=day), measures={}))
    db.session.flush()
    expected = f"3 av {len(occasions(rule, start, due))}"
    login(client, world["officer"].email)
    pages = {
        "list": _row(_page(client, f"/kommuner/{world['m'].id}/aktiviteter"), "Torgvandring"),
        "dashboard": _row(_page(client, f"/kommuner/{world['m'].id}"), "Torgvandring"),
        "place": _row(_page(client, f"/platser/{world['places'][2].id}"), "Torgvandring"),
        "activity": _page(client, f"/aktiviteter/{walk.id}"),
    }
    tasks = _page(client, "/mina-uppgifter")
    pages["my_tasks"] = tasks[tasks.index(">Torgvandring</a>"):]
    for name, html in pages.items():
        assert expected in html, name
    # Without a target the tables say how many times it was done, not a bare number.
    patrol_at_place = _row(_page(client, f"/platser/{world['places'][1].id}"), "Kvällspatrull")
    assert "2 av 3" in patrol_at_place
    assert "0 genomföranden" in _row(_page(client, f"/platser/{world['places'][0].id}"),
                                     "Ny belysning")
