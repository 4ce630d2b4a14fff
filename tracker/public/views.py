"""Pages for residents, no login: signed public promises and published follow-ups only."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, flash, redirect, render_template, url_for
from markupsafe import Markup

from tracker import once, page_cache
from tracker.extensions import db
from tracker.followups import workflow as service
from tracker.followups.report import build_report
from tracker.followups.views import export_response
from tracker.formatting import local_today
from tracker.models import FollowUp, Municipality
from tracker.public import bp
from tracker.public.accessibility import STATEMENT
from tracker.public.forms import FeedbackForm
from tracker.public.progress import commitment_chart
from tracker.public.report_cache import published_body
from tracker.ratelimit import post_limit
from tracker.services import FieldErrors, feedback, public, public_progress, walks
from tracker.services.promises import sections
from tracker.translation import gettext as _
from tracker.web import show_refusal


def municipality_or_404(slug: str) -> Municipality:
    return public.municipality_by_slug(slug) or abort(404)


@bp.route("/")
def index():
    body = page_cache.national_part("public_index", (), lambda: page_cache.rendered(
        "public/_index_body.html", areas=public.police_areas()))
    return render_template("public/index.html", body=body)


@bp.route("/tillganglighet")
def accessibility():
    return render_template("public/accessibility.html", statement=STATEMENT,
                           contact=current_app.config["ACCESSIBILITY_CONTACT"],
                           organisation=current_app.config["ACCESSIBILITY_ORGANISATION"])


@bp.route("/<slug>")
def municipality(slug: str):
    place = municipality_or_404(slug)
    body = page_cache.municipality_part("public_municipality", place, (), lambda: (
        page_cache.rendered("public/_municipality_body.html", municipality=place,
                            promises=public.promises_of(place.id),
                            followups=public.published_followups(municipality_id=place.id),
                            walks=walks.published_walks(place.id))))
    return render_template("public/municipality.html", municipality=place, body=body)


@dataclass(frozen=True)
class _PromisePage:
    """A public promise's title and content, as kept (found False: no such public promise)."""
    found: bool
    title: str = ""
    body: Markup = Markup("")


@bp.route("/<slug>/loften/<int:promise_id>")
def promise(slug: str, promise_id: int):
    place = municipality_or_404(slug)
    today = local_today()

    def build() -> _PromisePage:
        item = public.promise(place.id, promise_id)  # drafts are never public
        if item is None:
            return _PromisePage(found=False)
        return _PromisePage(True, item.title, page_cache.rendered(
            "public/_promise_body.html", municipality=place, promise=item,
            sections=sections(item, with_progress=False),
            figures=public_progress.promise_figures(item, today), chart_of=commitment_chart,
            followups=public.published_followups(promise_id=item.id)))

    kept = page_cache.municipality_part("public_promise", place, (promise_id, today), build)
    if not kept.found:
        abort(404)
    return render_template("public/promise.html", municipality=place, title=kept.title,
                           body=kept.body)


@dataclass(frozen=True)
class _FollowupPage:
    """A published follow-up's page as kept, around the feedback form (built live: its CSRF
    token is the reader's). found False: no such published version."""
    found: bool
    is_latest: bool = False
    title: str = ""
    report: Markup = Markup("")  # from the heading to the report's last section
    comments: Markup = Markup("")  # the readers' approved comments
    history: Markup = Markup("")  # the published versions, when there are more than one


def _public_heading(followup_id: int) -> FollowUp:
    followup = service.load_heading(followup_id)
    if followup is None or not followup.promise.municipality.is_public:
        abort(404)
    return followup


def _published(followup_id: int, number: int | None = None):
    """(follow-up, published version): the latest, or a given earlier one; else 404."""
    followup = _public_heading(followup_id)
    history = service.published_history(followup.id)
    published = [v for v in history if v.number == number] if number is not None else history
    if not published:
        abort(404)  # a draft is never public
    return followup, published[0], history


@bp.route("/uppfoljningar/<int:followup_id>")
def followup(followup_id: int):
    return _page(followup_id)


@bp.route("/uppfoljningar/<int:followup_id>/version/<int:number>")
def followup_version(followup_id: int, number: int):
    return _page(followup_id, number)


def _page(followup_id: int, number: int | None = None, form: FeedbackForm | None = None,
          status: int = 200):
    """The page of a published version (the latest without `number`), its parts kept for the
    municipality's data version: a new version, a correction or an approved comment is a
    write in the municipality, so a new key."""
    heading = _public_heading(followup_id)

    def build() -> _FollowupPage:
        history = service.published_history(heading.id)
        published = [v for v in history if v.number == number] if number is not None else history
        if not published:
            return _FollowupPage(found=False)  # a draft is never public
        version = published[0]
        report, body = published_body(heading, version, service.load_content)
        is_latest = version.number == history[0].number
        return _FollowupPage(
            True, is_latest, f"{report.title} – {report.municipality}",
            page_cache.rendered("public/_followup_report.html", followup=heading,
                                report=report, body=body, is_latest=is_latest),
            page_cache.rendered("public/_followup_comments.html",
                                comments=feedback.approved_comments(heading.id)),
            page_cache.rendered("public/_followup_history.html", followup=heading,
                                history=history))

    kept = page_cache.municipality_part("public_followup", heading.promise.municipality,
                                        (heading.id, number), build)
    if not kept.found:
        abort(404)
    return render_template("public/followup.html", followup=heading, page=kept,
                           feedback_form=form or FeedbackForm()), status


@bp.route("/uppfoljningar/<int:followup_id>/omdome", methods=["POST"])
@post_limit("FEEDBACK_RATE_LIMIT")
def followup_feedback(followup_id: int):
    """ "Var uppföljningen till hjälp?": a rating and a comment shown once approved."""
    item, _version, _history = _published(followup_id)
    form = FeedbackForm()
    back = url_for("public.followup", followup_id=item.id, _anchor="omdome")
    if form.webbplats.data:
        return redirect(back)  # a robot: it "succeeds", nothing is stored
    if form.validate_on_submit():
        if (earlier := once.first_time(form, announce=False)) is not None:
            return earlier  # a double tap rates once
        try:
            feedback.give(item.id, form.rating.data, form.comment.data)
        except FieldErrors as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            once.remember(form, back)
            db.session.commit()
            flash(_("Tack för ditt svar! En kommentar visas här när kommunen har läst den."),
                  "success")
            return redirect(back)
    return _page(followup_id, None, form, 422)


@bp.route("/uppfoljningar/<int:followup_id>/uppfoljning.<fmt>")
def followup_export(followup_id: int, fmt: str):
    item, version, _history = _published(followup_id)
    return export_response(build_report(item, service.load_content(version)), fmt)
