"""Activities: plan, edit, status, log an occasion, my tasks, the filtered list."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from tracker import once, page_cache, policies
from tracker.activities import bp, log_fields
from tracker.activities.forms import (
    ActivityForm,
    NewActivityForm,
    NewCommentForm,
    StatusForm,
    log_form,
)
from tracker.extensions import db
from tracker.formatting import date_local, local_today
from tracker.localized import english_page, pick
from tracker.models import (
    Activity,
    ActivityStatus,
    ActivityType,
    Commitment,
    LogEntry,
    Promise,
    User,
)
from tracker.services import (
    DomainError,
    activity_history,
    activity_read,
    comments,
    logbook,
    notifications,
    places,
    reminders,
    walks,
)
from tracker.services import action_points as action_point_service
from tracker.services import activities as activity_service
from tracker.services import tips as tip_service
from tracker.translation import gettext as _
from tracker.web import (
    Conflict,
    chosen_label,
    conflict_page,
    load_or_404,
    require,
    save_or_conflict,
    show_refusal,
    viewer,
)


def _fill_choices(form: ActivityForm, municipality_id: int, commitments: list[Commitment],
                  activity: Activity | None = None) -> None:
    """The form's lists; an activity's own owner and assignees stay offered even if they
    may no longer be chosen, so that a save that does not touch them keeps them."""
    form.commitment_id.choices = [(c.id, c.text[:120]) for c in commitments]
    english = english_page()
    form.type_id.choices = sorted(
        ((i, pick(sv, en, english)) for i, sv, en in db.session.execute(
            sa.select(ActivityType.id, ActivityType.name_sv, ActivityType.name_en)
            .where(ActivityType.is_active.is_(True)))), key=lambda choice: choice[1])
    named = [activity.owner_id, *(u.id for u in activity.assignees)] if activity else []
    members = activity_service.responsible_choices(municipality_id, keep=named)
    form.owner_id.choices = [("", _("– ingen –"))] + [(str(i), n) for i, n in members]
    form.assignee_ids.choices = members
    form.place_ids.choices = places.place_choices(municipality_id)


def _commitments_of(promise_id: int) -> list[Commitment]:
    return list(db.session.scalars(
        sa.select(Commitment).where(Commitment.promise_id == promise_id).order_by(Commitment.position)))


def _input_from(form: ActivityForm) -> activity_service.ActivityInput:
    return activity_service.ActivityInput(
        commitment_id=form.commitment_id.data, type_id=form.type_id.data,
        title=form.title.data or "", description=form.description.data or "",
        owner_id=form.owner_id.data, assignee_ids=form.assignee_ids.data or [],
        place_ids=form.place_ids.data or [], start_date=form.start_date.data,
        due_date=form.due_date.data, target_count=form.target_count.data,
        recurrence=form.recurrence(),
        show_public=form.show_public.data if "show_public" in form else None,
    )


T = TypeVar("T")


@bp.route("/ataganden/<int:commitment_id>/aktiviteter/ny", methods=["GET", "POST"])
@login_required
def create(commitment_id: int):
    commitment = load_or_404(Commitment, commitment_id)
    promise = db.session.get_one(Promise, commitment.promise_id)
    if policies.is_concluded(promise) and policies.can_view(current_user, promise):
        flash(activity_service.concluded_message(), "error")
        return redirect(url_for("promises.show", promise_id=promise.id))
    require(policies.can_create_activity(current_user, commitment))
    form = NewActivityForm()
    if not policies.can_edit(current_user, promise):
        del form.show_public  # "visa för invånare" is the coordinators' choice
    _fill_choices(form, promise.municipality_id, _commitments_of(promise.id))
    if request.method == "GET":
        form.commitment_id.data = commitment.id
        form.owner_id.data = current_user.id
    if form.validate_on_submit():
        if (earlier := once.first_time(form)) is not None:
            return earlier
        try:
            activity = activity_service.save_activity(current_user, _input_from(form))
        except DomainError as error:
            db.session.rollback()  # the one-time key's claim too: the form can be sent again
            show_refusal(form, error)
        else:
            recipients = activity_service.newly_assigned(activity, set(), current_user)
            notifications.assigned(current_user, activity, recipients)
            target = url_for("activities.detail", activity_id=activity.id)
            once.remember(form, target, "activity", activity.id)
            db.session.commit()
            reminders.send_assignment_notice(current_app.config, activity, recipients)
            flash(_("Aktiviteten är sparad."), "success")
            return redirect(target)
    return render_template("activities/form.html", form=form, commitment=commitment,
                           promise=promise, activity=None)


@bp.route("/aktiviteter/<int:activity_id>/redigera", methods=["GET", "POST"])
@login_required
def edit(activity_id: int):
    activity = activity_read.load_activity(activity_id) or abort(404)
    require(policies.can_edit(current_user, activity))
    commitment = activity.commitment
    form = ActivityForm(obj=activity if request.method == "GET" else None)
    _fill_choices(form, activity.municipality_id, _commitments_of(commitment.promise_id),
                  activity)
    if request.method == "GET":
        form.assignee_ids.data = [u.id for u in activity.assignees]
        form.place_ids.data = [p.id for p in activity.places]
        form.open_at(activity)
        form.fill_recurrence(activity.recurrence)
    before = {u.id for u in activity.assignees}
    if form.validate_on_submit():
        def save() -> list[User]:
            activity_service.save_activity(current_user, _input_from(form), activity,
                                           expected_version=form.expected_version)
            recipients = activity_service.newly_assigned(activity, before, current_user)
            notifications.assigned(current_user, activity, recipients)
            return recipients

        try:
            recipients, conflict = save_or_conflict(
                save, lambda: _activity_conflict(
                    form, activity_read.load_activity(activity_id) or abort(404)))
        except DomainError as error:
            show_refusal(form, error)
        else:
            if conflict:
                return conflict
            reminders.send_assignment_notice(current_app.config, activity, recipients or [])
            flash(_("Ändringarna är sparade."), "success")
            return redirect(url_for("activities.detail", activity_id=activity.id))
    return render_template("activities/form.html", form=form, commitment=commitment,
                           promise=None, activity=activity)


def _dates(value) -> str | None:
    return date_local(value) if value else None


def _activity_conflict(form: ActivityForm, current: Activity):
    return conflict_page(form, current, Conflict(
        heading=_("Aktiviteten har ändrats av någon annan"), what=_("aktiviteten"),
        rows=[(form.title.label.text, current.title, form.title.data),
              (form.description.label.text, current.description, form.description.data, True),
              (form.owner_id.label.text, current.owner.name if current.owner else None,
               chosen_label(form.owner_id)),
              (form.start_date.label.text, _dates(current.start_date),
               _dates(form.start_date.data)),
              (form.due_date.label.text, _dates(current.due_date), _dates(form.due_date.data)),
              (form.target_count.label.text, current.target_count, form.target_count.data)],
        fields="activities/_activity_fields.html",
        back_url=url_for("activities.detail", activity_id=current.id),
        back_label=_("Tillbaka till aktiviteten")))


@bp.route("/aktiviteter/<int:activity_id>")
@login_required
def detail(activity_id: int):
    """The activity's page. Its parts and the facts the policies ask are kept by the
    municipality's data version (one narrow statement); the activity itself is loaded only
    when a part has to be rendered."""
    today = local_today()
    municipality = activity_read.version_of(activity_id) or abort(404)
    user = viewer()
    loaded: list[tuple[Activity, activity_read.ActivityRow]] = []

    def load() -> tuple[Activity, activity_read.ActivityRow]:
        if not loaded:  # removed since the version was read: as if it never was
            loaded.append(activity_read.load_for_page(activity_id, today) or abort(404))
        return loaded[0]

    def part(name: str, key: tuple, render: Callable[[], T]) -> T:
        return page_cache.municipality_part(name, municipality, (activity_id, *key), render)

    facts = part("activity_facts", (), lambda: activity_read.ActivityFacts.of(load()[0]))
    require(policies.can_view(user, facts))
    status_form = StatusForm(version=facts.version_id, status=facts.status.value)
    status_form.status.choices = [(s.value, str(label)) for s, label in _status_labels()]
    is_walk = facts.type_key == walks.WALK_TYPE_KEY
    scope = policies.correction_scope(user, facts)
    own = user.id if scope == "own" else None

    def timeline() -> Markup:
        entries = activity_read.timeline(activity_id, load()[0].type.measures)
        return page_cache.rendered(
            "activities/_timeline.html", activity_id=activity_id, entries=entries,
            is_walk=is_walk, correctable=policies.correctable_entries(user, facts, entries))

    def summary() -> Markup:
        activity, row = load()
        return page_cache.rendered(
            "activities/_summary.html", activity=activity, row=row, can_edit=can_edit,
            can_log=can_log, expected=activity_service.expected_occasions(activity))

    # Files and comments are the same for every reader; what this reader may do with each
    # (remove, change within policies.COMMENT_EDIT_WINDOW) is decided now.
    attachments, comment_rows = part("activity_files_and_comments", (), lambda: (
        activity_read.attachments_of(activity_id), comments.comment_rows(activity_id)))
    can_read_tips = policies.can_read_tips(user, facts)
    can_edit, can_log = policies.can_edit(user, facts), policies.can_log_on(user, facts)
    return render_template(
        "activities/detail.html", activity=facts,
        summary=part("activity_summary", (today, can_edit, can_log), summary),
        timeline=part("activity_timeline", (is_walk, scope, own), timeline),
        history=part("activity_history", (today,), lambda: page_cache.rendered(
            "activities/_history.html", history=activity_history.history(activity_id))),
        status_form=status_form, can_edit=can_edit, can_log=can_log,
        conversation=comments.for_reader(user, facts, comment_rows),
        comment_form=NewCommentForm() if policies.can_comment(user, facts) else None,
        is_walk=is_walk, attachments=attachments,
        removable={a.id for a in attachments if policies.can_remove_attachment(user, a)},
        action_list=part("activity_actions", (is_walk,), lambda: page_cache.rendered(
            "activities/_action_list.html", is_walk=is_walk,
            action_points=action_point_service.for_activity(activity_id))),
        tips_part=(part("activity_tips", (), lambda: page_cache.rendered(
            "activities/_tips.html", tips=tip_service.tips_of_activity(activity_id)))
            if can_read_tips else ""),
    )


def _status_labels():
    from tracker.labels import ACTIVITY_STATUS

    return ACTIVITY_STATUS.items()


@bp.route("/aktiviteter/<int:activity_id>/status", methods=["POST"])
@login_required
def change_status(activity_id: int):
    activity = activity_read.load_activity(activity_id) or abort(404)
    require(policies.can_set_status(current_user, activity))
    form = StatusForm()
    form.status.choices = [(s.value, str(label)) for s, label in _status_labels()]
    if form.validate_on_submit():
        try:
            _saved, conflict = save_or_conflict(
                lambda: activity_service.set_status(
                    current_user, activity, ActivityStatus(form.status.data), form.reason.data,
                    expected_version=form.expected_version),
                lambda: _status_conflict(form, activity_id))
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
            return _status_page(form, activity_id)
        if conflict:
            return conflict
        flash(_("Statusen är ändrad."), "success")
        return redirect(url_for("activities.detail", activity_id=activity_id))
    return _status_page(form, activity_id)


def _status_page(form: StatusForm, activity_id: int):
    """A refused status change: the form again with what was chosen and written, and why (422)."""
    activity = activity_read.load_activity(activity_id) or abort(404)
    return render_template("activities/status.html", form=form, activity=activity), 422


def _status_conflict(form: StatusForm, activity_id: int):
    from tracker.labels import ACTIVITY_STATUS

    current = activity_read.load_activity(activity_id) or abort(404)  # removed meanwhile
    return conflict_page(form, current, Conflict(
        heading=_("Statusen är inte ändrad: aktiviteten har ändrats av någon annan"),
        subtitle=current.title, what=_("aktiviteten"),
        rows=[(_("Status"), ACTIVITY_STATUS[current.status], chosen_label(form.status)),
              (form.reason.label.text, current.status_reason, form.reason.data, True)],
        fields="activities/_status_fields.html", mine_heading=_("Din ändring"),
        submit=_("Spara min status"),
        action=url_for("activities.change_status", activity_id=current.id),
        back_url=url_for("activities.detail", activity_id=current.id),
        back_label=_("Tillbaka till aktiviteten")))


@bp.route("/aktiviteter/<int:activity_id>/logga", methods=["GET", "POST"])
@login_required
def log(activity_id: int):
    activity, places_version = activity_read.load_for_logging(
        activity_id, with_places=request.method == "GET") or abort(404)
    user = viewer()
    require(policies.can_log_on(user, activity))
    place_choices = places.place_choices(activity.municipality_id, places_version)
    specs = list(activity.type.measures)  # kept: a rollback below expires the activity
    form = log_form(specs, place_choices)
    if request.method == "GET":
        _prefill(form, activity)
    if form.validate_on_submit():
        if (earlier := once.first_time(form)) is not None:
            return earlier
        try:
            place_ids = {i for i, _n in place_choices}
            data = log_fields.input_from(form, specs, lambda d: logbook.check_input(
                activity, d, today=local_today(), place_ids=place_ids))
            entry = logbook.log_occasion(user, activity, data, today=local_today(),
                                         place_ids=place_ids)
            entry_id = entry.id  # read before the commit expires it
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
            activity = activity_read.load_activity(activity_id) or abort(404)
        else:
            target = url_for("activities.logged", activity_id=activity_id, entry_id=entry_id)
            walk = walks.is_walk(activity.type)
            if walk:  # on to the protocol: route, findings, actions
                target = url_for("walks.protocol", entry_id=entry_id)
            once.remember(form, target, "log_entry", entry_id)
            db.session.commit()
            if walk:  # the "logged" page says so in its heading; the protocol does not
                flash(_("Genomförandet är loggat."), "success")
            return redirect(target)
    needs_confirm = bool(form.confirm_outside_period.errors) or form.confirm_outside_period.data
    return render_template("activities/log.html", form=form, activity=activity,
                           measure_fields=[f"m_{s['key']}" for s in specs],
                           has_place_measure=any(s["kind"] == "place" for s in specs),
                           one_duration=log_fields.hours_measure(specs) is not None,
                           needs_confirm=needs_confirm), 422 if request.method == "POST" else 200


def _prefill(form, activity: Activity) -> None:
    """Today's date and the activity's place; with ?igen=<entry>, that entry's values."""
    form.occurred_on.data = local_today()
    if activity.places:
        form.place_id.data = activity.places[0].id
        for spec in activity.type.measures:
            if spec["kind"] == "place":
                getattr(form, f"m_{spec['key']}").data = str(activity.places[0].id)
    again = request.args.get("igen", type=int)
    entry = db.session.get(LogEntry, again) if again else None
    if entry is not None and entry.activity_id == activity.id:
        log_fields.fill_from_entry(form, activity.type.measures, entry, all_fields=False)


@bp.route("/aktiviteter/<int:activity_id>/loggad/<int:entry_id>")
@login_required
def logged(activity_id: int, entry_id: int):
    activity, row = activity_read.load_for_page(activity_id, local_today()) or abort(404)
    require(policies.can_view(current_user, activity))
    entry = load_or_404(LogEntry, entry_id)
    if entry.activity_id != activity.id:
        abort(404)
    return render_template("activities/logged.html", activity=activity, entry=entry, row=row,
                           can_correct=policies.can_correct_entry(current_user, activity, entry))
