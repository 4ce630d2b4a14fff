"""Ids of another municipality inside form bodies and query strings: refused in Swedish, nothing
written. (Ids in the URL are covered by test_route_table's "other" and "cross" roles.)"""
from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from tests.security.helpers import client_with, cookies_of, rolled_back, world_app
from tracker import audit
from tracker.formatting import local_today
from tracker.models import Activity, AuditEvent, User
from tracker.services import FieldErrors
from tracker.services.activities import ActivityInput, save_activity

# Refused attempts are recorded (tracker.audit.REFUSALS); nothing else may be written.
WRITES = sa.select(sa.func.count()).select_from(AuditEvent).where(
    AuditEvent.action.not_in(audit.REFUSALS))


@pytest.fixture(scope="module")
def objects_world(workdir):
    app, world = world_app(workdir, "object_level")
    return app, world, cookies_of(app, world)


def _text(response) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))
    return re.sub(r"\s+", " ", text)


def _refused(objects_world, who: str, method: str, url: str, data: dict | None,
             message: str) -> None:
    """The request is answered with `message` (on the page or flashed) and writes nothing."""
    app, _world, cookies = objects_world
    with rolled_back(app) as session:
        before = session.scalar(WRITES)
        client = client_with(app, cookies[who])
        response = client.open(url, method=method, data=data)
        session.rollback()
        assert session.scalar(WRITES) == before, f"{method} {url} wrote rows"
        if response.status_code == 302:
            response = client.get(response.headers["Location"])
        assert response.status_code < 500
        assert message.lower() in _text(response).lower(), _text(response)[:3000]


def _activity_form(world, **changes) -> dict:
    a = world.a.ids
    data = {"commitment_id": a["commitment"], "type_id": a["type"], "title": "Kvällspatrull",
            "owner_id": a["coordinator"], "assignee_ids": [a["officer"]],
            "place_ids": [a["place"]], "version": ""}
    return {**data, **changes}


CHOICE = "Välj ett av alternativen i listan."  # a value the form did not offer
FOREIGN_IN_ACTIVITY_FORM = [  # (field, B's row, what the form says, what the service says)
    ("commitment_id", "commitment", CHOICE, "Åtagandet hör till en annan kommun."),
    ("owner_id", "coordinator", "Ansvarig måste ha behörighet i kommunen.",
     "Ansvarig måste ha behörighet i kommunen."),
    ("assignee_ids", "officer", CHOICE, "Alla utförare måste ha behörighet i kommunen."),
    ("place_ids", "place", CHOICE, "Platserna måste höra till kommunen."),
]


@pytest.mark.parametrize("field, foreign, message, _service", FOREIGN_IN_ACTIVITY_FORM)
def test_editing_an_activity_with_another_municipalitys_ids_is_refused(
        objects_world, field, foreign, message, _service):
    world = objects_world[1]
    value = world.b.ids[foreign]
    data = _activity_form(world, **{field: [value] if field.endswith("_ids") else value})
    _refused(objects_world, "coordinator_a", "POST",
             f"/aktiviteter/{world.a.ids['activity']}/redigera", data, message)


@pytest.mark.parametrize("field, foreign, message, _service", FOREIGN_IN_ACTIVITY_FORM)
def test_planning_an_activity_with_another_municipalitys_ids_is_refused(
        objects_world, field, foreign, message, _service):
    world = objects_world[1]
    value = world.b.ids[foreign]
    data = _activity_form(world, **{field: [value] if field.endswith("_ids") else value})
    _refused(objects_world, "coordinator_a", "POST",
             f"/ataganden/{world.a.ids['commitment']}/aktiviteter/ny", data, message)


@pytest.mark.parametrize("field, foreign, _form, message", FOREIGN_IN_ACTIVITY_FORM)
def test_the_activity_service_refuses_another_municipalitys_ids_without_the_form(
        objects_world, field, foreign, _form, message):
    """The forms' choices are one wall; the service is the other (API and imports use it)."""
    app, world, _cookies = objects_world
    with rolled_back(app) as session:
        actor = session.get(User, world.a.ids["coordinator"])
        activity = session.get(Activity, world.a.ids["activity"])
        data = ActivityInput(commitment_id=world.a.ids["commitment"], type_id=world.a.ids["type"],
                             title="Kvällspatrull")
        value = world.b.ids[foreign]
        setattr(data, field, [value] if field.endswith("_ids") else value)
        before = session.scalar(WRITES)
        with pytest.raises(FieldErrors) as refused:
            save_activity(actor, data, activity)
        assert refused.value.errors == {field: message}
        session.rollback()
        assert session.scalar(WRITES) == before


def test_logging_an_occasion_at_another_municipalitys_place_is_refused(objects_world):
    world = objects_world[1]
    data = {"occurred_on": local_today().isoformat(), "duration": "1",
            "place_id": world.b.ids["place"], "m_antal_poliser": "2", "m_med_kommunen": ""}
    _refused(objects_world, "officer_a", "POST", f"/aktiviteter/{world.a.ids['activity']}/logga",
             data, "Välj en plats i kommunen.")


def test_a_tip_cannot_be_tied_to_another_municipalitys_activity(objects_world):
    world = objects_world[1]
    data = {"aktivitet-activity_id": world.b.ids["activity"], "aktivitet-note": ""}
    _refused(objects_world, "coordinator_a", "POST", f"/tips/{world.a.ids['tip']}/aktivitet",
             data, "Välj en aktivitet i samma kommun som tipset.")


def test_a_tip_cannot_start_an_activity_under_another_municipalitys_commitment(objects_world):
    world = objects_world[1]
    url = f"/tips/{world.a.ids['tip']}/ny-aktivitet?commitment_id={world.b.ids['commitment']}"
    _refused(objects_world, "coordinator_a", "GET", url, None,
             "Välj ett åtagande i samma kommun som tipset.")


def test_a_commitment_cannot_be_put_under_another_municipalitys_focus_area(objects_world):
    world = objects_world[1]
    data = {"party": "kommunen", "text": "Kommunen lagar lampor.",
            "focus_area_id": world.b.ids["area"]}
    _refused(objects_world, "coordinator_a", "POST",
             f"/loften/{world.a.ids['promise']}/ataganden", data, CHOICE)


def test_a_calendar_secret_does_not_open_another_municipalitys_feed(objects_world):
    app, world, _cookies = objects_world
    with rolled_back(app):
        client = client_with(app, None)
        own = f"/kalender/{world.a.ids['calendar_token']}/kommuner/{world.a.ids['municipality']}.ics"
        other = f"/kalender/{world.a.ids['calendar_token']}/kommuner/{world.b.ids['municipality']}.ics"
        assert client.get(own).status_code == 200
        assert client.get(other).status_code == 404


def test_an_api_token_is_revoked_only_by_its_owner(objects_world):
    world = objects_world[1]
    _refused(objects_world, "coordinator_a", "POST",
             f"/konto/api-nycklar/{world.b.ids['api_token']}/aterkalla", {}, "Nyckeln finns inte.")
