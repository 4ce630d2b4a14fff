"""Mitt konto: the second factor (app, recovery codes, security keys), and the sessions
signed in on other devices."""
from __future__ import annotations

import base64
import time

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import login_required

from tracker import policies
from tracker.auth import bp
from tracker.auth.forms import CodeForm, EmptyForm, EnrolForm, SecurityKeyForm
from tracker.extensions import db
from tracker.ratelimit import post_limit
from tracker.services import DomainError, accounts, second_factor, security_keys, sessions
from tracker.translation import gettext as _
from tracker.web import attach_error, viewer


@bp.get("/konto")
@login_required
def account():
    user = viewer()
    open_sessions = sessions.open_sessions(user, current_app.config)
    return render_template(
        "auth/account.html",
        sessions=[(row, sessions.device_of(row.user_agent)) for row in open_sessions],
        this_session=g.get("user_session_id"),
        recovery_left=second_factor.unused_recovery_codes(user) if user.has_second_factor
        else 0,
        required=second_factor.required_for(user, policies.roles_of(user), current_app.config),
        security_keys=security_keys.count_of(user) if user.has_second_factor else 0,
        end_form=EmptyForm())


@bp.post("/konto/inloggningar/<int:session_id>/avsluta")
@login_required
def end_session(session_id: int):
    """Ends one of the user's sessions; ending this one is a logout."""
    if EmptyForm().validate_on_submit():
        try:
            sessions.end_one_of(viewer(), session_id, actor=viewer())
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Inloggningen är avslutad."), "success")
    return redirect(url_for("auth.account"))


def _enrol_page(form: EnrolForm, status: int = 200):
    user = viewer()
    if not second_factor.is_valid_secret(form.secret.data):
        form.secret.data = second_factor.new_secret()
    uri = second_factor.provisioning_uri(user, form.secret.data)
    return render_template("auth/second_factor_enrol.html", form=form,
                           qr=second_factor.qr_data_uri(uri),
                           secret=second_factor.grouped(form.secret.data)), status


@bp.route("/konto/tvastegsverifiering", methods=["GET", "POST"], endpoint="second_factor")
@login_required
@post_limit("LOGIN_RATE_LIMIT")  # the password is asked: guessing it here is limited too
def second_factor_page():
    """Enrol (QR code or the secret as text, then a first code and the password), or manage it
    once on."""
    user = viewer()
    if user.has_second_factor:
        return render_template(
            "auth/second_factor.html", codes_form=CodeForm(prefix="nya"),
            off_form=CodeForm(prefix="av"),
            recovery_left=second_factor.unused_recovery_codes(user),
            required=second_factor.required_for(user, policies.roles_of(user),
                                                current_app.config))
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            if not accounts.password_matches(user, form.password.data):
                raise DomainError(_("Lösenordet stämmer inte."), "password")
            codes = second_factor.confirm_enrolment(user, form.secret.data, form.code.data)
        except DomainError as error:
            attach_error(form, error, "code")
            return _enrol_page(form, 400)  # a secret that was not ours is replaced
        db.session.commit()
        return render_template("auth/recovery_codes.html", codes=codes, enrolled=True), 201
    return _enrol_page(form, 400 if request.method == "POST" else 200)


@bp.post("/konto/tvastegsverifiering/nya-koder")
@login_required
def new_recovery_codes():
    form = CodeForm(prefix="nya")
    if form.validate_on_submit():
        try:
            codes = second_factor.new_recovery_codes(viewer(), form.code.data)
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            return render_template("auth/recovery_codes.html", codes=codes, enrolled=False), 201
    else:
        flash(_("Skriv koden från din app."), "error")
    return redirect(url_for("auth.second_factor"))


@bp.post("/konto/tvastegsverifiering/stang-av")
@login_required
def turn_off_second_factor():
    user = viewer()
    form = CodeForm(prefix="av")
    if form.validate_on_submit():
        try:
            second_factor.turn_off(user, form.code.data, roles=policies.roles_of(user),
                                   config=current_app.config)
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Tvåstegsverifiering är avstängd för ditt konto."), "success")
            return redirect(url_for("auth.account"))
    else:
        flash(_("Skriv koden från din app."), "error")
    return redirect(url_for("auth.second_factor"))


# ---------------------------------------------------------------- security keys (WebAuthn)

def relying_party() -> security_keys.RelyingParty:
    return security_keys.relying_party(current_app.config, request.host_url)


def keep_challenge(name: str, challenge: bytes) -> None:
    """A ceremony's challenge waits in the signed session, for one use within the time of a
    login's second step."""
    session[name] = {"challenge": base64.urlsafe_b64encode(challenge).decode(),
                     "at": time.time()}


def take_challenge(name: str) -> bytes | None:
    kept = session.pop(name, None)
    if not isinstance(kept, dict) or not isinstance(kept.get("challenge"), str):
        return None
    if time.time() - kept.get("at", 0) > current_app.config["SECOND_FACTOR_STEP_SECONDS"]:
        return None
    return base64.urlsafe_b64decode(kept["challenge"])


@bp.route("/konto/sakerhetsnycklar", methods=["GET", "POST"])
@login_required
def security_keys_page():
    """The user's security keys and passkeys: listed, added (with a current code from the
    app), removed."""
    user = viewer()
    if not user.has_second_factor:
        flash(_("Slå på tvåstegsverifiering med en app först. Säkerhetsnycklar läggs till vid "
                "sidan av appen."), "info")
        return redirect(url_for("auth.second_factor"))
    rp = relying_party()
    form = SecurityKeyForm()
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            key = security_keys.add(user, name=form.name.data, code=form.code.data,
                                    credential=form.credential.data,
                                    challenge=take_challenge("webauthn_register"), rp=rp)
        except DomainError as error:
            attach_error(form, error, "credential")
        else:
            db.session.commit()
            flash(_("Säkerhetsnyckeln ”%(name)s” är tillagd. Nästa gång du loggar in kan du "
                    "använda den i stället för koden.", name=key.name), "success")
            return redirect(url_for("auth.security_keys_page"))
    if request.method == "POST":
        db.session.commit()  # a code used up by a refused attempt stays used
    form.code.data = ""
    form.credential.data = ""
    options = None
    if rp.usable and len(security_keys.keys_of(user)) < security_keys.MAX_KEYS:
        options, challenge = security_keys.registration_options(user, rp)
        keep_challenge("webauthn_register", challenge)
    return render_template("auth/security_keys.html", form=form, options=options,
                           keys=security_keys.keys_of(user), usable=rp.usable,
                           remove_form=EmptyForm(), max_keys=security_keys.MAX_KEYS), status


@bp.post("/konto/sakerhetsnycklar/<int:key_id>/ta-bort")
@login_required
def remove_security_key(key_id: int):
    if EmptyForm().validate_on_submit():
        try:
            key = security_keys.remove(viewer(), key_id, actor=viewer())
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Säkerhetsnyckeln ”%(name)s” är borttagen.", name=key.name), "success")
    return redirect(url_for("auth.security_keys_page"))
