"""Action points: the municipality's list, one point's page with its status, and new points
from any activity (an EST meeting's decisions as well as a walk's findings)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker import once, policies
from tracker.extensions import db
from tracker.models import (
    ActionPoint,
    ActionStatus,
    Activity,
    Attachment,
    Finding,
    FindingCategory,
    ResponsibleParty,
    User,
    WalkProtocol,
)
from tracker.services import DomainError, FieldErrors, StaleEdit, uploads
from tracker.services import action_points as actions
from tracker.services.activities import responsible_choices
from tracker.services.limits import row_id
from tracker.services.places import place_choices
from tracker.translation import gettext as _
from tracker.walks import bp
from tracker.walks.access import activity_or_404, scoped, scoped_municipality
from tracker.walks.attachment_views import action_owner, read_upload
from tracker.walks.forms import ActionForm, ActionStatusForm, NewActionForm, UploadForm
from tracker.web import require, row_urls, show_refusal


def _enum(kind, value):
    try:
        return kind(value) if value else None
    except ValueError:
        return None


def _fill(form: ActionForm, municipality_id: int) -> None:
    places = place_choices(municipality_id)
    form.place_id.choices = [("", _("– ingen –"))] + [(str(i), n) for i, n in places]
    form.owner_id.choices = [("", _("– ingen –"))] + [
        (str(i), n) for i, n in responsible_choices(municipality_id)]


def _input(form: ActionForm) -> actions.ActionInput:
    return actions.ActionInput(
        text=form.text.data or "", party=_enum(ResponsibleParty, form.party.data),
        party_name=form.party_name.data or "", owner_id=form.owner_id.data,
        due_date=form.due_date.data, place_id=form.place_id.data,
        category=_enum(FindingCategory, form.category.data))


@bp.route("/aktiviteter/<int:activity_id>/atgardspunkter/ny", methods=["GET", "POST"])
@login_required
def new_action(activity_id: int):
    activity = activity_or_404(activity_id)
    require(policies.can_log_on(current_user, activity))
    form = NewActionForm()
    _fill(form, activity.municipality_id)
    if form.validate_on_submit():
        if (earlier := once.first_time(form)) is not None:
            return earlier
        try:
            action = actions.create(current_user, activity, _input(form))
            action_id = action.id
            once.remember(form, url_for("walks.action", action_id=action_id), "action_point",
                          action_id)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
            activity = activity_or_404(activity_id)
        else:
            flash(_("Åtgärdspunkten är sparad."), "success")
            return redirect(url_for("walks.action", action_id=action_id))
    return render_template("walks/action_form.html", form=form, activity=activity, action=None)


def _context(action_id: int) -> tuple[ActionPoint, Activity]:
    action = scoped(ActionPoint, action_id)
    return action, activity_or_404(action.activity_id)


@bp.route("/atgardspunkter/<int:action_id>/andra", methods=["GET", "POST"])
@login_required
def edit_action(action_id: int):
    action, activity = _context(action_id)
    require(policies.can_log_on(current_user, activity))
    if action.finding_id is not None:  # a finding's action is edited with the finding
        return redirect(url_for("walks.edit_finding", finding_id=action.finding_id))
    form = ActionForm(obj=action if request.method == "GET" else None)
    _fill(form, activity.municipality_id)
    if request.method == "GET":
        form.party.data = action.party.value
        form.category.data = action.category.value if action.category else ""
    if form.validate_on_submit():
        try:
            actions.update(current_user, action, activity, _input(form))
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
            action, activity = _context(action_id)
        else:
            flash(_("Åtgärdspunkten är ändrad."), "success")
            return redirect(url_for("walks.action", action_id=action_id))
    return render_template("walks/action_form.html", form=form, activity=activity, action=action)


def _action_page(action: ActionPoint, activity: Activity, form: ActionStatusForm, status=200):
    owner = db.session.get(User, action.owner_id) if action.owner_id else None
    finding = db.session.get(Finding, action.finding_id) if action.finding_id else None
    protocol = db.session.get(WalkProtocol, finding.protocol_id) if finding else None
    place_name = place_choices(action.municipality_id)
    photos = list(db.session.scalars(sa.select(Attachment).where(
        sa.or_(Attachment.action_point_id == action.id,
               sa.and_(Attachment.finding_id == action.finding_id,
                       Attachment.finding_id.is_not(None)))).order_by(Attachment.id)))
    return render_template(
        "walks/action.html", action=action, activity=activity, owner=owner, finding=finding,
        protocol=protocol, place_name=dict(place_name).get(action.place_id) if action.place_id else None, photos=photos,
        form=form, upload_form=UploadForm(),
        can_work=policies.can_work_on_action(current_user, action, activity),
        can_edit=policies.can_log_on(current_user, activity),
        removable={p.id for p in photos if policies.can_remove_attachment(current_user, p)},
    ), status


@bp.route("/atgardspunkter/<int:action_id>")
@login_required
def action(action_id: int):
    action, activity = _context(action_id)
    form = ActionStatusForm(status=action.status.value, version=action.version_id,
                            reason=action.status_reason)
    return _action_page(action, activity, form)


@bp.route("/atgardspunkter/<int:action_id>/status", methods=["POST"])
@login_required
def action_status(action_id: int):
    action, activity = _context(action_id)
    require(policies.can_work_on_action(current_user, action, activity))
    form = ActionStatusForm()
    if not form.validate_on_submit():
        return _action_page(action, activity, form, 422)
    try:
        version = row_id(form.version.data) or None
        actions.set_status(current_user, action, activity, ActionStatus(form.status.data),
                           form.reason.data or "", expected_version=version)
        upload = read_upload("photo")
        if upload is not None:
            uploads.store(current_user, action_owner(action), *upload)
        db.session.commit()
    except StaleEdit:
        db.session.rollback()
        action, activity = _context(action_id)
        form.version.data = action.version_id
        form.form_errors.append(_("Någon annan har ändrat åtgärdspunkten sedan du öppnade "
                                  "sidan. Kontrollera och spara igen."))
        return _action_page(action, activity, form, 409)
    except DomainError as error:
        db.session.rollback()
        if error.field == "file":
            error.field = "photo"
        if not isinstance(error, FieldErrors) and error.field is None:
            error.field = "status"
        show_refusal(form, error)
        action, activity = _context(action_id)
        return _action_page(action, activity, form, 422)
    flash(_("Statusen är sparad."), "success")
    return redirect(url_for("walks.action", action_id=action_id))


@bp.route("/kommuner/<int:municipality_id>/atgardspunkter")
@login_required
def action_list(municipality_id: int):
    municipality = scoped_municipality(municipality_id)
    filters = actions.ActionFilters.from_args(request.args)
    page = max(1, min(request.args.get("sida", 1, type=int), 100000))
    pagination = actions.action_list(municipality.id, filters, page)
    return render_template(
        "walks/action_list.html", municipality=municipality, pagination=pagination,
        rows=pagination.items, filters=filters, args=request.args.to_dict(),
        places=place_choices(municipality.id), **row_urls("walks.action"))
