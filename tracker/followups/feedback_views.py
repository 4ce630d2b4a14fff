"""Coordinators read what residents said about a published follow-up: the distribution of
ratings, and the comments to approve (then shown publicly) or reject (deleted)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from tracker import policies
from tracker.extensions import db
from tracker.followups.views import _editable, bp
from tracker.forms import BaseForm
from tracker.models import FollowUpFeedback
from tracker.services import DomainError
from tracker.services import feedback as service
from tracker.translation import gettext as _
from tracker.web import require


@bp.get("/uppfoljningar/<int:followup_id>/omdomen")
@login_required
def feedback(followup_id: int):
    followup = _editable(followup_id)
    return render_template("followups/feedback.html", followup=followup,
                           distribution=service.distribution(followup.id),
                           pending=service.pending_comments(followup.id),
                           approved=service.approved_comments(followup.id), form=BaseForm())


def _review(followup_id: int, feedback_id: int, action, message: str):
    followup = _editable(followup_id)
    municipality_id = followup.promise.municipality_id
    require(policies.can_edit(current_user, municipality_id))
    item = db.session.get(FollowUpFeedback, feedback_id)
    if item is None or item.follow_up_id != followup.id:
        abort(404)
    if not BaseForm().validate_on_submit():
        abort(400)
    try:
        action(current_user, item, municipality_id)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("followups.feedback", followup_id=followup.id))


@bp.post("/uppfoljningar/<int:followup_id>/omdomen/<int:feedback_id>/godkann")
@login_required
def approve_feedback(followup_id: int, feedback_id: int):
    return _review(followup_id, feedback_id, service.approve,
                   _("Kommentaren är godkänd och visas under uppföljningen."))


@bp.post("/uppfoljningar/<int:followup_id>/omdomen/<int:feedback_id>/ta-bort")
@login_required
def reject_feedback(followup_id: int, feedback_id: int):
    return _review(followup_id, feedback_id, service.reject,
                   _("Kommentaren är borttagen. Betyget räknas fortfarande."))
