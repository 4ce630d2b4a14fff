"""The audit trail: the admin page that filters it, refused authorisations in it, and that
nothing in the application can change or delete an event."""
from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import count_queries, login
from tracker import audit
from tracker.models import AuditEvent, Place

TRACKER = Path(__file__).resolve().parents[2] / "tracker"


def _event(session, *, actor="samordnare@lidkoping.se", entity="activity", entity_id=7,
           action="update", changes=None, at=None) -> AuditEvent:
    event = AuditEvent(actor_label=actor, entity=entity, entity_id=entity_id, action=action,
                       changes=changes if changes is not None else {"title": ["Före", "Efter"]},
                       at=at or datetime.now(UTC))
    session.add(event)
    session.flush()
    return event


def _rows(response) -> list[str]:
    body = response.get_data(as_text=True).split("<tbody>", 1)[-1].split("</tbody>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in body.split("</tr>") if "<td" in row]


@pytest.fixture
def admin_client(client, town):
    login(client, town["admin"].email)
    return client


def test_the_admin_page_links_to_the_trail(admin_client):
    assert 'href="/admin/logg"' in admin_client.get("/admin").get_data(as_text=True)


def test_the_trail_is_newest_first_and_shows_before_and_after(admin_client, session):
    _event(session, changes={"title": ["Kvällspatrull", "Nattpatrull"], "version_id": [1, 2]},
           at=datetime(2026, 3, 1, 9, tzinfo=UTC))
    _event(session, action="insert", entity_id=8, changes={"title": "Skolbesök", "done": True},
           at=datetime(2026, 3, 2, 9, tzinfo=UTC))
    rows = _rows(admin_client.get("/admin/logg?objekt=activity"))
    assert len(rows) == 2
    assert "activity 8 insert title : Skolbesök done : ja" in rows[0]
    assert "title : Kvällspatrull → Nattpatrull" in rows[1]
    assert "version_id" not in rows[1]  # noise of every save is left out


@pytest.mark.parametrize("query, expected", [
    ("aktor=KOORD", {"koord@kommun.se"}),  # part of the address, any case
    ("aktor=job%3A", {"job:remind"}),
    ("objekt=promise", {"promise"}),
    ("objekt=activity&objekt_id=8", {"activity 8"}),
    ("handelse=delete", {"delete"}),
    ("fran=2026-03-02&till=2026-03-02", {"2 mars 2026"}),  # Swedish calendar days
    ("aktor=%25", set()),  # a LIKE wildcard is a character like any other
])
def test_filters_narrow_the_trail(admin_client, session, query, expected):
    _event(session, actor="koord@kommun.se", at=datetime(2026, 3, 1, 12, tzinfo=UTC))
    _event(session, actor="job:remind", entity="promise", entity_id=3,
           at=datetime(2026, 3, 2, 12, tzinfo=UTC))
    _event(session, entity_id=8, action="delete", changes={"title": "Borta"},
           at=datetime(2026, 3, 2, 23, 30, tzinfo=UTC))  # 3 March in Stockholm
    rows = _rows(admin_client.get(f"/admin/logg?{query}"))
    assert rows and all(any(e in row for e in expected) for row in rows) if expected else not rows
    if query.startswith("fran"):
        assert len(rows) == 1


def test_a_bad_filter_value_is_shown_not_a_server_error(admin_client):
    response = admin_client.get("/admin/logg?objekt_id=abc&fran=igår")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Ange ett id med bara siffror." in page and "Ange ett datum som 2026-03-01." in page


def test_the_trail_is_paginated_with_a_fixed_number_of_statements(admin_client, session):
    _event(session)
    with count_queries() as one:
        assert admin_client.get("/admin/logg?objekt=activity").status_code == 200
    for n in range(60):
        _event(session, entity_id=100 + n)
    with count_queries() as many:
        first = admin_client.get("/admin/logg?objekt=activity")
    assert len(many) == len(one)
    assert len(_rows(first)) == 50 and "Sida 1 av 2" in first.get_data(as_text=True)
    assert len(_rows(admin_client.get("/admin/logg?objekt=activity&sida=2"))) == 11


def test_a_refused_authorisation_is_logged_with_the_path_neutralised(client, town, session):
    login(client, town["viewer"].email)
    assert client.post("/admin/jobb/x%0Ay/kor").status_code == 403
    event = session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "forbidden")).one()
    assert event.entity == "route" and event.actor_id == town["viewer"].id
    assert event.changes == {"method": "POST", "path": "/admin/jobb/x\\x0ay/kor",
                             "endpoint": "admin.run_job_now"}


def test_a_refusal_is_kept_while_the_requests_own_work_is_rolled_back(app, session, town):
    with app.test_request_context("/kommuner/1/platser", method="POST"):
        session.add(Place(municipality_id=town["m"].id, name="Halvgjord", kind="centrum"))
        session.flush()
        audit.record_forbidden()
    assert session.scalar(sa.select(Place).where(Place.name == "Halvgjord")) is None
    assert session.scalars(sa.select(AuditEvent.changes).where(
        AuditEvent.action == "forbidden")).one()["path"] == "/kommuner/1/platser"


def test_an_audit_event_cannot_be_changed_or_deleted(session):
    event = _event(session)
    event.action = "insert"
    with pytest.raises(ValueError, match="never changed or deleted"):
        session.flush()
    session.rollback()
    event = _event(session)
    session.delete(event)
    with pytest.raises(ValueError, match="never changed or deleted"):
        session.flush()


def test_only_the_audit_module_writes_audit_events():
    """No view or service touches AuditEvent except to read it; audit.py adds, never changes."""
    writers = []
    for path in TRACKER.rglob("*.py"):
        text = path.read_text()
        if "AuditEvent" not in text or path.name == "audit.py":
            continue
        if re.search(r"AuditEvent\(|(insert|update|delete)\(AuditEvent|AuditEvent\.__table__",
                     text):
            writers.append(str(path.relative_to(TRACKER)))
    assert writers == ["models/ops.py"] or writers == []
    source = (TRACKER / "audit.py").read_text()
    assert not re.search(r"(update|delete)\(AuditEvent", source)
