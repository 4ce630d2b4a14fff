"""The lists of activities: Mina uppgifter, the municipality's filtered list, reminders."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user, login_required
from markupsafe import Markup

from tracker import page_cache, policies
from tracker.activities import bp
from tracker.formatting import local_today
from tracker.services import action_points as action_point_service
from tracker.services import activity_read, reminders
from tracker.web import require, row_urls


@bp.route("/mina-uppgifter")
@login_required
def my_tasks():
    today = local_today()
    page = max(1, request.args.get("sida", 1, type=int))
    user_id = current_user.id

    def render() -> Markup:
        pagination, rows = activity_read.my_tasks(user_id, today, page)
        return page_cache.rendered(
            "activities/_my_tasks_body.html", rows=rows, pagination=pagination, today=today,
            action_points=action_point_service.open_for_owner(user_id),
            **row_urls("activities.detail", "activities.log", "walks.action"))

    body = page_cache.versions_part("my_tasks", activity_read.task_municipalities(user_id),
                                    (user_id, today, page), render)
    return render_template("activities/my_tasks.html", body=body)


@bp.route("/kommuner/<int:municipality_id>/aktiviteter")
@login_required
def list_for(municipality_id: int):
    municipality, options = activity_read.filter_options(municipality_id) or abort(404)
    require(policies.can_view(current_user, municipality.id))  # a name row, not the model
    today = local_today()

    def render() -> Markup:
        filters = activity_read.filters_from_args(request.args)
        page = max(1, request.args.get("sida", 1, type=int))
        pagination, rows = activity_read.activity_list(municipality.id, filters, page, 25, today)
        return page_cache.rendered(
            "activities/_list_body.html", municipality=municipality, rows=rows,
            pagination=pagination, filters=filters, options=options,
            args=request.args.to_dict(), **row_urls("activities.detail"))

    # The same for every viewer who may see it: kept by the query string and the day (overdue).
    query = tuple(sorted(request.args.items(multi=True)))
    body = page_cache.municipality_part("activity_list", municipality, (today, query), render)
    return render_template("activities/list.html", municipality=municipality, body=body)


@bp.route("/paminnelser")
@login_required
def reminders_list():
    """The same overdue and soon-due items the daily e-mail digest sends."""
    today = local_today()
    overdue, upcoming = reminders.split_due(reminders.due_items(current_user.id, today), today)
    return render_template("activities/reminders.html", today=today, overdue=overdue,
                           upcoming=upcoming)
