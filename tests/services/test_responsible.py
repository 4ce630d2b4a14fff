"""Only members who may log on the activity's municipality can own or carry out an activity:
the service refuses a viewer, whoever calls it (web form, API, spreadsheet import)."""
import pytest

from tests.api.conftest import bearer
from tests.conftest import login
from tests.factories import make_commitment, make_promise, make_type
from tests.views.test_imports import HEADERS, as_csv, preview_url
from tests.views.test_imports import world as import_world  # noqa: F401
from tracker.formatting import local_today
from tracker.services import FieldErrors
from tracker.services import activities as service


@pytest.fixture
def plan(session, town):
    promise = make_promise(town["m"], year=local_today().year)
    return dict(town, commitment=make_commitment(promise), kind=make_type())


def _input(plan, **kwargs):
    return service.ActivityInput(commitment_id=plan["commitment"].id, type_id=plan["kind"].id,
                                 title="Kvällspatrull", **kwargs)


def test_a_viewer_can_be_neither_owner_nor_assignee(plan):
    with pytest.raises(FieldErrors) as refused:
        service.save_activity(plan["coordinator"], _input(
            plan, owner_id=plan["viewer"].id, assignee_ids=[plan["officer"].id, plan["viewer"].id]))
    assert set(refused.value.errors) == {"owner_id", "assignee_ids"}
    assert "läsare" in refused.value.errors["owner_id"]
    saved = service.save_activity(plan["coordinator"], _input(
        plan, owner_id=plan["officer"].id, assignee_ids=[plan["coordinator"].id]))
    assert saved.owner_id == plan["officer"].id


def test_the_web_form_offers_only_people_who_can_log(client, plan):
    login(client, plan["coordinator"].email)
    url = f"/ataganden/{plan['commitment'].id}/aktiviteter/ny"
    page = client.get(url).get_data(as_text=True)
    assert plan["officer"].name in page and plan["viewer"].name not in page
    response = client.post(url, data={"commitment_id": plan["commitment"].id,
                                      "type_id": plan["kind"].id, "title": "Kvällspatrull",
                                      "owner_id": str(plan["viewer"].id)})
    assert response.status_code == 200 and "en läsare kan inte vara ansvarig" in \
        response.get_data(as_text=True)


def test_the_api_refuses_a_viewer_as_owner(client, plan):
    response = client.post(f"/api/v1/commitments/{plan['commitment'].id}/activities",
                           headers=bearer(plan["coordinator"]),
                           json={"type_id": plan["kind"].id, "title": "Kvällspatrull",
                                 "owner_id": plan["viewer"].id})
    assert response.status_code == 422 and "owner_id" in response.json["errors"]


def test_an_import_refuses_a_viewer_as_owner(client, import_world):  # noqa: F811
    login(client, import_world["coordinator"].email)
    row = ["Trygghet i centrum", "polisen", "Polisen lovar att patrullera vid stationen.",
           "Kvällspatrull", "patrullering", import_world["viewer"].email, "", "", "", "", "",
           "", "", ""]
    url = preview_url(client, import_world, "aktiviteter", as_csv(HEADERS, [row]))
    page = client.get(url).get_data(as_text=True)
    assert "Rad 2: Ansvarig" in page and "en läsare kan inte vara ansvarig" in page
