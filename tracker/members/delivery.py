"""After an invitation is committed: mail the link, or show it to copy when mail is off."""
from __future__ import annotations

import logging

from flask import current_app, flash, redirect, session, url_for
from flask_login import current_user

from tracker.services import user_admin
from tracker.services.mail import MailError
from tracker.translation import gettext as _
from tracker.urls import absolute_url

log = logging.getLogger(__name__)
LINK_KEY = "invitation_link"


def invitation_url(token: str) -> str:
    return absolute_url("members.accept_invitation", token=token)


def deliver(user, token: str | None, back: str, *, kept_details: bool = False):
    """Redirect with a message, or a page with the link when it could not be mailed.
    `kept_details`: the account existed with another name, title or organisation."""
    if kept_details:
        flash(_("Det finns redan ett konto för %(email)s, med namnet %(name)s. Rollen är "
                "tillagd; namn, titel och organisation ändras inte här.",
                email=user.email, name=user.name), "info")
        if token is None:
            return redirect(back)
    if token is None:
        flash(_("%(name)s hade redan ett konto och har fått rollen.", name=user.name), "success")
        return redirect(back)
    link = invitation_url(token)
    try:
        sent = user_admin.send_invitation(current_app.config, user, link, current_user.name)
        failed = False
    except MailError as error:
        log.warning("Invitation to user %s not mailed: %s", user.id, error)
        sent, failed = False, True
    if not sent:
        # Shown once on the next page (post/redirect/get), then gone from the session.
        session[LINK_KEY] = {"name": user.name, "email": user.email, "link": link,
                             "failed": failed, "back": back}
        return redirect(url_for("members.invitation_link"))
    flash(_("En inbjudan har skickats till %(email)s. Länken gäller i %(hours)d timmar.",
            email=user.email, hours=user_admin.INVITATION_HOURS), "success")
    return redirect(back)
