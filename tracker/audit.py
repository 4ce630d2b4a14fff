"""The audit trail: every insert, update and delete of a domain row, in the same transaction."""
from __future__ import annotations

import contextvars
import enum
import functools
import logging
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Flask, has_request_context, request
from flask import session as flask_session
from flask_login import current_user
from flask_sqlalchemy.session import Session as FlaskSession

from tracker import database
from tracker.extensions import db
from tracker.models import (
    AuditEvent,
    JobRun,
    LoginAttempt,
    RecoveryCode,
    UserSession,
    WebAuthnCredential,
)
from tracker.models.base import utcnow

log = logging.getLogger(__name__)

# Sessions, recovery codes and security keys are recorded by their own events (login, logout,
# session_ended, second_factor_enrolled, recovery_code_used, security_key_added/removed), not
# as rows (a key's counter changes at every login).
NOT_AUDITED = (AuditEvent, LoginAttempt, JobRun, UserSession, RecoveryCode, WebAuthnCredential)
MAX_PATH = 500
SECRET_FIELDS = {"password_hash", "session_token", "calendar_token", "token_hash", "totp_secret",
                 "totp_last_step", "code_hash", "secret_hash", "status_token_hash"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# What a resident wrote and where to answer them stays in its own row; the trail names the row
# (entity and id) and that the field was set or changed, never the text.
NOT_COPIED = {"tip": {"text", "reply_to"}, "subscription": {"email"},
              "followup_feedback": {"comment"}}
NOT_COPIED_MARK = "(ej kopierad)"
# The actions of refused attempts (written by record_refusal in a transaction of their own).
REFUSALS = ("forbidden", "not_found_elsewhere", "refused", "csrf_refused", "token_refused",
            "rate_limited")

# Actor for work outside a request (CLI, scheduler jobs): a label such as "cli" or "job:x".
system_actor: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "system_actor", default=None
)


def acting_as(label: str):
    """Decorator for CLI commands: their audit events name `label`, reset when they end."""
    def wrap(func):
        @functools.wraps(func)
        def inner(*args, **kwargs):
            token = system_actor.set(label)
            try:
                return func(*args, **kwargs)
            finally:
                system_actor.reset(token)
        return inner
    return wrap


def neutralise(text: str) -> str:
    """Control characters would let a value forge lines in a log; show them escaped."""
    if "\n" in text:  # the common one (Markdown of a follow-up), without a call per line
        text = text.replace("\n", "\\x0a")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, str):
        return neutralise(value)
    if hasattr(value, "id") and hasattr(value, "__table__"):
        return f"{value.__table__.name}:{value.id}"
    return value


def _actor() -> tuple[int | None, str, str]:
    label = system_actor.get()
    if has_request_context():
        addr = request.remote_addr or ""
        if label is None and current_user and current_user.is_authenticated:
            return current_user.id, current_user.email, addr
        return None, label or "anonym", addr
    return None, label or "system", ""


def _changes(obj, action: str) -> dict:
    state = sa.inspect(obj)
    changes: dict[str, Any] = {}
    not_copied = NOT_COPIED.get(obj.__table__.name, ())
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in SECRET_FIELDS:
            if action == "update" and state.attrs[key].history.has_changes():
                changes[key] = ["***", "***"]
            continue
        if action != "update":  # a new or removed row: its values (no history to compute)
            value = getattr(obj, key)
            if key in not_copied:
                if value not in (None, ""):
                    changes[key] = NOT_COPIED_MARK
            elif action == "delete":
                changes[key] = _plain(value)
            elif value not in (None, "", [], {}):
                changes[key] = _plain(value)
            continue
        hist = state.attrs[key].history
        if key in not_copied:
            if hist.has_changes():
                changes[key] = NOT_COPIED_MARK
        elif hist.has_changes():
            before = hist.deleted[0] if hist.deleted else None
            after = hist.added[0] if hist.added else None
            changes[key] = [_plain(before), _plain(after)]
    changes.update(_association_changes(state, action))
    return changes


def _ids(objects) -> list:
    return sorted((o.id for o in objects if o is not None and o.id is not None))


def _association_changes(state, action: str) -> dict:
    """Many-to-many collections (activity assignees and places): the ids before and after.

    Read from the attribute history without loading anything: a collection that was changed
    was loaded (or set whole) first, so its history holds both sides.
    """
    changes = {}
    for relationship in state.mapper.relationships:
        if relationship.secondary is None or action == "delete":
            continue
        hist = state.attrs[relationship.key].history
        if not hist.has_changes():
            continue
        before = _ids([*hist.unchanged, *hist.deleted])
        after = _ids([*hist.unchanged, *hist.added])
        if action == "insert":
            if after:
                changes[relationship.key] = after
        elif before != after:
            changes[relationship.key] = [before, after]
    return changes


def record(session, entity: str, entity_id: int | None, action: str, changes: dict) -> AuditEvent:
    """Add one audit event to the session (for events that are not row changes, e.g. logins)."""
    actor_id, label, addr = _actor()
    event = AuditEvent(
        actor_id=actor_id,
        actor_label=neutralise(label)[:254],
        entity=entity,
        entity_id=entity_id,
        action=action,
        changes=_plain(changes),
        remote_addr=addr[:64],
    )
    session.add(event)
    return event


def _before_flush(session, _flush_context, _instances) -> None:
    pending = []
    for obj in session.new:
        if isinstance(obj, db.Model) and not isinstance(obj, NOT_AUDITED):
            pending.append(obj)
    for obj in session.dirty:
        if isinstance(obj, db.Model) and not isinstance(obj, NOT_AUDITED):
            if session.is_modified(obj, include_collections=True):
                changes = _changes(obj, "update")
                if changes:
                    record(session, obj.__table__.name, obj.id, "update", changes)  # type: ignore[attr-defined]
    for obj in session.deleted:
        if isinstance(obj, db.Model) and not isinstance(obj, NOT_AUDITED):
            record(session, obj.__table__.name, obj.id,  # type: ignore[attr-defined]
                   "delete", _changes(obj, "delete"))
    session.info.setdefault("audit_pending_inserts", []).extend(pending)


_INSERT = sa.insert(AuditEvent.__table__)  # built once: a flush that inserts pays only its rows


def _after_flush(session, _flush_context) -> None:
    """Inserts get their ids only after the flush; write their events then."""
    pending = session.info.pop("audit_pending_inserts", [])
    if not pending:
        return
    actor_id, label, addr = _actor()
    rows = [
        {
            "actor_id": actor_id,
            "actor_label": neutralise(label)[:254],
            "entity": obj.__table__.name,
            "entity_id": obj.id,
            "action": "insert",
            "changes": _changes(obj, "insert"),
            "remote_addr": addr[:64],
            "at": utcnow(),
        }
        for obj in pending
    ]
    session.connection().execute(_INSERT, rows)


def record_refusal(action: str, details: dict | None = None, *, entity: str = "route",
                   entity_id: int | None = None, keep_session: bool | None = False) -> None:
    """Log a refused attempt (403, another municipality's row, a refused action, a failed CSRF
    check, an unknown API token) in a short transaction of its own: the request's work is
    rolled back first, so only the event is committed. Failing to write it is never a 500.

    keep_session: True where nothing of the request's own can be pending (a check before the
    view ran); None to roll back only if something is pending.
    """
    try:
        if keep_session is None:
            keep_session = _nothing_pending()
        if not keep_session:
            db.session.rollback()
        record(db.session, entity, entity_id, action, {
            "method": request.method,
            "path": request.path[:MAX_PATH],  # no query string: it may carry a secret
            "endpoint": request.endpoint or "",
            **(details or {}),
        })
        db.session.commit()
    except sa.exc.SQLAlchemyError:
        log.exception("could not record a refused attempt")
        try:
            db.session.rollback()
        except sa.exc.SQLAlchemyError:  # the connection itself may be gone
            log.exception("rollback failed")


def record_forbidden() -> None:
    record_refusal("forbidden")


def record_not_found_elsewhere(entity: str, entity_id: int) -> None:
    """A row that exists in a municipality the user may not see: answered 404, recorded."""
    record_refusal("not_found_elsewhere", entity=entity, entity_id=entity_id, keep_session=None)


# Views that refuse with a flashed error after a POST (a refused approval or publication, a
# revocation of someone else's token): recorded once the response is made. Logins record
# their own failures.
SELF_RECORDING = {"auth.login", "auth.login_code"}
_FLASHES = "tracker.flashes_before"


def _note_flashes() -> None:
    if request.method == "POST" and not request.path.startswith("/api/"):
        request.environ[_FLASHES] = len(flask_session.get("_flashes", []))


def _record_flashed_refusal(response):
    before = request.environ.get(_FLASHES)
    if before is None or request.endpoint in SELF_RECORDING:
        return response
    refusals = [str(message) for category, message in flask_session.get("_flashes", [])[before:]
                if category == "error"]
    if refusals:
        # A view that refused left its work uncommitted (rolled back here, as teardown would);
        # one that committed and then reported a failure (a job run) has nothing pending.
        record_refusal("refused", {"message": refusals[0][:300]}, keep_session=None)
    return response


def _nothing_pending() -> bool:
    session = db.session()
    return not (session.new or session.dirty or session.deleted or database.wrote(session))


@sa.event.listens_for(AuditEvent, "before_update")
@sa.event.listens_for(AuditEvent, "before_delete")
def _events_are_immutable(_mapper, _connection, _target: AuditEvent) -> None:
    raise ValueError("The audit trail is a record; an event is never changed or deleted.")


def register(app: Flask) -> None:
    app.before_request(_note_flashes)
    app.after_request(_record_flashed_refusal)
    if not sa.event.contains(FlaskSession, "before_flush", _before_flush):  # once per process
        sa.event.listen(FlaskSession, "before_flush", _before_flush)
        sa.event.listen(FlaskSession, "after_flush", _after_flush)
