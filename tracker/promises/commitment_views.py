"""Focus-area and commitment pages: add, edit, move, delete, revise (blueprint ``bp``)."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload, selectinload

from tracker import once, policies
from tracker.auth.forms import EmptyForm
from tracker.extensions import db
from tracker.followups.assess import needs_target
from tracker.followups.queries import activity_summary
from tracker.labels import PARTY_NAME
from tracker.models import (
    Commitment,
    CommitmentIndicator,
    FocusArea,
    Indicator,
    Promise,
    PromiseStatus,
)
from tracker.promises import bp
from tracker.promises.forms import (
    NO_FOCUS_AREA,
    AssessmentForm,
    CommitmentForm,
    FocusAreaForm,
    MoveForm,
    ReviseForm,
)
from tracker.promises.new_forms import NewCommitmentForm, NewFocusAreaForm
from tracker.promises.views import (
    _editable_promise,
    _one_or_404,
    _to_promise,
    _unless_draft,
)
from tracker.services import DomainError
from tracker.services import promises as service
from tracker.services.limits import row_id
from tracker.translation import gettext as _
from tracker.translation import ngettext
from tracker.web import (
    Conflict,
    chosen_label,
    conflict_page,
    require,
    save_or_conflict,
    show_refusal,
)

T = TypeVar("T")

# ---------------------------------------------------------------- focus areas

@bp.route("/loften/<int:promise_id>/fokusomraden", methods=["GET", "POST"])
@login_required
def add_focus_area(promise_id: int):
    promise = _editable_promise(promise_id)
    if (refusal := _unless_draft(promise)) is not None:
        return refusal
    form = NewFocusAreaForm()
    if form.validate_on_submit():
        if (earlier := once.first_time(form)) is not None:
            return earlier
        try:
            area = service.add_focus_area(promise, current_user, form.title.data,
                                          form.description.data)
        except DomainError as error:
            db.session.rollback()  # the one-time key's claim too: the form can be sent again
            promise = _editable_promise(promise_id)
            show_refusal(form, error)
        else:
            anchor = f"fokusomrade-{area.id}"
            once.remember(form, url_for("promises.show", promise_id=promise.id, _anchor=anchor),
                          "focus_area", area.id)
            db.session.commit()
            flash(_("Fokusområdet är tillagt."), "success")
            return _to_promise(promise.id, anchor)
    return render_template("promises/focus_area.html", form=form, promise=promise, area=None)


def _editable_area(area_id: int) -> FocusArea:
    area = _one_or_404(FocusArea, area_id, joinedload(FocusArea.promise))
    require(policies.can_edit(current_user, area))
    return area


@bp.route("/fokusomraden/<int:area_id>/redigera", methods=["GET", "POST"])
@login_required
def edit_focus_area(area_id: int):
    area = _editable_area(area_id)
    if (refusal := _unless_draft(area.promise)) is not None:
        return refusal
    form = FocusAreaForm(obj=area if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            service.update_focus_area(area, current_user, form.title.data, form.description.data)
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Fokusområdet är sparat."), "success")
            return _to_promise(area.promise_id, f"fokusomrade-{area.id}")
    return render_template("promises/focus_area.html", form=form, promise=area.promise, area=area)


@bp.route("/fokusomraden/<int:area_id>/flytta", methods=["POST"])
@login_required
def move_focus_area(area_id: int):
    area = _editable_area(area_id)
    return _move(MoveForm(), lambda d: service.move_focus_area(area, current_user, d),
                 area.promise_id, f"fokusomrade-{area.id}")


@bp.route("/fokusomraden/<int:area_id>/ta-bort", methods=["POST"])
@login_required
def delete_focus_area(area_id: int):
    area = _editable_area(area_id)
    title = area.title

    def deleted(moved: int) -> None:
        flash(_("Fokusområdet ”%(title)s” är borttaget.", title=title), "success")
        if moved:
            flash(ngettext("%(num)s åtagande ligger nu under Övriga löften.",
                           "%(num)s åtaganden ligger nu under Övriga löften.", moved), "info")

    return _change_from_promise_page(
        EmptyForm(), lambda: service.delete_focus_area(area, current_user), area.promise_id,
        done=deleted)


def _move(form, action, promise_id: int, anchor: str):
    return _change_from_promise_page(form, lambda: action(form.direction.data), promise_id, anchor)


def _change_from_promise_page(form, change: Callable[[], T], promise_id: int,
                              anchor: str | None = None,
                              done: Callable[[T], None] = lambda _result: None):
    """A button on the promise page (move, delete): the change is committed and `done` tells of
    its result, or the refusal is shown; back to the promise page either way."""
    if form.validate_on_submit():
        try:
            result = change()
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            done(result)
    return _to_promise(promise_id, anchor)


# ---------------------------------------------------------------- commitments

def _commitment_input(form: CommitmentForm) -> service.CommitmentInput:
    area_id = form.focus_area_id.data
    return service.CommitmentInput(
        party=form.party.data,
        text=form.text.data,
        focus_area_id=None if area_id in (None, NO_FOCUS_AREA) else area_id,
        target_count=form.target_count.data,
        target_note=form.target_note.data or "",
    )


@bp.route("/loften/<int:promise_id>/ataganden", methods=["GET", "POST"])
@login_required
def add_commitment(promise_id: int):
    promise = _editable_promise(promise_id, selectinload(Promise.focus_areas))
    if (refusal := _unless_draft(promise)) is not None:
        return refusal
    form = NewCommitmentForm()
    form.set_focus_areas(promise.focus_areas)
    if request.method == "GET":
        form.focus_area_id.data = request.args.get("fokusomrade", NO_FOCUS_AREA, type=int)
        form.party.data = request.args.get("part")
    if form.validate_on_submit():
        if (earlier := once.first_time(form)) is not None:
            return earlier
        try:
            commitment = service.add_commitment(promise, current_user, _commitment_input(form))
        except DomainError as error:
            db.session.rollback()  # the one-time key's claim too: the form can be sent again
            promise = _editable_promise(promise_id, selectinload(Promise.focus_areas))
            show_refusal(form, error)
        else:
            anchor = f"atagande-{commitment.id}"
            once.remember(form, url_for("promises.show", promise_id=promise.id, _anchor=anchor),
                          "commitment", commitment.id)
            db.session.commit()
            flash(_("Åtagandet är tillagt."), "success")
            return _to_promise(promise.id, anchor)
    return render_template("promises/commitment.html", form=form, promise=promise,
                           commitment=None)


def _editable_commitment(commitment_id: int) -> Commitment:
    commitment = _one_or_404(
        Commitment, commitment_id,
        joinedload(Commitment.promise).selectinload(Promise.focus_areas),
    )
    require(policies.can_edit(current_user, commitment))
    return commitment


@bp.route("/ataganden/<int:commitment_id>/redigera", methods=["GET", "POST"])
@login_required
def edit_commitment(commitment_id: int):
    commitment = _editable_commitment(commitment_id)
    promise = commitment.promise
    if promise.status != PromiseStatus.DRAFT:
        flash(_("Medborgarlöftet är undertecknat. Åtagandet ändras genom en revidering."), "info")
        return redirect(url_for("promises.revise_commitment", commitment_id=commitment.id))
    form = CommitmentForm(obj=commitment if request.method == "GET" else None)
    form.set_focus_areas(promise.focus_areas)
    if request.method == "GET":
        form.focus_area_id.data = commitment.focus_area_id or NO_FOCUS_AREA
        form.party.data = commitment.party.value
        form.open_at(commitment)
    if form.validate_on_submit():
        try:
            _saved, conflict = save_or_conflict(
                lambda: service.update_commitment(commitment, current_user,
                                                  _commitment_input(form),
                                                  form.expected_version),
                lambda: _commitment_conflict(commitment_id, form))
        except DomainError as error:
            show_refusal(form, error)
        else:
            if conflict:
                return conflict
            flash(_("Åtagandet är sparat."), "success")
            return _to_promise(promise.id, f"atagande-{commitment.id}")
    return render_template("promises/commitment.html", form=form, promise=promise,
                           commitment=commitment)


def _commitment_conflict(commitment_id: int, form):
    """409: the saved commitment beside the user's input, which stays in the form."""
    current = _editable_commitment(commitment_id)
    promise = current.promise
    rows: list[tuple] = []
    if "party" in form:
        saved_area = next((area.title for area in promise.focus_areas
                           if area.id == current.focus_area_id), None)
        rows += [(form.focus_area_id.label.text,
                  saved_area or _("Inget fokusområde (Övriga löften)"),
                  chosen_label(form.focus_area_id)),
                 (form.party.label.text, PARTY_NAME.get(current.party), chosen_label(form.party))]
    rows += [(form.text.label.text, current.text, form.text.data, True),
             (form.target_count.label.text, current.target_count, form.target_count.data),
             (form.target_note.label.text, current.target_note, form.target_note.data)]
    return conflict_page(form, current, Conflict(
        heading=_("Åtagandet har ändrats av någon annan"), what=_("åtagandet"),
        subtitle=f"{promise.title} ({promise.period_label})", rows=rows,
        fields="promises/_commitment_fields.html", layout="promises/_layout.html",
        back_url=url_for("promises.show", promise_id=promise.id),
        back_label=_("Tillbaka till %(title)s", title=promise.title)), promise=promise)


@bp.route("/ataganden/<int:commitment_id>/revidera", methods=["GET", "POST"])
@login_required
def revise_commitment(commitment_id: int):
    commitment = _editable_commitment(commitment_id)
    promise = commitment.promise
    if promise.status not in service.REVISABLE:
        flash(_("Bara åtaganden i ett undertecknat eller pågående medborgarlöfte revideras."),
              "info")
        return _to_promise(promise.id, f"atagande-{commitment.id}")
    form = ReviseForm(obj=commitment if request.method == "GET" else None)
    if request.method == "GET":
        form.open_at(commitment)
    if form.validate_on_submit():
        try:
            _saved, conflict = save_or_conflict(
                lambda: service.revise_commitment(
                    commitment, current_user, text=form.text.data,
                    target_count=form.target_count.data, target_note=form.target_note.data or "",
                    reason=form.reason.data, expected_version=form.expected_version),
                lambda: _commitment_conflict(commitment_id, form))
        except DomainError as error:
            show_refusal(form, error)
        else:
            if conflict:
                return conflict
            flash(_("Åtagandet är reviderat. Motiveringen finns i historiken."), "success")
            return _to_promise(promise.id, f"atagande-{commitment.id}")
    return render_template("promises/revise.html", form=form, promise=promise,
                           commitment=commitment)


@bp.route("/ataganden/<int:commitment_id>/flytta", methods=["POST"])
@login_required
def move_commitment(commitment_id: int):
    commitment = _editable_commitment(commitment_id)
    return _move(MoveForm(), lambda d: service.move_commitment(commitment, current_user, d),
                 commitment.promise_id, f"atagande-{commitment.id}")


@bp.route("/ataganden/<int:commitment_id>/ta-bort", methods=["POST"])
@login_required
def delete_commitment(commitment_id: int):
    commitment = _editable_commitment(commitment_id)
    return _change_from_promise_page(
        EmptyForm(), lambda: service.delete_commitment(commitment, current_user),
        commitment.promise_id, done=lambda _none: flash(_("Åtagandet är borttaget."), "success"))


@bp.route("/ataganden/<int:commitment_id>/bedomningsgrund", methods=["GET", "POST"])
@login_required
def assess_commitment(commitment_id: int):
    """The commitment's kind and, for an effekt, the indicators that show it: what the
    follow-up's verdict may rest on. Allowed in every status of the promise."""
    commitment = _editable_commitment(commitment_id)
    promise = commitment.promise
    indicators = db.session.scalars(sa.select(Indicator).order_by(Indicator.name)).all()
    linked = {link.indicator_id: link for link in db.session.scalars(
        sa.select(CommitmentIndicator).where(CommitmentIndicator.commitment_id == commitment.id))}
    form = AssessmentForm()
    if request.method == "GET":
        form.kind.data = commitment.kind.value
        form.open_at(commitment)
        for indicator in indicators:
            link = linked.get(indicator.id)
            higher = link.higher_is_better if link else indicator.higher_is_better
            form.links.append_entry({
                "indicator_id": indicator.id, "linked": link is not None,
                "direction": "higher" if higher else "lower",
                "target": "" if link is None or link.target_value is None
                else f"{float(link.target_value):g}".replace(".", ",")})
    names = {indicator.id: indicator for indicator in indicators}
    if form.validate_on_submit():
        links = [service.IndicatorLink(row_id(row.indicator_id.data) or 0,
                                       row.direction.data == "higher", row.target.data)
                 for row in form.links if row.linked.data and row_id(row.indicator_id.data)]

        def conflict():
            flash(_("Någon annan har ändrat åtagandet sedan du öppnade sidan. Dina val finns "
                    "kvar; spara igen om de ska gälla."), "error")
            form.open_at(_editable_commitment(commitment_id))
            return render_template("promises/assessment.html", form=form, promise=promise,
                                   commitment=commitment, indicators=names,
                                   every_word=_every(commitment)), 409

        try:
            saved, refusal = save_or_conflict(
                lambda: service.set_assessment(commitment, current_user, form.kind.data, links,
                                               form.expected_version), conflict)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            if refusal is not None:
                return refusal
            flash(_("Bedömningsgrunden är sparad. Den används nästa gång uppföljningen "
                    "sammanställs."), "success")
            return _to_promise(promise.id, f"atagande-{commitment.id}")
    status = 422 if request.method == "POST" else 200
    return render_template("promises/assessment.html", form=form, promise=promise,
                           commitment=commitment, indicators=names, every_word=_every(commitment)
                           ), status


def _every(commitment) -> str | None:
    """The word of a promise for every one of something that the follow-up cannot judge
    without a target (followups.assess.needs_target)."""
    summary = activity_summary(commitment.promise_id).get(commitment.id)
    return needs_target(commitment, summary[2] if summary else None)
