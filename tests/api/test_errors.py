"""Every error under /api is JSON {"code", "message" (Swedish), "errors"}; the web keeps its
HTML pages; the OpenAPI document describes the API and its bearer tokens."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.api.conftest import bearer
from tracker.formatting import local_today
from tracker.models import Activity, AuditEvent


def test_schema_errors_are_422_with_swedish_messages_per_field(client, world):
    response = client.post(f"/api/v1/commitments/{world.a.police.id}/activities",
                           headers=bearer(world.coordinator),
                           json={"title": "x" * 201, "typ": 1, "recurrence": {"freq": "daily"}})
    assert response.status_code == 422
    assert response.json == {
        "code": "validation_error", "message": "Uppgifterna innehåller fel. Se fältet errors.",
        "errors": {
            "type_id": ["Fältet måste anges."],
            "title": ["Texten får vara högst 200 tecken."],
            "typ": ["Okänt fält."],
            "recurrence.freq": ["Välj ett av: weekly, monthly."],
        }}



def test_a_text_limit_is_written_as_a_swedish_number(client, world):
    response = client.post(f"/api/v1/activities/{world.a.activity.id}/log-entries",
                           headers=bearer(world.officer),
                           json={"occurred_on": "2025-03-01", "note": "n" * 5001})
    assert response.status_code == 422
    assert response.json["errors"]["note"] == ["Texten får vara högst 5\u00a0000 tecken."]



def test_a_range_is_written_as_swedish_numbers_and_a_year_as_the_services_say(client, world):
    response = client.post(f"/api/v1/commitments/{world.a.police.id}/activities",
                           headers=bearer(world.coordinator),
                           json={"type_id": world.kind.id, "title": "Nattpatrull",
                                 "recurrence": {"freq": "weekly", "count": 5000}})
    assert response.status_code == 422
    assert response.json["errors"] == {
        "recurrence.count": ["Ange ett heltal från 1 till 1\u00a0000."]}
    response = client.get(f"/api/v1/municipalities/{world.a.m.id}/indicator-values?year=1800",
                          headers=bearer(world.coordinator))
    assert response.status_code == 422
    assert response.json["errors"] == {"year": ["Året ska vara mellan 1990 och 2100."]}


def test_a_planning_date_outside_the_years_is_refused_as_the_service_refuses_it(
        client, session, world):
    response = client.post(f"/api/v1/commitments/{world.a.police.id}/activities",
                           headers=bearer(world.coordinator),
                           json={"type_id": world.kind.id, "title": "Nattpatrull",
                                 "start_date": "1999-12-31"})
    assert response.status_code == 422
    assert response.json["errors"] == {"start_date": ["Ange ett datum mellan år 2000 och 2100."]}
    assert session.scalar(sa.select(sa.func.count(Activity.id)).where(
        Activity.title == "Nattpatrull")) == 0


CONTROLS = "".join(chr(c) for c in [*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20),
                                     *range(0x7f, 0xa0)]) + "\ud800\ufffe"


def test_text_with_control_characters_is_cleaned_as_in_the_forms(client, world):
    response = client.post(f"/api/v1/commitments/{world.a.police.id}/activities",
                           headers=bearer(world.coordinator),
                           json={"type_id": world.kind.id, "title": f"a{CONTROLS}b",
                                 "description": f"Rad 1\r\nRad\t2{CONTROLS}"})
    assert response.status_code == 201
    assert response.json["title"] == "ab"
    assert response.json["description"] == "Rad 1\r\nRad\t2"


def test_a_measure_text_and_a_note_with_control_characters_are_cleaned(client, world):
    response = client.post(f"/api/v1/activities/{world.a.activity.id}/log-entries",
                           headers=bearer(world.officer), json={
                               "occurred_on": local_today().isoformat(), "note": f"Lugnt{CONTROLS}",
                               "measures": {"antal_poliser": 2, "est": "Ref\x00 12\x85"}})
    assert response.status_code == 201
    assert response.json["measures"]["est"] == "Ref 12"
    assert response.json["note"] == "Lugnt"


def test_a_body_that_is_not_json_is_400(client, world):
    response = client.post(f"/api/v1/activities/{world.a.activity.id}/log-entries",
                           headers=bearer(world.officer), data="{", content_type="application/json")
    assert response.status_code == 400 and response.json["code"] == "bad_request"


@pytest.mark.parametrize("method, path, status, code", [
    ("get", "/api/v1/finns-inte", 404, "not_found"),
    ("delete", "/api/v1/activities/1", 405, "method_not_allowed"),
    ("get", "/api/v1/activities/0", 404, "not_found"),
    ("get", "/api/v1/activities/99999999999", 404, "not_found"),
])
def test_routing_errors_under_api_are_json(client, world, method, path, status, code):
    response = getattr(client, method)(path, headers=bearer(world.viewer))
    assert response.status_code == status
    assert response.is_json and response.json["code"] == code and response.json["message"]


def test_the_web_keeps_its_html_error_pages(client):
    response = client.get("/finns-inte")
    assert response.status_code == 404 and "Sidan hittades inte" in response.get_data(as_text=True)


def test_an_unexpected_error_is_a_json_500_without_internals(client, world, monkeypatch):
    def boom():
        raise RuntimeError("secret internals")

    monkeypatch.setattr("tracker.api.catalogue.visible_municipality_ids", boom)
    response = client.get("/api/v1/municipalities", headers=bearer(world.viewer))
    assert response.status_code == 500
    assert response.json["code"] == "server_error"
    assert "secret internals" not in response.get_data(as_text=True)


def test_too_many_requests_is_429_json(client, app, world, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "2 per minute")
    headers = bearer(world.viewer)
    codes = [client.get("/api/v1/me", headers=headers).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    response = client.get("/api/v1/me", headers=headers)
    assert response.json["code"] == "rate_limited" and "Retry-After" in response.headers


def test_a_refused_write_is_in_the_audit_trail(client, session, world):
    response = client.put(f"/api/v1/activities/{world.a.activity.id}",
                          headers=bearer(world.viewer),
                          json={"commitment_id": world.a.police.id, "type_id": world.kind.id,
                                "title": "Kapat", "version": 1})
    assert response.status_code == 403 and response.json["code"] == "forbidden"
    event = session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "forbidden"))
    assert event.actor_id == world.viewer.id
    assert event.changes["path"] == f"/api/v1/activities/{world.a.activity.id}"


def test_the_openapi_document_describes_bearer_tokens_and_errors(client):
    spec = client.get("/api/v1/openapi.json").json  # public: no token needed to read it
    assert spec["openapi"] == "3.0.3"
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "lk_…",
        "description": "En personlig API-nyckel från Mitt konto → API-nycklar."}
    assert spec["security"] == [{"bearerAuth": []}]
    assert set(spec["components"]["schemas"]["ApiError"]["required"]) == {"code", "message"}
    operations = [(path, op) for path, item in spec["paths"].items()
                  for method, op in item.items() if method in {"get", "post", "put"}]
    assert len(operations) >= 28 and all(path.startswith("/api/v1/") for path, _ in operations)
    assert all(op["responses"]["default"] == {"$ref": "#/components/responses/DEFAULT_ERROR"}
               for _, op in operations)
