"""Uploaded files kept between the preview and the confirmation.

What is kept is the file's rows as read at upload (JSON), not the file: the preview and the
confirmation never parse it again. They wait in a directory on the server (the instance
folder by default) under a random name, beside a small JSON note saying whose it is; only that user, for that municipality and
kind of import, can read it back. It is deleted after the import, on cancel, and when it is
older than the maximum age (swept whenever someone uploads). With several web hosts the
directory must be shared storage (TRACKER_IMPORT_DIR).
"""
from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

_ID = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


@dataclass
class StoredUpload:
    id: str
    user_id: int
    municipality_id: int
    kind: str
    filename: str
    ext: str
    created: float
    options: dict = field(default_factory=dict)
    content: bytes = b""


def _paths(directory: Path, upload_id: str) -> tuple[Path, Path]:
    return directory / f"{upload_id}.upload", directory / f"{upload_id}.json"


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def save(directory: Path, *, user_id: int, municipality_id: int, kind: str, filename: str,
         ext: str, content: bytes, options: dict | None = None) -> str:
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    upload_id = secrets.token_urlsafe(32)
    data_path, meta_path = _paths(directory, upload_id)
    meta = {"user_id": user_id, "municipality_id": municipality_id, "kind": kind,
            "filename": filename[:200], "ext": ext, "created": time.time(),
            "options": options or {}}
    _write_private(data_path, content)
    _write_private(meta_path, json.dumps(meta).encode())
    return upload_id


def load(directory: Path, upload_id: str, *, user_id: int, municipality_id: int, kind: str,
         max_age_seconds: int) -> StoredUpload | None:
    """The upload if it exists, is this user's for this municipality and kind, and is fresh."""
    if not _ID.match(upload_id or ""):
        return None
    data_path, meta_path = _paths(directory, upload_id)
    try:
        meta = json.loads(meta_path.read_text())
        content = data_path.read_bytes()
    except (OSError, ValueError):
        return None
    if (meta.get("user_id"), meta.get("municipality_id"), meta.get("kind")) != (
            user_id, municipality_id, kind):
        return None
    if time.time() - meta.get("created", 0) > max_age_seconds:
        delete(directory, upload_id)
        return None
    return StoredUpload(id=upload_id, user_id=user_id, municipality_id=municipality_id,
                        kind=kind, filename=meta.get("filename", ""), ext=meta.get("ext", ""),
                        created=meta["created"], options=meta.get("options") or {},
                        content=content)


def delete(directory: Path, upload_id: str) -> None:
    if not _ID.match(upload_id or ""):
        return
    for path in _paths(directory, upload_id):
        path.unlink(missing_ok=True)


def purge_expired(directory: Path, max_age_seconds: int) -> int:
    """Remove every upload older than the maximum age; returns how many went."""
    if not directory.is_dir():
        return 0
    removed, cutoff = 0, time.time() - max_age_seconds
    for path in directory.glob("*.upload"):
        try:
            if path.stat().st_mtime < cutoff:
                delete(directory, path.stem)
                removed += 1
        except OSError:
            continue
    return removed
