from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from tracker.auth import bp
from tracker.auth.forms import LoginForm, PasswordChangeForm
from tracker.extensions import db
from tracker.services import DomainError
from tracker.services import accounts


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect a user to another host after login."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
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


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    accounts.end_sessions(current_user)  # CSRFProtect has already checked the token
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Du är utloggad."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/profile/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current_password.data, form.password.data)
        except DomainError as error:
            getattr(form, error.field or "password").errors.append(error.message)
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # re-issue with the new token
            flash(_("Lösenordet är bytt. Dina andra inloggningar har avslutats."), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/password.html", form=form)
