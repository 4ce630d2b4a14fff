"""Pages for residents, no login: published follow-ups (only what both parties published)."""
from __future__ import annotations

from flask import abort, render_template

from tracker.followups.views import chart_markup, export_response
from tracker.models import FollowUpVersion
from tracker.public import bp
from tracker.services import followups as service
from tracker.services.followup_report import build_report


def _published(followup_id: int, number: int | None = None):
    """(follow-up, published version): the latest, or a given earlier one; else 404."""
    followup = service.load(followup_id)
    if followup is None:
        abort(404)
    published = service.published_versions(followup.id)
    if number is not None:
        published = [v for v in published if v.number == number]
    if not published:
        abort(404)  # a draft is never public
    return followup, published[0], service.published_versions(followup.id)


@bp.route("/uppfoljningar/<int:followup_id>")
def followup(followup_id: int):
    item, version, history = _published(followup_id)
    return _page(item, version, history)


@bp.route("/uppfoljningar/<int:followup_id>/version/<int:number>")
def followup_version(followup_id: int, number: int):
    item, version, history = _published(followup_id, number)
    return _page(item, version, history)


def _page(item, version: FollowUpVersion, history: list[FollowUpVersion]):
    report = build_report(item, version)
    return render_template("public/followup.html", followup=item, version=version,
                           report=report, chart=chart_markup(report), history=history,
                           is_latest=version.number == history[0].number)


@bp.route("/uppfoljningar/<int:followup_id>/uppfoljning.<fmt>")
def followup_export(followup_id: int, fmt: str):
    item, version, _history = _published(followup_id)
    return export_response(build_report(item, version), fmt)
