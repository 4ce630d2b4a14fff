"""List, create (the secret is shown once, in the response to the POST) and revoke tokens."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from tracker.api_keys import bp
from tracker.api_keys.forms import ApiTokenForm
from tracker.auth.forms import EmptyForm
from tracker.extensions import db
from tracker.models import ApiScope
from tracker.models.base import utcnow
from tracker.services import DomainError, FieldErrors, api_tokens
from tracker.translation import gettext as _
from tracker.web import show_refusal


def _page(form: ApiTokenForm, new_secret: str | None = None, status: int = 200):
    user = current_user._get_current_object()
    now = utcnow()
    tokens = [(t, api_tokens.status_of(t, now)) for t in api_tokens.tokens_of(user)]
    return render_template("api_keys/index.html", form=form, tokens=tokens,
                           new_secret=new_secret, revoke_form=EmptyForm()), status


@bp.get("/konto/api-nycklar")
@login_required
def index():
    return _page(ApiTokenForm())


@bp.post("/konto/api-nycklar")
@login_required
def create():
    form = ApiTokenForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    try:
        created = api_tokens.create_token(current_user._get_current_object(), form.name.data,
                                          ApiScope(form.scope.data), form.expires_in.data)
    except FieldErrors as error:
        show_refusal(form, error)
        return _page(form, status=400)
    db.session.commit()
    # Shown here once: it is not stored, so not even this page can show it again.
    return _page(ApiTokenForm(formdata=None), new_secret=created.secret, status=201)


@bp.post("/konto/api-nycklar/<int:token_id>/aterkalla")
@login_required
def revoke(token_id: int):
    if EmptyForm().validate_on_submit():
        try:
            token = api_tokens.revoke(current_user._get_current_object(), token_id)
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Nyckeln ”%(name)s” är återkallad och fungerar inte längre.",
                    name=token.name), "success")
    return redirect(url_for("api_keys.index"))
