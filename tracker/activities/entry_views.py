"""Correcting a logged occasion, or removing it with a reason (its author, coordinators)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker import policies
from tracker.activities import bp, log_fields
from tracker.activities.forms import RemoveEntryForm, log_form
from tracker.extensions import db
from tracker.formatting import local_today
from tracker.models import Activity, LogEntry
from tracker.services import DomainError, activity_read, log_corrections, logbook, places
from tracker.translation import gettext as _
from tracker.web import require, save_or_conflict, show_refusal


def _load(activity_id: int, entry_id: int) -> tuple[Activity, int, LogEntry | None]:
    """The activity, its municipality's places version and the entry (None if not its)."""
    activity, places_version = activity_read.load_for_logging(
        activity_id, with_places=False) or abort(404)
    require(policies.can_view(current_user, activity))
    entry = db.session.get(LogEntry, entry_id)
    if entry is not None and entry.activity_id != activity.id:
        abort(404)
    return activity, places_version, entry


def _conflict(activity_id: int, entry_id: int):
    """Someone removed the occasion since the form was opened: nothing is saved."""
    activity = activity_read.load_activity(activity_id)
    return render_template("activities/entry_conflict.html", activity=activity,
                           current=None), 409


# The fields of a correction that are the occasion's values (not its key, token or button)
_VALUES = ("occurred_on", "duration", "place_id", "note", "include_in_followup")


def _as_saved(form, specs: list[dict], entry: LogEntry, place_choices) -> bool:
    """The correction sent is what the occasion holds now: this form saved it already (sent
    twice: a double tap, an answer lost on a slow network), so the repeat is no conflict."""
    saved = log_form(specs, place_choices, correction=True)
    names = [*_VALUES, *(f"m_{spec['key']}" for spec in specs)]
    for name in names:
        getattr(saved, name).data = None
    log_fields.fill_from_entry(saved, specs, entry, all_fields=True)

    def same(name: str) -> bool:
        sent, held = (getattr(f, name).data for f in (form, saved))
        sent, held = (v.strip() if isinstance(v, str) else v for v in (sent, held))
        return sent == held or (not sent and not held)

    return all(same(name) for name in names)


@bp.route("/aktiviteter/<int:activity_id>/genomforanden/<int:entry_id>/andra",
          methods=["GET", "POST"])
@login_required
def edit_entry(activity_id: int, entry_id: int):
    activity, places_version, entry = _load(activity_id, entry_id)
    if entry is None:
        abort(404)
    require(policies.can_correct_entry(current_user, activity, entry))
    place_choices = places.place_choices(activity.municipality_id, places_version)
    specs = list(activity.type.measures)
    place_ids = {i for i, _n in place_choices}
    form = log_form(specs, place_choices, correction=True)
    if request.method == "GET":
        log_fields.fill_from_entry(form, specs, entry, all_fields=True)
        form.open_at(entry)
    status, changed_meanwhile = 200, None
    if form.validate_on_submit():
        try:
            _saved, stale = save_or_conflict(
                lambda: log_corrections.update_entry(
                    current_user, activity, entry, log_fields.input_from(
                        form, specs, lambda d: logbook.check_input(
                            activity, d, today=local_today(), place_ids=place_ids)),
                    today=local_today(), expected_version=form.expected_version,
                    place_ids=place_ids),
                lambda: True)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
            activity, _version = activity_read.load_for_logging(
                activity_id, with_places=False) or abort(404)
            status = 422
        else:
            if not stale:
                flash(_("Genomförandet är ändrat."), "success")
                return redirect(url_for("activities.detail", activity_id=activity_id))
            current = db.session.get(LogEntry, entry_id)
            if current is None:
                return _conflict(activity_id, entry_id)
            if _as_saved(form, specs, current, place_choices):
                flash(_("Genomförandet är ändrat."), "success")
                return redirect(url_for("activities.detail", activity_id=activity_id))
            # Someone else's change: the user's values stay in the form, which now carries
            # the saved version, so sending it again replaces that knowingly
            activity, _version = activity_read.load_for_logging(
                activity_id, with_places=False) or abort(404)
            form.open_at(current)
            status, changed_meanwhile = 409, current
    needs_confirm = bool(form.confirm_outside_period.errors) or form.confirm_outside_period.data
    return render_template("activities/log.html", form=form, activity=activity,
                           heading=_("Ändra genomförande"),
                           measure_fields=[f"m_{s['key']}" for s in specs],
                           has_place_measure=any(s["kind"] == "place" for s in specs),
                           one_duration=log_fields.hours_measure(specs) is not None,
                           needs_confirm=needs_confirm,
                           changed_meanwhile=changed_meanwhile), status


@bp.route("/aktiviteter/<int:activity_id>/genomforanden/<int:entry_id>/ta-bort",
          methods=["GET", "POST"])
@login_required
def remove_entry(activity_id: int, entry_id: int):
    activity, _version, entry = _load(activity_id, entry_id)
    if entry is None:
        if request.method == "POST":  # removed already (by this form sent twice, or by someone)
            flash(_("Genomförandet är redan borttaget."), "info")
            return redirect(url_for("activities.detail", activity_id=activity_id))
        abort(404)
    require(policies.can_correct_entry(current_user, activity, entry))
    form = RemoveEntryForm()
    if request.method == "GET":
        form.open_at(entry)
    status, changed_meanwhile = 200, False
    if form.validate_on_submit():
        removing: LogEntry = entry
        try:
            _removed, stale = save_or_conflict(
                lambda: log_corrections.remove_entry(current_user, activity, removing,
                                                     form.reason.data,
                                                     expected_version=form.expected_version),
                lambda: True)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
            activity, _version, entry = _load(activity_id, entry_id)
            status = 422
        else:
            if not stale:
                flash(_("Genomförandet är borttaget."), "success")
                return redirect(url_for("activities.detail", activity_id=activity_id))
            activity, _version, entry = _load(activity_id, entry_id)
            if entry is None:
                flash(_("Genomförandet är redan borttaget."), "info")
                return redirect(url_for("activities.detail", activity_id=activity_id))
            # Changed meanwhile: the reason stays, the form carries the saved version
            form.open_at(entry)
            status, changed_meanwhile = 409, True
    return render_template("activities/entry_remove.html", form=form, activity=activity,
                           entry=entry, changed_meanwhile=changed_meanwhile), status
