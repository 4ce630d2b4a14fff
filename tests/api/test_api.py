"""The JSON API: the web's permissions on every id, service rules as 4xx JSON in Swedish,
optimistic locking, pagination and filters, and a fixed number of statements per list."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.api.conftest import bearer
from tests.conftest import count_queries
from tests.factories import bulk_activities, make_activity
from tracker.formatting import local_today
from tracker.models import (
    Activity,
    ActivityStatus,
    FollowUpStatus,
    FollowUpVersion,
    IndicatorValue,
    LogEntry,
)
from tracker.models.base import utcnow

ROLES = ("coordinator", "officer", "viewer", "stranger", "admin")

# (URL template, who gets 200 for side a's ids: everyone else gets 404)
READS = [
    ("/api/v1/municipalities/{m}", ROLES[:3] + ("admin",)),
    ("/api/v1/municipalities/{m}/activities", ROLES[:3] + ("admin",)),
    ("/api/v1/activities/{activity}", ROLES[:3] + ("admin",)),
    ("/api/v1/activities/{activity}/log-entries", ROLES[:3] + ("admin",)),
    ("/api/v1/log-entries/{entry}", ROLES[:3] + ("admin",)),
    ("/api/v1/promises/{promise}/commitments", ROLES[:3] + ("admin",)),
    ("/api/v1/commitments/{commitment}", ROLES[:3] + ("admin",)),
    ("/api/v1/focus-areas/{area}", ROLES[:3] + ("admin",)),
    ("/api/v1/places/{place}", ROLES[:3] + ("admin",)),
    ("/api/v1/indicator-values/{value}", ROLES[:3] + ("admin",)),
    ("/api/v1/followups/{draft}", ROLES[:3] + ("admin",)),
]


def _ids(side) -> dict:
    return {"m": side.m.id, "activity": side.activity.id, "entry": side.entry.id,
            "promise": side.promise.id, "commitment": side.police.id, "area": side.area_id,
            "place": side.place.id, "value": side.value.id, "draft": side.draft.id}


@pytest.mark.parametrize("template, allowed", READS, ids=[t for t, _ in READS])
def test_reads_follow_the_web_permissions(client, world, template, allowed):
    for role in ROLES:
        headers = bearer(getattr(world, role))
        own = client.get(template.format(**_ids(world.a)), headers=headers)
        other = client.get(template.format(**_ids(world.b)), headers=headers)
        assert (role, own.status_code, other.status_code) == (
            role, 200 if role in allowed else 404, 200 if role in ("stranger", "admin") else 404)
        for refused in (r for r in (own, other) if r.status_code == 404):
            assert refused.json["code"] == "not_found" and refused.json["message"]


def _new_activity(w, commitment="police"):
    return f"/api/v1/commitments/{getattr(w.a, commitment).id}/activities", "post", {
        "type_id": w.kind.id, "title": "Ny patrull", "place_ids": [w.a.place.id]}


def _update(w):
    return f"/api/v1/activities/{w.a.activity.id}", "put", {
        "commitment_id": w.a.police.id, "type_id": w.kind.id, "title": "Ändrad", "version": 1}


def _status(w):
    return f"/api/v1/activities/{w.a.activity.id}/status", "post", {
        "status": "cancelled", "reason": "Vädret", "version": 1}


def _log(w):
    return f"/api/v1/activities/{w.a.activity.id}/log-entries", "post", {
        "occurred_on": local_today().isoformat(), "measures": {"antal_poliser": 2}}


def _value(w):
    return f"/api/v1/municipalities/{w.a.m.id}/indicator-values", "post", {
        "indicator_id": w.indicator.id, "year": w.year, "value": 12.5}


def _value_update(w):
    return f"/api/v1/indicator-values/{w.a.value.id}", "put", {"value": 13}


# who may write, on side a's rows (the officer owns a's police activity)
WRITES = [
    (_new_activity, {"coordinator": 201, "officer": 201, "viewer": 403, "stranger": 404,
                     "admin": 201, "other_officer": 201}),
    (lambda w: _new_activity(w, "municipal"), {"coordinator": 201, "officer": 403,
                                                "viewer": 403, "stranger": 404, "admin": 201}),
    (_update, {"coordinator": 200, "officer": 403, "viewer": 403, "stranger": 404,
               "admin": 200}),
    (_status, {"coordinator": 200, "officer": 200, "other_officer": 403, "viewer": 403,
               "stranger": 404, "admin": 200}),
    (_log, {"coordinator": 201, "officer": 201, "other_officer": 403, "viewer": 403,
            "stranger": 404, "admin": 201}),
    (_value, {"coordinator": 201, "officer": 403, "viewer": 403, "stranger": 404,
              "admin": 201}),
    (_value_update, {"coordinator": 200, "officer": 403, "viewer": 403, "stranger": 404,
                     "admin": 200}),
]
WRITE_CASES = [(make, role, status) for make, table in WRITES for role, status in table.items()]


@pytest.mark.parametrize("make, role, expected", WRITE_CASES,
                         ids=[f"{i}-{role}" for i, (_, role, _) in enumerate(WRITE_CASES)])
def test_writes_follow_the_web_permissions(client, world, make, role, expected):
    url, method, body = make(world)
    response = getattr(client, method)(url, headers=bearer(getattr(world, role)), json=body)
    assert response.status_code == expected, response.json
    if expected >= 400:
        assert response.json["code"] == {403: "forbidden", 404: "not_found"}[expected]


@pytest.mark.parametrize("field, value", [
    ("place_ids", "b_place"), ("owner_id", "stranger"), ("assignee_ids", "stranger"),
    ("commitment_id", "b_commitment"),
])
def test_ids_of_another_municipality_in_the_body_are_refused(client, session, world, field,
                                                               value):
    ids = {"b_place": [world.b.place.id], "stranger": world.stranger.id,
           "b_commitment": world.b.police.id}
    body = {"commitment_id": world.a.police.id, "type_id": world.kind.id, "title": "Ändrad",
            "version": 1, field: ids[value] if field != "assignee_ids" else [ids[value]]}
    response = client.put(f"/api/v1/activities/{world.a.activity.id}",
                          headers=bearer(world.coordinator), json=body)
    assert response.status_code == 422 and field in response.json["errors"]
    session.refresh(world.a.activity)
    assert world.a.activity.title == "Patrull i Lidköping"


def test_a_personnummer_in_a_note_is_refused_in_swedish_and_nothing_is_stored(client, session,
                                                                               world):
    before = session.scalar(sa.select(sa.func.count()).select_from(LogEntry))
    response = client.post(f"/api/v1/activities/{world.a.activity.id}/log-entries",
                           headers=bearer(world.officer), json={
                               "occurred_on": local_today().isoformat(),
                               "measures": {"antal_poliser": 2},
                               "note": "Pratade med 19121212-1212 vid torget"})
    assert response.status_code == 422
    assert response.json["code"] == "validation_error"
    assert "personnummer" in response.json["errors"]["note"][0]
    assert session.scalar(sa.select(sa.func.count()).select_from(LogEntry)) == before
    session.refresh(world.a.activity)
    assert world.a.activity.status is ActivityStatus.PLANNED  # logging would have started it


def test_a_body_nested_beyond_the_parser_is_a_bad_request_in_swedish(client, session, world):
    before = session.scalar(sa.select(sa.func.count()).select_from(LogEntry))
    response = client.post(f"/api/v1/activities/{world.a.activity.id}/log-entries",
                           headers={**bearer(world.officer), "Content-Type": "application/json"},
                           data="[" * 100_000)
    assert response.status_code == 400
    assert response.json["code"] == "bad_request" and "Begäran" in response.json["message"]
    assert session.scalar(sa.select(sa.func.count()).select_from(LogEntry)) == before


def test_measures_are_typed_by_the_activity_type(client, world):
    response = client.post(f"/api/v1/activities/{world.a.activity.id}/log-entries",
                           headers=bearer(world.officer), json={
                               "occurred_on": local_today().isoformat(),
                               "measures": {"antal_poliser": "två", "typ": "fart", "okänd": 1}})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"measures.okänd"}
    response = client.post(f"/api/v1/activities/{world.a.activity.id}/log-entries",
                           headers=bearer(world.officer), json={
                               "occurred_on": local_today().isoformat(),
                               "measures": {"antal_poliser": "två", "typ": "fart"}})
    assert set(response.json["errors"]) == {"measures.antal_poliser", "measures.typ"}
    response = client.post(f"/api/v1/activities/{world.a.activity.id}/log-entries",
                           headers=bearer(world.officer), json={
                               "occurred_on": local_today().isoformat(), "duration_minutes": 90,
                               "measures": {"antal_poliser": 3, "timmar": 1.5,
                                            "med_kommunen": True, "typ": "nykterhet"}})
    assert response.status_code == 201
    assert response.json["measures"] == {"antal_poliser": 3, "timmar": 1.5,
                                         "med_kommunen": True, "typ": "nykterhet"}


def test_a_stale_version_is_409_and_changes_nothing(client, session, world):
    headers = bearer(world.coordinator)
    url = f"/api/v1/activities/{world.a.activity.id}"
    version = client.get(url, headers=headers).json["version"]
    body = {"commitment_id": world.a.police.id, "type_id": world.kind.id, "title": "Först"}
    first = client.put(url, headers=headers, json={**body, "version": version})
    assert first.status_code == 200 and first.json["version"] == version + 1
    late = client.put(url, headers=headers, json={**body, "title": "Sen", "version": version})
    assert late.status_code == 409 and late.json["code"] == "stale_version"
    assert client.get(url, headers=headers).json["title"] == "Först"


def test_status_rules_of_the_service_apply(client, world):
    url = f"/api/v1/activities/{world.a.activity.id}/status"
    response = client.post(url, headers=bearer(world.officer),
                           json={"status": "cancelled", "reason": "", "version": 1})
    assert response.status_code == 422 and "reason" in response.json["errors"]


def test_an_existing_indicator_value_is_a_conflict_and_put_changes_it(client, session, world):
    headers = bearer(world.coordinator)
    url = f"/api/v1/municipalities/{world.a.m.id}/indicator-values"
    body = {"indicator_id": world.indicator.id, "year": world.year - 1, "value": 1}
    response = client.post(url, headers=headers, json=body)
    assert response.status_code == 409 and response.json["code"] == "duplicate"
    changed = client.put(f"/api/v1/indicator-values/{world.a.value.id}", headers=headers,
                         json={"value": 14.25, "national_value": None, "source_note": "SCB"})
    assert changed.status_code == 200
    assert changed.json["value"] == 14.25 and changed.json["source_note"] == "SCB"
    session.refresh(world.a.value)
    assert float(world.a.value.value) == 14.25
    # The note's limit is the service's, the same as the web form's (it was 5,000 here).
    long_note = client.put(f"/api/v1/indicator-values/{world.a.value.id}", headers=headers,
                           json={"value": 15, "national_value": None, "source_note": "S" * 501})
    assert long_note.status_code == 422 and "source_note" in long_note.json["errors"]
    session.refresh(world.a.value)
    assert float(world.a.value.value) == 14.25 and world.a.value.source_note == "SCB"


def test_a_member_reads_drafts_others_only_what_was_published(client, session, world):
    draft = world.b.draft
    stranger, viewer = bearer(world.stranger), bearer(world.viewer)
    assert client.get(f"/api/v1/followups/{draft.id}", headers=viewer).status_code == 404
    draft.status = FollowUpStatus.PUBLISHED
    draft.published_at = utcnow()
    session.add(FollowUpVersion(follow_up_id=draft.id, number=1, sections=draft.sections,
                                verdicts={}, figures={}, published_at=draft.published_at))
    draft.sections = {"inledning": {"title": "Inledning", "generated": "Ny",
                                    "edited": "Rättelse pågår"}}
    draft.status = FollowUpStatus.DRAFT  # a correction under way: residents see version 1
    session.flush()
    seen = client.get(f"/api/v1/followups/{draft.id}", headers=viewer).json
    assert seen["status"] == "published" and seen["sections"][0]["text"] == "Utkast."
    own = client.get(f"/api/v1/followups/{draft.id}", headers=stranger).json
    assert own["status"] == "draft" and own["sections"][0]["text"] == "Rättelse pågår"
    listed = client.get("/api/v1/followups", headers=viewer).json["items"]
    assert {(f["id"], f["status"]) for f in listed} == {(world.a.draft.id, "draft"),
                                                        (draft.id, "published")}
    published = client.get("/api/v1/followups?status=published", headers=viewer).json["items"]
    assert [f["id"] for f in published] == [draft.id]
    as_admin = client.get("/api/v1/followups", headers=bearer(world.admin)).json["items"]
    assert {(f["id"], f["status"]) for f in as_admin} == {(world.a.draft.id, "draft"),
                                                          (draft.id, "draft")}


def test_pages_have_a_size_limit_and_an_envelope(client, world):
    bulk_activities(world.a.police, world.kind, 30)
    headers = bearer(world.viewer)
    url = f"/api/v1/municipalities/{world.a.m.id}/activities"
    page = client.get(f"{url}?per_page=10&page=2", headers=headers).json
    assert (page["page"], page["per_page"], page["total"], page["pages"]) == (2, 10, 31, 4)
    assert len(page["items"]) == 10
    assert client.get(f"{url}?page=9", headers=headers).json["items"] == []
    too_big = client.get(f"{url}?per_page=101", headers=headers)
    assert too_big.status_code == 422
    assert too_big.json["errors"]["per_page"] == ["per_page ska vara ett heltal från 1 till 100."]


def test_filters_match_the_web_list(client, session, world):
    today = local_today()
    done = make_activity(world.a.municipal, world.kind, owner=world.coordinator, title="Belysning",
                         status=ActivityStatus.DONE, due=today - timedelta(days=60))
    late = make_activity(world.a.police, world.kind, title="Sen", due=today - timedelta(days=3))
    headers = bearer(world.viewer)
    url = f"/api/v1/municipalities/{world.a.m.id}/activities"

    def titles(query):
        response = client.get(f"{url}?{query}", headers=headers)
        assert response.status_code == 200, response.json
        return {item["title"] for item in response.json["items"]}

    assert titles("status=done") == {"Belysning"}
    assert titles(f"owner_id={world.coordinator.id}") == {"Belysning"}
    assert titles(f"commitment_id={world.a.municipal.id}") == {"Belysning"}
    assert titles("party=polisen") == {"Patrull i Lidköping", "Sen"}
    assert titles("overdue=true") == {"Sen"}
    assert titles(f"date_from={(today - timedelta(days=10)).isoformat()}") == {
        "Patrull i Lidköping", "Sen"}
    assert titles(f"place_id={world.a.place.id}") == {"Patrull i Lidköping"}
    assert titles(f"type_id={world.kind.id}&status=planned") == {"Patrull i Lidköping", "Sen"}
    bad = client.get(f"{url}?status=klar&date_from=2026-02-01&date_to=2026-01-01", headers=headers)
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"status"}
    del done, late


LISTS = [
    "/api/v1/municipalities",
    "/api/v1/municipalities/{m}/activities",
    "/api/v1/municipalities/{m}/log-entries",
    "/api/v1/activities/{activity}/log-entries",
    "/api/v1/municipalities/{m}/places",
    "/api/v1/municipalities/{m}/promises",
    "/api/v1/promises/{promise}/commitments",
    "/api/v1/municipalities/{m}/indicator-values",
    "/api/v1/followups",
]


def _statements(client, url, headers) -> int:
    client.get(url, headers=headers)  # the token's last_used_at is written once, here
    with count_queries() as statements:
        assert client.get(url, headers=headers).status_code == 200
    return len(statements)


@pytest.mark.parametrize("template", LISTS)
def test_a_list_takes_the_same_statements_for_1_or_60_rows(client, session, world, template):
    headers = bearer(world.coordinator)
    url = template.format(**_ids(world.a)) + "?per_page=100"
    small = _statements(client, url, headers)
    bulk_activities(world.a.police, world.kind, 60, owner=world.officer, entries_each=1)
    activity_ids = session.scalars(sa.select(Activity.id).where(
        Activity.municipality_id == world.a.m.id)).all()
    session.execute(sa.insert(LogEntry.__table__), [
        {"activity_id": world.a.activity.id, "occurred_on": local_today(), "measures": {},
         "note": "", "include_in_followup": False, "is_demo": False, "created_at": utcnow(),
         "author_id": world.officer.id} for _ in range(60)])
    session.execute(sa.insert(IndicatorValue.__table__), [
        {"indicator_id": world.indicator.id, "municipality_id": world.a.m.id, "year": 1990 + i,
         "value": i, "source_note": "", "is_demo": False} for i in range(30)])
    session.flush()
    assert len(activity_ids) > 60
    assert _statements(client, url, headers) == small


def test_assigning_through_the_api_emails_the_new_assignee(app, client, world, monkeypatch):
    from tests.test_reminders import SmtpInbox

    with SmtpInbox() as inbox:
        monkeypatch.setitem(app.config, "SMTP_PORT", inbox.port)
        response = client.post(f"/api/v1/commitments/{world.a.police.id}/activities",
                               headers=bearer(world.coordinator), json={
                                   "type_id": world.kind.id, "title": "Nattpatrull",
                                   "owner_id": world.coordinator.id,
                                   "assignee_ids": [world.officer.id, world.coordinator.id]})
    assert response.status_code == 201
    assert {a["id"] for a in response.json["assignees"]} == {world.officer.id,
                                                             world.coordinator.id}
    assert len(inbox.to(world.officer.email)) == 1
    assert inbox.to(world.coordinator.email) == []  # not the one who saved


def test_no_activity_is_planned_under_a_concluded_promise(client, world, session):
    from tracker.models import PromiseStatus

    world.a.promise.status = PromiseStatus.CONCLUDED
    session.commit()
    for role in ("coordinator", "officer"):
        response = client.post(f"/api/v1/commitments/{world.a.police.id}/activities",
                               headers=bearer(getattr(world, role)),
                               json={"type_id": world.kind.id, "title": "Efter slutet"})
        assert response.status_code == 403, response.json
        assert response.json["code"] == "forbidden"
    assert session.scalar(sa.select(Activity).where(Activity.title == "Efter slutet")) is None


def test_show_public_is_the_coordinators_choice(client, world):
    """'Visa för invånare' through the API: a coordinator sets it, an officer's is ignored."""
    url, _method, body = _new_activity(world)
    made = client.post(url, headers=bearer(world.coordinator), json={**body, "show_public": True})
    assert made.status_code == 201 and made.json["show_public"] is True
    by_officer = client.post(url, headers=bearer(world.officer),
                             json={**body, "show_public": True})
    assert by_officer.status_code == 201 and by_officer.json["show_public"] is False
    url, _method, body = _update(world)
    changed = client.put(url, headers=bearer(world.coordinator), json={**body, "show_public": True})
    assert changed.status_code == 200 and changed.json["show_public"] is True


def test_a_recurrence_the_web_form_refuses_is_refused_by_the_api_too(client, world, session):
    """The rule is the service's: past the promise's period, or ended by both a date and a count."""
    url, _method, body = _new_activity(world)
    year = world.a.promise.end_year
    weekly = {"freq": "weekly", "weekdays": [4]}
    for recurrence, field in (({**weekly, "until": "2099-12-31"}, "rec_until"),
                              ({**weekly, "until": f"{year}-06-30", "count": 4}, "rec_count")):
        response = client.post(url, headers=bearer(world.coordinator), json={
            **body, "title": "Fredagspatrull", "start_date": f"{year}-01-02",
            "recurrence": recurrence})
        assert response.status_code == 422, response.json
        assert set(response.json["errors"]) == {field}
    assert session.scalar(sa.select(Activity).where(Activity.title == "Fredagspatrull")) is None
