"""Hypothesis sends hostile files to the upload route: wrong magic, truncated and mutated
images, decompression bombs, PDFs without an end, random bytes under any name. Whatever
arrives: never a 5xx, and what is refused leaves no row and no file behind."""
from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import images
from tests.conftest import login
from tests.factories import make_activity, make_commitment, make_promise, make_type
from tracker.formatting import local_today
from tracker.models import Attachment

EXAMPLES = 60
MAGIC = [b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"%PDF-", b"\x00\x00\x00\x18ftypheic", b""]


@cache
def _valid() -> list[bytes]:
    return [images.jpeg_with_gps(), images.png(), images.png(mode="RGBA"), images.heic()]


@cache
def _bomb() -> bytes:
    return images.png_bomb(10000, 10000)


@st.composite
def hostile_files(draw) -> bytes:
    kind = draw(st.sampled_from(["magic", "truncated", "mutated", "bomb", "pdf"]))
    if kind == "magic":
        return draw(st.sampled_from(MAGIC)) + draw(st.binary(max_size=400))
    if kind == "bomb":
        return _bomb()
    if kind == "pdf":
        return b"%PDF-1." + draw(st.binary(max_size=200))
    data = bytearray(draw(st.sampled_from(_valid())))
    if kind == "truncated":
        return bytes(data[: draw(st.integers(min_value=1, max_value=len(data) - 1))])
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        position = draw(st.integers(min_value=8, max_value=len(data) - 1))
        data[position] = draw(st.integers(min_value=0, max_value=255))
    return bytes(data)


NAMES = st.one_of(st.sampled_from(["bild.jpg", "../../etc/passwd", "a\x00b.png", "x.pdf",
                                   "C:\\Users\\anna\\IMG.HEIC", ""]), st.text(max_size=60))


def test_hostile_uploads_never_fail_and_refused_ones_store_nothing(app, client, town, session):
    promise = make_promise(town["m"], year=local_today().year)
    activity = make_activity(make_commitment(promise), make_type(), owner=town["officer"])
    session.commit()
    login(client, town["officer"].email)
    directory = Path(app.config["UPLOAD_DIR"])

    def files() -> set[Path]:
        return set(directory.iterdir()) if directory.exists() else set()

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(data=hostile_files(), name=NAMES)
    def send(data: bytes, name: str):
        rows_before = session.scalar(sa.select(sa.func.count()).select_from(Attachment))
        files_before = files()
        response = client.post(f"/aktiviteter/{activity.id}/bilagor",
                               data={"file": (io.BytesIO(data), name)},
                               content_type="multipart/form-data")
        assert response.status_code < 500
        with client.session_transaction() as flask_session:
            flashes = flask_session.pop("_flashes", [])
        rows_after = session.scalar(sa.select(sa.func.count()).select_from(Attachment))
        if any(category == "error" for category, _ in flashes):
            assert rows_after == rows_before and files() == files_before
        else:  # a mutation Pillow could still decode: stored as a clean re-encoding
            (new,) = session.scalars(sa.select(Attachment).order_by(Attachment.id.desc())
                                     .limit(1))
            assert new.content_type in ("image/jpeg", "image/png", "application/pdf")
            assert files() - files_before == {directory / n for n in (new.stored_name,
                                                                      new.thumb_name) if n}
            assert "/" not in new.file_name and "\x00" not in new.file_name

    send()
