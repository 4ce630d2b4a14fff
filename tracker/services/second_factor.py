"""The second factor: a TOTP authenticator app (RFC 6238) and one-time recovery codes.

Enrolment is stateless until it is confirmed: the new secret travels in the enrolment form
and is stored only with a first correct code, so an abandoned enrolment leaves nothing
behind. A code is accepted once (the last time step used is kept); recovery codes are 120
random bits stored as SHA-256, like API tokens. Wrong codes count towards a lockout of their
own, recorded in login_attempt with second_factor set.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

import pyotp
import segno
import sqlalchemy as sa

from tracker import audit
from tracker.extensions import db
from tracker.models import LoginAttempt, RecoveryCode, Role, User
from tracker.models.base import utcnow
from tracker.services import DomainError
from tracker.translation import gettext as _

ISSUER = "Löfteskollen"
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
# 24 characters of 32: 120 bits, so that one SHA-256 is enough to store them (ASVS 5.0 6.5.2
# asks a salted password hash below 112 bits). Codes of 16 made before still work once.
RECOVERY_LENGTH = 24
TYPED_CODE_MAX = 40  # a code as typed, with the spaces and dashes it may carry
LEGACY_RECOVERY_LENGTH = 16
STEP_SECONDS = 30
VALID_WINDOW = 1  # the step before and after: a phone's clock may be off by half a minute
_SECRET = re.compile(r"^[A-Z2-7]{32}$")
_CODE = re.compile(r"^[0-9]{6}$")
_SPACES = re.compile(r"[\s\-]")


class SecondFactorRefused(DomainError):
    pass


def required_for(user: User, roles: dict, config) -> bool:
    """Admins and coordinators must have a second factor (unless the setting is off)."""
    if not config.get("SECOND_FACTOR_REQUIRED", True):
        return False
    return bool(user.is_admin or Role.COORDINATOR in roles.values())


# ---------------------------------------------------------------- enrolment

def new_secret() -> str:
    return pyotp.random_base32()  # 32 characters: 160 bits, as RFC 4226 recommends


def is_valid_secret(secret: str | None) -> bool:
    return secret is not None and _SECRET.match(secret) is not None


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The otpauth URI as a QR code: an SVG made here, served inline (no other origin)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, dark="#000", light="#fff")


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _normalise(code: str) -> str:
    return _SPACES.sub("", code or "").upper()


def _step_of(secret: str, code: str, now: datetime, after: int | None) -> int | None:
    """The time step whose code `code` is (within the window and after `after`), or None."""
    if not _CODE.match(code):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if after is not None and step <= after:
            continue
        if secrets.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def confirm_enrolment(user: User, secret: str, code: str, *,
                      now: datetime | None = None) -> list[str]:
    """Store the secret once a code made from it is right; returns fresh recovery codes."""
    if user.has_second_factor:
        raise SecondFactorRefused(_("Tvåstegsverifiering är redan påslagen för ditt konto."))
    secret = (secret or "").strip().upper()
    if not _SECRET.match(secret):
        raise SecondFactorRefused(_("Inställningen har gått ut. Börja om från början."))
    step = _step_of(secret, _normalise(code), now or utcnow(), None)
    if step is None:
        raise SecondFactorRefused(_(
            "Koden stämmer inte. Kontrollera att telefonens klocka går rätt och skriv den "
            "kod som appen visar just nu."), "code")
    user.totp_secret = secret
    user.totp_enabled_at = now or utcnow()
    user.totp_last_step = step
    codes = _replace_recovery_codes(user)
    audit.record(db.session, "user_account", user.id, "second_factor_enrolled", {})
    db.session.flush()
    return codes


def _hash(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode("utf-8")).hexdigest()


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
             for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(c)) for c in codes)
    db.session.flush()
    return ["-".join(c[i:i + 4] for i in range(0, RECOVERY_LENGTH, 4)) for c in codes]


def new_recovery_codes(user: User, code: str, *, now: datetime | None = None) -> list[str]:
    """New codes replace the old ones; asks for a current code, as a stolen session may not."""
    if not user.has_second_factor:
        raise SecondFactorRefused(_("Slå på tvåstegsverifiering först."))
    if _use_totp(user, code, now or utcnow()) is None:
        raise SecondFactorRefused(_("Koden stämmer inte."), "code")
    codes = _replace_recovery_codes(user)
    audit.record(db.session, "user_account", user.id, "recovery_codes_replaced", {})
    db.session.flush()
    return codes


def unused_recovery_codes(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def _clear(user: User) -> int:
    """The app, the recovery codes and the security keys go; returns how many keys went."""
    from tracker.services import security_keys

    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    return security_keys.remove_all(user)


def turn_off(user: User, code: str, *, roles: dict, config, now: datetime | None = None) -> None:
    """The user's own choice, where the role does not require a second factor."""
    if required_for(user, roles, config):
        raise SecondFactorRefused(_(
            "Din roll kräver tvåstegsverifiering, så den kan inte stängas av."))
    if not user.has_second_factor:
        return
    if _use_totp(user, code, now or utcnow()) is None:
        raise SecondFactorRefused(_("Koden stämmer inte."), "code")
    keys = _clear(user)
    audit.record(db.session, "user_account", user.id, "second_factor_turned_off",
                 {"security_keys_removed": keys} if keys else {})
    db.session.flush()


def reset(user: User, *, actor: User) -> None:
    """An admin removes a user's second factor (a lost phone and lost codes); they enrol anew
    at their next login. Every session of the user ends."""
    if not actor.is_admin:
        raise DomainError(_("Bara en administratör kan återställa tvåstegsverifiering."))
    keys = _clear(user)
    user.rotate_session_token()
    audit.record(db.session, "user_account", user.id, "second_factor_reset",
                 {"by": f"user_account:{actor.id}", "security_keys_removed": keys})
    db.session.flush()


# ---------------------------------------------------------------- at login

def _use_totp(user: User, code: str, now: datetime) -> int | None:
    code = _normalise(code)
    if not user.totp_secret or not _CODE.match(code):
        return None
    step = _step_of(user.totp_secret, code, now, user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
    return step


def check_current_code(user: User, code: str, *, now: datetime | None = None) -> bool:
    """A current code from the app (used up, as at login): asked before a change to the
    factors themselves, which a stolen session alone must not make."""
    return _use_totp(user, code, now or utcnow()) is not None


def _use_recovery_code(user: User, code: str, now: datetime) -> bool:
    if len(_normalise(code)) not in (RECOVERY_LENGTH, LEGACY_RECOVERY_LENGTH):
        return False
    row = db.session.scalar(sa.select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(code),
        RecoveryCode.used_at.is_(None)))
    if row is None:
        return False
    row.used_at = now
    return True


def verify_login(user: User, code: str, *, remote_addr: str, config) -> str:
    """Check the second step of a login: "totp" or "recovery_code", else SecondFactorRefused.

    Wrong codes lock the account after SECOND_FACTOR_MAX_FAILURES within the login window.
    """
    now = utcnow()
    refused = SecondFactorRefused(_(
        "Koden stämmer inte, eller så har den redan använts. Efter flera felaktiga koder "
        "spärras kontot tillfälligt."), "code")
    if user.locked_until is not None and user.locked_until > now:
        audit.record(db.session, "login", user.id, "second_factor_refused_locked", {})
        raise refused
    if _use_totp(user, code, now) is not None:
        method = "totp"
    elif _use_recovery_code(user, code, now):
        method = "recovery_code"
        audit.record(db.session, "user_account", user.id, "recovery_code_used",
                     {"left": unused_recovery_codes(user) - 1})
    else:
        register_failure(user, now, remote_addr, config)
        raise refused
    db.session.add(LoginAttempt(user_id=user.id, succeeded=True, second_factor=True,
                                remote_addr=remote_addr[:64]))
    db.session.flush()
    return method


def register_failure(user: User, now: datetime, remote_addr: str, config) -> None:
    """A wrong code or a refused security key: counted, and the account locked at the limit."""
    db.session.add(LoginAttempt(user_id=user.id, succeeded=False, second_factor=True,
                                remote_addr=remote_addr[:64]))
    db.session.flush()
    window_start = now - timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"])
    mine = (LoginAttempt.user_id == user.id, LoginAttempt.second_factor.is_(True))
    last_success = db.session.scalar(
        sa.select(sa.func.max(LoginAttempt.at)).where(*mine, LoginAttempt.succeeded.is_(True)))
    if last_success is not None:  # failures before the last complete login do not count
        window_start = max(window_start, last_success if last_success.tzinfo
                           else last_success.replace(tzinfo=now.tzinfo))
    failures = db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt).where(
        *mine, LoginAttempt.succeeded.is_(False), LoginAttempt.at > window_start))
    audit.record(db.session, "login", user.id, "second_factor_failed", {"failures": failures})
    if failures >= config["SECOND_FACTOR_MAX_FAILURES"]:
        user.locked_until = now + timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
        audit.record(db.session, "login", user.id, "second_factor_lockout",
                     {"until": user.locked_until})
    db.session.flush()
