"""The municipality dashboard and the places of a municipality."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker import page_cache, policies
from tracker.dashboard import bp
from tracker.dashboard.forms import PlaceForm
from tracker.extensions import db
from tracker.formatting import local_today
from tracker.models import Municipality
from tracker.services import (
    DomainError,
    action_points,
    activity_read,
    dashboard,
    places,
)
from tracker.translation import gettext as _
from tracker.web import load_or_404, require, row_urls, show_refusal


@bp.context_processor
def _links():
    """Plain paths to the activities blueprint's pages (its endpoints are built separately)."""
    root = request.script_root
    return {
        "activity_path": lambda activity_id: f"{root}/aktiviteter/{activity_id}",
        "activities_path": lambda municipality_id: f"{root}/kommuner/{municipality_id}/aktiviteter",
        "place_kind_label": places.place_kind_label,
        **row_urls("activities.detail", "dashboard.place_detail"),
    }


def _viewable_municipality(municipality_id: int) -> Municipality:
    municipality = load_or_404(Municipality, municipality_id)
    require(policies.can_view(current_user, municipality))
    return municipality


@bp.route("/kommuner/<int:municipality_id>")
@login_required
def municipality(municipality_id: int):
    municipality = _viewable_municipality(municipality_id)
    today = local_today()
    body = page_cache.municipality_part(
        "dashboard", municipality, (today,), lambda: page_cache.rendered(
            "dashboard/_body.html", municipality_id=municipality.id,
            data=dashboard.municipality_dashboard(municipality.id, today)))
    return render_template("dashboard/municipality.html", municipality=municipality, body=body,
                           can_import=policies.can_edit(current_user, municipality),
                           can_see_tips=policies.can_see_tip_counts(current_user, municipality))


def _render_places(municipality: Municipality, form: PlaceForm | None):
    return render_template(
        "places/list.html",
        municipality=municipality,
        usages=places.places_with_counts(municipality.id),
        form=form,
    )


@bp.get("/kommuner/<int:municipality_id>/platser", endpoint="places_list")
@login_required
def places_list(municipality_id: int):
    municipality = _viewable_municipality(municipality_id)
    form = PlaceForm() if policies.can_edit(current_user, municipality) else None
    return _render_places(municipality, form)


@bp.post("/kommuner/<int:municipality_id>/platser", endpoint="place_create")
@login_required
def place_create(municipality_id: int):
    municipality = load_or_404(Municipality, municipality_id)
    require(policies.can_edit(current_user, municipality))
    form = PlaceForm()
    if form.validate_on_submit():
        try:
            place = places.create_place(
                current_user, municipality.id, form.name.data, form.kind.data,
                form.lat.data, form.lon.data,
            )
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Platsen ”%(name)s” har lagts till.", name=place.name), "success")
            return redirect(url_for("dashboard.places_list", municipality_id=municipality.id))
    return _render_places(municipality, form)


@bp.get("/platser/<int:place_id>", endpoint="place_detail")
@login_required
def place_detail(place_id: int):
    place = places.load_place(place_id)
    if place is None:
        abort(404)
    require(policies.can_view(current_user, place))
    today = local_today()
    return render_template(
        "places/detail.html",
        place=place,
        municipality=place.municipality,
        rows=activity_read.activities_at(place.id, today),
        entries=activity_read.log_entries_at(place.id),
        log_limit=activity_read.PLACE_LOG_LIMIT,
        action_points=action_points.for_place(place.id),
    )
