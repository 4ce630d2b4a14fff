"""Promise pages: list, write, sign, copy to next period.

Focus-area and commitment pages are in commitment_views; both share the blueprint ``bp``.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from tracker import once, policies
from tracker.extensions import db
from tracker.followups import workflow as followups
from tracker.formatting import local_today
from tracker.jobs.scheduler import next_followup_compile
from tracker.labels import SOURCE
from tracker.models import Municipality, Promise, PromiseStatus
from tracker.promises import bp
from tracker.promises.forms import MAX_SIGNATORIES, PromiseForm, PromiseLinksForm, SignForm
from tracker.promises.new_forms import NewCopyForm, NewPromiseForm
from tracker.services import DomainError, FieldErrors
from tracker.services import promises as service
from tracker.translation import gettext as _
from tracker.web import (
    Conflict,
    conflict_page,
    load_or_404,
    require,
    save_or_conflict,
    show_refusal,
)


def _one_or_404(model, object_id: int, *options):
    """Like load_or_404, but the loader options apply even to a row already in the session."""
    return db.one_or_404(sa.select(model).where(model.id == object_id).options(*options))


def _editable_promise(promise_id: int, *options) -> Promise:
    promise = _one_or_404(Promise, promise_id, *options)
    require(policies.can_edit(current_user, promise))
    return promise


def _to_promise(promise_id: int, anchor: str | None = None):
    return redirect(url_for("promises.show", promise_id=promise_id, _anchor=anchor))


def _unless_draft(promise: Promise):
    """A redirect with an explanation when the promise is no longer a draft, else None."""
    if promise.status == PromiseStatus.DRAFT:
        return None
    flash(_("Medborgarlöftet är undertecknat. Åtaganden ändras genom revidering med motivering."),
          "info")
    return _to_promise(promise.id)


# ---------------------------------------------------------------- promises

@bp.route("/kommuner/<int:municipality_id>/loften")
@login_required
def index(municipality_id: int):
    municipality = load_or_404(Municipality, municipality_id)
    require(policies.can_view(current_user, municipality))
    return render_template(
        "promises/index.html",
        municipality=municipality,
        rows=service.municipality_promises(municipality.id),
        can_edit=policies.can_edit(current_user, municipality),
    )


@bp.route("/kommuner/<int:municipality_id>/loften/nytt", methods=["GET", "POST"])
@login_required
def create(municipality_id: int):
    municipality = load_or_404(Municipality, municipality_id)
    require(policies.can_edit(current_user, municipality))
    form = NewPromiseForm()
    if request.method == "GET":
        form.start_year.data = form.end_year.data = local_today().year
    if form.validate_on_submit():
        if (earlier := once.first_time(form)) is not None:
            return earlier
        try:
            promise = service.create_promise(current_user, municipality.id, **_promise_values(form))
        except DomainError as error:
            db.session.rollback()  # the one-time key's claim too: the form can be sent again
            show_refusal(form, error)
        else:
            once.remember(form, url_for("promises.show", promise_id=promise.id), "promise",
                          promise.id)
            db.session.commit()
            flash(_("Medborgarlöftet är skapat som utkast."), "success")
            return _to_promise(promise.id)
    return render_template("promises/edit.html", form=form, municipality=municipality,
                           promise=None)


def _promise_values(form) -> dict:
    return {name: form[name].data for name in service.PROMISE_FIELDS if name in form}


@bp.route("/loften/<int:promise_id>")
@login_required
def show(promise_id: int):
    promise = service.load_promise(promise_id)
    if promise is None:
        abort(404)
    require(policies.can_view(current_user, promise))
    sections = service.sections(promise)
    return render_template(
        "promises/show.html",
        promise=promise,
        sections=sections,
        can_edit=policies.can_edit(current_user, promise),
        can_change=policies.can_change_promise(current_user, promise),
        can_compile=policies.can_edit(current_user, promise)
        and promise.status != PromiseStatus.DRAFT,
        plannable={row.commitment.id for section in sections for group in section.groups
                   for row in group.rows
                   if policies.can_create_activity(current_user, row.commitment)},
        is_draft=promise.status == PromiseStatus.DRAFT,
        revisable=promise.status in service.REVISABLE,
        followups=followups.of_promise(promise.id),
        next_compile=next_followup_compile(current_app.config),
    )


@bp.route("/loften/<int:promise_id>/redigera", methods=["GET", "POST"])
@login_required
def edit(promise_id: int):
    promise = _editable_promise(promise_id, joinedload(Promise.municipality))
    if promise.status == PromiseStatus.CONCLUDED:
        flash(_("Ett avslutat medborgarlöfte kan inte ändras."), "error")
        return _to_promise(promise.id)
    form_class = PromiseForm if promise.status == PromiseStatus.DRAFT else PromiseLinksForm
    form = form_class(obj=promise if request.method == "GET" else None)
    if request.method == "GET":
        form.open_at(promise)
    if form.validate_on_submit():
        try:
            _saved, conflict = save_or_conflict(
                lambda: service.update_promise(promise, current_user,
                                               form.expected_version,
                                               **_promise_values(form)),
                lambda: _conflict(promise_id, form))
        except DomainError as error:
            show_refusal(form, error)
        else:
            if conflict:
                return conflict
            flash(_("Ändringarna är sparade."), "success")
            return _to_promise(promise.id)
    return render_template("promises/edit.html", form=form, municipality=promise.municipality,
                           promise=promise)


def shown(value) -> str:
    """A value as the conflict page's comparison shows it: an empty one as a dash."""
    return "–" if value in (None, "", []) else str(value)


def _sources_text(keys) -> str:
    return ", ".join(str(SOURCE.get(key, key)) for key in keys or []) or "–"


def _conflict(promise_id: int, form):
    """409: the saved version beside the user's input, which stays in the form."""
    current = service.load_promise(promise_id) or abort(404)
    rows = []
    if "title" in form:
        start, end = form.start_year.data, form.end_year.data
        rows += [
            (form.title.label.text, current.title, form.title.data),
            (_("Period"), current.period_label,
             shown(start) + (f"–{shown(end)}" if end != start else "")),
            (form.problem_picture.label.text, current.problem_picture,
             form.problem_picture.data, True),
            (form.sources.label.text, _sources_text(current.sources),
             _sources_text(form.sources.data)),
            (form.sources_note.label.text, current.sources_note, form.sources_note.data, True),
        ]
    rows += [(form.agreement_url.label.text, current.agreement_url, form.agreement_url.data),
             (form.is_public.label.text, current.is_public, form.is_public.data)]
    return conflict_page(form, current, Conflict(
        heading=_("Medborgarlöftet har ändrats av någon annan"), what=_("medborgarlöftet"),
        rows=rows, fields="promises/_promise_fields.html", layout="promises/_layout.html",
        back_url=url_for("promises.show", promise_id=current.id),
        back_label=_("Tillbaka till %(title)s", title=current.title)),
        municipality=current.municipality)


@bp.route("/loften/<int:promise_id>/underteckna", methods=["GET", "POST"])
@login_required
def sign(promise_id: int):
    promise = _editable_promise(promise_id)
    if (refusal := _unless_draft(promise)) is not None:
        return refusal
    form = SignForm()
    if request.method == "GET":  # who will sign, as the draft names them (e.g. from its text)
        for number, person in enumerate(promise.signatories or [], start=1):
            if number <= MAX_SIGNATORIES:
                form[f"name_{number}"].data = person.get("name")
                form[f"title_{number}"].data = person.get("title")
    if form.validate_on_submit():
        try:
            service.sign_promise(promise, current_user, form.signed_on.data, form.signatories())
        except DomainError as error:
            show_refusal(form, _signatory_field(error))
        else:
            db.session.commit()
            from tracker.public.subscription_views import announce_promise

            announce_promise(promise.id)  # e-mail to the municipality's subscribers
            flash(_("Medborgarlöftet är undertecknat."), "success")
            return _to_promise(promise.id)
    return render_template("promises/sign.html", form=form, promise=promise)


def _signatory_field(error: DomainError) -> DomainError:
    """The service speaks of "signatories"; the form's first name field shows it."""
    if isinstance(error, FieldErrors) and "signatories" in error.errors:
        errors = dict(error.errors)
        errors["name_1"] = errors.pop("signatories")
        return FieldErrors(errors)
    return error


@bp.route("/loften/<int:promise_id>/kopiera", methods=["GET", "POST"])
@login_required
def copy(promise_id: int):
    promise = _editable_promise(promise_id)
    form = NewCopyForm()
    overlapping = service.overlapping_promises(promise)
    if form.validate_on_submit():
        if (earlier := once.first_time(form)) is not None:
            return earlier
        def save():
            new = service.copy_to_next_period(promise, current_user, form.carry_activities.data)
            once.remember(form, url_for("promises.show", promise_id=new.id), "promise", new.id)
            return new

        try:
            new, conflict = save_or_conflict(save, lambda: _copy_conflict(promise_id, form))
        except DomainError as error:
            db.session.rollback()
            promise = _editable_promise(promise_id)
            show_refusal(form, error)
        else:
            if new is None:  # a conflict: its page
                return conflict
            flash(_("Ett utkast för %(period)s är skapat.", period=new.period_label), "success")
            for other in overlapping:
                flash(_("Obs: %(title)s gäller redan %(period)s, som överlappar den nya perioden.",
                        title=other.title, period=other.period_label), "info")
            return _to_promise(new.id)
    return _copy_page(promise, form, overlapping)


def _copy_page(promise: Promise, form, overlapping: list[Promise]):
    next_start, next_end = service.next_period(promise)
    return render_template("promises/copy.html", form=form, promise=promise,
                           next_start=next_start, next_end=next_end, overlapping=overlapping)


def _copy_conflict(promise_id: int, form):
    """An activity carried over was changed by someone at the same moment: nothing was copied."""
    promise = service.load_promise(promise_id) or abort(404)
    form.form_errors.append(_("En aktivitet ändrades av någon annan samtidigt. Ingenting "
                              "kopierades; försök igen."))
    return _copy_page(promise, form, service.overlapping_promises(promise)), 409
