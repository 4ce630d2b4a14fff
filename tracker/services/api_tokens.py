"""Personal API tokens: created with a scope and an expiry, shown once, stored as SHA-256.

The secret is `lk_` + 43 URL-safe characters (256 random bits), so a fast unsalted hash is
enough: nobody can guess their way to a preimage, and a lookup by hash stays one indexed query.
"""
from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from tracker.extensions import db
from tracker.models import ApiScope, ApiToken, User
from tracker.models.base import utcnow
from tracker.services import DomainError, FieldErrors, personal_data
from tracker.services.limits import too_long
from tracker.translation import gettext as _

PREFIX = "lk_"
SHOWN_PREFIX_LENGTH = len(PREFIX) + 8
EXPIRY_DAYS = (30, 90, 365)
MAX_EXPIRY_DAYS = 365
NAME_MAX = 100
# last_used_at is written at most this often per token: no write on every request.
TOUCH_INTERVAL = timedelta(minutes=1)


class Refusal(enum.Enum):
    """Why a presented secret does not authenticate (the API's stable error codes)."""

    INVALID = "token_invalid"
    EXPIRED = "token_expired"
    REVOKED = "token_revoked"


@dataclass
class NewToken:
    token: ApiToken
    secret: str  # shown to the user once, never stored


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(user: User, name: str, scope: ApiScope, days: int,
                 now: datetime | None = None) -> NewToken:
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Ge nyckeln ett namn, t.ex. vad den ska användas till.")
    elif len(name) > NAME_MAX:
        errors["name"] = too_long(_("Namnet"), NAME_MAX)
    else:
        errors.update(personal_data.check_fields({"name": (_("Namn"), name)}))
    if days not in EXPIRY_DAYS or days > MAX_EXPIRY_DAYS:
        errors["expires_in"] = _("Välj hur länge nyckeln ska gälla.")
    if errors:
        raise FieldErrors(errors)
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, name=name, prefix=secret[:SHOWN_PREFIX_LENGTH],
        token_hash=hash_secret(secret), scope=scope,
        expires_at=(now or utcnow()) + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    return NewToken(token, secret)


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, newest first (revoked and expired ones too, marked in the list)."""
    return list(db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke(user: User, token_id: int, now: datetime | None = None, *,
           actor: User | None = None) -> ApiToken:
    """The owner (or an admin, as actor) revokes a token; revoking twice keeps the first time."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or (
            actor is not None and actor.id != user.id and not actor.is_admin):
        raise DomainError(_("Nyckeln finns inte."))
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
        db.session.flush()
    return token


def revoke_all(user: User, *, actor: User, now: datetime | None = None) -> int:
    """An admin (or the user) revokes every token still in force; returns how many."""
    if actor.id != user.id and not actor.is_admin:
        raise DomainError(_("Bara en administratör kan återkalla någon annans nycklar."))
    tokens = db.session.scalars(sa.select(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))).all()
    for token in tokens:
        token.revoked_at = now or utcnow()
    db.session.flush()
    return len(tokens)


def status_of(token: ApiToken, now: datetime | None = None) -> str:
    """"active", "expired" or "revoked" (for the list on the account page)."""
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at <= (now or utcnow()):
        return "expired"
    return "active"


def authenticate(secret: str, now: datetime | None = None) -> ApiToken | Refusal:
    """The token with token.user loaded, or why not: one statement."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return Refusal.INVALID
    row = db.session.execute(
        sa.select(ApiToken, User).join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == hash_secret(secret))
    ).first()
    if row is None or not row.User.is_enabled:
        return Refusal.INVALID
    token = row.ApiToken
    set_committed_value(token, "user", row.User)
    if token.revoked_at is not None:
        return Refusal.REVOKED
    if token.expires_at <= (now or utcnow()):
        return Refusal.EXPIRED
    return token


def needs_touch(token: ApiToken, now: datetime) -> bool:
    return token.last_used_at is None or now - token.last_used_at >= TOUCH_INTERVAL


def touch(token: ApiToken, now: datetime | None = None) -> bool:
    """Record use, at most once per TOUCH_INTERVAL (also across processes); True if written.

    A Core UPDATE, not an ORM change: the audit trail records token changes, not every use.
    """
    now = now or utcnow()
    if not needs_touch(token, now):
        return False
    result = db.session.execute(
        sa.update(ApiToken.__table__)
        .where(ApiToken.id == token.id,
               sa.or_(ApiToken.last_used_at.is_(None),
                      ApiToken.last_used_at <= now - TOUCH_INTERVAL))
        .values(last_used_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]  # a DML statement's result is a CursorResult
