"""Administration: police areas, municipalities, indicators and people (admins only; the
blueprint's before_request refuses everyone else)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker.admin import bp
from tracker.auth.forms import EmptyForm
from tracker.extensions import db
from tracker.members.delivery import deliver
from tracker.members.forms import (
    IndicatorForm,
    InviteForm,
    MembershipForm,
    MunicipalityForm,
    PersonForm,
    PoliceAreaForm,
)
from tracker.models import Indicator, Municipality, Organisation, PoliceArea, Role, User
from tracker.models.geo import official_name_for
from tracker.services import DomainError, setup, user_admin
from tracker.translation import gettext as _
from tracker.web import commit_or_flash_refusal, load_or_404, show_refusal


def _status(form) -> int:
    return 422 if form.errors or form.form_errors else 200


# ---- police areas

@bp.route("/admin/polisomraden", methods=["GET", "POST"])
@login_required
def police_areas():
    """The list, and a form to add one below it."""
    form = PoliceAreaForm()
    if form.validate_on_submit():
        try:
            area = setup.save_police_area(current_user, None, form.name.data,
                                          form.report_contact.data)
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Lokalpolisområdet %(name)s är skapat.", name=area.name), "success")
            return redirect(url_for("admin.police_areas"))
    return render_template("admin/police_areas.html", areas=setup.police_areas(),
                           form=form), _status(form)


@bp.route("/admin/polisomraden/<int:police_area_id>", methods=["GET", "POST"])
@login_required
def police_area_edit(police_area_id: int):
    area = load_or_404(PoliceArea, police_area_id)
    form = PoliceAreaForm(obj=area)
    if form.validate_on_submit():
        try:
            setup.save_police_area(current_user, area, form.name.data, form.report_contact.data)
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Lokalpolisområdet %(name)s är sparat.", name=area.name), "success")
            return redirect(url_for("admin.police_areas"))
    return render_template("admin/police_area_form.html", area=area, form=form), _status(form)


# ---- municipalities

@bp.get("/admin/kommuner")
@login_required
def municipalities():
    return render_template("admin/municipalities.html", municipalities=setup.municipalities(),
                           has_areas=bool(setup.police_areas()))


def _municipality_form(municipality: Municipality | None) -> MunicipalityForm:
    form = MunicipalityForm(obj=municipality)
    form.police_area_id.choices = [(a.id, a.name) for a in setup.police_areas()]
    if municipality is None and not form.is_submitted():
        area = request.args.get("polisomrade", type=int)
        if area:
            form.police_area_id.data = area
    return form


def _edit_municipality(municipality: Municipality | None):
    form = _municipality_form(municipality)
    if form.validate_on_submit():
        try:
            saved = setup.save_municipality(current_user, municipality, setup.MunicipalityInput(
                name=form.name.data, police_area_id=form.police_area_id.data,
                official_name=form.official_name.data, slug=form.slug.data,
                report_contact=form.report_contact.data, is_public=form.is_public.data))
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Kommunen %(name)s är sparad.", name=saved.name), "success")
            return redirect(url_for("admin.municipalities"))
    suggestion = official_name_for(form.name.data or "") if form.name.data else ""
    return render_template("admin/municipality_form.html", municipality=municipality,
                           form=form, suggestion=suggestion), _status(form)


@bp.route("/admin/kommuner/ny", methods=["GET", "POST"])
@login_required
def municipality_new():
    return _edit_municipality(None)


@bp.route("/admin/kommuner/<int:municipality_id>/redigera", methods=["GET", "POST"])
@login_required
def municipality_edit(municipality_id: int):
    return _edit_municipality(load_or_404(Municipality, municipality_id))


# ---- indicators

@bp.get("/admin/indikatorer")
@login_required
def indicators():
    return render_template("admin/indicators.html", indicators=setup.indicators())


def _edit_indicator(indicator: Indicator | None):
    form = IndicatorForm(obj=indicator)
    if indicator is not None and not form.is_submitted():
        form.direction.data = "higher" if indicator.higher_is_better else "lower"
    if form.validate_on_submit():
        try:
            saved = setup.save_indicator(current_user, indicator, setup.IndicatorInput(
                name=form.name.data, unit=form.unit.data, source=form.source.data,
                higher_is_better=form.direction.data == "higher",
                has_national_value=form.has_national_value.data))
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Indikatorn %(name)s är sparad.", name=saved.name), "success")
            return redirect(url_for("admin.indicators"))
    return render_template("admin/indicator_form.html", indicator=indicator,
                           form=form), _status(form)


@bp.route("/admin/indikatorer/ny", methods=["GET", "POST"])
@login_required
def indicator_new():
    return _edit_indicator(None)


@bp.route("/admin/indikatorer/<int:indicator_id>", methods=["GET", "POST"])
@login_required
def indicator_edit(indicator_id: int):
    return _edit_indicator(load_or_404(Indicator, indicator_id))


# ---- people

@bp.get("/admin/anvandare")
@login_required
def users():
    return render_template("admin/users.html", people=user_admin.everyone(),
                           button=EmptyForm())


@bp.route("/admin/anvandare/bjud-in", methods=["GET", "POST"])
@login_required
def user_invite():
    form = InviteForm()
    form.municipality_id.choices = [(0, _("– ingen kommun –"))] + [
        (m.id, m.name) for m in setup.municipalities()]
    if not form.is_submitted():
        form.municipality_id.data = request.args.get("kommun", type=int) or 0
        form.role.data = Role.COORDINATOR.value
    if form.validate_on_submit():
        municipality_id = form.municipality_id.data or None
        try:
            result = user_admin.invite(current_user, user_admin.InviteInput(
                email=form.email.data, name=form.name.data, title=form.title.data,
                organisation=Organisation(form.organisation.data),
                municipality_id=municipality_id,
                role=Role(form.role.data) if municipality_id else None,
                is_admin=form.is_admin.data))
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            return deliver(result.user, result.token,
                           url_for("admin.user_detail", user_id=result.user.id),
                           kept_details=result.kept_details)
    return render_template("admin/user_invite.html", form=form), _status(form)


@bp.route("/admin/anvandare/<int:user_id>", methods=["GET", "POST"])
@login_required
def user_detail(user_id: int):
    user = user_admin.load_person(user_id)
    if user is None:
        abort(404)
    form = PersonForm(obj=user)
    if not form.is_submitted():
        form.organisation.data = user.organisation.value
    if form.validate_on_submit():
        try:
            user_admin.update_person(current_user, user, name=form.name.data,
                                     title=form.title.data,
                                     organisation=Organisation(form.organisation.data),
                                     is_admin=form.is_admin.data)
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Uppgifterna om %(name)s är sparade.", name=user.name), "success")
            return redirect(url_for("admin.user_detail", user_id=user.id))
    membership_form = MembershipForm(prefix="medlemskap")
    membership_form.municipality_id.choices = [(m.id, m.name) for m in setup.municipalities()]
    return render_template("admin/user.html", person=user, form=form,
                           membership_form=membership_form, button=EmptyForm(),
                           pending=user_admin.is_pending(user)), _status(form)


@bp.post("/admin/anvandare/<int:user_id>/medlemskap")
@login_required
def user_membership(user_id: int):
    user = load_or_404(User, user_id)
    form = MembershipForm(prefix="medlemskap")
    form.municipality_id.choices = [(m.id, m.name) for m in setup.municipalities()]
    back = url_for("admin.user_detail", user_id=user.id)
    municipality = db.session.get(Municipality, form.municipality_id.data or 0) \
        if form.validate_on_submit() else None
    if municipality is None:
        flash(_("Välj en kommun och en roll."), "error")
        return redirect(back)
    return commit_or_flash_refusal(
        lambda: user_admin.set_role(current_user, user, municipality, Role(form.role.data)), back,
        lambda: _("%(name)s har nu en roll i %(municipality)s.", name=user.name,
                  municipality=municipality.name))
