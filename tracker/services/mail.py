"""Outgoing e-mail over SMTP; callers decide what a failed delivery means."""
from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from tracker.translation import gettext as _

SMTP_TIMEOUT_SECONDS = 30
log = logging.getLogger(__name__)


class MailError(Exception):
    """The SMTP server could not be reached or refused the message."""


class MailServerUnreachable(MailError):
    """No connection to the SMTP server: every further message would fail the same way."""


def not_sendable(address: str) -> str | None:
    """Why an address (a resident's or a staff member's) cannot be written to, or None. An
    address with å, ä, ö or any other letter outside a–z needs a mail server that speaks
    SMTPUTF8, and many do not: a letter would be said to be sent that never leaves."""
    if address and not address.isascii():
        return _("Skriv e-postadressen med a–z, utan å, ä och ö (som namn@exempel.se); alla "
                 "e-postservrar tar inte emot andra tecken.")
    return None


def send_mail(config: Mapping, to: list[str] | str, subject: str, body: str) -> bool:
    """Send one plain-text UTF-8 message to every address in `to`. True when the SMTP server
    took it; False when nothing was sent (MAIL_ENABLED off, no address), so a page never
    tells a resident about a mail that does not exist. Raises MailError."""
    if not config.get("MAIL_ENABLED"):
        return False
    recipients = [to] if isinstance(to, str) else list(to)
    if not recipients:
        return False
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=config["MAIL_FROM"].rpartition("@")[2] or None)
    message.set_content(body, charset="utf-8", cte="quoted-printable")  # safe without 8BITMIME

    host, port = config["SMTP_HOST"], config["SMTP_PORT"]
    failure = f"E-post till {', '.join(recipients)} kunde inte skickas via {host}:{port}"
    try:
        smtp = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_SECONDS)
    except OSError as error:  # SMTPException is an OSError too
        raise MailServerUnreachable(f"{failure}: {type(error).__name__}: {error}") from error
    try:
        with smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("SMTP_USERNAME"):
                smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
            smtp.send_message(message, to_addrs=recipients)
    except OSError as error:
        raise MailError(f"{failure}: {type(error).__name__}: {error}") from error
    return True


def send_in_background(config: Mapping, to: str, subject: str, body: str) -> threading.Thread:
    """Send one message from a thread of its own and return at once: for an answer that must
    not wait for the mail server (its time would tell something). A failed delivery is logged
    for the operators. Call after the commit that makes what the mail points to work."""
    settings = dict(config)  # the thread outlives the request and its app context

    def deliver() -> None:
        try:
            send_mail(settings, to, subject, body)
        except MailError as error:
            log.warning("Mail not sent: %s", error)

    thread = threading.Thread(target=deliver, name="mail", daemon=False)
    thread.start()
    return thread
