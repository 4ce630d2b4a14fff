"""An admin takes access away: a user's API tokens, calendar addresses, second factor."""
from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
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
    second_factor,
    security_keys,
)
from tracker.translation import gettext as _
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
                           security_keys=security_keys.count_of(user), form=EmptyForm())


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
        flash(_("%(count)d nycklar är återkallade.", count=count), "success")
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
