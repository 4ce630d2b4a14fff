"""Administration: activity types (more sections follow: users, scheduler status)."""
from __future__ import annotations

from dataclasses import asdict

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from wtforms import FieldList, FormField

from tracker.admin import bp
from tracker.admin.forms import ActivityTypeForm
from tracker.extensions import db, login_manager
from tracker.models import ActivityType
from tracker.services import DomainError, FieldErrors
from tracker.services import activity_types as types
from tracker.translation import gettext as _
from tracker.web import load_or_404, require


@bp.before_request
def admins_only():
    """Every admin page: signed in (else to login) and an admin (else 403)."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    require(current_user.is_admin)
    return None


@bp.get("/admin")
@login_required
def index():
    return render_template("admin/index.html")


@bp.get("/admin/aktivitetstyper")
@login_required
def activity_types():
    return render_template("admin/activity_types.html", activity_types=types.all_types())


def _leaf_fields(fields):
    for f in fields:
        if isinstance(f, (FieldList, FormField)):
            yield from _leaf_fields(f)
        else:
            yield f


def _show_errors(form: ActivityTypeForm, error: DomainError) -> None:
    """Put a service's errors on the fields they name, also inside the measure rows."""
    by_name = {f.name: f for f in _leaf_fields(form)}
    messages = error.errors if isinstance(error, FieldErrors) else {error.field: error.message}
    for name, message in messages.items():
        f = by_name.get(name)
        if f is None:
            form.form_errors.append(message)
            continue
        f.errors = [*f.errors, message]


def _error_summary(form: ActivityTypeForm) -> list[tuple[str, str, str]]:
    """(field id, label, messages) for every field with errors, measure rows numbered."""
    summary = []
    for f in _leaf_fields(form):
        if not f.errors or f.type == "CSRFTokenField":
            continue
        label = str(f.label.text)
        if f.name.startswith("measures-"):
            row = int(f.name.split("-")[1]) + 1
            label = _("Mått %(n)s, %(label)s", n=row, label=label)
        summary.append((f.id, label, " ".join(str(e) for e in f.errors)))
    return summary


def _input(form: ActivityTypeForm) -> types.ActivityTypeInput:
    return types.ActivityTypeInput(
        key=form.key.data or "",
        name_sv=form.name_sv.data or "",
        name_en=form.name_en.data or "",
        noun_singular=form.noun_singular.data or "",
        noun_plural=form.noun_plural.data or "",
        description=form.description.data or "",
        is_active=bool(form.is_active.data),
        measures=[types.MeasureInput(**{name: row.data[name] or "" for name in
                                        ("key", "label", "label_en", "kind", "choices")},
                                     required=bool(row.data["required"]))
                  for row in form.measures],
    )


def _edit(form: ActivityTypeForm, activity_type: ActivityType | None):
    if form.validate_on_submit():
        try:
            saved = types.save_activity_type(current_user, _input(form), activity_type)
        except DomainError as error:
            _show_errors(form, error)
        else:
            db.session.commit()
            flash(_("Aktivitetstypen ”%(name)s” är sparad.", name=saved.name_sv), "success")
            return redirect(url_for("admin.activity_types"))
    elif not form.is_submitted():
        form.add_empty_rows()
    return render_template("admin/activity_type_form.html", form=form,
                           activity_type=activity_type, summary=_error_summary(form))


@bp.route("/admin/aktivitetstyper/ny", methods=["GET", "POST"])
@login_required
def activity_type_new():
    return _edit(ActivityTypeForm(), None)


@bp.route("/admin/aktivitetstyper/<int:type_id>/redigera", methods=["GET", "POST"])
@login_required
def activity_type_edit(type_id: int):
    activity_type = load_or_404(ActivityType, type_id)
    form = ActivityTypeForm(data=asdict(types.as_input(activity_type)))
    return _edit(form, activity_type)
