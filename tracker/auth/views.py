from __future__ import annotations

import functools
import time
from collections.abc import Callable

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user

from tracker import audit
from tracker.auth import bp
from tracker.auth.account_views import keep_challenge, relying_party, take_challenge
from tracker.auth.forms import CodeForm, LoginForm, PasswordChangeForm, SecurityKeyLoginForm
from tracker.extensions import db
from tracker.models import User
from tracker.ratelimit import post_limit
from tracker.services import DomainError, accounts, second_factor, security_keys, sessions
from tracker.services.limits import row_id
from tracker.translation import gettext as _
from tracker.web import attach_error, load_or_404, require, safe_local_url


def _safe_next(target: str | None) -> str:
    return safe_local_url(target, url_for("main.index"))


def _start_session(user: User) -> None:
    """A new session for a complete login: a row on the server, its secret in the cookie."""
    secret = sessions.start(user, user_agent=request.headers.get("User-Agent", ""),
                            remote_addr=request.remote_addr or "")
    db.session.commit()
    session.clear()
    login_user(user)
    session["sid"] = secret
    session["login_at"] = session["seen_at"] = time.time()
    session.permanent = True


@bp.route("/login", methods=["GET", "POST"])
@post_limit("LOGIN_RATE_LIMIT", failures_only=True)  # the password's guesses, not the logins
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
        if user.has_second_factor:
            db.session.commit()
            session.clear()
            session["pending_login"] = {"user": user.get_id(), "at": time.time(),
                                        "next": _safe_next(request.args.get("next"))}
            return redirect(url_for("auth.login_code"))
        _start_session(user)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


def _pending_user() -> tuple[User | None, dict]:
    """The user whose password was right a moment ago, if the second step is still open."""
    pending = session.get("pending_login")
    if not isinstance(pending, dict):
        return None, {}
    if time.time() - pending.get("at", 0) > current_app.config["SECOND_FACTOR_STEP_SECONDS"]:
        return None, {}
    user_id, _sep, token = str(pending.get("user", "")).partition(":")
    user = db.session.get(User, found) if (found := row_id(user_id)) else None
    if user is None or not user.is_enabled or user.session_token != token:
        return None, {}
    return user, pending


def _in_second_step(view: Callable[[User, dict], ResponseReturnValue]):
    """A view of the second step of a login, called with (the user, their pending login) while
    that step is open; else home when already logged in, or back to the password step."""
    @functools.wraps(view)
    def during_second_step():
        if current_user.is_authenticated:
            return redirect(url_for("main.index"))
        user, pending = _pending_user()
        if user is None:
            session.pop("pending_login", None)
            flash(_("Logga in med e-postadress och lösenord först."), "info")
            return redirect(url_for("auth.login"))
        return view(user, pending)
    return during_second_step


@bp.route("/login/kod", methods=["GET", "POST"])
@post_limit("LOGIN_RATE_LIMIT")
@_in_second_step
def login_code(user: User, pending: dict):
    """The second step of a login: a code from the authenticator app, or a recovery code."""
    form = CodeForm()
    if form.validate_on_submit():
        try:
            method = second_factor.verify_login(user, form.code.data,
                                                remote_addr=request.remote_addr or "",
                                                config=current_app.config)
        except second_factor.SecondFactorRefused as refused:
            db.session.commit()  # the failed attempt counts
            attach_error(form, refused, "code")
            return _code_page(user, form)
        accounts.complete_login(user, method)
        _start_session(user)
        if method == "recovery_code":
            flash(_("Du loggade in med en återställningskod. Den kan inte användas igen; "
                    "skapa nya koder under Mitt konto när du har din app igen."), "info")
        return redirect(safe_local_url(pending.get("next"), url_for("main.index")))
    return _code_page(user, form)


def _code_page(user: User, form: CodeForm):
    """The code form, and the security key button when the user has keys."""
    rp = relying_party()
    made = security_keys.authentication_options(user, rp) if rp.usable else None
    options = None
    if made is not None:
        options, challenge = made
        keep_challenge("webauthn_login", challenge)
    return render_template("auth/login_code.html", form=form, key_options=options,
                           key_form=SecurityKeyLoginForm(prefix="nyckel"))


@bp.post("/login/nyckel")
@post_limit("LOGIN_RATE_LIMIT")
@_in_second_step
def login_key(user: User, pending: dict):
    """The second step of a login with a security key or passkey."""
    form = SecurityKeyLoginForm(prefix="nyckel")
    if not form.validate_on_submit():
        flash(_("Säkerhetsnyckeln svarade inte. Försök igen, eller skriv koden från din app."),
              "error")
        return redirect(url_for("auth.login_code"))
    try:
        key = security_keys.verify_login(user, form.credential.data,
                                         challenge=take_challenge("webauthn_login"),
                                         rp=relying_party(),
                                         remote_addr=request.remote_addr or "",
                                         config=current_app.config)
    except second_factor.SecondFactorRefused as refused:
        db.session.commit()  # the failed attempt counts
        flash(refused.message, "error")
        return redirect(url_for("auth.login_code"))
    accounts.complete_login(user, "security_key")
    audit.record(db.session, "webauthn_credential", key.id, "security_key_used",
                 {"user": f"user_account:{user.id}"})
    _start_session(user)
    return redirect(safe_local_url(pending.get("next"), url_for("main.index")))


def _end_this_session(message: str):
    logout_user()
    session.clear()
    flash(message, "info")
    return redirect(url_for("auth.login"))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Ends this session only: the same account on another device stays signed in."""
    sessions.end(g.get("user_session_id"))  # CSRFProtect has already checked the token
    audit.record(db.session, "user_session", g.get("user_session_id"), "logout", {})
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
            _start_session(current_user._get_current_object())  # a new one for this device
            flash(_("Lösenordet är bytt. Dina andra inloggningar har avslutats."), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/password.html", form=form)
