"""Uploading, showing and removing attached photos and PDFs. Files are served only here, after
the same permission check as the row they belong to; never from a static path."""
from __future__ import annotations

import io

from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_login import current_user, login_required

from tracker import policies
from tracker.extensions import db
from tracker.models import ActionPoint, Activity, Attachment, AttachmentKind, Finding, WalkProtocol
from tracker.services import DomainError, uploads
from tracker.translation import gettext as _
from tracker.walks import bp
from tracker.walks.access import activity_or_404, entry_or_404, scoped
from tracker.web import require, safe_local_url

FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def read_upload(field: str = "file") -> tuple[str, bytes] | None:
    """(name, bytes) of the request's file, read no further than one byte past the limit."""
    storage = request.files.get(field)
    if storage is None or not storage.filename:
        return None
    return storage.filename, storage.stream.read(current_app.config["UPLOAD_MAX_BYTES"] + 1)


def store_upload(owner: uploads.Owner, upload: tuple[str, bytes] | None) -> bool:
    """Store and commit; a refusal is flashed and nothing is kept. True when stored."""
    if upload is None:
        flash(_("Välj en fil att ladda upp."), "error")
        return False
    try:
        uploads.store(current_user, owner, *upload)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return False
    flash(_("Filen är uppladdad."), "success")
    return True


def _back(default: str) -> str:
    return safe_local_url(request.form.get("next"), default)


@bp.route("/aktiviteter/<int:activity_id>/bilagor", methods=["POST"])
@login_required
def upload_to_activity(activity_id: int):
    activity = activity_or_404(activity_id)
    require(policies.can_log_on(current_user, activity))
    store_upload(uploads.Owner(activity.municipality_id, activity.id), read_upload())
    return redirect(_back(url_for("activities.detail", activity_id=activity.id)))


@bp.route("/genomforanden/<int:entry_id>/bilagor", methods=["POST"])
@login_required
def upload_to_entry(entry_id: int):
    activity, entry = entry_or_404(entry_id)
    require(policies.can_log_on(current_user, activity))
    store_upload(uploads.Owner(activity.municipality_id, activity.id, log_entry_id=entry.id),
                 read_upload())
    return redirect(_back(url_for("activities.detail", activity_id=activity.id)))


@bp.route("/iakttagelser/<int:finding_id>/bilagor", methods=["POST"])
@login_required
def upload_to_finding(finding_id: int):
    finding = scoped(Finding, finding_id)
    protocol = db.session.get_one(WalkProtocol, finding.protocol_id)
    activity = db.session.get_one(Activity, protocol.activity_id)
    require(policies.can_log_on(current_user, activity))
    store_upload(uploads.Owner(activity.municipality_id, activity.id,
                               log_entry_id=protocol.log_entry_id, finding_id=finding.id),
                 read_upload())
    return redirect(_back(url_for("walks.protocol", entry_id=protocol.log_entry_id)))


@bp.route("/atgardspunkter/<int:action_id>/bilagor", methods=["POST"])
@login_required
def upload_to_action(action_id: int):
    action = scoped(ActionPoint, action_id)
    activity = db.session.get(Activity, action.activity_id)
    require(policies.can_work_on_action(current_user, action, activity))
    store_upload(action_owner(action), read_upload())
    return redirect(_back(url_for("walks.action", action_id=action.id)))


def action_owner(action: ActionPoint) -> uploads.Owner:
    return uploads.Owner(action.municipality_id, action.activity_id,
                         log_entry_id=action.log_entry_id, action_point_id=action.id)


def send_stored(attachment: Attachment, name: str | None):
    if name is None:
        abort(404)
    path = uploads.path_of(name)
    if not path.is_file():
        abort(404)
    # At most UPLOAD_MAX_BYTES: read whole, so no file handle outlives the request.
    response = send_file(io.BytesIO(path.read_bytes()), mimetype=attachment.content_type,
                         max_age=0,
                         download_name=attachment.file_name,
                         as_attachment=attachment.kind == AttachmentKind.PDF)
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Content-Security-Policy"] = FILE_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/bilagor/<int:attachment_id>")
@login_required
def attachment(attachment_id: int):
    item = scoped(Attachment, attachment_id)
    return send_stored(item, item.stored_name)


@bp.route("/bilagor/<int:attachment_id>/miniatyr")
@login_required
def thumbnail(attachment_id: int):
    item = scoped(Attachment, attachment_id)
    return send_stored(item, item.thumb_name or item.stored_name)


def owner_page(item: Attachment) -> str:
    if item.action_point_id:
        return url_for("walks.action", action_id=item.action_point_id)
    if item.finding_id:
        return url_for("walks.protocol", entry_id=item.log_entry_id)
    return url_for("activities.detail", activity_id=item.activity_id)


@bp.route("/bilagor/<int:attachment_id>/ta-bort", methods=["POST"])
@login_required
def remove_attachment(attachment_id: int):
    item = scoped(Attachment, attachment_id)
    require(policies.can_remove_attachment(current_user, item))
    back = _back(owner_page(item))
    uploads.remove(current_user, item)
    db.session.commit()
    flash(_("Filen är borttagen."), "success")
    return redirect(back)
