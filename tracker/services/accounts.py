"""Users, passwords, memberships and login with a lockout counted in the database."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

from tracker import audit
from tracker.extensions import db
from tracker.models import LoginAttempt, Membership, Municipality, Organisation, Role, User
from tracker.models.base import utcnow
from tracker.services import DomainError, passwords
from tracker.services.limits import EMAIL_MAX
from tracker.services.mail import not_sendable
from tracker.translation import gettext as _

# One entry per cost, hasher and dummy hash together: set in one assignment, so a thread never
# sees the hasher of a cost before its dummy hash (two dicts made a first login race a 500).
_hashers: dict[tuple[int, int], tuple[PasswordHasher, str]] = {}


def _hasher_and_dummy() -> tuple[PasswordHasher, str]:
    """argon2id with the configured cost (the library's recommended default unless set).

    The pair is stored in one assignment: two threads logging in at once right after a start
    may both build it, but neither ever sees half of it.
    """
    defaults = PasswordHasher()
    config = current_app.config if has_app_context() else {}
    key = (config.get("ARGON2_TIME_COST") or defaults.time_cost,
           config.get("ARGON2_MEMORY_COST") or defaults.memory_cost)
    pair = _hashers.get(key)
    if pair is None:
        hasher = PasswordHasher(time_cost=key[0], memory_cost=key[1])
        dummy = hasher.hash("a password nobody has, to spend the same time")
        pair = _hashers[key] = (hasher, dummy)
    return pair


def hash_password(password: str) -> str:
    return _hasher_and_dummy()[0].hash(password)


EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def email_problem(email: str) -> str | None:
    """Why a staff member's (normalised) address cannot be an account's, or None. Invitations
    and password links go there, so it must be one a mail can reach, as a resident's must."""
    if not EMAIL.match(email) or len(email) > EMAIL_MAX:
        return _("Ange en giltig e-postadress.")
    return not_sendable(email)


def user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def create_user(
    email: str,
    name: str,
    password: str,
    *,
    title: str = "",
    organisation: Organisation = Organisation.KOMMUNEN,
    is_admin: bool = False,
    is_demo: bool = False,
) -> User:
    email = normalise_email(email)
    if (problem := email_problem(email)) is not None:
        raise DomainError(problem, "email")
    if user_by_email(email) is not None:
        raise DomainError(_("Det finns redan en användare med den e-postadressen."), "email")
    passwords.check(password, context=password_context(email, name))
    user = User(
        email=email,
        name=name.strip(),
        title=title,
        organisation=organisation,
        password_hash=hash_password(password),
        is_admin=is_admin,
        is_demo=is_demo,
    )
    db.session.add(user)
    db.session.flush()
    return user


def grant(user: User, municipality: Municipality, role: Role) -> Membership:
    """Give (or change) a user's role in a municipality."""
    membership = db.session.scalar(
        sa.select(Membership).where(
            Membership.user_id == user.id, Membership.municipality_id == municipality.id
        )
    )
    if membership is None:
        membership = Membership(user_id=user.id, municipality_id=municipality.id, role=role)
        db.session.add(membership)
    else:
        membership.role = role
    db.session.flush()
    return membership


class LoginRefused(DomainError):
    pass


def _refused() -> LoginRefused:
    """One message whatever the reason, so a refusal tells nothing about the account."""
    return LoginRefused(_(
        "Inloggningen misslyckades. Kontrollera e-postadress och lösenord. "
        "Efter många misslyckade försök spärras kontot tillfälligt."
    ))


def authenticate(email: str, password: str, *, remote_addr: str, config: dict) -> User:
    """Return the user, or raise LoginRefused with one message whatever the reason."""
    now = utcnow()
    hasher, dummy_hash = _hasher_and_dummy()
    user = user_by_email(email)
    if user is None:
        _verify(dummy_hash, password)
        # Whatever was typed is not kept: it may be a mistyped password, or someone's address.
        audit.record(db.session, "login", None, "login_failed", {})
        raise _refused()
    if user.locked_until is not None and user.locked_until > now:
        _verify(dummy_hash, password)
        audit.record(db.session, "login", user.id, "login_refused_locked", {})
        raise _refused()
    if not user.is_enabled or not _verify(user.password_hash, password):
        _register_failure(user, now, remote_addr, config)
        raise _refused()
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.session.add(LoginAttempt(user_id=user.id, succeeded=True, remote_addr=remote_addr[:64]))
    if user.has_second_factor:  # the login is complete with the code (second_factor)
        audit.record(db.session, "login", user.id, "password_accepted", {})
    else:
        complete_login(user)
    db.session.flush()
    return user


def complete_login(user: User, method: str | None = None) -> None:
    """Both factors (or the only one) are right: the lock lifts and the login is recorded."""
    user.locked_until = None
    audit.record(db.session, "login", user.id, "login",
                 {"second_factor": method} if method else {})


def password_matches(user: User, password: str) -> bool:
    """The user's own password, asked again before a change of how the account signs in."""
    return _verify(user.password_hash, password or "")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher_and_dummy()[0].verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _register_failure(user: User, now: datetime, remote_addr: str, config: dict) -> None:
    db.session.add(LoginAttempt(user_id=user.id, succeeded=False, remote_addr=remote_addr[:64]))
    db.session.flush()
    window_start = now - timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"])
    last_success = db.session.scalar(
        sa.select(sa.func.max(LoginAttempt.at)).where(
            LoginAttempt.user_id == user.id, LoginAttempt.succeeded.is_(True)
        )
    )
    if last_success is not None:
        last_success = last_success if last_success.tzinfo else last_success.replace(
            tzinfo=now.tzinfo
        )
        window_start = max(window_start, last_success)
    failures = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(LoginAttempt)
        .where(
            LoginAttempt.user_id == user.id,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.second_factor.is_(False),
            LoginAttempt.at > window_start,
        )
    )
    audit.record(db.session, "login", user.id, "login_failed", {"failures": failures})
    if failures >= config["LOGIN_MAX_FAILURES"]:
        user.locked_until = now + timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
        audit.record(db.session, "login", user.id, "lockout", {"until": user.locked_until})
    db.session.flush()


def end_sessions(user: User) -> None:
    """Rotate the session token and end every session row: every cookie issued before now
    stops working, in every process."""
    from tracker.services import sessions

    user.rotate_session_token()
    sessions.end_all(user)
    db.session.flush()


def password_context(email: str, name: str) -> list[str]:
    """What the user's password must not be built from: their name and address, every
    municipality's name (one statement) and the product's."""
    municipalities = db.session.scalars(sa.select(Municipality.name)).all()
    return passwords.context_words(email, name, *municipalities)


def set_password(user: User, new: str) -> None:
    """Any new password (own change or set by an admin): the policy, then every session ends."""
    passwords.check(new, context=password_context(user.email, user.name))
    user.password_hash = hash_password(new)
    end_sessions(user)


def change_password(user: User, current: str, new: str) -> None:
    if not _verify(user.password_hash, current):
        raise DomainError(_("Nuvarande lösenord stämmer inte."), "current_password")
    set_password(user, new)


def log_out_everywhere(user: User, *, actor: User) -> None:
    """End every session of `user` (the actor's own, or an admin's action on someone else)."""
    if actor.id != user.id and not actor.is_admin:
        raise DomainError(_("Bara en administratör kan logga ut någon annan."))
    end_sessions(user)
    audit.record(
        db.session, "user_account", user.id, "logout_everywhere",
        {} if actor.id == user.id else {"by": f"user_account:{actor.id}"},
    )
    db.session.flush()
