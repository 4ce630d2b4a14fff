"""An admin takes access away: a user's API tokens, calendar addresses, second factor; and sends
a user a link to choose a new password (to the user's own address, never shown here)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from tracker.admin import bp
from tracker.auth.forms import EmptyForm
from tracker.extensions import db
from tracker.models import User
from tracker.models.base import utcnow
from tracker.services import (
    DomainError,
    api_tokens,
    calendar_feed,
    password_reset,
    second_factor,
    security_keys,
)
from tracker.services.mail import send_in_background
from tracker.translation import gettext as _
from tracker.translation import ngettext
from tracker.web import load_or_404, viewer

SEARCH_LIMIT = 50



@bp.get("/admin/sakerhet")
@login_required
def security_search():
    """Find a user by (part of) their e-mail address or name."""
    query = (request.args.get("q") or "").strip()[:254]
    users = []
    if query:
        pattern = "%" + query.lower().replace("\\", "\\\\").replace("%", "\\%").replace(
            "_", "\\_") + "%"
        users = list(db.session.scalars(
            sa.select(User).where(sa.or_(User.email.like(pattern, escape="\\"),
                                         sa.func.lower(User.name).like(pattern, escape="\\")))
            .order_by(User.email).limit(SEARCH_LIMIT)))
    return render_template("admin/security_search.html", query=query, users=users)


@bp.get("/admin/sakerhet/<int:user_id>")
@login_required
def user_security(user_id: int):
    user = load_or_404(User, user_id)
    now = utcnow()
    tokens = [(t, api_tokens.status_of(t, now)) for t in api_tokens.tokens_of(user)]
    return render_template("admin/user_security.html", user=user, tokens=tokens,
                           security_keys=security_keys.count_of(user), form=EmptyForm(),
                           mail_on=bool(current_app.config.get("MAIL_ENABLED")),
                           reset_minutes=password_reset.RESET_MINUTES)


@bp.post("/admin/sakerhet/<int:user_id>/losenordslank")
@login_required
def send_password_link(user_id: int):
    user = load_or_404(User, user_id)
    back = url_for("admin.user_security", user_id=user.id)
    if not current_app.config.get("MAIL_ENABLED"):
        flash(_("E-post är avstängd i tjänsten, så ingen länk kan skickas. Ingenting har "
                "ändrats."), "info")
        return redirect(back)
    if EmptyForm().validate_on_submit():
        try:
            link = password_reset.send_link(viewer(), user)
        except DomainError as error:
            flash(error.message, "error")
            return redirect(back)
        mail = password_reset.mail_for(link)
        db.session.commit()  # the link works before the mail can arrive
        send_in_background(current_app.config, *mail)
        flash(_("En länk för nytt lösenord är skickad till %(name)s på %(email)s.",
                name=user.name, email=user.email) if link.purpose == password_reset.RESET else
              _("%(name)s har inte valt något lösenord än och har fått en ny inbjudan till "
                "%(email)s.", name=user.name, email=user.email), "success")
    return redirect(back)


@bp.post("/admin/sakerhet/<int:user_id>/tvastegsverifiering/aterstall")
@login_required
def reset_second_factor(user_id: int):
    user = load_or_404(User, user_id)
    if EmptyForm().validate_on_submit():
        second_factor.reset(user, actor=viewer())
        db.session.commit()
        flash(_("Tvåstegsverifieringen för %(name)s är återställd. Alla inloggningar är "
                "avslutade.", name=user.name), "success")
    return redirect(url_for("admin.user_security", user_id=user.id))


@bp.post("/admin/sakerhet/<int:user_id>/api-nycklar/<int:token_id>/aterkalla")
@login_required
def revoke_token(user_id: int, token_id: int):
    user = load_or_404(User, user_id)
    if EmptyForm().validate_on_submit():
        try:
            token = api_tokens.revoke(user, token_id, actor=viewer())
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Nyckeln ”%(name)s” är återkallad.", name=token.name), "success")
    return redirect(url_for("admin.user_security", user_id=user.id))


@bp.post("/admin/sakerhet/<int:user_id>/api-nycklar/aterkalla-alla")
@login_required
def revoke_all_tokens(user_id: int):
    user = load_or_404(User, user_id)
    if EmptyForm().validate_on_submit():
        count = api_tokens.revoke_all(user, actor=viewer())
        db.session.commit()
        flash(ngettext("%(num)s nyckel är återkallad.", "%(num)s nycklar är återkallade.", count),
              "success")
    return redirect(url_for("admin.user_security", user_id=user.id))


@bp.post("/admin/sakerhet/<int:user_id>/kalender/stang")
@login_required
def revoke_calendar(user_id: int):
    user = load_or_404(User, user_id)
    if EmptyForm().validate_on_submit():
        calendar_feed.revoke_calendar_token(user)
        db.session.commit()
        flash(_("Kalenderadresserna för %(name)s är avstängda.", name=user.name), "success")
    return redirect(url_for("admin.user_security", user_id=user.id))
