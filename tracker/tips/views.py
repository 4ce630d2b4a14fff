"""Thin views over services.tips: role on the route, the tip's municipality checked per object."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker import once, policies
from tracker.extensions import db
from tracker.formatting import local_today
from tracker.models import Municipality, TipStatus
from tracker.services import DomainError, FieldErrors, tip_events, tip_mail
from tracker.services import tips as service
from tracker.tips import bp
from tracker.tips.forms import LinkForm, NoteForm, ReplyForm
from tracker.translation import gettext as _
from tracker.web import attach_error, load_or_404, require

# The forms that close a tip with a note, by their name on the detail page: their field prefix.
NOTE_PREFIX = {"answer": "besvarad", "dismiss": "avfardad"}


def _status_filter() -> TipStatus | None:
    try:
        return TipStatus(request.args.get("status", ""))
    except ValueError:
        return None


@bp.get("/kommuner/<int:municipality_id>/tips")
@login_required
def index(municipality_id: int):
    municipality = load_or_404(Municipality, municipality_id)
    require(policies.can_see_tip_counts(current_user, municipality))
    can_handle = policies.can_handle_tips(current_user, municipality)
    can_read = policies.can_read_tips(current_user, municipality)
    status = _status_filter()
    pagination = None
    if can_read:  # a viewer sees the counts, never a resident's words
        page = max(1, request.args.get("sida", 1, type=int))
        pagination = service.page_of_tips(municipality.id, status, page,
                                          current_app.config["PAGE_SIZE"])
    return render_template(
        "tips/index.html", municipality=municipality, pagination=pagination, status=status,
        counts=service.status_counts(municipality.id),
        months=service.month_counts(municipality.id, local_today(),
                                    tz=ZoneInfo(current_app.config["TIMEZONE"])),
        can_handle=can_handle, can_read=can_read,
    )


def _handled_tip(tip_id: int) -> service.TipDetail:
    detail = service.load_tip(tip_id) or abort(404)
    require(policies.can_handle_tips(current_user, detail.tip))
    return detail


def _render_detail(detail: service.TipDetail, status: int = 200, **forms):
    municipality_id = detail.tip.municipality_id
    events = tip_events.staff_events(detail.tip.id)
    if not policies.can_handle_tips(current_user, municipality_id):
        # an officer reads the tip, its status and the answers; never the resident's address
        return render_template("tips/detail.html", detail=detail, tip=detail.tip,
                               municipality=db.session.get(Municipality, municipality_id),
                               events=events, can_handle=False), status
    link = forms.get("link") or LinkForm(prefix="aktivitet")
    link.activity_id.choices = [("", _("Välj en aktivitet"))] + service.activity_choices(
        municipality_id)
    return render_template(
        "tips/detail.html", detail=detail, tip=detail.tip,
        municipality=db.session.get(Municipality, municipality_id),
        answer=forms.get("answer") or NoteForm(prefix=NOTE_PREFIX["answer"]),
        dismiss=forms.get("dismiss") or NoteForm(prefix=NOTE_PREFIX["dismiss"]),
        link=link, commitments=service.commitment_choices(municipality_id),
        reply=forms.get("reply") or ReplyForm(prefix="svar"), events=events, can_handle=True,
    ), status


@bp.get("/tips/<int:tip_id>")
@login_required
def detail(tip_id: int):
    found = service.load_tip(tip_id) or abort(404)
    require(policies.can_read_tips(current_user, found.tip))
    return _render_detail(found)


def _apply(detail: service.TipDetail, form, form_name: str, change, message: str,
           after=None):
    """Validate → service → commit → flash → back to the list; else the page again (422)."""
    if form.validate_on_submit():
        if "once_key" in form and (earlier := once.first_time(form)) is not None:
            return earlier  # an answer sent twice is given once
        try:
            change(form)
        except FieldErrors as error:
            db.session.rollback()
            for name, text in error.errors.items():
                attach_error(form, DomainError(text, name))
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            back = url_for("tips.index", municipality_id=detail.tip.municipality_id)
            if "once_key" in form:
                once.remember(form, back, "tip", detail.tip.id)
            db.session.commit()
            if after is not None:
                after(form)
            flash(message, "success")
            return redirect(back)
    return _render_detail(detail, 422, **{form_name: form})


def _close_with_note(tip_id: int, form_name: str, close, message: str):
    """Answered some other way, or dismissed: the tip is closed with the coordinator's note."""
    detail = _handled_tip(tip_id)
    return _apply(detail, NoteForm(prefix=NOTE_PREFIX[form_name]), form_name,
                  lambda f: close(current_user, detail.tip, f.note.data), message)


@bp.post("/tips/<int:tip_id>/besvarad")
@login_required
def answer(tip_id: int):
    return _close_with_note(tip_id, "answer", service.mark_answered,
                            _("Tipset är markerat som besvarat."))


@bp.post("/tips/<int:tip_id>/svar")
@login_required
def answer_resident(tip_id: int):
    """Answer the resident: shown at their status address, e-mailed when they gave one."""
    detail = _handled_tip(tip_id)
    tip = detail.tip

    def mail(form):
        if not tip.reply_to:
            return
        if tip_mail.send_answer(current_app.config, tip, form.answer.data.strip(), tip.status):
            flash(_("Svaret är skickat med e-post."), "info")
        else:
            flash(_("Svaret kunde inte skickas med e-post just nu. Invånaren kan läsa det på "
                    "ärendets sida."), "info")

    return _apply(detail, ReplyForm(prefix="svar"), "reply",
                  lambda f: service.reply(current_user, tip, f.answer.data, f.status.data),
                  _("Svaret är sparat och visas för invånaren."), after=mail)


@bp.post("/tips/<int:tip_id>/avfardad")
@login_required
def dismiss(tip_id: int):
    return _close_with_note(tip_id, "dismiss", service.dismiss, _("Tipset är avfärdat."))


@bp.post("/tips/<int:tip_id>/aktivitet")
@login_required
def link(tip_id: int):
    detail = _handled_tip(tip_id)
    return _apply(detail, LinkForm(prefix="aktivitet"), "link",
                  lambda f: service.link_activity(current_user, detail.tip, f.activity_id.data,
                                                  f.note.data),
                  _("Tipset är kopplat till aktiviteten."))


@bp.get("/tips/<int:tip_id>/ny-aktivitet")
@login_required
def new_activity(tip_id: int):
    """Plan a new activity for the tip under a chosen commitment (the activity form)."""
    detail = _handled_tip(tip_id)
    try:
        commitment = service.commitment_for_new_activity(
            current_user, detail.tip, request.args.get("commitment_id", type=int))
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("tips.detail", tip_id=tip_id))
    return redirect(url_for("activities.create", commitment_id=commitment.id))
