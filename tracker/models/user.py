"""Users, their per-municipality roles and login attempts."""
from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.models.base import UTCDateTime, created_at_column, str_enum
from tracker.models.geo import Municipality


class Role(enum.Enum):
    COORDINATOR = "coordinator"
    OFFICER = "officer"
    VIEWER = "viewer"


class Organisation(enum.Enum):
    """Which party a user speaks for when approving a follow-up."""

    KOMMUNEN = "kommunen"
    POLISEN = "polisen"
    OTHER = "other"


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    title: Mapped[str] = mapped_column(sa.String(160), default="")
    organisation: Mapped[Organisation] = mapped_column(
        str_enum(Organisation, "organisation"), default=Organisation.KOMMUNEN
    )
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_enabled: Mapped[bool] = mapped_column(default=True)
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)
    # The SHA-256 of the secret part of the user's calendar feed URLs (ICS), like an API
    # token's; None until a feed is made. The secret itself is shown once, when made.
    calendar_token: Mapped[Optional[str]] = mapped_column(sa.String(64), unique=True)
    # The TOTP second factor: the shared secret (base32), set when enrolment starts and
    # confirmed (enabled_at) by a first correct code; the last time step used, so no code
    # works twice.
    totp_secret: Mapped[Optional[str]] = mapped_column(sa.String(64))
    totp_enabled_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    totp_last_step: Mapped[Optional[int]] = mapped_column(sa.BigInteger)
    locked_until: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = created_at_column()

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", lazy="raise", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_enabled

    def get_id(self) -> str:
        """The session carries id and token, so rotating the token ends every session."""
        return f"{self.id}:{self.session_token}"

    @property
    def has_second_factor(self) -> bool:
        return self.totp_enabled_at is not None

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class Membership(db.Model):
    __tablename__ = "membership"
    __table_args__ = (sa.UniqueConstraint("user_id", "municipality_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))

    user: Mapped[User] = relationship(back_populates="memberships", lazy="raise")
    municipality: Mapped[Municipality] = relationship(lazy="raise")


class Invitation(db.Model):
    """A one-time link to choose a password: the first one (purpose "invitation") or a new one
    for a forgotten password ("reset"). Only the SHA-256 of its secret is stored."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(128), unique=True)
    created_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = created_at_column()
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    purpose: Mapped[str] = mapped_column(sa.String(20), default="invitation",
                                         server_default="invitation")

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="raise")


class LoginAttempt(db.Model):
    """One login attempt; failures within a window lock the account, across processes."""

    __tablename__ = "login_attempt"
    __table_args__ = (sa.Index("ix_login_attempt_user_at", "user_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE")
    )
    at: Mapped[datetime] = created_at_column()
    succeeded: Mapped[bool]
    remote_addr: Mapped[str] = mapped_column(sa.String(64), default="")
    # A code of the second factor rather than a password: counted towards a lockout of its own.
    second_factor: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


class RecoveryCode(db.Model):
    """A one-time code that stands in for the second factor (a lost phone); stored as SHA-256."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = created_at_column()
    used_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())


class WebAuthnCredential(db.Model):
    """A security key or passkey registered as a second factor beside the authenticator app.

    Only its public key is kept (and the signature counter, to notice a cloned key); the
    credential id is the authenticator's handle, base64url as the browser sends it.
    """

    __tablename__ = "webauthn_credential"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    credential_id: Mapped[str] = mapped_column(sa.String(1400), unique=True)
    public_key: Mapped[bytes] = mapped_column(sa.LargeBinary)
    sign_count: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    transports: Mapped[str] = mapped_column(sa.String(200), default="")
    name: Mapped[str] = mapped_column(sa.String(80))
    created_at: Mapped[datetime] = created_at_column()
    last_used_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())


class UserSession(db.Model):
    """One login on one device, recorded on the server so it can be listed and ended alone.

    The browser's signed cookie carries the secret; the row keeps its SHA-256.
    """

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = created_at_column()
    last_seen_at: Mapped[datetime] = created_at_column()
    user_agent: Mapped[str] = mapped_column(sa.String(200), default="")
    remote_addr: Mapped[str] = mapped_column(sa.String(64), default="")
    ended_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())


class ApiScope(enum.Enum):
    READ = "read"
    READ_WRITE = "read_write"


class ApiToken(db.Model):
    """A personal API token: shown once, stored as a SHA-256 hash, with a scope and an expiry."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(100))
    prefix: Mapped[str] = mapped_column(sa.String(16))  # the first characters, to tell tokens apart
    token_hash: Mapped[str] = mapped_column(sa.String(128), unique=True)
    scope: Mapped[ApiScope] = mapped_column(str_enum(ApiScope, "api_scope"), default=ApiScope.READ)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at_column()
    last_used_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    revoked_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(lazy="raise")
