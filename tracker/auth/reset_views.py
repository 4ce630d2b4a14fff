"""A forgotten password: ask for a link by e-mail, then choose a new password from it.

Asking answers the same whether or not the address has an account; the link page answers the
same for every unknown, used, expired or replaced link (tracker.services.password_reset)."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for

from tracker.auth import bp
from tracker.auth.forms import ChoosePasswordForm, ForgotPasswordForm
from tracker.extensions import db
from tracker.members.invitation_views import invalid_link
from tracker.ratelimit import post_limit
from tracker.services import DomainError, password_reset
from tracker.services.mail import send_in_background
from tracker.translation import gettext as _
from tracker.web import attach_error


@bp.route("/login/glomt-losenord", methods=["GET", "POST"])
@post_limit("LOGIN_RATE_LIMIT")
def forgot_password():
    mail_on = bool(current_app.config.get("MAIL_ENABLED"))
    form = ForgotPasswordForm()
    if mail_on and form.validate_on_submit():
        link = password_reset.request_link(form.email.data)
        mail = password_reset.mail_for(link) if link is not None else None
        # Every case: the link works before the mail can arrive, and a request that sends
        # nothing leaves its event in the trail.
        db.session.commit()
        flash(_("Om det finns ett konto för adressen har vi skickat ett e-postmeddelande med en "
                "länk där du väljer ett nytt lösenord. Länken gäller i %(minutes)d minuter. "
                "Titta också i skräpposten.", minutes=password_reset.RESET_MINUTES), "info")
        if mail is not None:  # not waited for: an address with an account is answered as fast
            send_in_background(current_app.config, *mail)
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form, mail_on=mail_on)


@bp.route("/login/nytt-losenord/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        link = password_reset.link_for(token)
    except password_reset.InvalidReset as error:
        return invalid_link(error)
    user = link.user
    form = ChoosePasswordForm()
    if form.validate_on_submit():
        try:
            password_reset.reset(link, form.password.data)
        except DomainError as error:
            attach_error(form, error, "password")
        else:
            db.session.commit()
            flash(_("Ditt nya lösenord är sparat och du är utloggad överallt. Logga in med "
                    "%(email)s och det nya lösenordet.", email=user.email), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, person=user)
