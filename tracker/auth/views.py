from __future__ import annotations

import time

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from tracker.auth import bp
from tracker.auth.forms import LoginForm, PasswordChangeForm
from tracker.extensions import db
from tracker.models import User
from tracker.ratelimit import post_limit
from tracker.services import DomainError, accounts
from tracker.translation import gettext as _
from tracker.web import attach_error, load_or_404, require, safe_local_url


def _safe_next(target: str | None) -> str:
    return safe_local_url(target, url_for("main.index"))


@bp.route("/login", methods=["GET", "POST"])
@post_limit("LOGIN_RATE_LIMIT")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(
                form.email.data,
                form.password.data,
                remote_addr=request.remote_addr or "",
                config=current_app.config,
            )
        except accounts.LoginRefused as refused:
            db.session.commit()  # the failed attempt counts even though login fails
            flash(refused.message, "error")
            return render_template("auth/login.html", form=form), 200
        db.session.commit()
        session.clear()
        login_user(user)
        session["login_at"] = session["seen_at"] = time.time()
        session.permanent = True
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


def _end_this_session(message: str):
    logout_user()
    session.clear()
    flash(message, "info")
    return redirect(url_for("auth.login"))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    accounts.end_sessions(current_user)  # CSRFProtect has already checked the token
    db.session.commit()
    return _end_this_session(_("Du är utloggad."))


@bp.route("/profile/logga-ut-overallt", methods=["POST"])
@login_required
def log_out_everywhere():
    """Ends every session of the user, this one included (a lost phone, a shared computer)."""
    user = current_user._get_current_object()
    accounts.log_out_everywhere(user, actor=user)
    db.session.commit()
    return _end_this_session(
        _("Du är utloggad överallt, även här. Logga in igen för att fortsätta.")
    )


@bp.route("/konto/<int:user_id>/logga-ut-overallt", methods=["POST"])
@login_required
def log_out_user_everywhere(user_id: int):
    """An admin ends every session of another user (a stolen laptop, a person who left)."""
    require(current_user.is_admin)
    user = load_or_404(User, user_id)
    actor = current_user._get_current_object()
    if user.id == actor.id:
        return log_out_everywhere()
    accounts.log_out_everywhere(user, actor=actor)
    db.session.commit()
    flash(_("%(name)s är utloggad på alla enheter.", name=user.name), "success")
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/profile/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current_password.data, form.password.data)
        except DomainError as error:
            attach_error(form, error, "password")
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # re-issue with the new token
            flash(_("Lösenordet är bytt. Dina andra inloggningar har avslutats."), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/password.html", form=form)
