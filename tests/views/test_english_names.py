"""English pages name activity types and their measures in English: a Swedish type name or
measure label on an English page fails here."""
from datetime import timedelta

import pytest

from tests.conftest import login
from tests.factories import (
    PATROL_MEASURES,
    make_activity,
    make_commitment,
    make_place,
    make_promise,
    make_type,
)
from tracker.formatting import local_today
from tracker.models import LogEntry, Role

ENGLISH_LABELS = {"antal_poliser": "Number of police officers", "timmar": "Hours",
                  "typ": "Kind of check", "med_kommunen": "Joint with the municipality",
                  "est": "EST reference", "plats": "Place"}
MEASURES = PATROL_MEASURES + [{"key": "plats", "label": "Plats", "kind": "place"}]


@pytest.fixture
def world(session, make_municipality, make_user):
    m = make_municipality("Lidköping")
    officer = make_user(Role.OFFICER, m)
    kind = make_type("patrol_en", measures=[{**spec, "label_en": ENGLISH_LABELS[spec["key"]]}
                                           for spec in MEASURES])
    kind.name_en = "Safety patrol"
    place = make_place(m, "Stationsområdet")
    activity = make_activity(make_commitment(make_promise(m, year=local_today().year)), kind,
                             owner=officer, places=[place], target=3,
                             due=local_today() + timedelta(days=5))
    session.add(LogEntry(activity_id=activity.id, occurred_on=local_today(), place_id=place.id,
                         author_id=officer.id, measures={
                             "antal_poliser": 2, "timmar": 1.5, "typ": "nykterhet",
                             "med_kommunen": True, "est": "EST-12", "plats": place.id}))
    session.flush()
    return dict(m=m, officer=officer, kind=kind, activity=activity, place=place)


def _pages(world) -> dict[str, str]:
    a, m = world["activity"].id, world["m"].id
    return {"activity": f"/aktiviteter/{a}", "log form": f"/aktiviteter/{a}/logga",
            "new activity": f"/ataganden/{world['activity'].commitment_id}/aktiviteter/ny",
            "my tasks": "/mina-uppgifter", "activity list": f"/kommuner/{m}/aktiviteter",
            "overview": f"/kommuner/{m}", "place": f"/platser/{world['place'].id}"}


def test_english_pages_name_the_type_and_its_measures_in_english(client, world):
    login(client, world["officer"].email)
    client.get("/sprak/en")
    for name, url in _pages(world).items():
        response = client.get(url)
        assert response.status_code == 200, name
        page = response.get_data(as_text=True)
        assert "Safety patrol" in page, name
        assert "Trygghetsskapande patrullering" not in page, name
        if name in ("activity", "log form"):
            for spec in MEASURES:
                assert ENGLISH_LABELS[spec["key"]] in page, (name, spec["key"])
                assert f"{spec['label']}:" not in page and f">{spec['label']}" not in page, (
                    name, spec["label"])
    # The place measure names the place, in either language.
    detail = client.get(_pages(world)["activity"]).get_data(as_text=True)
    assert "Place: Stationsområdet" in detail


def test_swedish_pages_keep_the_swedish_names(client, session, world, make_municipality):
    other = make_place(world["m"], "Skolgården")
    # A place measure naming another place than the entry's own: looked up by id.
    session.add(LogEntry(activity_id=world["activity"].id, occurred_on=local_today(),
                         measures={"antal_poliser": 1, "plats": other.id}))
    session.flush()
    login(client, world["officer"].email)
    page = client.get(_pages(world)["activity"]).get_data(as_text=True)
    assert "Plats: Skolgården" in page
    assert "Trygghetsskapande patrullering" in page and "Safety patrol" not in page
    assert "Antal poliser: 2" in page and "Plats: Stationsområdet" in page
    assert f"Plats: {world['place'].id}" not in page


def test_the_admin_form_and_the_api_carry_english_measure_labels(client, session, world,
                                                                  make_user):
    from tests.api.conftest import bearer

    admin = make_user(admin=True)
    login(client, admin.email)
    form = client.get(f"/admin/aktivitetstyper/{world['kind'].id}/redigera").get_data(as_text=True)
    assert 'value="Number of police officers"' in form
    types = client.get("/api/v1/activity-types", headers=bearer(admin)).json["items"]
    (patrol,) = [t for t in types if t["key"] == "patrol_en"]
    assert patrol["name_en"] == "Safety patrol"
    assert {m["key"]: m["label_en"] for m in patrol["measures"]} == ENGLISH_LABELS


def test_the_admin_saves_an_english_measure_label(client, session, make_user):
    from tests.views.test_admin_types import form_data, type_by_key

    login(client, make_user(admin=True).email)
    response = client.post("/admin/aktivitetstyper/ny", data=form_data(rows=[
        {"key": "antal_deltagare", "label": "Antal deltagare", "label_en": "Participants",
         "kind": "integer", "choices": ""},
        {"key": "iakttagelser", "label": "Iakttagelser", "label_en": "", "kind": "text",
         "choices": ""}]))
    assert response.status_code == 302
    saved = type_by_key("trygghetsvandring_test")
    assert saved.measures[0]["label_en"] == "Participants"
    assert "label_en" not in saved.measures[1]  # none given: English pages use the Swedish
