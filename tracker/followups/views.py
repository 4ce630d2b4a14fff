"""The follow-up editor: read, edit section by section, verdicts, approve, publish, correct."""
from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from tracker import policies
from tracker.extensions import db
from tracker.followups import compiler as followup_compiler
from tracker.followups import workflow as service
from tracker.followups.forms import (
    CompileForm,
    CorrectionForm,
    SectionForm,
    VerdictForm,
    VersionForm,
)
from tracker.followups.guard import publication_problems
from tracker.followups.render import export as report_export
from tracker.followups.render.charts import report_charts
from tracker.followups.report import build_report
from tracker.jobs.scheduler import next_followup_compile
from tracker.models import FollowUp, FollowUpStatus, Promise
from tracker.services import DomainError, StaleEdit
from tracker.translation import gettext as _
from tracker.web import load_or_404, require, save_or_conflict, show_refusal

bp = Blueprint("followups", __name__)
SAVE_ATTEMPTS = 3  # a section save that lost the race for the row to another section's save


def _followup_or_404(followup_id: int) -> FollowUp:
    followup = service.load(followup_id)
    if followup is None:
        abort(404)
    require(policies.can_view(current_user, followup))
    return followup


def _editable(followup_id: int) -> FollowUp:
    followup = _followup_or_404(followup_id)
    require(policies.can_edit(current_user, followup))
    return followup


def _to(followup: FollowUp, anchor: str | None = None):
    return redirect(url_for("followups.show", followup_id=followup.id, _anchor=anchor))



@bp.route("/uppfoljningar")
@login_required
def index():
    ids = None if current_user.is_admin else policies.municipality_ids(current_user)
    return render_template("followups/index.html", followups=service.for_municipalities(ids),
                           next_compile=next_followup_compile(current_app.config))


@bp.route("/loften/<int:promise_id>/uppfoljningar", methods=["POST"])
@login_required
def compile_for_promise(promise_id: int):
    promise = load_or_404(Promise, promise_id)
    require(policies.can_edit(current_user, promise))
    form = CompileForm()
    if not form.validate():
        flash(_("Välj ett år i medborgarlöftets period."), "error")
        return redirect(url_for("promises.show", promise_id=promise.id))
    try:
        followup = followup_compiler.compile_followup(promise.id, form.year.data)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("promises.show", promise_id=promise.id))
    flash(_("Utkastet till uppföljningen för %(year)s är sammanställt.", year=form.year.data),
          "success")
    return _to(followup)


@bp.route("/uppfoljningar/<int:followup_id>")
@login_required
def show(followup_id: int):
    followup = _followup_or_404(followup_id)
    report = build_report(followup)
    return render_template(
        "followups/show.html", followup=followup, report=report, charts=report_charts(report),
        form=VersionForm(version=followup.version_id),
        problems=[(problem, _problem_url(followup, problem))
                  for problem in publication_problems(followup)]
        if followup.status is not FollowUpStatus.PUBLISHED else [],
        can_edit=policies.can_edit(current_user, followup) and followup.is_editable,
        can=_approval_actions(followup),
        published=service.published_versions(followup.id),
    )


def _approval_actions(followup: FollowUp) -> dict:
    """What the page offers: approving for the user's own party (which, if not yet), publishing
    an approved follow-up, correcting a published one; the workflow refuses anything else."""
    approver = policies.can_approve(current_user, followup)
    side = service.approval_side(current_user)
    published = followup.status is FollowUpStatus.PUBLISHED
    return {
        "approve_as": side if approver and side and not published
        and getattr(followup, f"{side}_approved_at") is None else None,
        "publish": approver and followup.status is FollowUpStatus.APPROVED,
        "correct": approver and published,
    }


def _problem_url(followup: FollowUp, problem) -> str:
    if problem.kind == "verdict":
        return url_for("followups.edit_verdict", followup_id=followup.id,
                       commitment_id=problem.key)
    return url_for("followups.edit_section", followup_id=followup.id, key=problem.key)


@bp.route("/uppfoljningar/<int:followup_id>/avsnitt/<key>", methods=["GET", "POST"])
@login_required
def edit_section(followup_id: int, key: str):
    followup = _editable(followup_id)
    section = (followup.sections or {}).get(key) or abort(404)
    form = SectionForm()
    if request.method == "GET":
        form.open_at(followup)
        form.section_version.data = service.section_version(section)
        form.text.data = section["edited"] if section.get("edited") is not None \
            else section["generated"]
    status = 200
    if form.validate_on_submit():
        for _attempt in range(SAVE_ATTEMPTS):
            try:
                service.save_section(current_user, followup, key, form.text.data,
                                     form.expected_version, form.expected_section_version)
                db.session.commit()
            except StaleDataError:
                # Another save reached the row first (at flush or commit): try again on the
                # fresh follow-up; the service refuses only if it changed this very section.
                followup, status = _reloaded(followup_id), 409
                continue
            except StaleEdit:
                followup, status = _reloaded(followup_id), 409
            except DomainError as error:
                db.session.rollback()
                show_refusal(form, error)
                status = 422
            else:
                flash(_("Avsnittet ”%(title)s” är sparat. Eventuella godkännanden har tagits "
                        "bort.", title=section["title"]), "success")
                return _to(followup, f"avsnitt-{key}")
            break
    elif request.method == "POST":
        status = 422
    if status == 409:
        form.open_at(followup)  # saving again keeps the user's text
        form.section_version.data = service.section_version(
            followup.sections.get(key, section))
    return render_template("followups/section.html", followup=followup, key=key,
                           section=followup.sections.get(key, section), form=form,
                           conflict=status == 409), status


def _reloaded(followup_id: int) -> FollowUp:
    db.session.rollback()
    return service.load(followup_id) or abort(404)


@bp.route("/uppfoljningar/<int:followup_id>/avsnitt/<key>/sammanstalld-text",
          methods=["POST"])
@login_required
def use_generated(followup_id: int, key: str):
    followup = _editable(followup_id)
    return _button(followup, lambda f, v: service.use_generated(current_user, f, key, v),
                   _("Den sammanställda texten används nu i avsnittet."), f"avsnitt-{key}")


@bp.route("/uppfoljningar/<int:followup_id>/bedomning/<commitment_id>",
          methods=["GET", "POST"])
@login_required
def edit_verdict(followup_id: int, commitment_id: str):
    followup = _editable(followup_id)
    verdict = (followup.verdicts or {}).get(commitment_id) or abort(404)
    form = VerdictForm()
    if request.method == "GET":
        form.open_at(followup)
        form.verdict.data = verdict.get("override") or ""
        form.reason_code.data = verdict.get("reason_code") or ""
        form.reason.data = verdict.get("override_reason", "")
    status = 200
    if form.validate_on_submit():
        status = _save(form, lambda: service.override_verdict(
            current_user, followup, commitment_id, form.verdict.data or None,
            form.reason.data, form.expected_version, form.reason_code.data or None),
            _("Bedömningen är sparad."))
        if status == 200:
            return _to(followup, f"avsnitt-lofte-{commitment_id}")
    elif request.method == "POST":
        status = 422
    if status == 409:
        followup = service.load(followup_id) or abort(404)
        verdict = followup.verdicts.get(commitment_id, verdict)
        form.open_at(followup)
        form.form_errors.append(_("Någon annan har ändrat uppföljningen. Deras bedömning visas "
                                  "nedan; dina val finns kvar i formuläret."))
    return render_template("followups/verdict.html", followup=followup, verdict=verdict,
                           commitment_id=commitment_id, form=form,
                           conflict=status == 409), status


def _save(form, save, done: str) -> int:
    """A follow-up form's save through save_or_conflict: 200 when saved (and `done` flashed),
    409 when someone saved first, 422 when refused (the reason shown at its field)."""
    try:
        _saved, conflict = save_or_conflict(save, lambda: True)
    except DomainError as error:
        db.session.rollback()
        show_refusal(form, error)
        return 422
    if conflict:
        return 409
    flash(done, "success")
    return 200


def _button(followup: FollowUp, action, done: str, anchor: str | None = None):
    """A POST button: run the service with the version the user saw, commit, say what happened."""
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        _done, conflict = save_or_conflict(lambda: action(followup, form.expected_version),
                                           lambda: True)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        if conflict:  # show the newer version at once, with the message
            flash(StaleEdit(followup).message, "error")
            return show(followup.id), 409
        flash(done, "success")
    return _to(followup, anchor)


@bp.route("/uppfoljningar/<int:followup_id>/sammanstall", methods=["POST"])
@login_required
def recompile(followup_id: int):
    followup = _editable(followup_id)
    return _button(followup, lambda f, v: service.recompile(current_user, f, v),
                   _("Utkastet är sammanställt på nytt. Redigerade avsnitt behöll din text; den "
                     "nya texten visas bredvid."))


@bp.route("/uppfoljningar/<int:followup_id>/godkann", methods=["POST"])
@login_required
def approve(followup_id: int):
    followup = _followup_or_404(followup_id)
    return _button(followup, lambda f, v: service.approve(current_user, f, v),
                   _("Du har godkänt uppföljningen."), "godkannande")


@bp.route("/uppfoljningar/<int:followup_id>/publicera", methods=["POST"])
@login_required
def publish(followup_id: int):
    followup = _followup_or_404(followup_id)
    published = []
    response = _button(followup,
                       lambda f, v: published.append(service.publish(current_user, f, v)),
                       _("Uppföljningen är publicerad och syns nu för invånarna."), "godkannande")
    if published and followup.status is FollowUpStatus.PUBLISHED:  # committed: tell subscribers
        from tracker.public.subscription_views import announce_followup

        announce_followup(followup.id)
    return response


@bp.route("/uppfoljningar/<int:followup_id>/ratta", methods=["GET", "POST"])
@login_required
def correct(followup_id: int):
    followup = _editable(followup_id)
    if followup.status is not FollowUpStatus.PUBLISHED:
        flash(_("Bara en publicerad uppföljning kan rättas."), "info")
        return _to(followup)
    form = CorrectionForm()
    if request.method == "GET":
        form.open_at(followup)
    status = 200
    if form.validate_on_submit():
        status = _save(form, lambda: service.start_correction(
            current_user, followup, form.note.data, form.expected_version),
            _("Rättelsen är påbörjad. Invånarna ser den publicerade versionen tills den "
              "rättade har godkänts och publicerats."))
        if status == 200:
            return _to(followup)
    elif request.method == "POST":
        status = 422
    return render_template("followups/correct.html", followup=followup, form=form), status


@bp.route("/uppfoljningar/<int:followup_id>/versioner")
@login_required
def versions(followup_id: int):
    followup = _followup_or_404(followup_id)
    return render_template("followups/versions.html", followup=followup,
                           versions=service.versions(followup.id))


@bp.route("/uppfoljningar/<int:followup_id>/versioner/<int:number>")
@login_required
def version(followup_id: int, number: int):
    followup = _followup_or_404(followup_id)
    found = next((v for v in service.versions(followup.id) if v.number == number), None)
    if found is None:
        abort(404)
    report = build_report(followup, found)
    return render_template("followups/version.html", followup=followup, version=found,
                           report=report, charts=report_charts(report))


@bp.route("/uppfoljningar/<int:followup_id>/export.<fmt>")
@login_required
def export(followup_id: int, fmt: str):
    followup = _followup_or_404(followup_id)
    return export_response(build_report(followup), fmt)


def export_response(report, fmt: str) -> Response:
    """The report as a PDF or DOCX download."""
    if fmt == "pdf":
        body, mimetype = report_export.pdf_bytes(report), "application/pdf"
    elif fmt == "docx":
        body = report_export.docx_bytes(report)
        mimetype = ("application/vnd.openxmlformats-officedocument."
                    "wordprocessingml.document")
    else:
        abort(404)
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{report_export.filename(report, fmt)}"')
    return response


from tracker.followups import feedback_views  # noqa: E402,F401  (its routes on bp)
