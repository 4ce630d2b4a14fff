"""The walk protocol: route and participants, findings with their actions, publication, PDF."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker import once, policies
from tracker.extensions import db
from tracker.models import (
    Activity,
    Attachment,
    AttachmentKind,
    Finding,
    FindingCategory,
    LogEntry,
    ResponsibleParty,
    WalkProtocol,
)
from tracker.services import DomainError, uploads, walks
from tracker.services import action_points as actions
from tracker.services import public as public_service
from tracker.services.activities import responsible_choices
from tracker.services.limits import row_id
from tracker.services.places import place_choices
from tracker.translation import gettext as _
from tracker.walks import bp, protocol_pdf
from tracker.walks.access import entry_or_404, scoped
from tracker.walks.attachment_views import read_upload, send_stored
from tracker.walks.forms import (
    FindingForm,
    NewFindingForm,
    ProtocolForm,
    PublishForm,
    RemoveFindingForm,
    UploadForm,
)
from tracker.web import require, show_refusal


def _protocol_page(activity: Activity, entry: LogEntry, protocol: WalkProtocol | None,
                   form: ProtocolForm):
    rows = walks.findings_of(protocol.id) if protocol else []
    return render_template(
        "walks/protocol.html", activity=activity, entry=entry, protocol=protocol, form=form,
        rows=rows, upload_form=UploadForm(), publish_form=PublishForm(),
        can_log=policies.can_log_on(current_user, activity),
        can_publish=policies.can_publish_protocol(current_user, activity),
        can_remove=policies.can_edit(current_user, activity))


@bp.route("/genomforanden/<int:entry_id>/protokoll", methods=["GET", "POST"])
@login_required
def protocol(entry_id: int):
    activity, entry = entry_or_404(entry_id)
    protocol = walks.protocol_of(entry.id)
    form = ProtocolForm()
    form.route_place_ids.choices = place_choices(activity.municipality_id)
    if request.method == "GET" and protocol is not None:
        form.route_place_ids.data = [p.id for p in protocol.route]
        for row, saved in zip(form.participants, protocol.participants):
            row.organisation.data, row.count.data = saved["organisation"], saved["count"]
        form.summary.data = protocol.summary
    elif request.method == "GET" and entry.place_id:
        form.route_place_ids.data = [entry.place_id]
    if request.method == "POST":
        require(policies.can_log_on(current_user, activity))
        if form.validate_on_submit():
            data = walks.ProtocolInput(
                route_place_ids=form.route_place_ids.data or [],
                participants=[(r.organisation.data, r.count.data) for r in form.participants],
                summary=form.summary.data or "")
            try:
                protocol = walks.ensure_protocol(current_user, activity, entry)
                walks.save_protocol(current_user, activity, protocol, data)
                db.session.commit()
            except DomainError as error:
                db.session.rollback()
                show_refusal(form, error)
                activity, entry = entry_or_404(entry_id)
                protocol = walks.protocol_of(entry.id)
            else:
                flash(_("Protokollet är sparat."), "success")
                return redirect(url_for("walks.protocol", entry_id=entry_id))
    return _protocol_page(activity, entry, protocol, form)


def _fill_finding_choices(form: FindingForm, municipality_id: int) -> None:
    form.place_id.choices = [("", _("– ingen –"))] + [
        (str(i), n) for i, n in place_choices(municipality_id)]
    form.action_owner_id.choices = [("", _("– ingen –"))] + [
        (str(i), n) for i, n in responsible_choices(municipality_id)]


def _finding_input(form: FindingForm) -> walks.FindingInput:
    def enum_of(kind, value):
        try:
            return kind(value) if value else None
        except ValueError:
            return None

    party = enum_of(ResponsibleParty, form.action_party.data)
    action = None
    if party is not None or (form.action_text.data or "").strip():
        action = actions.ActionInput(
            text=form.action_text.data or "", party=party,
            party_name=form.action_party_name.data or "", owner_id=form.action_owner_id.data,
            due_date=form.action_due_date.data)
    return walks.FindingInput(place_id=form.place_id.data,
                              category=enum_of(FindingCategory, form.category.data),
                              description=form.description.data or "", action=action)


def _save_finding(form: FindingForm, write) -> bool:
    """Runs `write()` (the finding and its protocol), stores the uploaded photo with the finding
    and commits; a refusal rolls everything back and is shown at its field (the file's at the
    photo). True when it was saved."""
    try:
        finding, protocol = write()
        upload = read_upload("photo")
        if upload is not None:
            uploads.store(current_user, uploads.Owner(
                protocol.municipality_id, protocol.activity_id,
                log_entry_id=protocol.log_entry_id, finding_id=finding.id), *upload)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        if error.field == "file":
            error.field = "photo"
        show_refusal(form, error)
        return False
    return True


@bp.route("/genomforanden/<int:entry_id>/iakttagelser/ny", methods=["GET", "POST"])
@login_required
def new_finding(entry_id: int):
    activity, entry = entry_or_404(entry_id)
    require(policies.can_log_on(current_user, activity))
    form = NewFindingForm()
    _fill_finding_choices(form, activity.municipality_id)
    if request.method == "GET" and entry.place_id:
        form.place_id.data = entry.place_id
    if form.validate_on_submit():
        if (earlier := once.first_time(form)) is not None:
            return earlier  # sent twice from the phone: saved once

        def write():
            protocol = walks.ensure_protocol(current_user, activity, entry)
            finding = walks.add_finding(current_user, activity, protocol, _finding_input(form))
            once.remember(form, url_for("walks.protocol", entry_id=entry_id), "finding",
                          finding.id)
            return finding, protocol

        if _save_finding(form, write):
            flash(_("Iakttagelsen är sparad."), "success")
            if request.form.get("another"):
                return redirect(url_for("walks.new_finding", entry_id=entry_id))
            return redirect(url_for("walks.protocol", entry_id=entry_id))
        activity, entry = entry_or_404(entry_id)
    return render_template("walks/finding_form.html", form=form, activity=activity, entry=entry,
                           finding=None)


def _finding_context(finding_id: int):
    finding = scoped(Finding, finding_id)
    protocol = db.session.get_one(WalkProtocol, finding.protocol_id)
    activity, entry = entry_or_404(protocol.log_entry_id)
    return finding, protocol, activity, entry


@bp.route("/iakttagelser/<int:finding_id>/andra", methods=["GET", "POST"])
@login_required
def edit_finding(finding_id: int):
    finding, protocol, activity, entry = _finding_context(finding_id)
    require(policies.can_log_on(current_user, activity))
    form = FindingForm()
    _fill_finding_choices(form, activity.municipality_id)
    if request.method == "GET":
        form.place_id.data, form.category.data = finding.place_id, finding.category.value
        form.description.data = finding.description
        action = walks.action_of(finding.id)
        if action is not None:
            form.action_text.data, form.action_party.data = action.text, action.party.value
            form.action_party_name.data, form.action_owner_id.data = (action.party_name,
                                                                       action.owner_id)
            form.action_due_date.data = action.due_date
    if form.validate_on_submit():
        def write():
            walks.update_finding(current_user, activity, finding, _finding_input(form))
            return finding, protocol

        if _save_finding(form, write):
            flash(_("Iakttagelsen är ändrad."), "success")
            return redirect(url_for("walks.protocol", entry_id=entry.id))
        finding, protocol, activity, entry = _finding_context(finding_id)
    return render_template("walks/finding_form.html", form=form, activity=activity, entry=entry,
                           finding=finding)


@bp.route("/iakttagelser/<int:finding_id>/ta-bort", methods=["GET", "POST"])
@login_required
def remove_finding(finding_id: int):
    """A page that says what goes with the finding (its action point, photos) and asks to
    confirm: one tap at the walk must not remove them."""
    form = RemoveFindingForm()
    if (request.method == "POST" and db.session.get(Finding, finding_id) is None
            and form.validate_on_submit() and (entry_id := row_id(form.entry_id.data))):
        # removed already (this form sent twice, or by someone else): back to its protocol
        activity, entry = entry_or_404(entry_id)
        require(policies.can_log_on(current_user, activity))
        flash(_("Iakttagelsen är redan borttagen."), "info")
        return redirect(url_for("walks.protocol", entry_id=entry.id))
    finding, protocol, activity, entry = _finding_context(finding_id)
    require(policies.can_log_on(current_user, activity))
    if form.validate_on_submit():
        walks.remove_finding(current_user, activity, finding)
        db.session.commit()
        flash(_("Iakttagelsen är borttagen."), "success")
        return redirect(url_for("walks.protocol", entry_id=entry.id))
    form.entry_id.data = entry.id
    return render_template("walks/finding_remove.html", form=form, activity=activity,
                           entry=entry, protocol=protocol, finding=finding,
                           removal=walks.removal_of(finding))


@bp.route("/genomforanden/<int:entry_id>/protokoll/publicering", methods=["POST"])
@login_required
def publish(entry_id: int):
    activity, entry = entry_or_404(entry_id)
    require(policies.can_publish_protocol(current_user, activity))
    protocol = walks.protocol_of(entry.id)
    if protocol is None:
        flash(_("Spara protokollet innan det publiceras."), "error")
        return redirect(url_for("walks.protocol", entry_id=entry_id))
    published = request.form.get("published") == "1"
    try:
        walks.set_published(current_user, protocol, published)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(_("Protokollet är publicerat.") if published
              else _("Protokollet är inte längre publicerat."), "success")
    return redirect(url_for("walks.protocol", entry_id=entry_id))


@bp.route("/genomforanden/<int:entry_id>/protokoll.pdf")
@login_required
def protocol_pdf_view(entry_id: int):
    activity, entry = entry_or_404(entry_id)
    protocol = walks.protocol_of(entry.id)
    if protocol is None:
        abort(404)
    return protocol_pdf.response(activity, entry, protocol, public=False)


# --- the public protocol ------------------------------------------------------------------

def _published(slug: str, protocol_id: int):
    municipality = public_service.municipality_by_slug(slug) or abort(404)
    protocol = db.session.get(WalkProtocol, protocol_id)
    if protocol is None or protocol.published_at is None or (
            protocol.municipality_id != municipality.id):
        abort(404)
    entry = db.session.get(LogEntry, protocol.log_entry_id)
    activity = db.session.get(Activity, protocol.activity_id)
    return municipality, protocol, entry, activity


@bp.route("/offentlig/<slug>/trygghetsvandringar/<int:protocol_id>")
def public_protocol(slug: str, protocol_id: int):
    municipality, protocol, entry, activity = _published(slug, protocol_id)
    protocol = walks.protocol_of(entry.id) or abort(404)
    return render_template("walks/public_protocol.html", municipality=municipality,
                           protocol=protocol, entry=entry, activity=activity,
                           rows=walks.findings_of(protocol.id))


@bp.route("/offentlig/<slug>/trygghetsvandringar/<int:protocol_id>/protokoll.pdf")
def public_protocol_pdf(slug: str, protocol_id: int):
    _municipality, protocol, entry, activity = _published(slug, protocol_id)
    return protocol_pdf.response(activity, entry, walks.protocol_of(entry.id) or abort(404),
                                 public=True)


@bp.route("/offentlig/<slug>/trygghetsvandringar/<int:protocol_id>/bilder/<int:attachment_id>")
def public_photo(slug: str, protocol_id: int, attachment_id: int):
    """A finding's photo, only as part of its published protocol."""
    _municipality, protocol, _entry, _activity = _published(slug, protocol_id)
    item = db.session.get(Attachment, attachment_id)
    if item is None or item.kind != AttachmentKind.IMAGE or item.finding_id is None:
        abort(404)
    finding = db.session.get(Finding, item.finding_id)
    if finding is None or finding.protocol_id != protocol.id:
        abort(404)
    thumb = request.args.get("storlek") == "liten"
    return send_stored(item, item.thumb_name if thumb and item.thumb_name else item.stored_name)
