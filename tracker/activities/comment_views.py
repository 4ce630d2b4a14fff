"""The conversation on an activity: write, correct (the author, policies.COMMENT_EDIT_WINDOW) and remove."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from tracker import audit, once, policies
from tracker.activities import bp
from tracker.activities.forms import CommentForm, NewCommentForm
from tracker.extensions import db
from tracker.forms import BaseForm
from tracker.models import Activity, ActivityComment
from tracker.models.base import utcnow
from tracker.services import DomainError, comments
from tracker.translation import gettext as _
from tracker.web import require, show_refusal


def _activity(activity_id: int) -> Activity:
    """The activity, or 404, also for one of a municipality the user may not see (recorded)."""
    activity = db.session.get(Activity, activity_id) or abort(404)
    if not policies.can_view(current_user, activity):
        audit.record_not_found_elsewhere("activity", activity.id)
        abort(404)
    return activity


def _comment(activity_id: int, comment_id: int) -> tuple[Activity, ActivityComment]:
    activity = _activity(activity_id)
    comment = db.session.get(ActivityComment, comment_id)
    if comment is None or comment.activity_id != activity.id:
        abort(404)
    return activity, comment


def _back(activity_id: int, comment_id: int | None = None) -> str:
    return url_for("activities.detail", activity_id=activity_id,
                   _anchor=comments.anchor(comment_id) if comment_id else "kommentarer")


@bp.route("/aktiviteter/<int:activity_id>/kommentarer", methods=["POST"])
@login_required
def add_comment(activity_id: int):
    activity = _activity(activity_id)
    require(policies.can_comment(current_user, activity))
    form = NewCommentForm()
    if form.validate_on_submit():
        if (earlier := once.first_time(form)) is not None:
            return earlier
        try:
            comment = comments.add_comment(current_user, activity, form.text.data)
        except DomainError as error:
            db.session.rollback()  # the one-time key's claim too: the form can be sent again
            show_refusal(form, error)
        else:
            target = _back(activity_id, comment.id)
            once.remember(form, target, "activity_comment", comment.id)
            db.session.commit()
            flash(_("Kommentaren är publicerad."), "success")
            return redirect(target)
    return render_template("activities/comment_form.html", form=form, activity=activity,
                           comment=None), 422


@bp.route("/aktiviteter/<int:activity_id>/kommentarer/<int:comment_id>/andra",
          methods=["GET", "POST"])
@login_required
def edit_comment(activity_id: int, comment_id: int):
    activity, comment = _comment(activity_id, comment_id)
    require(policies.owns_comment(current_user, activity, comment))
    if not policies.can_change_comment(current_user, activity, comment, utcnow()):
        flash(_("En kommentar kan bara ändras inom %(minutes)d minuter efter att den skrevs.",
                minutes=policies.COMMENT_EDIT_MINUTES), "error")
        return redirect(_back(activity_id, comment_id))
    form = CommentForm(data={"text": comment.text})
    if form.validate_on_submit():
        try:
            comments.edit_comment(current_user, activity, comment, form.text.data)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Kommentaren är ändrad."), "success")
            return redirect(_back(activity_id, comment_id))
        return render_template("activities/comment_form.html", form=form,
                               activity=db.session.get(Activity, activity_id),
                               comment=comment), 422
    return render_template("activities/comment_form.html", form=form, activity=activity,
                           comment=comment)


@bp.route("/aktiviteter/<int:activity_id>/kommentarer/<int:comment_id>/ta-bort",
          methods=["POST"])
@login_required
def remove_comment(activity_id: int, comment_id: int):
    activity, comment = _comment(activity_id, comment_id)
    require(policies.owns_or_moderates_comment(current_user, activity, comment))
    if not BaseForm().validate_on_submit():
        abort(400)
    try:
        comments.remove_comment(current_user, activity, comment)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(_back(activity_id, comment_id))
    db.session.commit()
    flash(_("Kommentaren är borttagen."), "success")
    return redirect(_back(activity_id))
