"""No lost updates: a stale save of a commitment, a revision or a status change answers 409,
shows the other person's saved version and keeps the user's own input in the form."""
from __future__ import annotations

import html
import re

import pytest

from tests.conftest import login
from tests.factories import make_activity, make_commitment, make_promise, make_type
from tracker.formatting import local_today
from tracker.models import Activity, ActivityStatus, Commitment, Party, Promise, PromiseStatus, Role
from tracker.services import promises as promise_service
from tracker.services.promises import CommitmentInput


@pytest.fixture
def world(session, make_municipality, make_user):
    home = make_municipality("Lidköping")
    coordinator = make_user(Role.COORDINATOR, home)
    colleague = make_user(Role.COORDINATOR, home)
    officer = make_user(Role.OFFICER, home)
    draft = make_promise(home, year=local_today().year, status="draft")
    signed = make_promise(home, year=local_today().year + 1, status="signed")
    activity = make_activity(make_commitment(signed), make_type(), owner=officer,
                             title="Kvällspatrull")
    session.commit()
    return {"coordinator": coordinator, "colleague": colleague, "officer": officer,
            "draft_commitment": make_commitment(draft),
            "signed_commitment": make_commitment(signed), "activity": activity}


def _text(response) -> str:
    return response.get_data(as_text=True)


def _version_in(page: str) -> str:
    match = re.search(r'name="version"[^>]*value="(\d+)"', page) or re.search(
        r'value="(\d+)"[^>]*name="version"', page)
    return match[1]


def _reload(session, model, object_id):
    session.expire_all()
    return session.get(model, object_id)


def test_stale_commitment_edit_answers_409_with_both_texts_and_saves_on_the_second_try(
        client, world, session):
    commitment = world["draft_commitment"]
    login(client, world["coordinator"].email)
    url = f"/ataganden/{commitment.id}/redigera"
    opened = _version_in(_text(client.get(url)))
    promise_service.update_commitment(  # the colleague saves first
        commitment, world["colleague"],
        CommitmentInput(Party.POLISEN, "Kollegans lydelse: polisen finns i centrum.", None, 12, ""))
    session.commit()
    mine = {"party": "kommunen", "text": "Min lydelse: kommunen tänder belysningen.",
            "target_count": "4", "target_note": "varje kvartal", "focus_area_id": "0"}

    response = client.post(url, data={**mine, "version": opened})

    assert response.status_code == 409
    page = _text(response)
    assert "Åtagandet har ändrats av någon annan" in page
    assert "Kollegans lydelse: polisen finns i centrum." in page  # their saved version
    assert "Min lydelse: kommunen tänder belysningen.</textarea>" in page  # my input, in the form
    assert 'value="varje kvartal"' in page
    assert _reload(session, Commitment, commitment.id).text.startswith("Kollegans lydelse")

    response = client.post(url, data={**mine, "version": _version_in(page)})
    assert response.status_code == 302
    saved = _reload(session, Commitment, commitment.id)
    assert (saved.text, saved.party, saved.target_count) == (mine["text"], Party.KOMMUNEN, 4)


def test_stale_commitment_revision_answers_409_and_keeps_the_reason(client, world, session):
    commitment = world["signed_commitment"]
    login(client, world["coordinator"].email)
    url = f"/ataganden/{commitment.id}/revidera"
    opened = _version_in(_text(client.get(url)))
    promise_service.revise_commitment(
        commitment, world["colleague"], text="Kollegans revidering.", target_count=None,
        target_note="", reason="Ny lägesbild")
    session.commit()
    mine = {"text": "Min revidering.", "target_count": "6", "target_note": "",
            "reason": "Skolan har flyttat <b>"}

    response = client.post(url, data={**mine, "version": opened})

    assert response.status_code == 409
    page = _text(response)
    assert "Kollegans revidering." in page and "Min revidering.</textarea>" in page
    assert "Skolan har flyttat &lt;b&gt;</textarea>" in page
    assert _reload(session, Commitment, commitment.id).text == "Kollegans revidering."

    response = client.post(url, data={**mine, "version": _version_in(page)})
    assert response.status_code == 302
    assert _reload(session, Commitment, commitment.id).text == "Min revidering."


def test_revision_of_an_unchanged_version_is_not_a_conflict(client, world, session):
    commitment = world["signed_commitment"]
    login(client, world["coordinator"].email)
    url = f"/ataganden/{commitment.id}/revidera"
    response = client.post(url, data={"text": "Ny lydelse.", "reason": "Beslut i styrgruppen",
                                      "version": _version_in(_text(client.get(url)))})
    assert response.status_code == 302
    assert _reload(session, Commitment, commitment.id).text == "Ny lydelse."


def test_stale_status_change_answers_409_with_both_statuses_and_nothing_changed(
        client, world, session):
    activity = world["activity"]
    login(client, world["officer"].email)
    opened = _version_in(_text(client.get(f"/aktiviteter/{activity.id}")))
    activity.status = ActivityStatus.CANCELLED  # someone else cancels it first
    activity.status_reason = "Inställt av kollegan"
    session.commit()
    mine = {"status": "in_progress", "reason": "Vi har börjat <script>"}

    response = client.post(f"/aktiviteter/{activity.id}/status", data={**mine, "version": opened})

    assert response.status_code == 409
    page = _text(response)
    assert "Statusen är inte ändrad" in page and "Inställt av kollegan" in page
    assert html.escape("Vi har börjat <script>", quote=False) + "</textarea>" in page
    assert '<option selected value="in_progress">' in page
    assert _reload(session, Activity, activity.id).status == ActivityStatus.CANCELLED

    response = client.post(f"/aktiviteter/{activity.id}/status",
                           data={**mine, "version": _version_in(page)})
    assert response.status_code == 302
    assert _reload(session, Activity, activity.id).status == ActivityStatus.IN_PROGRESS


def test_a_promise_signed_meanwhile_sends_the_commitment_editor_to_revision(
        client, world, session):
    commitment = world["draft_commitment"]
    login(client, world["coordinator"].email)
    draft = session.get(Promise, commitment.promise_id)
    draft.status = PromiseStatus.SIGNED
    session.commit()
    response = client.post(f"/ataganden/{commitment.id}/redigera",
                           data={"party": "polisen", "text": "Sent", "version": "1"})
    assert response.status_code == 302 and "/revidera" in response.headers["Location"]
