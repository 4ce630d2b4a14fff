"""`Idempotency-Key` for the API's creating requests: a repeat answers with the first result.

The same table and the same claim as the web forms (tracker.once); the key is scoped to the
token's user and bound to the request (method, path and body), so a key reused for another
request is refused instead of answered with an unrelated result.
"""
from __future__ import annotations

from flask import request

from tracker import once
from tracker.api.auth import user
from tracker.api.errors import ApiError
from tracker.formatting import number_local
from tracker.translation import gettext as _
from tracker.translation import lazy_gettext as _l

HEADER = "Idempotency-Key"


def _key() -> str | None:
    key = request.headers.get(HEADER, "").strip()
    if not key:
        return None
    if len(key) > once.MAX_KEY or not key.isprintable():
        raise ApiError(400, "bad_idempotency_key",
                       _("Idempotency-Key ska vara högst %(max)s synliga tecken.",
                         max=number_local(once.MAX_KEY)))
    return key


def _scope() -> str:
    return f"user:{user().id}"


def first_id() -> int | None:
    """None when the request is the first with its key (or has none); else the id of what
    the first one created."""
    key = _key()
    if key is None:
        return None
    try:
        found = once.claim(_scope(), key, once.fingerprint(
            request.method, request.path, request.get_data()))
    except once.KeyReused:
        raise ApiError(422, "idempotency_key_reused", str(_l(
            "Nyckeln i Idempotency-Key har redan använts för ett annat anrop."))) from None
    return None if found is None else found.entity_id


def remember(entity: str, entity_id: int) -> None:
    key = _key()
    if key is not None:
        once.settle(_scope(), key, location=request.path, entity=entity, entity_id=entity_id)
