"""Mitt konto: the second factor, and the sessions signed in on other devices."""
from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker import policies
from tracker.auth import bp
from tracker.auth.forms import CodeForm, EmptyForm, EnrolForm
from tracker.extensions import db
from tracker.services import DomainError, second_factor, sessions
from tracker.translation import gettext as _
from tracker.web import attach_error


def _me():
    return current_user._get_current_object()


@bp.get("/konto")
@login_required
def account():
    user = _me()
    open_sessions = sessions.open_sessions(user, current_app.config)
    return render_template(
        "auth/account.html",
        sessions=[(row, sessions.device_of(row.user_agent)) for row in open_sessions],
        this_session=g.get("user_session_id"),
        recovery_left=second_factor.unused_recovery_codes(user) if user.has_second_factor
        else 0,
        required=second_factor.required_for(user, policies.roles_of(user), current_app.config),
        end_form=EmptyForm())


@bp.post("/konto/inloggningar/<int:session_id>/avsluta")
@login_required
def end_session(session_id: int):
    """Ends one of the user's sessions; ending this one is a logout."""
    if EmptyForm().validate_on_submit():
        try:
            sessions.end_one_of(_me(), session_id, actor=_me())
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Inloggningen är avslutad."), "success")
    return redirect(url_for("auth.account"))


def _enrol_page(form: EnrolForm, status: int = 200):
    user = _me()
    if not second_factor.is_valid_secret(form.secret.data):
        form.secret.data = second_factor.new_secret()
    uri = second_factor.provisioning_uri(user, form.secret.data)
    return render_template("auth/second_factor_enrol.html", form=form,
                           qr=second_factor.qr_data_uri(uri),
                           secret=second_factor.grouped(form.secret.data)), status


@bp.route("/konto/tvastegsverifiering", methods=["GET", "POST"], endpoint="second_factor")
@login_required
def second_factor_page():
    """Enrol (QR code or the secret as text, then a first code), or manage it once on."""
    user = _me()
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
            codes = second_factor.new_recovery_codes(_me(), form.code.data)
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
    user = _me()
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
