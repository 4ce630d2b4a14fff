"""The "Kalenderprenumeration" page and the feeds calendar clients fetch without a session."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.utils import secure_filename

from tracker import audit, policies
from tracker.calendar_feeds import bp
from tracker.extensions import db
from tracker.forms import BaseForm
from tracker.models import Municipality
from tracker.services import calendar_feed
from tracker.translation import gettext as _
from tracker.urls import absolute_url
from tracker.web import load_or_404


class TokenForm(BaseForm):
    """An empty form: the CSRF token of the create, regenerate and switch-off buttons."""


@bp.route("/konto/kalender", methods=["GET", "POST"])
@login_required
def settings():
    form = TokenForm()
    secret = None
    if form.validate_on_submit():
        if request.form.get("action") == "stang":
            calendar_feed.revoke_calendar_token(current_user)
            db.session.commit()
            flash(_("Kalenderadresserna är avstängda. Prenumerationerna slutar uppdateras."),
                  "success")
            return redirect(url_for("calendar.settings"))
        had_token = current_user.calendar_token is not None
        secret = calendar_feed.new_calendar_token(current_user)
        db.session.commit()
        # Shown in this response only: the secret is not stored, so no later page can.
        flash(_("Nya kalenderadresser är skapade. De gamla fungerar inte längre.")
              if had_token else _("Dina kalenderadresser är skapade."), "success")
    municipalities = db.session.execute(
        sa.select(Municipality.id, Municipality.name)
        .where(Municipality.id.in_(policies.municipality_ids(current_user)))
        .order_by(Municipality.name)).all()
    return render_template("calendar/settings.html", form=form, municipalities=municipalities,
                           token=secret, has_token=current_user.calendar_token is not None
                           ), 201 if secret else 200


def _ics(body: bytes, filename: str):
    response = make_response(body)
    response.mimetype = "text/calendar"  # Werkzeug adds "; charset=utf-8" to a text/* type
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _uid_domain() -> str:
    return request.host.partition(":")[0] or "lofteskollen"


def _link(activity) -> str:
    return absolute_url("activities.detail", activity_id=activity.id)


@bp.get("/kalender/<token>/mina-aktiviteter.ics")
def my_feed(token: str):
    user = calendar_feed.user_by_calendar_token(token) or abort(404)
    body = calendar_feed.build_calendar(
        _("Mina aktiviteter – Löfteskollen"), calendar_feed.my_activities(user),
        uid_domain=_uid_domain(), link=_link)
    return _ics(body, "mina-aktiviteter.ics")


@bp.get("/kalender/<token>/kommuner/<int:municipality_id>.ics")
def municipality_feed(token: str, municipality_id: int):
    user = calendar_feed.user_by_calendar_token(token) or abort(404)
    municipality = load_or_404(Municipality, municipality_id)
    if not policies.can_view(user, municipality):
        audit.record_not_found_elsewhere("municipality", municipality.id)
        abort(404)  # a feed never tells a non-member which municipalities exist
    body = calendar_feed.build_calendar(
        _("Planerade aktiviteter i %(name)s", name=municipality.name),
        calendar_feed.municipality_activities(municipality.id),
        uid_domain=_uid_domain(), link=_link)
    return _ics(body, secure_filename(f"{municipality.slug}.ics") or "kommun.ics")
