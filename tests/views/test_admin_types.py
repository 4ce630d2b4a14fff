"""Admin: activity types and their typed measures, edited as server-rendered rows."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.conftest import login
from tracker.extensions import db
from tracker.models import ActivityType, Role
from tracker.services import DomainError
from tracker.services.activity_types import ActivityTypeInput, save_activity_type


def make_type(key="skolbesok_test", measures=None) -> ActivityType:
    kind = ActivityType(key=key, name_sv="Skolbesök", name_en="School visit",
                        measures=measures if measures is not None else [
                            {"key": "antal_elever", "label": "Antal elever", "kind": "integer",
                             "required": True},
                            {"key": "arskurs", "label": "Årskurs", "kind": "choice",
                             "required": False, "choices": ["åk 7", "åk 8"]},
                        ])
    db.session.add(kind)
    db.session.flush()
    return kind


def form_data(key="trygghetsvandring_test", rows=(), **fields) -> dict:
    """A POST body as the browser sends it: the type's fields plus numbered measure rows."""
    data = {"key": key, "name_sv": "Trygghetsvandring", "name_en": "Safety walk",
            "description": "Strukturerad vandring i ett område.", "is_active": "y", **fields}
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"measures-{index}-{name}"] = value
    return data


EMPTY_ROW = {"key": "", "label": "", "kind": "integer", "choices": ""}


def type_by_key(key):
    return db.session.scalar(sa.select(ActivityType).where(ActivityType.key == key))


@pytest.fixture
def admin(make_user):
    return make_user(admin=True)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.OFFICER, Role.VIEWER])
def test_non_admins_get_403_everywhere(client, make_municipality, make_user, role):
    user = make_user(role, make_municipality())
    kind = make_type()
    login(client, user.email)
    for url in ("/admin", "/admin/aktivitetstyper", "/admin/aktivitetstyper/ny",
                f"/admin/aktivitetstyper/{kind.id}/redigera"):
        assert client.get(url).status_code == 403, url
    assert client.post("/admin/aktivitetstyper/ny", data=form_data()).status_code == 403
    assert client.post(f"/admin/aktivitetstyper/{kind.id}/redigera",
                       data=form_data(key="annat")).status_code == 403
    assert type_by_key("trygghetsvandring_test") is None
    assert type_by_key("skolbesok_test").name_sv == "Skolbesök"


def test_anonymous_is_sent_to_login(client):
    response = client.get("/admin/aktivitetstyper")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_service_refuses_non_admins(make_municipality, make_user):
    user = make_user(Role.COORDINATOR, make_municipality())
    with pytest.raises(DomainError, match="administratörer"):
        save_activity_type(user, ActivityTypeInput(key="x_typ", name_sv="X"))


def test_admin_index_links_to_activity_types_and_list_shows_them(client, admin):
    make_type()
    login(client, admin.email)
    index = client.get("/admin").get_data(as_text=True)
    assert 'href="/admin/aktivitetstyper"' in index and "<h1>Administration</h1>" in index
    listing = client.get("/admin/aktivitetstyper").get_data(as_text=True)
    assert "Skolbesök" in listing and "skolbesok_test" in listing
    assert '<th scope="row">Skolbesök</th>' in listing


def test_new_form_has_three_labelled_empty_rows(client, admin):
    login(client, admin.email)
    page = client.get("/admin/aktivitetstyper/ny").get_data(as_text=True)
    for index in range(3):
        for name in ("key", "label", "kind", "required", "choices"):
            assert f'<label for="measures-{index}-{name}">' in page
    assert "measures-3-key" not in page
    assert re.search(r"<script(?![^>]*\ssrc=)", page) is None and " style=" not in page


def test_admin_creates_a_type_with_measures(client, admin):
    login(client, admin.email)
    response = client.post("/admin/aktivitetstyper/ny", data=form_data(rows=[
        {"key": "antal_deltagare", "label": "Antal deltagare", "kind": "integer", "required": "y"},
        {"key": "organisation", "label": "Organisation", "kind": "choice",
         "choices": "polisen, kommunen\nfastighetsägare\n"},
        EMPTY_ROW,
        {"key": "uppfoljning", "label": "Uppföljningsmöte bokat", "kind": "boolean"},
    ]))
    assert response.status_code == 302
    saved = type_by_key("trygghetsvandring_test")
    assert (saved.name_sv, saved.name_en, saved.is_active) == (
        "Trygghetsvandring", "Safety walk", True)
    assert saved.measures == [
        {"key": "antal_deltagare", "label": "Antal deltagare", "kind": "integer", "required": True},
        {"key": "organisation", "label": "Organisation", "kind": "choice", "required": False,
         "choices": ["polisen", "kommunen", "fastighetsägare"]},
        {"key": "uppfoljning", "label": "Uppföljningsmöte bokat", "kind": "boolean",
         "required": False},
    ]
    listing = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Aktivitetstypen ”Trygghetsvandring” är sparad." in listing


def test_validation_errors_are_swedish_and_nothing_is_saved(client, admin):
    login(client, admin.email)
    rows = [
        {"key": "antal", "label": "Antal", "kind": "integer"},
        {"key": "antal", "label": "Antal igen", "kind": "decimal"},
        {"key": "malgrupp", "label": "Målgrupp", "kind": "choice", "choices": " , \n"},
        {"key": "Bad-Key", "label": "Dålig nyckel", "kind": "text"},
        {"key": "plats", "label": "", "kind": "place"},
    ]
    response = client.post("/admin/aktivitetstyper/ny",
                           data=form_data(key="Trygghets Vandring", rows=rows))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Formuläret innehåller fel" in page and "Ingenting har sparats." in page
    assert "Nyckeln får bara innehålla små bokstäver a–z" in page
    assert "Nyckeln ”antal” används redan för ett annat mått i typen." in page
    assert "Ett mått av typen val behöver alternativ" in page
    assert "Ange en rubrik för måttet." in page
    assert 'href="#measures-1-key">Mått 2, Nyckel:' in page
    assert 'id="measures-4-label-error"' in page
    assert 'value="Antal igen"' in page  # what was typed is kept
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ActivityType)) == 0


def test_duplicate_type_key_and_missing_name(client, admin):
    make_type()
    login(client, admin.email)
    page = client.post("/admin/aktivitetstyper/ny",
                       data=form_data(key="skolbesok_test", name_sv="")).get_data(as_text=True)
    assert "Det finns redan en aktivitetstyp med nyckeln ”skolbesok_test”." in page
    assert "Ange ett svenskt namn." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ActivityType)) == 1


def test_identity_number_in_free_text_is_refused(client, admin):
    login(client, admin.email)
    page = client.post("/admin/aktivitetstyper/ny", data=form_data(
        description="Gäller 121212-1212", rows=[
            {"key": "kommentar", "label": "Kommentar", "kind": "text"}])).get_data(as_text=True)
    assert "personnummer" in page and type_by_key("trygghetsvandring_test") is None


def test_edit_shows_existing_rows_plus_three_and_clearing_a_key_removes_it(client, admin):
    kind = make_type()
    login(client, admin.email)
    url = f"/admin/aktivitetstyper/{kind.id}/redigera"
    page = client.get(url).get_data(as_text=True)
    assert 'value="antal_elever"' in page and 'value="arskurs"' in page
    assert "åk 7\nåk 8</textarea>" in page
    assert "measures-4-key" in page and "measures-5-key" not in page

    response = client.post(url, data=form_data(key="skolbesok_test", name_sv="Skolbesök (ny)",
                                               is_active="", rows=[
        {"key": "", "label": "Antal elever", "kind": "integer", "required": "y"},
        {"key": "arskurs", "label": "Årskurs", "kind": "choice", "choices": "åk 7\nåk 8\nåk 9"},
        EMPTY_ROW, EMPTY_ROW, EMPTY_ROW,
    ]))
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(ActivityType, kind.id)
    assert saved.name_sv == "Skolbesök (ny)" and saved.is_active is False
    assert saved.measures == [{"key": "arskurs", "label": "Årskurs", "kind": "choice",
                               "required": False, "choices": ["åk 7", "åk 8", "åk 9"]}]


def test_edit_unknown_type_is_404(client, admin):
    login(client, admin.email)
    assert client.get("/admin/aktivitetstyper/424242/redigera").status_code == 404


def test_saving_the_form_sets_the_nouns_and_keeps_each_measures_report_wording(client, admin):
    kind = make_type(key="kontroll_test", measures=[
        {"key": "typ", "label": "Typ", "kind": "choice", "choices": ["hastighet"],
         "choice_phrases": {"hastighet": "{n} hastighetskontroller"}},
        {"key": "antal_poliser", "label": "Antal poliser", "kind": "integer", "total": "average",
         "phrase": "i genomsnitt {n} poliser per kontroll"},
    ])
    db.session.commit()
    login(client, admin.email)
    response = client.post(f"/admin/aktivitetstyper/{kind.id}/redigera", data=form_data(
        key="kontroll_test", noun_singular="trafikkontroll", noun_plural="trafikkontroller",
        rows=[{"key": "typ", "label": "Typ av kontroll", "kind": "choice",
               "choices": "hastighet"},
              {"key": "antal_poliser", "label": "Antal poliser", "kind": "integer",
               "choices": ""}]))
    assert response.status_code == 302
    db.session.expire_all()
    saved = type_by_key("kontroll_test")
    assert (saved.noun_singular, saved.noun_plural) == ("trafikkontroll", "trafikkontroller")
    by_key = {m["key"]: m for m in saved.measures}
    assert by_key["typ"]["label"] == "Typ av kontroll"  # the form's change
    assert by_key["typ"]["choice_phrases"] == {"hastighet": "{n} hastighetskontroller"}
    assert by_key["antal_poliser"]["total"] == "average"
    page = client.get(f"/admin/aktivitetstyper/{kind.id}/redigera").get_data(as_text=True)
    assert 'value="trafikkontroller"' in page
