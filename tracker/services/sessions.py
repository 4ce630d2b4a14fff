"""Logins recorded on the server: one row per login and device, listed and ended one by one.

The signed cookie carries a random secret; the row keeps its SHA-256, so a copy of the
database cannot be turned into a cookie. A request is signed in only while its row is open
and the user's session token (rotated by "Logga ut överallt", a new password, deactivation)
still matches: either ends it at once, in every process.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from tracker import audit
from tracker.extensions import db
from tracker.models import User, UserSession
from tracker.models.base import utcnow
from tracker.services import DomainError
from tracker.translation import gettext as _

TOUCH_INTERVAL = timedelta(minutes=1)
USER_AGENT_MAX = 200


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def start(user: User, *, user_agent: str, remote_addr: str) -> str:
    """Open a session row for a login; returns the secret for the cookie."""
    secret = secrets.token_urlsafe(32)
    db.session.add(UserSession(
        user_id=user.id, secret_hash=hash_secret(secret),
        user_agent=audit.neutralise(user_agent or "")[:USER_AGENT_MAX],
        remote_addr=(remote_addr or "")[:64]))
    db.session.flush()
    return secret


def touch(session_id: int, now: datetime | None = None) -> None:
    """Record use (the caller does it at most once a minute), as a Core UPDATE: not audited."""
    db.session.execute(sa.update(UserSession.__table__)
                       .where(UserSession.id == session_id).values(last_seen_at=now or utcnow()))


def end(session_id: int | None, now: datetime | None = None) -> None:
    """End one session (this device's "Logga ut", or an expired one)."""
    if session_id is None:
        return
    db.session.execute(sa.update(UserSession.__table__)
                       .where(UserSession.id == session_id, UserSession.ended_at.is_(None))
                       .values(ended_at=now or utcnow()))


def end_all(user: User, now: datetime | None = None) -> None:
    db.session.execute(sa.update(UserSession.__table__)
                       .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
                       .values(ended_at=now or utcnow()))


def end_one_of(user: User, session_id: int, *, actor: User) -> UserSession:
    """The user (or an admin) ends one of the user's sessions, e.g. a forgotten computer."""
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != user.id or (actor.id != user.id and not actor.is_admin):
        raise DomainError(_("Inloggningen finns inte."))
    if row.ended_at is None:
        row.ended_at = utcnow()
        audit.record(db.session, "user_session", row.id, "session_ended",
                     {} if actor.id == user.id else {"by": f"user_account:{actor.id}"})
        db.session.flush()
    return row


def open_sessions(user: User, config, now: datetime | None = None) -> list[UserSession]:
    """The user's sessions that still let someone in: not ended, not idle, not too old."""
    now = now or utcnow()
    idle = timedelta(minutes=config["SESSION_IDLE_MINUTES"])
    absolute = config["PERMANENT_SESSION_LIFETIME"]
    return list(db.session.scalars(
        sa.select(UserSession).where(
            UserSession.user_id == user.id, UserSession.ended_at.is_(None),
            UserSession.last_seen_at > now - idle - TOUCH_INTERVAL,
            UserSession.created_at > now - absolute)
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())))


def device_of(user_agent: str) -> str:
    """A short, readable name for a browser's User-Agent ("Firefox på Windows")."""
    agent = user_agent or ""
    browser = next((name for key, name in (
        ("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
        ("Chromium/", "Chromium"), ("Safari/", "Safari")) if key in agent), None)
    system = next((name for key, name in (
        ("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Windows", "Windows"),
        ("Mac OS X", "macOS"), ("Linux", "Linux")) if key in agent), None)
    if browser and system:
        return _("%(browser)s på %(system)s", browser=browser, system=system)
    return browser or system or _("Okänd webbläsare")
