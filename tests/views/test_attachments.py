"""Attached photos and PDFs: checked by content, re-encoded without EXIF, served only through a
route with the object's permissions, removed from disk with their row, and audited."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests import images
from tests.conftest import login
from tests.factories import make_activity, make_commitment, make_promise, make_type
from tracker.extensions import db
from tracker.formatting import local_today
from tracker.models import Attachment, AuditEvent


@pytest.fixture
def activity(town, session):
    promise = make_promise(town["m"], year=local_today().year)
    return make_activity(make_commitment(promise), make_type(), owner=town["coordinator"],
                         assignees=[town["officer"]])


def _files(app) -> list[Path]:
    directory = Path(app.config["UPLOAD_DIR"])
    return sorted(directory.iterdir()) if directory.exists() else []


def _upload(client, activity, data: bytes, name: str):
    return client.post(f"/aktiviteter/{activity.id}/bilagor",
                       data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _attachments(session) -> list[Attachment]:
    return list(session.scalars(sa.select(Attachment).order_by(Attachment.id)))


def test_a_photo_loses_its_gps_position_and_owner_and_gets_a_thumbnail(
        app, client, town, activity, session):
    before = set(_files(app))
    login(client, town["officer"].email)
    response = _upload(client, activity, images.jpeg_with_gps(), "IMG_0042.JPG")
    assert response.status_code == 302
    (attachment,) = _attachments(session)
    assert attachment.file_name == "IMG_0042.jpg" and attachment.content_type == "image/jpeg"
    assert len(set(_files(app)) - before) == 2  # the photo and its thumbnail

    photo = client.get(f"/bilagor/{attachment.id}")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    exif = images.exif_of(photo.data)
    assert not exif.get_ifd(images.GPS_TAG) and images.ARTIST not in exif
    thumb = client.get(f"/bilagor/{attachment.id}/miniatyr")
    assert thumb.status_code == 200 and len(thumb.data) > 0

    page = client.get(f"/aktiviteter/{activity.id}").get_data(as_text=True)
    assert f"/bilagor/{attachment.id}/miniatyr" in page
    (event,) = session.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity == "attachment", AuditEvent.action == "insert"))
    assert event.actor_id == town["officer"].id


def test_a_photo_with_a_damaged_exif_block_is_kept_without_it(app, client, town, activity,
                                                                 session):
    login(client, town["officer"].email)
    response = _upload(client, activity, images.jpeg_with_corrupt_exif(), "trasig.jpg")
    assert response.status_code == 302
    (attachment,) = _attachments(session)
    photo = client.get(f"/bilagor/{attachment.id}")
    assert photo.status_code == 200 and not images.exif_of(photo.data)


def test_png_heic_and_pdf_are_accepted_by_their_content(app, client, town, activity, session):
    login(client, town["coordinator"].email)
    for data, name in ((images.png(), "karta.png"), (images.heic(), "IMG_1.HEIC"),
                       (images.pdf(), "protokoll.pdf")):
        assert _upload(client, activity, data, name).status_code == 302
    kinds = [(a.content_type, a.file_name) for a in _attachments(session)]
    assert kinds == [("image/png", "karta.png"), ("image/jpeg", "IMG_1.jpg"),
                     ("application/pdf", "protokoll.pdf")]
    heic = _attachments(session)[1]
    assert not images.exif_of(client.get(f"/bilagor/{heic.id}").data).get_ifd(images.GPS_TAG)
    pdf = client.get(f"/bilagor/{_attachments(session)[2].id}")
    assert pdf.headers["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("data, name, message", [
    (b"<script>alert(1)</script>", "foto.jpg", "Typen avgörs av innehållet"),
    (b"MZ\x90\x00" + b"\x00" * 100, "faktura.pdf", "Typen avgörs av innehållet"),
    (images.jpeg_with_gps()[:200], "trasig.jpg", "Bilden kunde inte läsas"),
    (b"%PDF-1.4\nno end", "halv.pdf", "PDF-filen är skadad"),
    (b"", "tom.png", "Filen är tom"),
])
def test_what_is_not_a_photo_or_pdf_is_refused_in_swedish_and_nothing_is_stored(
        app, client, town, activity, session, data, name, message):
    before = _files(app)
    login(client, town["officer"].email)
    response = _upload(client, activity, data, name)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert message in page
    assert _attachments(session) == [] and _files(app) == before


def test_a_decompression_bomb_and_a_file_too_large_are_refused(
        app, client, town, activity, session, monkeypatch):
    before = _files(app)
    login(client, town["officer"].email)
    response = _upload(client, activity, images.png_bomb(10000, 10000), "bomb.png")
    assert "för många bildpunkter" in client.get(response.headers["Location"]).get_data(
        as_text=True)
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 500)
    response = _upload(client, activity, images.jpeg_with_gps(), "stor.jpg")
    assert "Filen är för stor. Största tillåtna storlek är 0,000477 MB" in client.get(
        response.headers["Location"]).get_data(as_text=True)
    assert _attachments(session) == [] and _files(app) == before


def test_another_municipality_gets_404_and_a_viewer_may_look_but_not_upload(
        app, client, town, activity, session):
    login(client, town["officer"].email)
    _upload(client, activity, images.png(), "a.png")
    (attachment,) = _attachments(session)
    client.post("/logout")
    login(client, town["stranger"].email)
    for path in (f"/bilagor/{attachment.id}", f"/bilagor/{attachment.id}/miniatyr"):
        assert client.get(path).status_code == 404
    assert client.post(f"/bilagor/{attachment.id}/ta-bort").status_code == 404
    assert _upload(client, activity, images.png(), "b.png").status_code == 404
    client.post("/logout")
    login(client, town["viewer"].email)
    assert client.get(f"/bilagor/{attachment.id}").status_code == 200
    assert _upload(client, activity, images.png(), "c.png").status_code == 403
    assert client.post(f"/bilagor/{attachment.id}/ta-bort").status_code == 403
    assert len(_attachments(session)) == 1


def test_a_removed_photo_is_gone_from_disk_and_the_removal_is_audited(
        app, client, town, activity, session):
    before = set(_files(app))
    login(client, town["officer"].email)
    _upload(client, activity, images.jpeg_with_gps(), "lampa.jpg")
    (attachment,) = _attachments(session)
    stored = Path(app.config["UPLOAD_DIR"]) / attachment.stored_name
    assert stored.is_file()
    assert client.post(f"/bilagor/{attachment.id}/ta-bort").status_code == 302
    assert not stored.exists() and set(_files(app)) == before
    assert client.get(f"/bilagor/{attachment.id}").status_code == 404
    (event,) = session.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity == "attachment", AuditEvent.action == "delete"))
    assert event.actor_id == town["officer"].id and event.changes["file_name"] == "lampa.jpg"


def test_removing_an_occasion_removes_its_files(app, client, town, activity, session):
    from tracker.models import LogEntry

    entry = LogEntry(activity_id=activity.id, occurred_on=local_today(), measures={
        "antal_poliser": 1}, author_id=town["officer"].id)
    session.add(entry)
    session.commit()
    before = set(_files(app))
    login(client, town["officer"].email)
    response = client.post(f"/genomforanden/{entry.id}/bilagor",
                           data={"file": (io.BytesIO(images.png()), "x.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert len(set(_files(app)) - before) == 2
    response = client.post(f"/aktiviteter/{activity.id}/genomforanden/{entry.id}/ta-bort",
                           data={"reason": "Loggad två gånger.",
                                 "version": str(db.session.get(LogEntry, entry.id).version_id)})
    assert response.status_code == 302
    assert set(_files(app)) == before and _attachments(session) == []
