"""A municipality's members (coordinators and admins), person actions, indicator values."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker import policies
from tracker.auth.forms import EmptyForm
from tracker.extensions import db
from tracker.members import bp
from tracker.members.delivery import deliver
from tracker.members.forms import IndicatorValueForm, InviteForm, RoleForm
from tracker.models import (
    Indicator,
    IndicatorValue,
    Membership,
    Municipality,
    Organisation,
    Role,
    User,
)
from tracker.services import DomainError, FieldErrors, indicator_values, setup, user_admin
from tracker.services import activities as activity_service
from tracker.services.imports.cells import CellError, decimal
from tracker.translation import gettext as _
from tracker.web import (
    commit_or_flash_refusal,
    load_or_404,
    require,
    safe_local_url,
    show_refusal,
)


def _managed_municipality(municipality_id: int) -> Municipality:
    municipality = load_or_404(Municipality, municipality_id)
    require(user_admin.can_manage_member(current_user, municipality.id))
    return municipality


def _back(default: str) -> str:
    return safe_local_url(request.form.get("next"), default)


@bp.get("/kommuner/<int:municipality_id>/medlemmar")
@login_required
def members(municipality_id: int):
    municipality = _managed_municipality(municipality_id)
    people = user_admin.members(municipality.id)
    return render_template(
        "members/list.html", municipality=municipality, people=people, role_form=RoleForm(),
        button=EmptyForm(),
        manageable=user_admin.manageable(current_user, [p.user for p in people]),
        changeable={p.user.id for p in people
                    if user_admin.can_change_membership(current_user, p.user)})


@bp.route("/kommuner/<int:municipality_id>/medlemmar/bjud-in", methods=["GET", "POST"])
@login_required
def invite(municipality_id: int):
    municipality = _managed_municipality(municipality_id)
    form = InviteForm()
    del form.municipality_id, form.is_admin
    if form.validate_on_submit():
        try:
            result = user_admin.invite(current_user, user_admin.InviteInput(
                email=form.email.data, name=form.name.data, title=form.title.data,
                organisation=Organisation(form.organisation.data),
                municipality_id=municipality.id, role=Role(form.role.data)))
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            return deliver(result.user, result.token,
                           url_for("members.members", municipality_id=municipality.id),
                           kept_details=result.kept_details)
    return render_template("members/invite.html", municipality=municipality, form=form)


@bp.post("/kommuner/<int:municipality_id>/medlemmar/<int:user_id>/roll")
@login_required
def change_role(municipality_id: int, user_id: int):
    municipality = _managed_municipality(municipality_id)
    user = _member_or_404(municipality, user_id)
    form = RoleForm()
    back = url_for("members.members", municipality_id=municipality.id)
    if not form.validate_on_submit():
        flash(_("Välj en roll."), "error")
        return redirect(back)
    return commit_or_flash_refusal(
        lambda: user_admin.set_role(current_user, user, municipality, Role(form.role.data)), back,
        lambda: _("%(name)s har nu en ny roll i %(municipality)s.", name=user.name,
                  municipality=municipality.name))


@bp.post("/kommuner/<int:municipality_id>/medlemmar/<int:user_id>/ta-bort")
@login_required
def remove(municipality_id: int, user_id: int):
    municipality = _managed_municipality(municipality_id)
    user = _member_or_404(municipality, user_id)
    back = _back(url_for("members.members", municipality_id=municipality.id))
    return commit_or_flash_refusal(
        lambda: user_admin.remove_membership(current_user, user, municipality), back,
        lambda: _removed_message(user, municipality))


def _removed_message(user: User, municipality: Municipality) -> str:
    """Removed; and the open activities that still name the person, which stay as they are."""
    removed = _("%(name)s är inte längre medlem i %(municipality)s.", name=user.name,
                municipality=municipality.name)
    owned, assigned = activity_service.open_work(user.id, municipality.id)
    if not owned and not assigned:
        return removed
    return removed + " " + _(
        "Öppna aktiviteter där %(name)s är ansvarig: %(owned)d, utförare: %(assigned)d. De "
        "står kvar på hen tills du ändrar dem.", name=user.name, owned=owned, assigned=assigned)


def _member_or_404(municipality: Municipality, user_id: int) -> User:
    """A member of the municipality; anyone else is not found here, so that user ids cannot
    be tried to add or name people of other municipalities (they come in by invitation)."""
    user = db.session.scalar(sa.select(User).join(Membership).where(
        User.id == user_id, Membership.municipality_id == municipality.id))
    if user is None:
        abort(404)
    return user


def _person_action(user_id: int):
    user = load_or_404(User, user_id)
    require(user_admin.can_manage_user(current_user, user))
    return user, _back(url_for("main.index"))


@bp.post("/anvandare/<int:user_id>/skicka-inbjudan")
@login_required
def resend(user_id: int):
    user, back = _person_action(user_id)
    try:
        token = user_admin.resend(current_user, user)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(back)
    db.session.commit()
    return deliver(user, token, back)


@bp.post("/anvandare/<int:user_id>/avaktivera")
@login_required
def deactivate(user_id: int):
    user, back = _person_action(user_id)
    return commit_or_flash_refusal(
        lambda: user_admin.deactivate(current_user, user), back,
        lambda: _("%(name)s är avaktiverad och utloggad överallt. Det hen har gjort finns kvar.",
                  name=user.name))


@bp.post("/anvandare/<int:user_id>/aktivera")
@login_required
def reactivate(user_id: int):
    user, back = _person_action(user_id)
    return commit_or_flash_refusal(
        lambda: user_admin.reactivate(current_user, user), back,
        lambda: _("%(name)s kan logga in igen.", name=user.name))


def _indicator_values(municipality_id: int):
    return db.session.execute(
        sa.select(IndicatorValue, Indicator.name, Indicator.unit)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .where(IndicatorValue.municipality_id == municipality_id)
        .order_by(Indicator.name, IndicatorValue.year.desc())).all()


@bp.route("/kommuner/<int:municipality_id>/indikatorer", methods=["GET", "POST"])
@login_required
def indicator_values_page(municipality_id: int):
    """Values per year typed in a form, beside the spreadsheet import."""
    municipality = load_or_404(Municipality, municipality_id)
    require(policies.can_edit(current_user, municipality))
    indicators = setup.indicators()
    form = IndicatorValueForm()
    form.indicator_id.choices = [(i.id, f"{i.name} ({i.unit})" if i.unit else i.name)
                                 for i in indicators]
    if form.validate_on_submit():
        saved = _save_value(form, municipality, {i.id: i for i in indicators})
        if saved:
            return redirect(url_for("members.indicator_values_page",
                                    municipality_id=municipality.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("members/indicator_values.html", municipality=municipality,
                           form=form, rows=_indicator_values(municipality.id),
                           has_indicators=bool(indicators)), status


def _save_value(form: IndicatorValueForm, municipality: Municipality, indicators: dict) -> bool:
    indicator = indicators.get(form.indicator_id.data)
    errors = {}
    if indicator is None:
        errors["indicator_id"] = _("Välj en indikator.")
    numbers = {}
    for name, field in (("value", form.value), ("national_value", form.national_value)):
        try:
            numbers[name] = decimal(field.data, str(field.label.text))
        except CellError as error:
            errors[name] = error.message
    if errors or indicator is None:  # no indicator is one of the errors
        show_refusal(form, FieldErrors(errors))
        return False
    try:
        row, previous = indicator_values.save_indicator_value(
            current_user, municipality.id, indicator, form.year.data, numbers["value"],
            numbers["national_value"], form.source_note.data or "")
    except DomainError as error:
        show_refusal(form, error)
        return False
    db.session.commit()
    if previous is None:
        flash(_("Värdet för %(name)s %(year)d är sparat.", name=indicator.name,
                year=row.year), "success")
    else:
        flash(_("Värdet för %(name)s %(year)d är ändrat.", name=indicator.name,
                year=row.year), "success")
    return True
