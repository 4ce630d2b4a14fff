"""Residents follow a municipality by e-mail, without an account.

Double opt-in: subscribing stores the address unconfirmed and sends one confirmation mail;
asking again for the same address sends nothing more, so a flood of sign-ups cannot mail
addresses that never confirmed. A sign-up whose confirmation could not be sent is forgotten
at once, so the resident can ask again. Only confirmed addresses get news (a promise signed, a
follow-up published), each message with its own unsubscribe link. The links are HMACs of the
row with the app's secret key: nothing but the address and whether it was confirmed is
stored. Unsubscribing deletes the row; unconfirmed rows are deleted after a few days.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult

from tracker.extensions import db
from tracker.models import Subscription
from tracker.models.base import utcnow
from tracker.services import FieldErrors, personal_data
from tracker.services.limits import EMAIL_MAX
from tracker.services.mail import MailError, MailServerUnreachable, not_sendable, send_mail
from tracker.translation import gettext as _

log = logging.getLogger(__name__)

MAX_EMAIL_LENGTH = EMAIL_MAX
UNCONFIRMED_DAYS = 7


def _normal(email: str | None) -> str:
    return (email or "").strip().lower()


def token(secret_key: str, purpose: str, subscription: Subscription) -> str:
    message = f"{purpose}:{subscription.id}:{subscription.email}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def subscription_for(secret_key: str, purpose: str, subscription_id: int,
                     given: str) -> Subscription | None:
    """The subscription this link is for, else None (a wrong, old or forged token)."""
    found = db.session.get(Subscription, subscription_id)
    if found is None or not hmac.compare_digest(token(secret_key, purpose, found), given or ""):
        return None
    return found


def subscribe(municipality_id: int, email: str | None) -> Subscription | None:
    """The new unconfirmed subscription to send the one confirmation mail for, or None when
    the address already asked (confirmed or not): nothing more is sent."""
    email = _normal(email)
    if not email or "@" not in email:
        raise FieldErrors({"email": _("Skriv en e-postadress som namn@exempel.se.")})
    if len(email) > MAX_EMAIL_LENGTH:
        raise FieldErrors({"email": _("E-postadressen är för lång.")})
    if (why := not_sendable(email)) is not None:
        raise FieldErrors({"email": why})
    errors = personal_data.check_fields({"email": (_("E-postadress"), email)})
    if errors:
        raise FieldErrors(errors)
    exists = db.session.scalar(sa.select(Subscription.id).where(
        Subscription.municipality_id == municipality_id, Subscription.email == email))
    if exists is not None:
        return None
    subscription = Subscription(municipality_id=municipality_id, email=email)
    db.session.add(subscription)
    db.session.flush()
    return subscription


def confirm(subscription: Subscription) -> None:
    if subscription.confirmed_at is None:
        subscription.confirmed_at = utcnow()
        db.session.flush()


def unsubscribe(subscription: Subscription) -> None:
    db.session.delete(subscription)
    db.session.flush()


def forget_unconfirmed(now: datetime, days: int = UNCONFIRMED_DAYS) -> int:
    """Delete sign-ups never confirmed within `days`; returns how many."""
    result = db.session.execute(sa.delete(Subscription).where(
        Subscription.confirmed_at.is_(None), Subscription.created_at < now - timedelta(days=days)))
    return cast(CursorResult, result).rowcount or 0


def send_confirmation(config: Mapping, subscription: Subscription, municipality_name: str,
                      confirm_url: str) -> bool:
    """True only when the SMTP server took the mail; else see `withdraw_unsent`."""
    try:
        return send_mail(config, subscription.email, _(
            "Bekräfta att du vill följa medborgarlöftet i %(name)s", name=municipality_name), _(
            "Hej!\n\nNågon, förhoppningsvis du, vill få e-post när %(name)s och Polisen "
            "undertecknar ett medborgarlöfte eller publicerar en uppföljning.\n\n"
            "Bekräfta här:\n%(url)s\n\nOm du inte bekräftar får du inga fler brev från oss, "
            "och adressen tas bort inom %(days)s dagar.\n",
            name=municipality_name, url=confirm_url, days=UNCONFIRMED_DAYS))
    except MailError:
        log.warning("confirmation mail failed", exc_info=True)
        return False


def withdraw_unsent(subscription: Subscription) -> None:
    """Forget a sign-up whose confirmation mail was never sent (mail off, the server failing):
    kept, it would stop the same address from getting a confirmation until it is forgotten."""
    if subscription.confirmed_at is None:
        unsubscribe(subscription)


def confirmed_of(municipality_id: int) -> list[Subscription]:
    return list(db.session.scalars(sa.select(Subscription).where(
        Subscription.municipality_id == municipality_id,
        Subscription.confirmed_at.is_not(None)).order_by(Subscription.id)))


def announce(config: Mapping, municipality_id: int, subject: str, body: str,
             unsubscribe_url: Callable[[Subscription], str]) -> int:
    """One message to each confirmed subscriber, each with its own unsubscribe link; a
    refused address does not stop the others, an unreachable server does. Returns how many
    were sent; never raises (the event itself is already saved)."""
    sent = 0
    for subscription in confirmed_of(municipality_id):
        text = body + "\n\n" + _("Vill du inte längre få de här breven? Avsluta här:\n%(url)s\n",
                                 url=unsubscribe_url(subscription))
        try:
            if send_mail(config, subscription.email, subject, text):
                sent += 1
        except MailServerUnreachable:
            log.warning("news to subscribers stopped: the mail server is unreachable",
                        exc_info=True)
            break
        except MailError:
            log.warning("news to a subscriber failed", exc_info=True)
    return sent
