"""A forgotten password: a one-time link by e-mail to choose a new one.

Anyone may ask for a link for any address and always gets the same answer, so the form tells
nothing about which addresses have accounts. A link is sent only to an enabled account, at
most one a minute: one with a password gets a reset link (valid RESET_MINUTES, one use, an
earlier link stops working); one still invited gets a fresh invitation instead. Choosing the
new password ends every session of the account and does not sign in: the next login asks for
the password and, where the account has one, the second factor, so a reset never goes round
it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from tracker import audit
from tracker.extensions import db
from tracker.models import Invitation, User
from tracker.models.base import utcnow
from tracker.services import DomainError, accounts, user_admin
from tracker.translation import gettext as _

RESET = "reset"  # Invitation.purpose of a reset link
RESET_MINUTES = 60
QUIET_SECONDS = 60  # one mail a minute per account, however often someone asks


@dataclass(frozen=True)
class Link:
    """What to mail: the account, the link's secret and its purpose."""
    user: User
    token: str
    purpose: str


class InvalidReset(DomainError):
    pass


def _invalid() -> InvalidReset:
    return InvalidReset(_("Länken gäller inte. Den kan redan ha använts, ha gått ut eller ha "
                          "ersatts av en nyare. Be om en ny länk på inloggningssidan."))


def request_link(email: str) -> Link | None:
    """The link to mail for this address, or None when no enabled account has it (the caller
    answers the same either way)."""
    user = accounts.user_by_email(email)
    if user is None or not user.is_enabled or _asked_just_now(user):
        return None
    if user_admin.is_pending(user):
        token = user_admin.new_link(None, user)
        audit.record(db.session, "user_account", user.id, "invitation_resent", {"asked": "self"})
        return Link(user, token, user_admin.INVITATION)
    token = user_admin.new_link(None, user, purpose=RESET,
                                valid_for=timedelta(minutes=RESET_MINUTES))
    audit.record(db.session, "user_account", user.id, "password_reset_requested", {})
    return Link(user, token, RESET)


def _asked_just_now(user: User) -> bool:
    """A link was made for the account less than QUIET_SECONDS ago (a mailbox is not flooded
    by someone asking again and again)."""
    since = utcnow() - timedelta(seconds=QUIET_SECONDS)
    return db.session.scalar(sa.select(Invitation.id).where(
        Invitation.user_id == user.id, Invitation.created_at > since).limit(1)) is not None


def link_for(token: str) -> Invitation:
    """The usable reset link for a secret (with its account), else InvalidReset: one answer
    for every unknown, used, expired or replaced link."""
    link = user_admin.usable_link(token, RESET)
    if link is None or user_admin.is_pending(link.user):
        raise _invalid()
    return link


def reset(link: Invitation, password: str) -> User:
    """Set the new password from a usable link (`link_for`); the link is used up and every
    session ends."""
    return user_admin.set_password_from(link, password, "password_reset")


def mail_for(link: Link, url: str) -> tuple[str, str, str]:
    """(address, subject, body) of the mail that carries the link, in the mail's language."""
    from tracker.i18n import mail_language

    user = link.user
    if link.purpose == user_admin.INVITATION:
        return (user.email, *user_admin.invitation_mail(user, url, None))
    with mail_language():
        subject = _("Nytt lösenord till Löfteskollen")
        lines = [
            _("Hej %(name)s!", name=user.name),
            _("Någon, förhoppningsvis du, har bett om ett nytt lösenord till Löfteskollen för "
              "%(email)s.", email=user.email),
            _("Välj ett nytt lösenord här (länken gäller i %(minutes)d minuter och kan användas "
              "en gång):", minutes=RESET_MINUTES) + "\n" + url,
            _("När du har valt det loggas du ut överallt och loggar in med det nya lösenordet. "
              "Har du inte bett om ett nytt lösenord kan du bortse från det här meddelandet; "
              "ditt lösenord är oförändrat."),
            _("Vänliga hälsningar\nLöfteskollen"),
        ]
    return user.email, subject, "\n\n".join(lines) + "\n"
