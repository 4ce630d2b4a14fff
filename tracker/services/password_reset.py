"""A forgotten password: a one-time link by e-mail to choose a new one.

Anyone may ask for a link for any address and always gets the same answer, so the form tells
nothing about which addresses have accounts. A link is sent only to an enabled account, at
most one a minute: one with a password gets a reset link (valid RESET_MINUTES, one use, an
earlier link stops working); one still invited gets a fresh invitation instead. Choosing the
new password ends every session of the account and does not sign in: the next login asks for
the password and, where the account has one, the second factor, so a reset never goes round
it. A request that sends nothing is recorded too: the account and why, never the typed address.

An admin may send the same link to a user (`send_link`): it goes to the user's own address,
so the admin never sees it.
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
    sent_by: User | None = None  # the admin who sent it; None when the user asked


class InvalidReset(DomainError):
    pass


def _invalid() -> InvalidReset:
    return InvalidReset(_("Länken gäller inte. Den kan redan ha använts, ha gått ut eller ha "
                          "ersatts av en nyare. Be om en ny länk på inloggningssidan."))


def request_link(email: str) -> Link | None:
    """The link to mail for this address, or None when no enabled account has it (the caller
    answers the same either way). A request that sends nothing is recorded like a failed login
    of an unknown address: the account and the reason where there is one, never the address."""
    user = accounts.user_by_email(email)
    if user is None:
        audit.record(db.session, "user_account", None, "password_reset_not_sent",
                     {"reason": "unknown"})
        return None
    reason = "disabled" if not user.is_enabled else "quiet" if _asked_just_now(user) else None
    if reason is not None:
        audit.record(db.session, "user_account", user.id, "password_reset_not_sent",
                     {"reason": reason})
        return None
    return _new_link(None, user)


def send_link(actor: User, user: User) -> Link:
    """An admin's link for the user, the one the forgotten-password form would make; refused
    for a disabled account and within QUIET_SECONDS of the account's last link."""
    if not actor.is_admin:
        raise DomainError(_("Bara en administratör kan skicka en länk för nytt lösenord."))
    if not user.is_enabled:
        raise DomainError(_("Kontot för %(name)s är avaktiverat, så ingen länk skickas. Aktivera "
                            "kontot först.", name=user.name))
    # The quiet minute holds for an admin too: it keeps the mailbox from a flood whoever asks,
    # and a second press gets this answer rather than a second mail whose link would make the
    # first one stop working while the user may be opening it.
    if _asked_just_now(user):
        raise DomainError(_("En länk skickades till %(email)s för mindre än en minut sedan. Be "
                            "%(name)s titta i inkorgen och skräpposten innan du skickar en ny.",
                            email=user.email, name=user.name))
    return _new_link(actor, user)


def _new_link(actor: User | None, user: User) -> Link:
    """A fresh link for an enabled account (an earlier one stops working): a new invitation
    while it is still invited, else a reset link. `actor`: the admin who sent it, None when
    the user asked."""
    asked = "admin" if actor is not None else "self"
    if user_admin.is_pending(user):
        token = user_admin.new_link(actor, user)
        audit.record(db.session, "user_account", user.id, "invitation_resent", {"asked": asked})
        return Link(user, token, user_admin.INVITATION, sent_by=actor)
    token = user_admin.new_link(actor, user, purpose=RESET,
                                valid_for=timedelta(minutes=RESET_MINUTES))
    if actor is None:
        audit.record(db.session, "user_account", user.id, "password_reset_requested", {})
    else:
        audit.record(db.session, "user_account", user.id, "password_reset_sent", {"by": asked})
    return Link(user, token, RESET, sent_by=actor)


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


def mail_for(link: Link) -> tuple[str, str, str]:
    """(address, subject, body) of the mail that carries the link, in the mail's language.
    Made before the commit; sent after it, so the link works when the mail arrives."""
    from tracker.i18n import mail_language
    from tracker.urls import absolute_url

    user = link.user
    if link.purpose == user_admin.INVITATION:
        url = absolute_url("members.accept_invitation", token=link.token)
        inviter = link.sent_by.name if link.sent_by is not None else None
        return (user.email, *user_admin.invitation_mail(user, url, inviter))
    url = absolute_url("auth.reset_password", token=link.token)
    with mail_language():
        subject = _("Nytt lösenord till Löfteskollen")
        if link.sent_by is not None:
            asked = _("En administratör har skickat dig en länk för att välja ett nytt lösenord "
                      "till Löfteskollen för %(email)s.", email=user.email)
            unchanged = _("Vill du behålla ditt nuvarande lösenord kan du bortse från det här "
                          "meddelandet; det är oförändrat tills du väljer ett nytt.")
        else:
            asked = _("Någon, förhoppningsvis du, har bett om ett nytt lösenord till Löfteskollen "
                      "för %(email)s.", email=user.email)
            unchanged = _("Har du inte bett om ett nytt lösenord kan du bortse från det här "
                          "meddelandet; ditt lösenord är oförändrat.")
        lines = [
            _("Hej %(name)s!", name=user.name),
            asked,
            _("Välj ett nytt lösenord här (länken gäller i %(minutes)d minuter och kan användas "
              "en gång):", minutes=RESET_MINUTES) + "\n" + url,
            _("När du har valt det loggas du ut överallt och loggar in med det nya lösenordet.")
            + " " + unchanged,
            _("Vänliga hälsningar\nLöfteskollen"),
        ]
    return user.email, subject, "\n\n".join(lines) + "\n"
