"""Import: upload → preview with row errors → confirm (one transaction) or cancel."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from tracker import once, policies
from tracker.extensions import db
from tracker.models import ActivityType, Indicator, Municipality, Promise, PromiseStatus
from tracker.services import DomainError, imports
from tracker.services.imports import storage
from tracker.spreadsheets import bp
from tracker.spreadsheets.forms import (
    ActivityUploadForm,
    ConfirmForm,
    ImportConfirmForm,
    UploadForm,
)
from tracker.translation import gettext as _
from tracker.translation import ngettext
from tracker.web import attach_error, load_or_404, require

KINDS = ("aktiviteter", "indikatorer")


def _coordinator_municipality(municipality_id: int) -> Municipality:
    municipality = load_or_404(Municipality, municipality_id)
    require(policies.can_edit(current_user, municipality))
    return municipality


def _forms(municipality: Municipality, promise_id: int | None = None):
    activity_form = ActivityUploadForm(prefix="aktiviteter")
    activity_form.promise_id.choices = [
        (p.id, f"{p.title} ({p.period_label})") for p in db.session.scalars(
            sa.select(Promise).where(Promise.municipality_id == municipality.id,
                                     Promise.status != PromiseStatus.CONCLUDED)
            .order_by(Promise.start_year.desc(), Promise.id.desc()))]
    if promise_id and request.method == "GET":
        activity_form.promise_id.data = promise_id
    return {"aktiviteter": activity_form, "indikatorer": UploadForm(prefix="indikatorer")}


def _render_upload(municipality: Municipality, forms: dict, status: int = 200):
    names = {  # what the type and indicator cells may name: (name, key)
        "aktiviteter": db.session.execute(
            sa.select(ActivityType.name_sv, ActivityType.key)
            .where(ActivityType.is_active.is_(True)).order_by(ActivityType.name_sv)).all(),
        "indikatorer": db.session.execute(
            sa.select(Indicator.name, Indicator.key).order_by(Indicator.name)).all(),
    }
    return render_template(
        "spreadsheets/upload.html", municipality=municipality, forms=forms, names=names,
        importers={kind: imports.importer_for(kind) for kind in KINDS},
        max_mb=current_app.config["IMPORT_MAX_BYTES"] / 1024 / 1024,
        max_rows=current_app.config["IMPORT_MAX_ROWS"]), status


def _directory() -> Path:
    return Path(current_app.config["IMPORT_DIR"])


def _max_age() -> int:
    return current_app.config["IMPORT_MAX_AGE_MINUTES"] * 60


@bp.get("/kommuner/<int:municipality_id>/import")
@login_required
def upload_page(municipality_id: int):
    municipality = _coordinator_municipality(municipality_id)
    return _render_upload(municipality, _forms(municipality, request.args.get("lofte", type=int)))


@bp.post("/kommuner/<int:municipality_id>/import/<kind>")
@login_required
def upload(municipality_id: int, kind: str):
    if kind not in KINDS:
        abort(404)
    municipality = _coordinator_municipality(municipality_id)
    forms = _forms(municipality)
    form = forms[kind]
    if not form.validate_on_submit():
        return _render_upload(municipality, forms, 400)
    limit = current_app.config["IMPORT_MAX_BYTES"]
    content = form.file.data.read(limit + 1)
    try:
        ext = imports.check_upload(form.file.data.filename or "", content, limit)
        table = imports.read_table(content, ext, current_app.config["IMPORT_MAX_ROWS"])
    except DomainError as error:
        attach_error(form, error)
        return _render_upload(municipality, forms, 400)
    storage.purge_expired(_directory(), _max_age())
    options = {"promise_id": form.promise_id.data} if kind == "aktiviteter" else {}
    # the rows read now are what the preview shows and the confirmation writes: the file itself
    # is not kept and not read again
    upload_id = storage.save(_directory(), user_id=current_user.id,
                             municipality_id=municipality.id, kind=kind,
                             filename=form.file.data.filename or "", ext=ext,
                             content=table.dumps(), options=options)
    return redirect(url_for("spreadsheets.preview", municipality_id=municipality.id, kind=kind,
                            upload_id=upload_id))


def _stored(municipality: Municipality, kind: str, upload_id: str) -> storage.StoredUpload:
    if kind not in KINDS:
        abort(404)
    stored = storage.load(_directory(), upload_id, user_id=current_user.id,
                          municipality_id=municipality.id, kind=kind, max_age_seconds=_max_age())
    if stored is None:
        abort(404)
    return stored


def _run(municipality: Municipality, stored: storage.StoredUpload, *, keep: bool):
    try:
        table = imports.Table.loads(stored.content)
    except (ValueError, KeyError, TypeError):  # stored by an older version: upload again
        abort(404)
    return imports.run_import(stored.kind, current_user, municipality, table, stored.options,
                              keep=keep)


def _render_preview(municipality, stored, result, form, status: int = 200):
    promise = (db.session.get(Promise, stored.options.get("promise_id") or 0)
               if stored.kind == "aktiviteter" else None)
    return render_template("spreadsheets/preview.html", municipality=municipality,
                           stored=stored, result=result, promise=promise,
                           importer=imports.importer_for(stored.kind), form=form), status


@bp.route("/kommuner/<int:municipality_id>/import/<kind>/<upload_id>", methods=["GET", "POST"])
@login_required
def preview(municipality_id: int, kind: str, upload_id: str):
    """GET checks every row and writes nothing; POST checks again and writes all or nothing.
    Both use the rows read at upload."""
    municipality = _coordinator_municipality(municipality_id)
    form = ImportConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        # before the stored file is looked for: the first confirm deleted it
        repeat = once.first_time(form, announce=False)
        if repeat is not None:
            flash(_("Filen är redan importerad."), "info")
            return repeat
    stored = _stored(municipality, kind, upload_id)
    if request.method == "GET":
        return _render_preview(municipality, stored, _run(municipality, stored, keep=False),
                               form)
    result = _run(municipality, stored, keep=True)
    if not result.ok:
        db.session.rollback()
        flash(_("Ingenting importerades: filen innehåller fel."), "error")
        return _render_preview(municipality, stored, result, form, 422)
    location = (url_for("promises.show", promise_id=stored.options["promise_id"])
                if kind == "aktiviteter"
                else url_for("dashboard.municipality", municipality_id=municipality.id))
    once.remember(form, location)
    db.session.commit()
    storage.delete(_directory(), stored.id)
    flash(ngettext("%(num)s rad är importerad.", "%(num)s rader är importerade.",
                   len(result.rows)), "success")
    return redirect(location)


@bp.post("/kommuner/<int:municipality_id>/import/<kind>/<upload_id>/avbryt")
@login_required
def cancel(municipality_id: int, kind: str, upload_id: str):
    municipality = _coordinator_municipality(municipality_id)
    stored = _stored(municipality, kind, upload_id)
    if ConfirmForm().validate_on_submit():
        storage.delete(_directory(), stored.id)
        flash(_("Importen är avbruten. Filen är borttagen."), "info")
    return redirect(url_for("spreadsheets.upload_page", municipality_id=municipality.id))


@bp.get("/import/mallar/<kind>.csv")
@login_required
def template(kind: str):
    importer = imports.importer_for(kind) or abort(404)
    return Response(imports.template_csv(importer), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="mall-{kind}.csv"'})
