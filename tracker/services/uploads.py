"""Attachments: photos and PDFs checked by their content, photos re-encoded without metadata.

A file is written under UPLOAD_DIR by a random name before the transaction commits; the
session's events remove it again if the transaction rolls back, and remove the files of rows
deleted (directly or with their activity, occasion, finding or action point) once the deletion
is committed. So a file exists on disk exactly while a committed row names it.
"""
from __future__ import annotations

import io
import os
import re
import secrets
import unicodedata
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_sqlalchemy.session import Session as FlaskSession
from PIL import Image, ImageOps, UnidentifiedImageError

from tracker.extensions import db
from tracker.formatting import megabytes, number_local
from tracker.models import (
    ActionPoint,
    Activity,
    Attachment,
    AttachmentKind,
    Finding,
    LogEntry,
    User,
)
from tracker.services import DomainError, personal_data
from tracker.translation import gettext as _
from tracker.validators import clean_text

try:  # HEIC photos (iPhones) when the plug-in is installed
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIC_SUPPORTED = True
except ImportError:  # pragma: no cover - pillow-heif is a dependency; kept optional for builds
    HEIC_SUPPORTED = False

THUMB_SIZE = (480, 480)
HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"heim", b"heis"}
PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "heic": "HEIF"}
_WRITTEN = "tracker.uploads_written"
_REMOVED = "tracker.uploads_removed"


@dataclass(frozen=True)
class Owner:
    """What an attachment hangs on: always an activity, and maybe more precisely."""

    municipality_id: int
    activity_id: int
    log_entry_id: int | None = None
    finding_id: int | None = None
    action_point_id: int | None = None


@dataclass(frozen=True)
class Processed:
    kind: AttachmentKind
    content_type: str
    extension: str
    data: bytes
    thumbnail: bytes | None = None
    width: int | None = None
    height: int | None = None


def sniff(data: bytes) -> str | None:
    """The file's real type from its first bytes: jpeg, png, heic, pdf or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"%PDF-"):
        return "pdf"
    if len(data) >= 12 and data[4:8] == b"ftyp" and data[8:12] in HEIC_BRANDS:
        return "heic"
    return None


def accepted_types_text() -> str:
    return _("JPEG, PNG, HEIC eller PDF") if HEIC_SUPPORTED else _("JPEG, PNG eller PDF")


def process(data: bytes, config: Mapping) -> Processed:
    """The file as it will be stored, or a DomainError saying in Swedish why not."""
    limit = config["UPLOAD_MAX_BYTES"]
    if not data:
        raise DomainError(_("Filen är tom."), "file")
    if len(data) > limit:
        raise DomainError(_("Filen är för stor. Största tillåtna storlek är %(mb)s MB.",
                            mb=megabytes(limit)), "file")
    kind = sniff(data)
    if kind is None or (kind == "heic" and not HEIC_SUPPORTED):
        raise DomainError(_("Filen är inte en bild eller PDF som kan tas emot (%(types)s). "
                            "Typen avgörs av innehållet, inte av filnamnet.",
                            types=accepted_types_text()), "file")
    if kind == "pdf":
        if b"%%EOF" not in data[-2048:]:
            raise DomainError(_("PDF-filen är skadad eller ofullständig."), "file")
        return Processed(AttachmentKind.PDF, "application/pdf", "pdf", data)
    return _reencode(data, kind, config["UPLOAD_MAX_PIXELS"])


def _reencode(data: bytes, kind: str, max_pixels: int) -> Processed:
    """Decode the whole image, then write a new file of its pixels only: no EXIF (GPS, camera
    owner), no comments, nothing that rode along. Phones' rotation is applied first."""
    refused = DomainError(_("Bilden kunde inte läsas. Den kan vara skadad; prova att spara "
                            "den igen som JPEG eller PNG."), "file")
    millions = number_local(max_pixels / 1_000_000)
    bomb = DomainError(_("Bilden har för många bildpunkter (högst %(mp)s miljoner) och tas "
                         "inte emot.", mp=millions), "file")
    try:
        with warnings.catch_warnings():
            # Pillow warns of a damaged EXIF block and reads on; the block is left out anyway.
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[kind]]) as opened:
                image: Image.Image = opened
                width, height = image.size
                if width * height > max_pixels or width < 1 or height < 1:
                    raise bomb
                image.load()
                image = ImageOps.exif_transpose(image)
                if kind == "png":
                    image = image.convert("RGBA" if _has_alpha(image) else "RGB")
                    fmt, content_type, ext = "PNG", "image/png", "png"
                else:
                    image = image.convert("RGB")
                    fmt, content_type, ext = "JPEG", "image/jpeg", "jpg"
                clean = Image.new(image.mode, image.size)
                clean.paste(image)
                width, height = clean.size
                out = io.BytesIO()
                clean.save(out, fmt, **({"quality": 88} if fmt == "JPEG" else {"optimize": True}))
                clean.thumbnail(THUMB_SIZE)
                thumb = io.BytesIO()
                clean.save(thumb, fmt, **({"quality": 80} if fmt == "JPEG" else {}))
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise bomb from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, MemoryError,
            IndexError, TypeError, KeyError, ZeroDivisionError, RuntimeError):
        raise refused from None
    return Processed(AttachmentKind.IMAGE, content_type, ext, out.getvalue(), thumb.getvalue(),
                     width, height)


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info)


def clean_file_name(name: str | None, extension: str) -> str:
    """A name to show: the uploaded name's stem without path or odd characters, and the
    extension of what is really stored."""
    stem = Path((name or "").replace("\\", "/")).name.rsplit(".", 1)[0]
    stem = clean_text(unicodedata.normalize("NFC", stem))
    stem = re.sub(r"[^\w\- ().åäöÅÄÖ]", "_", stem).strip(" ._")[:120]
    return f"{stem or 'fil'}.{extension}"


def upload_dir(config: Mapping | None = None) -> Path:
    return Path((config or current_app.config)["UPLOAD_DIR"])


def path_of(stored_name: str, config: Mapping | None = None) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}(?:-t)?\.(?:jpg|png|pdf)", stored_name):
        raise ValueError("not a stored name")
    return upload_dir(config) / stored_name


def _write(content: bytes, name: str) -> None:
    directory = upload_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / name
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    db.session.info.setdefault(_WRITTEN, []).append(path)
    with os.fdopen(fd, "wb") as file:
        file.write(content)


def store(actor: User, owner: Owner, file_name: str | None, data: bytes) -> Attachment:
    """Check, re-encode and store one upload; the row is flushed, the transaction is the
    caller's. Nothing is written when a check fails."""
    processed = process(data, current_app.config)
    shown = clean_file_name(file_name, processed.extension)
    personal_data.check_text(shown, _("Filnamnet"))
    token = secrets.token_hex(16)
    stored = f"{token}.{processed.extension}"
    _write(processed.data, stored)
    thumb = None
    if processed.thumbnail:
        thumb = f"{token}-t.{processed.extension}"
        _write(processed.thumbnail, thumb)
    attachment = Attachment(
        municipality_id=owner.municipality_id, activity_id=owner.activity_id,
        log_entry_id=owner.log_entry_id, finding_id=owner.finding_id,
        action_point_id=owner.action_point_id, kind=processed.kind,
        content_type=processed.content_type, file_name=shown, stored_name=stored,
        thumb_name=thumb, size_bytes=len(processed.data), width=processed.width,
        height=processed.height, uploaded_by_id=actor.id)
    db.session.add(attachment)
    db.session.flush()
    return attachment


def remove(actor: User, attachment: Attachment) -> None:
    """Delete the row (audited); its files go when the deletion is committed."""
    del actor  # the audit trail names the acting user from the request
    db.session.delete(attachment)
    db.session.flush()


def stored_names(attachments) -> list[str]:
    return [n for a in attachments for n in (a.stored_name, a.thumb_name) if n]


# --- keeping disk and database in step ---------------------------------------------------

_OWNER_COLUMNS = (
    (Activity, Attachment.activity_id), (LogEntry, Attachment.log_entry_id),
    (Finding, Attachment.finding_id), (ActionPoint, Attachment.action_point_id),
)


def _before_flush(session, _context, _instances) -> None:
    names = []
    for obj in session.deleted:
        if isinstance(obj, Attachment):
            names += stored_names([obj])
            continue
        for model, column in _OWNER_COLUMNS:
            if isinstance(obj, model) and obj.id is not None:
                rows = session.execute(sa.select(Attachment.stored_name, Attachment.thumb_name)
                                       .where(column == obj.id)).all()
                names += [n for row in rows for n in row if n]
    if names:
        session.info.setdefault(_REMOVED, []).extend(names)


def _after_commit(session) -> None:
    session.info.pop(_WRITTEN, None)
    names = session.info.pop(_REMOVED, None)
    if names:
        directory = upload_dir()
        for name in names:
            (directory / name).unlink(missing_ok=True)


def _after_soft_rollback(session, previous_transaction) -> None:
    if previous_transaction.parent is not None:
        return
    session.info.pop(_REMOVED, None)
    for path in session.info.pop(_WRITTEN, []):
        Path(path).unlink(missing_ok=True)


def register() -> None:
    if sa.event.contains(FlaskSession, "before_flush", _before_flush):  # once per process
        return
    sa.event.listen(FlaskSession, "before_flush", _before_flush)
    sa.event.listen(FlaskSession, "after_commit", _after_commit)
    sa.event.listen(FlaskSession, "after_soft_rollback", _after_soft_rollback)


def referenced_names() -> set[str]:
    """Every file name a row refers to (what a backup takes along); none before migrations."""
    if not sa.inspect(db.session.connection()).has_table(Attachment.__tablename__):
        return set()
    rows = db.session.execute(sa.select(Attachment.stored_name, Attachment.thumb_name)).all()
    return {n for row in rows for n in row if n}
