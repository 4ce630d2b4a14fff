"""A failure in the middle of a write leaves no partial rows: the request is rolled back whole.

Each test lets the first writes of a request reach the database (flushed, audit rows included),
then raises, and compares every row of every table with the state before the request.
"""
from __future__ import annotations

import pytest

from tests.robustness.world import build_world, snapshot
from tracker.followups import workflow as followup_service
from tracker.formatting import local_today
from tracker.services import activities as activity_service
from tracker.services import logbook
from tracker.services.promises import renewal


class Injected(RuntimeError):
    """The fault: an exception nobody handles, after some rows were written."""


@pytest.fixture(scope="module")
def world(workdir):
    return build_world(workdir, "partial")


def _after(original):
    """The service does all its writes and flushes them; then the request fails."""
    def failing(*args, **kwargs):
        original(*args, **kwargs)
        raise Injected("after the first writes")
    return failing


def _raise(*_args, **_kwargs):
    raise Injected("between two writes")


def _assert_nothing_saved(world, before, response) -> None:
    text = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Ingenting av det du skickade har sparats" in text and "Injected" not in text
    assert snapshot(world.app) == before


def test_new_activity_with_assignees_and_places_is_rolled_back_whole(world, monkeypatch):
    ids = world.ids
    client = world.client("coordinator")
    monkeypatch.setattr(activity_service, "save_activity", _after(activity_service.save_activity))
    before = snapshot(world.app)
    response = client.post(f"/ataganden/{ids['commitment_id']}/aktiviteter/ny", data={
        "commitment_id": ids["commitment_id"], "type_id": ids["type_id"],
        "title": "Halvsparad patrull", "owner_id": ids["officer_id"],
        "assignee_ids": [ids["officer_id"], ids["police_id"]], "place_ids": [ids["place_id"]],
        "target_count": "3",
    })
    _assert_nothing_saved(world, before, response)


def test_logged_occasion_and_the_status_it_sets_are_rolled_back(world, monkeypatch):
    client = world.client("officer")
    monkeypatch.setattr(logbook, "log_occasion", _after(logbook.log_occasion))
    before = snapshot(world.app)
    response = client.post(f"/aktiviteter/{world.ids['activity_id']}/logga", data={
        "occurred_on": local_today().isoformat(), "m_antal_poliser": "2", "duration": "1,5",
        "place_id": world.ids["place_id"], "note": "Lugn kväll",
    })
    _assert_nothing_saved(world, before, response)


def test_followup_section_is_not_saved_without_its_version(world, monkeypatch):
    """The section text is flushed, then creating the version row fails."""
    ids = world.ids
    client = world.client("coordinator")
    monkeypatch.setattr(followup_service, "FollowUpVersion", _raise)
    before = snapshot(world.app)
    response = client.post(
        f"/uppfoljningar/{ids['followup_id']}/avsnitt/{ids['section_key']}",
        data={"text": "En ny text som aldrig sparas.", "version": "1"})
    _assert_nothing_saved(world, before, response)


def test_copy_to_next_period_leaves_no_promise_focus_area_or_commitment(world, monkeypatch):
    """The new promise, its focus areas and commitments are flushed; carrying activities fails."""
    client = world.client("coordinator")
    monkeypatch.setattr(renewal, "_carry_activities", _raise)
    before = snapshot(world.app)
    response = client.post(f"/loften/{world.ids['concluded_id']}/kopiera",
                           data={"carry_activities": "y"})
    _assert_nothing_saved(world, before, response)


def test_the_same_requests_without_a_fault_do_write(workdir):
    """The counterpart: the injected failure, not the request, is what left the rows out.
    This copy is saved, so it is made in a world of its own: in the shared one, a faulted copy
    that runs after it would be refused (the next period's promise exists) instead of failing."""
    world = build_world(workdir, "partial_unfaulted")
    before = snapshot(world.app)
    response = world.client("coordinator").post(
        f"/loften/{world.ids['concluded_id']}/kopiera", data={"carry_activities": "y"})
    assert response.status_code == 302
    after = snapshot(world.app)
    assert len(after["promise"]) == len(before["promise"]) + 1
    assert len(after["activity"]) > len(before["activity"])
