"""Security keys and passkeys (WebAuthn) as a second factor beside the authenticator app.

A key is added by a user whose app is already on, with a current code from the app (so a
stolen session cannot add a key of its own), and then stands in for the code at login. The
app and the recovery codes stay the way back when a key is lost; turning the second factor
off, or an admin's reset, removes the keys too (second_factor._clear).

The challenge of a ceremony is made here and kept by the caller (in the signed session, for at
most SECOND_FACTOR_STEP_SECONDS); it is used once. Only the public key, the counter and the
credential's id are stored. Attestation is not asked for: any authenticator the user holds
will do, as the password is the first factor.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import cast
from urllib.parse import urlsplit

import sqlalchemy as sa
import webauthn
from sqlalchemy.engine import CursorResult
from webauthn.helpers import bytes_to_base64url, parse_authentication_credential_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from tracker import audit
from tracker.extensions import db
from tracker.models import LoginAttempt, User, WebAuthnCredential
from tracker.models.base import utcnow
from tracker.services import DomainError, personal_data, second_factor
from tracker.services.limits import too_long
from tracker.translation import gettext as _
from tracker.validators import clean_text

MAX_KEYS = 10
MAX_NAME = 80
MAX_RESPONSE = 64 * 1024  # a credential's JSON from the browser; real ones are a few KB
TIMEOUT_MS = 120_000
_TRANSPORTS = {t.value for t in AuthenticatorTransport}
_IP = re.compile(r"^[0-9.]+$|:")


@dataclass(frozen=True)
class RelyingParty:
    """Who asks: the site's host name (the RP ID) and its origin (scheme, host, port)."""

    id: str
    origin: str

    @property
    def usable(self) -> bool:
        """Browsers refuse WebAuthn on an IP address (127.0.0.1): use a host name."""
        return bool(self.id) and not _IP.search(self.id)


def relying_party(config, host_url: str) -> RelyingParty:
    """From WEBAUTHN_ORIGIN when set (production: the address users reach), else from the
    request's own address."""
    origin = (config.get("WEBAUTHN_ORIGIN") or host_url).rstrip("/")
    return RelyingParty(id=config.get("WEBAUTHN_RP_ID") or (urlsplit(origin).hostname or ""),
                        origin=origin)


def keys_of(user: User) -> list[WebAuthnCredential]:
    return list(db.session.scalars(sa.select(WebAuthnCredential).where(
        WebAuthnCredential.user_id == user.id).order_by(WebAuthnCredential.id)))


def count_of(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(WebAuthnCredential).where(
        WebAuthnCredential.user_id == user.id)) or 0


def _descriptor(key: WebAuthnCredential) -> PublicKeyCredentialDescriptor:
    transports = [AuthenticatorTransport(t) for t in key.transports.split(",") if t in _TRANSPORTS]
    return PublicKeyCredentialDescriptor(id=webauthn.base64url_to_bytes(key.credential_id),
                                         transports=transports or None)


def _refused() -> DomainError:
    return DomainError(_("Säkerhetsnyckeln kunde inte kontrolleras. Försök igen, eller använd "
                         "koden från din app."), "credential")


# ---------------------------------------------------------------- adding a key

def registration_options(user: User, rp: RelyingParty) -> tuple[str, bytes]:
    """(the options as JSON for navigator.credentials.create, the challenge to keep)."""
    options = webauthn.generate_registration_options(
        rp_id=rp.id, rp_name=second_factor.ISSUER, user_name=user.email,
        user_id=f"lofteskollen-user-{user.id}".encode(), user_display_name=user.name,
        timeout=TIMEOUT_MS, exclude_credentials=[_descriptor(k) for k in keys_of(user)],
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED,
            user_verification=UserVerificationRequirement.PREFERRED))
    return webauthn.options_to_json(options), options.challenge


def _clean_name(name: str | None) -> str:
    name = " ".join(clean_text(name or "").split())
    if len(name) > MAX_NAME:
        raise DomainError(too_long(_("Namnet"), MAX_NAME), "name")
    personal_data.check_text(name, _("Namn på nyckeln"))
    return name or _("Säkerhetsnyckel")


def add(user: User, *, name: str | None, code: str, credential: str, challenge: bytes | None,
        rp: RelyingParty) -> WebAuthnCredential:
    """Verify what the browser made and store the key; DomainError says what is wrong."""
    if not user.has_second_factor:
        raise DomainError(_("Slå på tvåstegsverifiering med en app först. Säkerhetsnycklar "
                            "läggs till vid sidan av appen."))
    name = _clean_name(name)
    if count_of(user) >= MAX_KEYS:
        raise DomainError(_("Du kan ha högst %(max)d säkerhetsnycklar. Ta bort en först.",
                            max=MAX_KEYS))
    if not credential or len(credential) > MAX_RESPONSE or challenge is None:
        raise DomainError(_("Nyckeln svarade inte. Klicka på knappen och använd nyckeln när "
                            "webbläsaren ber om det."), "credential")
    if not second_factor.check_current_code(user, code):
        raise DomainError(_("Koden stämmer inte."), "code")
    try:
        verified = webauthn.verify_registration_response(
            credential=credential, expected_challenge=challenge, expected_rp_id=rp.id,
            expected_origin=rp.origin)
    except (WebAuthnException, ValueError, KeyError, TypeError):
        raise _refused() from None
    credential_id = bytes_to_base64url(verified.credential_id)
    if db.session.scalar(sa.select(WebAuthnCredential.id).where(
            WebAuthnCredential.credential_id == credential_id)) is not None:
        raise DomainError(_("Den här säkerhetsnyckeln är redan tillagd."), "credential")
    key = WebAuthnCredential(user_id=user.id, credential_id=credential_id,
                             public_key=verified.credential_public_key,
                             sign_count=verified.sign_count, name=name,
                             transports=_transports(credential))
    db.session.add(key)
    db.session.flush()
    audit.record(db.session, "webauthn_credential", key.id, "security_key_added",
                 {"user": f"user_account:{user.id}", "name": name})
    return key


def _transports(credential: str) -> str:
    try:
        listed = json.loads(credential).get("response", {}).get("transports") or []
    except (ValueError, AttributeError):
        return ""
    return ",".join(t for t in listed if isinstance(t, str) and t in _TRANSPORTS)[:200]


def remove(user: User, key_id: int, *, actor: User) -> WebAuthnCredential:
    key = db.session.get(WebAuthnCredential, key_id)
    if key is None or key.user_id != user.id:
        raise DomainError(_("Säkerhetsnyckeln finns inte."))
    db.session.delete(key)
    audit.record(db.session, "webauthn_credential", key.id, "security_key_removed",
                 {"user": f"user_account:{user.id}", "name": key.name,
                  "by": f"user_account:{actor.id}"})
    db.session.flush()
    return key


def remove_all(user: User) -> int:
    """Every key of the user (the second factor turned off or reset); the caller audits."""
    result = db.session.execute(sa.delete(WebAuthnCredential).where(
        WebAuthnCredential.user_id == user.id))
    return cast(CursorResult, result).rowcount or 0


# ---------------------------------------------------------------- at login

def authentication_options(user: User, rp: RelyingParty) -> tuple[str, bytes] | None:
    """Options for navigator.credentials.get with the user's keys, or None without keys."""
    keys = keys_of(user)
    if not keys:
        return None
    options = webauthn.generate_authentication_options(
        rp_id=rp.id, timeout=TIMEOUT_MS, allow_credentials=[_descriptor(k) for k in keys],
        user_verification=UserVerificationRequirement.PREFERRED)
    return webauthn.options_to_json(options), options.challenge


def verify_login(user: User, credential: str, *, challenge: bytes | None, rp: RelyingParty,
                 remote_addr: str, config) -> WebAuthnCredential:
    """The second step with a key: the key, else SecondFactorRefused (counted towards the
    same lockout as wrong codes)."""
    now = utcnow()
    refused = second_factor.SecondFactorRefused(_(
        "Säkerhetsnyckeln godtogs inte. Försök igen, eller skriv koden från din app. Efter "
        "flera misslyckade försök spärras kontot tillfälligt."), "credential")
    if user.locked_until is not None and user.locked_until > now:
        audit.record(db.session, "login", user.id, "second_factor_refused_locked", {})
        raise refused
    key = None
    try:
        if challenge is None or not credential or len(credential) > MAX_RESPONSE:
            raise ValueError
        parsed = parse_authentication_credential_json(credential)
        key = db.session.scalar(sa.select(WebAuthnCredential).where(
            WebAuthnCredential.user_id == user.id,
            WebAuthnCredential.credential_id == bytes_to_base64url(parsed.raw_id)))
        if key is None:
            raise ValueError
        verified = webauthn.verify_authentication_response(
            credential=parsed, expected_challenge=challenge, expected_rp_id=rp.id,
            expected_origin=rp.origin, credential_public_key=key.public_key,
            credential_current_sign_count=key.sign_count)
    except (WebAuthnException, ValueError, KeyError, TypeError):
        second_factor.register_failure(user, now, remote_addr, config)
        if key is not None:
            audit.record(db.session, "webauthn_credential", key.id, "security_key_refused",
                         {"user": f"user_account:{user.id}"})
        raise refused from None
    key.sign_count = verified.new_sign_count
    key.last_used_at = now
    db.session.add(LoginAttempt(user_id=user.id, succeeded=True, second_factor=True,
                                remote_addr=remote_addr[:64]))
    db.session.flush()
    return key
