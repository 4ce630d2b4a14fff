"""Aviseringar: the signed-in user's notifications; opening one marks it read."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker.extensions import db
from tracker.forms import BaseForm
from tracker.notifications import bp
from tracker.services import notifications
from tracker.translation import gettext as _
from tracker.web import row_urls


@bp.get("/aviseringar")
@login_required
def index():
    page = max(1, request.args.get("sida", 1, type=int))
    pagination, rows = notifications.page_of(current_user.id, page)
    return render_template("notifications/index.html", rows=rows, pagination=pagination,
                           message=notifications.message, form=BaseForm(),
                           **row_urls("notifications.open_one"))


@bp.get("/aviseringar/<int:notification_id>")
@login_required
def open_one(notification_id: int):
    """Marks the notification read and goes on to what it is about; anyone else's is 404."""
    notification = notifications.open_for(current_user, notification_id) or abort(404)
    target = notifications.path_of(notification.target_type, notification.target_id,
                                   notification.anchor)
    db.session.commit()
    return redirect(target or url_for("notifications.index"))


@bp.post("/aviseringar/markera-lasta")
@login_required
def mark_all_read():
    if not BaseForm().validate_on_submit():
        abort(400)
    count = notifications.mark_all_read(current_user)
    db.session.commit()
    flash(_("Alla aviseringar är markerade som lästa.") if count
          else _("Du hade inga olästa aviseringar."), "success")
    return redirect(url_for("notifications.index"))
