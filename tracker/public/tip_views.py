"""The residents' tip form: CSRF, a rate limit per address, the personal-data guard, a honeypot."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for

from tracker import once
from tracker.extensions import db
from tracker.public import bp
from tracker.public.forms import TipForm
from tracker.public.views import municipality_or_404
from tracker.ratelimit import post_limit
from tracker.services import DomainError, FieldErrors
from tracker.services import tips as service
from tracker.web import attach_error


@bp.route("/<slug>/tips", methods=["GET", "POST"])
@post_limit("TIP_RATE_LIMIT")
def tip(slug: str):
    municipality = municipality_or_404(slug)
    form = TipForm()
    if request.method == "POST" and form.webbplats.data:
        # A robot filled the field people never see: it "succeeds", and nothing is stored.
        return redirect(url_for("public.tip_thanks", slug=municipality.slug))
    if form.validate_on_submit():
        if (earlier := once.first_time(form, announce=False)) is not None:
            return earlier
        try:
            service.create_tip(municipality.id, form.text.data, form.reply_to.data)
        except FieldErrors as error:
            db.session.rollback()
            for name, message in error.errors.items():
                attach_error(form, DomainError(message, name))
        else:
            thanks = url_for("public.tip_thanks", slug=municipality.slug)
            once.remember(form, thanks, "tip")
            db.session.commit()
            return redirect(thanks)
    status = 422 if request.method == "POST" else 200
    return render_template("public/tip.html", municipality=municipality, form=form), status


@bp.route("/<slug>/tips/tack")
def tip_thanks(slug: str):
    """Never shows what was sent: the page is the same for everyone."""
    return render_template("public/tip_thanks.html", municipality=municipality_or_404(slug))
