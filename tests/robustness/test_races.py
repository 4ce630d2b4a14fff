"""Simultaneous writers, in threads against a committed PostgreSQL database: every answer is a
success or a 409, never a 500, and every acknowledged write is in the history exactly once.

PostgreSQL only: SQLite has one writer at a time, and a transaction that read before another
committed cannot write (it answers 503), so it cannot show these races."""
from __future__ import annotations

import threading
from collections import Counter

import pytest
import sqlalchemy as sa

from tests.conftest import POSTGRES_URL, skip_or_fail
from tests.robustness.world import build_world
from tracker.extensions import db
from tracker.formatting import local_today
from tracker.models import Activity, ActivityStatus, AuditEvent, LogEntry
from tracker.services.activities import logged_counts

pytestmark = pytest.mark.postgres


def simultaneously(requests: list) -> list:
    """Run each request (a callable) in its own thread, released together; their responses."""
    barrier = threading.Barrier(len(requests))
    answers: list = [None] * len(requests)

    def run(n: int) -> None:
        barrier.wait()
        answers[n] = requests[n]()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def world_on(workdir, name: str, monkeypatch):
    """build_world on the test PostgreSQL (fresh_database_url picks it from the environment)."""
    if not POSTGRES_URL:
        skip_or_fail("postgres", "TRACKER_TEST_POSTGRES_URL is not set")
    monkeypatch.setenv("TRACKER_TEST_DATABASE_URL", POSTGRES_URL)
    return build_world(workdir, name)


def activity_updates(app, activity_id: int) -> list[dict]:
    with app.app_context():
        try:
            return [event.changes for event in db.session.scalars(
                sa.select(AuditEvent).where(AuditEvent.entity == "activity",
                                            AuditEvent.entity_id == activity_id,
                                            AuditEvent.action == "update")
                .order_by(AuditEvent.id))]
        finally:
            db.session.remove()


def test_eight_simultaneous_first_logs_on_a_planned_activity_are_all_stored(workdir, monkeypatch):
    world = world_on(workdir, "races_first_logs", monkeypatch)
    activity_id = world.ids["activity_id"]
    clients = [world.client("officer") for _ in range(8)]
    url = f"/aktiviteter/{activity_id}/logga"

    def log(n: int):
        return lambda: clients[n].post(url, data={
            "occurred_on": local_today().isoformat(), "m_antal_poliser": "2",
            "note": f"Samtidig logg {n}"})

    answers = simultaneously([log(n) for n in range(8)])

    assert [a.status_code for a in answers] == [302] * 8
    with world.app.app_context():
        notes = sorted(db.session.scalars(
            sa.select(LogEntry.note).where(LogEntry.activity_id == activity_id)))
        activity = db.session.get(Activity, activity_id)
        assert notes == sorted(f"Samtidig logg {n}" for n in range(8))
        assert activity.status is ActivityStatus.IN_PROGRESS
        assert logged_counts([activity_id]) == {activity_id: 8}
        db.session.remove()
    started = [c for c in activity_updates(world.app, activity_id) if "status" in c]
    assert started == [{"status": ["planned", "in_progress"]}]  # moved once, in the history


def test_twenty_simultaneous_status_changes_answer_success_or_409(workdir, monkeypatch):
    world = world_on(workdir, "races_status", monkeypatch)
    activity_id = world.ids["activity_id"]
    clients = [world.client("coordinator") for _ in range(20)]
    with world.app.app_context():
        version = db.session.get(Activity, activity_id).version_id
        db.session.remove()
    statuses = ["in_progress", "done", "cancelled", "planned"]

    def change(n: int):
        return lambda: clients[n].post(f"/aktiviteter/{activity_id}/status", data={
            "status": statuses[n % 4], "reason": f"Skrivare {n}", "version": str(version)})

    answers = simultaneously([change(n) for n in range(20)])

    codes = Counter(a.status_code for a in answers)
    assert set(codes) <= {302, 409}, codes
    assert codes[302] >= 1
    for answer in answers:
        if answer.status_code == 409:  # the conflict page keeps the user's reason in the form
            assert "Skrivare" in answer.get_data(as_text=True)
    acknowledged = {f"Skrivare {n}" for n, a in enumerate(answers) if a.status_code == 302}
    recorded = [c["status_reason"][1] for c in activity_updates(world.app, activity_id)
                if "status_reason" in c]
    assert sorted(recorded) == sorted(acknowledged)


def test_twenty_simultaneous_edits_answer_success_or_409_and_keep_the_text(workdir, monkeypatch):
    world = world_on(workdir, "races_edit", monkeypatch)
    ids = world.ids
    clients = [world.client("coordinator") for _ in range(20)]
    with world.app.app_context():
        version = db.session.get(Activity, ids["activity_id"]).version_id
        db.session.remove()

    def edit(n: int):
        return lambda: clients[n].post(f"/aktiviteter/{ids['activity_id']}/redigera", data={
            "commitment_id": ids["commitment_id"], "type_id": ids["type_id"],
            "title": f"Rubrik från skrivare {n}", "version": str(version)})

    answers = simultaneously([edit(n) for n in range(20)])

    codes = Counter(a.status_code for a in answers)
    assert set(codes) <= {302, 409}, codes
    for n, answer in enumerate(answers):
        if answer.status_code == 409:
            assert f"Rubrik från skrivare {n}" in answer.get_data(as_text=True)
    acknowledged = {f"Rubrik från skrivare {n}" for n, a in enumerate(answers)
                    if a.status_code == 302}
    recorded = [c["title"][1] for c in activity_updates(world.app, ids["activity_id"])
                if "title" in c]
    assert sorted(recorded) == sorted(acknowledged) and len(acknowledged) >= 1


def test_twenty_simultaneous_api_status_changes_answer_200_or_409_stale_version(
        workdir, monkeypatch):
    from tracker.models import ApiScope, User
    from tracker.services import api_tokens

    world = world_on(workdir, "races_api", monkeypatch)
    activity_id = world.ids["activity_id"]
    with world.app.app_context():
        user = db.session.get(User, world.ids["coordinator_id"])
        created = api_tokens.create_token(user, "kapplöpning", ApiScope.READ_WRITE, 30)
        version = db.session.get(Activity, activity_id).version_id
        db.session.commit()
        db.session.remove()
    headers = {"Authorization": f"Bearer {created.secret}"}
    clients = [world.app.test_client() for _ in range(20)]

    def change(n: int):
        return lambda: clients[n].post(
            f"/api/v1/activities/{activity_id}/status", headers=headers,
            json={"status": "done", "reason": f"API-skrivare {n}", "version": version})

    answers = simultaneously([change(n) for n in range(20)])

    codes = Counter(a.status_code for a in answers)
    assert set(codes) <= {200, 409}, codes
    assert all(a.get_json()["code"] == "stale_version" for a in answers if a.status_code == 409)
    acknowledged = {f"API-skrivare {n}" for n, a in enumerate(answers) if a.status_code == 200}
    recorded = [c["status_reason"][1] for c in activity_updates(world.app, activity_id)
                if "status_reason" in c]
    assert sorted(recorded) == sorted(acknowledged) and len(acknowledged) >= 1


def _section_form(client, followup_id: int, key: str) -> dict:
    import re

    page = client.get(f"/uppfoljningar/{followup_id}/avsnitt/{key}").get_data(as_text=True)
    return {name: re.search(rf'name="{name}" (?:type="hidden" )?value="(\d+)"', page)[1]
            for name in ("version", "section_version")}


def test_two_people_save_two_sections_at_once_and_both_are_kept(workdir, monkeypatch):
    world = world_on(workdir, "races_sections", monkeypatch)
    followup_id = world.ids["followup_id"]
    keys = ("lardomar", "nasta-steg")
    clients = [world.client("coordinator") for _ in keys]
    forms = [_section_form(client, followup_id, key) for client, key in zip(clients, keys)]

    answers = simultaneously([
        (lambda n=n: clients[n].post(f"/uppfoljningar/{followup_id}/avsnitt/{keys[n]}",
                                     data={**forms[n], "text": f"Text från skrivare {n}."}))
        for n in range(2)])

    assert [a.status_code for a in answers] == [302, 302]
    with world.app.app_context():
        from tracker.models import FollowUp

        sections = db.session.get(FollowUp, followup_id).sections
        db.session.remove()
    assert [sections[key]["edited"] for key in keys] == ["Text från skrivare 0.",
                                                        "Text från skrivare 1."]


def test_twenty_writers_on_one_section_answer_success_or_409_and_keep_the_text(
        workdir, monkeypatch):
    world = world_on(workdir, "races_one_section", monkeypatch)
    followup_id = world.ids["followup_id"]
    clients = [world.client("coordinator") for _ in range(20)]
    form = _section_form(clients[0], followup_id, "lardomar")

    answers = simultaneously([
        (lambda n=n: clients[n].post(f"/uppfoljningar/{followup_id}/avsnitt/lardomar",
                                     data={**form, "text": f"Lärdom från skrivare {n}."}))
        for n in range(20)])

    codes = Counter(a.status_code for a in answers)
    assert set(codes) <= {302, 409}, codes
    assert codes[302] >= 1
    for n, answer in enumerate(answers):
        if answer.status_code == 409:
            assert f"Lärdom från skrivare {n}." in answer.get_data(as_text=True)
