"""Exactly once: a request that creates something carries a one-time key, and a repeat of it
(a double tap, a resend after a slow answer, two tabs) answers with the first result.

The key is claimed by inserting (scope, key) into `idempotency_key` before the write, in the
same transaction. A repeat that comes later finds the row and its result; one that runs at the
same time meets the UNIQUE constraint (PostgreSQL waits for the first transaction, SQLite
refuses the second writer) and, after a rollback, finds the first one's result. A request that
fails is rolled back with its claim, so the same form can be corrected and sent again.
"""
from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
from flask import abort, flash, redirect, request, session
from flask_login import current_user
from wtforms import HiddenField
from wtforms.utils import unset_value

from tracker.database import execute_write
from tracker.extensions import db
from tracker.models import IdempotencyKey
from tracker.models.base import utcnow
from tracker.translation import gettext as _

KEY = IdempotencyKey.__table__
MAX_KEY = 100
ATTEMPTS = 5


class KeyReused(Exception):
    """The key was used for another request (another form, path or body)."""


def new_key() -> str:
    return secrets.token_urlsafe(18)


def fingerprint(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


# Built once: a request that creates something sends both.
_CLAIM = sa.insert(KEY).values(location="", entity="")
_SETTLE = (sa.update(KEY).where(KEY.c.scope == sa.bindparam("scope_"),
                                KEY.c.key == sa.bindparam("key_")))


def _find(scope: str, key: str):
    return db.session.execute(
        sa.select(KEY.c.fingerprint, KEY.c.location, KEY.c.entity, KEY.c.entity_id)
        .where(KEY.c.scope == scope, KEY.c.key == key)).first()


def claim(scope: str, key: str, print_: str):
    """None when this request is the first with its key (claimed in the current transaction);
    else the first request's result (location, entity, entity_id). Raises KeyReused.

    The claim is tried first (one statement on the usual path); only a refused one reads."""
    error = None
    for _attempt in range(ATTEMPTS):
        try:
            execute_write(db.session, _CLAIM, {"scope": scope, "key": key,
                                               "fingerprint": print_, "created_at": utcnow()})
            return None
        except (sa.exc.IntegrityError, sa.exc.OperationalError) as refused:
            # Another request with this key has written it or holds it: start afresh (on
            # SQLite the transaction's snapshot is stale) and read its result.
            error = refused
            db.session.rollback()
        found = _find(scope, key)
        if found is not None:
            if found.fingerprint != print_:
                raise KeyReused(key)
            return found
        # The other request is still running (or failed): end this read so the next claim
        # starts a transaction of its own and waits for the lock instead of a stale snapshot.
        db.session.rollback()
    if isinstance(error, sa.exc.OperationalError):
        raise error  # the database stays locked (another process): unavailable, not a repeat
    abort(409)


def settle(scope: str, key: str, *, location: str = "", entity: str = "",
           entity_id: int | None = None) -> None:
    """Store the result with the claim, before the commit that makes both visible."""
    execute_write(db.session, _SETTLE, {"scope_": scope, "key_": key,
                                        "location": location[:500], "entity": entity,
                                        "entity_id": entity_id})


# --- forms -------------------------------------------------------------------------------------

def _rendered_key() -> str:
    """A new form's key; an anonymous visitor's scope is fixed now, with the form, so that two
    quick sendings of it (the cookie of the same page) share it."""
    _web_scope()
    return new_key()


class OnceKeyField(HiddenField):
    """The one-time key: a new one only for a form that was not sent with one."""

    def process(self, formdata, data=unset_value, extra_filters=None):
        if formdata is not None and formdata.get(self.name):
            data = None  # the sent key is the field's value; making a new one would be wasted
        super().process(formdata, data, extra_filters)


class OnceForm:
    """Mixin for a form that creates something: a fresh key in every form the server renders
    (form.hidden_tag() sends it back); a re-rendered form after an error keeps its key."""

    once_key = OnceKeyField(default=_rendered_key)


def _web_scope() -> str:
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    scope = session.get("once_scope")
    if not scope:
        scope = session["once_scope"] = secrets.token_urlsafe(18)
    return f"session:{scope}"


def _form_key(form) -> str | None:
    if not form.once_key.raw_data:
        # A client that sends no key gets no protection (the server's forms send one). The
        # field's default, made for this request, could never be sent again: claiming it
        # would only store a row and cost two statements.
        return None
    key = (form.once_key.data or "").strip()
    if not key:
        return None
    if len(key) > MAX_KEY:
        abort(400)
    return key


def first_time(form, *, announce: bool = True):
    """Call after the form validated, before the write: None when this is the first time the
    form is sent (the key is claimed); else a redirect to where the first sending led (with a
    notice unless `announce` is false: a page that is the same for everyone says nothing)."""
    key = _form_key(form)
    if key is None:
        return None
    try:
        found = claim(_web_scope(), key, fingerprint(request.method, request.path))
    except KeyReused:
        abort(409)
    if found is None:
        return None
    if announce:
        flash(_("Det här skickades redan och sparades en gång; inget nytt är sparat."), "info")
    return redirect(found.location or request.path)


def remember(form, location: str, entity: str = "", entity_id: int | None = None) -> None:
    """The first sending's result (where it led), in the transaction of the write."""
    key = _form_key(form)
    if key is not None:
        settle(_web_scope(), key, location=location, entity=entity, entity_id=entity_id)
