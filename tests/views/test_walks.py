"""The walk protocol: an occasion of a trygghetsvandring gets its route, participants and
findings, each finding an action with a responsible party; the action points are tracked."""
from __future__ import annotations

import io
import re
import subprocess
from datetime import timedelta
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from tests import images
from tests.conftest import login
from tests.factories import make_activity, make_commitment, make_place, make_promise, make_type
from tracker.extensions import db
from tracker.formatting import local_today
from tracker.models import (
    ActionPoint,
    ActionStatus,
    Attachment,
    AuditEvent,
    Commitment,
    Finding,
    LogEntry,
    Party,
    WalkProtocol,
)
from tracker.services import DomainError

WALK_MEASURES = [
    {"key": "omrade", "label": "Område", "kind": "place", "required": True},
    {"key": "deltagare_kommunen", "label": "Deltagare från kommunen", "kind": "integer"},
]


@pytest.fixture
def walk(town, session):
    promise = make_promise(town["m"], year=local_today().year)
    kind = make_type("trygghetsvandring", WALK_MEASURES)
    kind.name_sv = "Trygghetsvandring"
    square, park = make_place(town["m"], "Torget"), make_place(town["m"], "Stadsparken")
    activity = make_activity(make_commitment(promise, Party.TILLSAMMANS), kind,
                             owner=town["coordinator"], assignees=[town["officer"]],
                             places=[square], title="Trygghetsvandring i centrum")
    session.commit()
    return {"activity": activity, "square": square, "park": park}


def _log_walk(client, walk) -> int:
    response = client.post(f"/aktiviteter/{walk['activity'].id}/logga", data={
        "occurred_on": local_today().isoformat(), "m_omrade": str(walk["square"].id),
        "m_deltagare_kommunen": "3"})
    assert response.status_code == 302
    entry_id = db.session.scalar(sa.select(sa.func.max(LogEntry.id)))
    assert response.headers["Location"] == f"/genomforanden/{entry_id}/protokoll"
    return entry_id


def _finding(client, entry_id, **fields):
    data = {"place_id": "", "category": "belysning", "description": "Trasig lampa",
            "action_text": "", "action_party": "", "action_party_name": "",
            "action_owner_id": "", "action_due_date": "", **fields}
    return client.post(f"/genomforanden/{entry_id}/iakttagelser/ny", data=data,
                       content_type="multipart/form-data")


def test_an_officer_logs_a_walk_with_route_participants_findings_and_actions(
        client, town, walk, session):
    login(client, town["officer"].email)
    entry_id = _log_walk(client, walk)
    page = client.get(f"/genomforanden/{entry_id}/protokoll")
    assert page.status_code == 200 and "Lägg till iakttagelse" in page.get_data(as_text=True)

    response = client.post(f"/genomforanden/{entry_id}/protokoll", data={
        "route_place_ids": [walk["square"].id, walk["park"].id],
        "participants-0-organisation": "Kommunen", "participants-0-count": "3",
        "participants-1-organisation": "Polisen", "participants-1-count": "2",
        "participants-2-organisation": "Bostadsbolaget AB", "participants-2-count": "1",
        "summary": "Mörkt vid gångtunneln."})
    assert response.status_code == 302
    protocol = session.scalar(sa.select(WalkProtocol))
    assert protocol.participants == [{"organisation": "Kommunen", "count": 3},
                                     {"organisation": "Polisen", "count": 2},
                                     {"organisation": "Bostadsbolaget AB", "count": 1}]

    due = local_today() + timedelta(days=10)
    response = _finding(client, entry_id, place_id=str(walk["park"].id),
                        description="Lampan vid gångtunneln är trasig.",
                        action_text="Byt armaturen.", action_party="kommunen",
                        action_owner_id=str(town["coordinator"].id),
                        action_due_date=due.isoformat(),
                        photo=(io.BytesIO(images.jpeg_with_gps()), "lampa.jpg"))
    assert response.status_code == 302, response.get_data(as_text=True)
    response = _finding(client, entry_id, category="vegetation",
                        description="Buskarna skymmer sikten.", action_text="Klipp buskarna.",
                        action_party="fastighetsagare", action_party_name="Bostadsbolaget AB")
    assert response.status_code == 302
    assert _finding(client, entry_id, category="klotter",
                    description="Klotter på elskåpet.").status_code == 302

    findings = list(session.scalars(sa.select(Finding).order_by(Finding.position)))
    assert [f.position for f in findings] == [1, 2, 3]
    actions = list(session.scalars(sa.select(ActionPoint).order_by(ActionPoint.id)))
    assert [(a.party.value, a.party_name, a.owner_id, a.place_id) for a in actions] == [
        ("kommunen", "", town["coordinator"].id, walk["park"].id),
        ("fastighetsagare", "Bostadsbolaget AB", None, None)]
    assert actions[0].category.value == "belysning" and actions[0].due_date == due
    (photo,) = session.scalars(sa.select(Attachment))
    assert photo.finding_id == findings[0].id
    page = client.get(f"/genomforanden/{entry_id}/protokoll").get_data(as_text=True)
    assert "Lampan vid gångtunneln är trasig." in page and "Bostadsbolaget AB" in page
    assert f"/bilagor/{photo.id}/miniatyr" in page


def test_a_finding_with_a_bad_field_keeps_what_was_typed(client, town, walk, session):
    login(client, town["officer"].email)
    entry_id = _log_walk(client, walk)
    response = _finding(client, entry_id, description="Bilen med 19811218-9876 stod kvar.",
                        action_text="Kontakta ägaren.", action_party="annan")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "personnummer" in page and "Kontakta ägaren." in page
    response = _finding(client, entry_id, description="Bilen stod kvar.",
                        action_text="Kontakta ägaren.", action_party="annan")
    page = response.get_data(as_text=True)
    assert "Ange fastighetsägarens eller organisationens namn." in page
    assert "Bilen stod kvar." in page
    response = _finding(client, entry_id, description="Lampa",
                        photo=(io.BytesIO(b"not an image"), "lampa.jpg"))
    assert response.status_code == 200
    assert "Typen avgörs av innehållet" in response.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(Finding)) == 0



def test_a_text_past_its_limit_is_refused_with_the_limit_written_out(client, town, walk, session):
    login(client, town["officer"].email)
    entry_id = _log_walk(client, walk)
    too_long = "Lampan är trasig. " * 112  # 2 016 characters; a finding holds 2 000
    response = _finding(client, entry_id, description=too_long)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Beskrivningen får vara högst 2\u00a0000 tecken." in page
    assert 'maxlength="2000"' in page  # the browser stops the typing before the server must
    assert too_long.strip() in page  # what was typed is still in the form
    response = client.post(f"/genomforanden/{entry_id}/protokoll", data={
        "participants-0-organisation": "O" * 121, "participants-0-count": "3",
        "summary": "Mörkt vid gångtunneln."})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Organisation får vara högst 120 tecken." in page
    assert session.scalar(sa.select(sa.func.count()).select_from(Finding)) == 0
    assert session.scalar(sa.select(WalkProtocol.summary)) in (None, "")


def test_the_owner_closes_an_action_with_a_reason_or_marks_it_done_with_a_photo(
        client, town, walk, session):
    login(client, town["officer"].email)
    entry_id = _log_walk(client, walk)
    _finding(client, entry_id, description="Lampan är trasig.", action_text="Byt lampan.",
             action_party="kommunen", action_owner_id=str(town["coordinator"].id))
    action = session.scalar(sa.select(ActionPoint))
    client.post("/logout")
    login(client, town["coordinator"].email)
    tasks = client.get("/mina-uppgifter").get_data(as_text=True)
    assert "Byt lampan." in tasks
    response = client.post(f"/atgardspunkter/{action.id}/status",
                           data={"status": "closed", "reason": "", "version": "1"})
    assert response.status_code == 422
    assert "Ange varför punkten avslutas utan åtgärd." in response.get_data(as_text=True)
    response = client.post(f"/atgardspunkter/{action.id}/status", data={
        "status": "done", "reason": "", "version": "1",
        "photo": (io.BytesIO(images.png()), "ny-lampa.png")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    action = session.get(ActionPoint, action.id)
    assert action.status == ActionStatus.DONE
    (photo,) = session.scalars(sa.select(Attachment).where(
        Attachment.action_point_id == action.id))
    assert "Byt lampan." not in client.get("/mina-uppgifter").get_data(as_text=True)
    events = session.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity == "action_point", AuditEvent.action == "update")).all()
    assert any(e.changes.get("status") == ["open", "done"] for e in events)


def test_another_municipality_gets_404_on_every_walk_address(client, town, walk, session):
    login(client, town["officer"].email)
    entry_id = _log_walk(client, walk)
    _finding(client, entry_id, description="Lampa.", action_text="Byt.",
             action_party="kommunen", photo=(io.BytesIO(images.png()), "a.png"))
    finding = session.scalar(sa.select(Finding))
    action = session.scalar(sa.select(ActionPoint))
    photo = session.scalar(sa.select(Attachment))
    client.post("/logout")
    login(client, town["stranger"].email)
    for method, path in [
        ("GET", f"/genomforanden/{entry_id}/protokoll"),
        ("POST", f"/genomforanden/{entry_id}/protokoll"),
        ("GET", f"/genomforanden/{entry_id}/protokoll.pdf"),
        ("POST", f"/genomforanden/{entry_id}/protokoll/publicering"),
        ("GET", f"/genomforanden/{entry_id}/iakttagelser/ny"),
        ("GET", f"/iakttagelser/{finding.id}/andra"),
        ("GET", f"/iakttagelser/{finding.id}/ta-bort"),
        ("POST", f"/iakttagelser/{finding.id}/ta-bort"),
        ("POST", f"/iakttagelser/{finding.id}/bilagor"),
        ("GET", f"/atgardspunkter/{action.id}"),
        ("GET", f"/atgardspunkter/{action.id}/andra"),
        ("POST", f"/atgardspunkter/{action.id}/status"),
        ("POST", f"/atgardspunkter/{action.id}/bilagor"),
        ("GET", f"/bilagor/{photo.id}"),
        ("GET", f"/kommuner/{town['m'].id}/atgardspunkter"),
        ("GET", f"/aktiviteter/{walk['activity'].id}/atgardspunkter/ny"),
    ]:
        assert client.open(path, method=method).status_code == 404, path
    assert session.scalar(sa.select(sa.func.count()).select_from(Finding)) == 1


def test_the_protocol_pdf_lists_every_point_with_its_status_and_the_public_page_no_names(
        client, town, walk, session, tmp_path):
    login(client, town["officer"].email)
    entry_id = _log_walk(client, walk)
    _finding(client, entry_id, description="Lampan är trasig.", action_text="Byt lampan.",
             action_party="kommunen", action_owner_id=str(town["coordinator"].id),
             photo=(io.BytesIO(images.jpeg_with_gps()), "lampa.jpg"))
    _finding(client, entry_id, category="vegetation", description="Höga buskar.",
             action_text="Klipp.", action_party="fastighetsagare",
             action_party_name="Karl Karlsson")
    response = client.get(f"/genomforanden/{entry_id}/protokoll.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = tmp_path / "protokoll.pdf"
    pdf.write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Protokoll från trygghetsvandring" in text
    assert "1. Belysning – Torget" not in text  # the first finding has no place of its own
    assert "Lampan är trasig." in text and "Status: Öppen" in text
    assert "Karl Karlsson" in text and town["coordinator"].name in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    assert "Tagged:          yes" in info

    protocol = session.scalar(sa.select(WalkProtocol))
    public_path = f"/offentlig/{town['m'].slug}/trygghetsvandringar/{protocol.id}"
    client.post("/logout")
    assert client.get(public_path).status_code == 404  # not published yet
    municipality_path = f"/offentlig/{town['m'].slug}"
    assert quote(public_path) not in client.get(municipality_path).get_data(as_text=True)
    login(client, town["officer"].email)
    response = client.post(f"/genomforanden/{entry_id}/protokoll/publicering",
                           data={"published": "1"})
    assert response.status_code == 403  # only the coordinator publishes
    assert session.get(WalkProtocol, protocol.id).published_at is None
    client.post("/logout")
    login(client, town["coordinator"].email)
    client.post(f"/genomforanden/{entry_id}/protokoll/publicering", data={"published": "1"})
    client.post("/logout")
    page = client.get(public_path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Lampan är trasig." in html and "Öppen" in html
    listed = client.get(municipality_path).get_data(as_text=True)
    assert quote(public_path) in listed and "0 åtgärdade" in listed
    for name in (town["coordinator"].name, town["officer"].name, "Karl Karlsson"):
        assert name not in html
    photo = session.scalar(sa.select(Attachment))
    assert f"/bilagor/{photo.id}" not in html
    public_photo = client.get(f"{public_path}/bilder/{photo.id}")
    assert public_photo.status_code == 200
    assert not images.exif_of(public_photo.data).get_ifd(images.GPS_TAG)
    public_pdf = tmp_path / "offentligt.pdf"
    public_pdf.write_bytes(client.get(f"{public_path}/protokoll.pdf").data)
    text = subprocess.run(["pdftotext", str(public_pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Lampan är trasig." in text and "Karl Karlsson" not in text
    assert town["coordinator"].name not in text


def test_the_follow_up_counts_the_walks_findings_by_what_became_of_them(
        client, town, walk, session):
    from tracker.followups.compiler import compile_followup

    login(client, town["coordinator"].email)
    entry_id = _log_walk(client, walk)
    for text in ("Byt lampan.", "Klipp buskarna."):
        _finding(client, entry_id, description="Brist.", action_text=text,
                 action_party="kommunen")
    _finding(client, entry_id, description="Skräp, ingen åtgärd behövs.")
    first, second = session.scalars(sa.select(ActionPoint).order_by(ActionPoint.id)).all()
    client.post(f"/atgardspunkter/{first.id}/status", data={"status": "done", "version": "1"})
    client.post(f"/atgardspunkter/{second.id}/status",
                data={"status": "closed", "reason": "Fastigheten rivs.", "version": "1"})
    commitment = session.get(Commitment, walk["activity"].commitment_id)
    followup = compile_followup(commitment.promise_id, local_today().year)
    assert followup.sections["trygghetsvandringar"]["generated"] == (
        "Vid 1 trygghetsvandring noterades 3 brister; 1 är åtgärdad, 1 avslutades utan "
        "åtgärd, 1 krävde ingen åtgärd.")


def test_removing_a_finding_is_audited_and_takes_its_action_and_photo_along(
        app, client, town, walk, session):
    from pathlib import Path

    login(client, town["officer"].email)
    entry_id = _log_walk(client, walk)
    _finding(client, entry_id, description="Lampan är trasig.", action_text="Byt lampan.",
             action_party="kommunen", photo=(io.BytesIO(images.png()), "lampa.png"))
    finding = session.scalar(sa.select(Finding))
    photo = session.scalar(sa.select(Attachment))
    stored = Path(app.config["UPLOAD_DIR"]) / photo.stored_name
    assert stored.is_file()
    protocol = client.get(f"/genomforanden/{entry_id}/protokoll").get_data(as_text=True)
    # one tap on the protocol only opens the question: no form there removes the finding
    assert f'action="/iakttagelser/{finding.id}/ta-bort"' not in protocol
    assert f'href="/iakttagelser/{finding.id}/ta-bort"' in protocol
    question = client.get(f"/iakttagelser/{finding.id}/ta-bort")
    page = question.get_data(as_text=True)
    assert question.status_code == 200 and "Lampan är trasig." in page and "Byt lampan." in page
    assert "1 åtgärdspunkt, med sin statushistorik" in page and "1 foto" in page
    assert session.scalar(sa.select(sa.func.count()).select_from(Finding)) == 1  # asked only
    removed = client.post(f"/iakttagelser/{finding.id}/ta-bort", data={"entry_id": entry_id})
    assert removed.headers["Location"] == f"/genomforanden/{entry_id}/protokoll"
    assert not stored.exists()
    # the confirmation sent twice (a double tap, a resend): told so, back at the protocol
    again = client.post(f"/iakttagelser/{finding.id}/ta-bort", data={"entry_id": entry_id},
                        follow_redirects=True)
    assert again.status_code == 200 and "Iakttagelsen är redan borttagen." in again.get_data(
        as_text=True)
    for model in (Finding, ActionPoint, Attachment):
        assert session.scalar(sa.select(sa.func.count()).select_from(model)) == 0
    deleted = {e.entity for e in session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "delete", AuditEvent.actor_id == town["officer"].id))}
    assert {"finding", "action_point", "attachment"} <= deleted


def test_another_municipalitys_people_and_places_are_refused_by_the_services(
        client, town, walk, session):
    elsewhere = make_place(town["other"], "Skara torg")
    session.commit()
    login(client, town["officer"].email)
    entry_id = _log_walk(client, walk)
    response = _finding(client, entry_id, place_id=str(elsewhere.id), description="Lampa.",
                        action_text="Byt.", action_party="kommunen",
                        action_owner_id=str(town["stranger"].id))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Välj en plats i kommunen." in page
    assert "Välj en ansvarig person som är med i kommunen." in page
    response = client.post(f"/genomforanden/{entry_id}/protokoll",
                           data={"route_place_ids": [elsewhere.id]})
    assert response.status_code == 200 and "error-summary" in response.get_data(as_text=True)
    response = client.post(f"/aktiviteter/{walk['activity'].id}/atgardspunkter/ny", data={
        "text": "Beslut.", "party": "polisen", "owner_id": str(town["viewer"].id)})
    assert "Välj en ansvarig person som är med i kommunen." in response.get_data(as_text=True)
    for model in (Finding, ActionPoint):
        assert session.scalar(sa.select(sa.func.count()).select_from(model)) == 0
    protocol = session.scalar(sa.select(WalkProtocol))
    assert protocol is None or protocol.route == []


def test_who_is_to_be_told_of_an_assignment(town, walk, session):
    from tracker.models import ResponsibleParty
    from tracker.services import action_points

    data = action_points.ActionInput(text="Byt lampan.", party=ResponsibleParty.KOMMUNEN,
                                     owner_id=town["coordinator"].id)
    action = action_points.create(town["officer"], walk["activity"], data)
    assert action_points.newly_assigned(action, None, town["officer"]) == town["coordinator"].id
    assert action_points.newly_assigned(action, town["coordinator"].id, town["officer"]) is None
    assert action_points.newly_assigned(action, None, town["coordinator"]) is None
    # the new owner finds it among their notifications, linked to the action point
    from tracker.models import Notification, NotificationKind

    (told,) = session.scalars(sa.select(Notification).where(
        Notification.user_id == town["coordinator"].id))
    assert (told.kind, told.target_type, told.target_id) == (
        NotificationKind.ASSIGNED, "action_point", action.id)
    assert session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == town["officer"].id)) == 0
    with pytest.raises(DomainError):
        action_points.create(town["viewer"], walk["activity"], data)


def test_the_service_refuses_a_participant_count_outside_its_range(client, town, walk, session):
    """The form checks the count first; the service holds the rule for every caller."""
    from tracker.services import FieldErrors, walks

    login(client, town["officer"].email)
    entry_id = _log_walk(client, walk)
    entry = session.get(LogEntry, entry_id)
    protocol = walks.ensure_protocol(town["officer"], walk["activity"], entry)
    for count in (-3, walks.PARTICIPANTS_MAX + 1):
        with pytest.raises(FieldErrors) as refused:
            walks.save_protocol(town["officer"], walk["activity"], protocol,
                                walks.ProtocolInput(participants=[("Kommunen", count)]))
        assert refused.value.errors == {
            "participants-0-count": "Antal deltagare ska vara ett heltal från 0 till 10\u00a0000."}
    response = client.post(f"/genomforanden/{entry_id}/protokoll", data={
        "participants-0-organisation": "Kommunen", "participants-0-count": "20000"})
    assert "Antal deltagare ska vara ett heltal från 0 till 10\u00a0000." in response.get_data(
        as_text=True)


def test_a_wrong_participant_count_is_named_by_its_field_in_the_error_summary(
        client, town, walk, session):
    login(client, town["officer"].email)
    entry_id = _log_walk(client, walk)
    response = client.post(f"/genomforanden/{entry_id}/protokoll", data={
        "participants-0-organisation": "Kommunen", "participants-0-count": "20000",
        "summary": ""})
    summary = re.search(r'(?s)<div class="error-summary".*?</div>',
                        response.get_data(as_text=True))[0]
    assert "{" not in summary and "Participants" not in summary
    assert re.search(r'href="#participants-0-count">[^<]*: Antal deltagare ska vara ett heltal '
                     r'från 0 till 10\s000\.', summary)
    assert session.scalar(sa.select(WalkProtocol)) is None


def test_a_finding_and_an_action_point_sent_twice_from_the_phone_are_saved_once(
        client, town, walk, session):
    login(client, town["officer"].email)
    entry_id = _log_walk(client, walk)
    url = f"/genomforanden/{entry_id}/iakttagelser/ny"
    key = re.search(r'name="once_key" type="hidden" value="([^"]+)"',
                    client.get(url).get_data(as_text=True))[1]
    first, second = (_finding(client, entry_id, action_text="Byt lampan.",
                              action_party="kommunen", once_key=key) for _ in range(2))
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert session.scalar(sa.select(sa.func.count()).select_from(Finding)) == 1
    assert session.scalar(sa.select(sa.func.count()).select_from(ActionPoint)) == 1

    url = f"/aktiviteter/{walk['activity'].id}/atgardspunkter/ny"
    key = re.search(r'name="once_key" type="hidden" value="([^"]+)"',
                    client.get(url).get_data(as_text=True))[1]
    data = {"text": "Klipp häcken vid skolan.", "party": "kommunen", "party_name": "",
            "owner_id": "", "due_date": "", "place_id": "", "category": "", "once_key": key}
    first, second = (client.post(url, data=data) for _ in range(2))
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert session.scalar(sa.select(sa.func.count()).select_from(ActionPoint)) == 2


@pytest.mark.parametrize("due", ["0001-01-01", "1900-01-01", "9999-12-31"])
def test_an_action_point_s_due_date_outside_2000_to_2100_is_refused(client, town, walk, session,
                                                                     due):
    login(client, town["officer"].email)
    entry_id = _log_walk(client, walk)
    response = _finding(client, entry_id, action_text="Byt lampan.", action_party="kommunen",
                        action_due_date=due)
    assert "Ange ett datum mellan år 2000 och 2100." in response.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(ActionPoint)) == 0
    url = f"/aktiviteter/{walk['activity'].id}/atgardspunkter/ny"
    response = client.post(url, data={"text": "Klipp häcken.", "party": "kommunen",
                                      "due_date": due})
    assert "Ange ett datum mellan år 2000 och 2100." in response.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(ActionPoint)) == 0
