"""E-mail to the resident who sent a tip: the receipt with the status address, and answers.

A mail that cannot be sent is logged and returns False; the tip and the answer are saved
anyway. Callers send after the commit.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping

from tracker.models import Tip, TipStatus
from tracker.services.mail import MailError, send_mail
from tracker.translation import gettext as _

log = logging.getLogger(__name__)


def _send_quietly(config: Mapping, tip: Tip, subject: str, body: str) -> bool:
    """To the tip's reply address, if the resident gave one; a mail that cannot be sent is
    logged (the tip and the answer are saved anyway). True only when the SMTP server took it."""
    if not tip.reply_to:
        return False
    try:
        return send_mail(config, tip.reply_to, subject, body)
    except MailError:
        log.warning("mail to a resident about a tip failed", exc_info=True)
        return False


def send_receipt(config: Mapping, tip: Tip, municipality_name: str, status_url: str) -> bool:
    return _send_quietly(config, tip, _(
        "Vi har tagit emot ditt tips (ärende %(case)s)", case=tip.case_number), _(
        "Hej!\n\nTack för ditt tips till %(name)s. Vi har tagit emot det.\n\n"
        "Ärendenummer: %(case)s\n\nHär kan du följa ärendet och läsa vårt svar:\n%(url)s\n\n"
        "Adressen är personlig: dela den inte med andra. Du behöver inget konto.\n\n"
        "Vi använder din e-postadress bara för att svara dig, och tar bort den när ärendet "
        "har varit avslutat en tid.\n\nRing 112 vid akut fara, 114 14 för annat.\n",
        name=municipality_name, case=tip.case_number, url=status_url))


def send_answer(config: Mapping, tip: Tip, answer: str, status: TipStatus) -> bool:
    return _send_quietly(config, tip, _(
        "Svar på ditt tips (ärende %(case)s)", case=tip.case_number), _(
        "Hej!\n\nDu har fått svar på ditt tips (ärende %(case)s):\n\n%(answer)s\n\n"
        "Ärendets status: %(status)s.\n\nSvaret finns också på ärendets adress, som du "
        "fick när du skickade tipset.\n", case=tip.case_number, answer=answer,
        status=resident_status(status)))


def resident_status(status: TipStatus) -> str:
    from tracker.labels import RESIDENT_TIP_STATUS

    return str(RESIDENT_TIP_STATUS[status])
