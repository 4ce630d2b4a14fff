"""The residents' tip form (CSRF, a rate limit per address, the personal-data guard, a
honeypot) and the private status address where the resident follows the tip."""
from __future__ import annotations

import time

from flask import abort, current_app, redirect, render_template, request, session, url_for

from tracker import once
from tracker.extensions import db
from tracker.models import Municipality
from tracker.public import bp
from tracker.public.forms import TipForm
from tracker.public.views import municipality_or_404
from tracker.ratelimit import post_limit
from tracker.services import FieldErrors, tip_events, tip_mail
from tracker.services import tips as service
from tracker.urls import absolute_url
from tracker.web import show_refusal

RECEIPT = "tip_receipt"  # the case number and status address, on the thank-you page
# The receipt stays with the browser that sent the tip this long: a tip sent twice (a double tap,
# an answer lost on a slow network) leads to the same receipt, and a later visitor of a shared
# computer does not see it. Without an e-mail address it is the resident's only copy.
RECEIPT_SECONDS = 15 * 60


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
            created, secret = service.create_tip(municipality.id, form.text.data,
                                                 form.reply_to.data)
        except FieldErrors as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            thanks = url_for("public.tip_thanks", slug=municipality.slug)
            once.remember(form, thanks, "tip")
            db.session.commit()
            status_url = absolute_url("public.tip_status", token=secret)
            mailed = tip_mail.send_receipt(current_app.config, created, municipality.name,
                                           status_url)
            # the page tells of a mail only when the SMTP server took it
            session[RECEIPT] = {"case": created.case_number, "url": status_url,
                                "mailed": mailed, "unsent": bool(created.reply_to) and not mailed,
                                "at": time.time()}
            return redirect(thanks)
    status = 422 if request.method == "POST" else 200
    return render_template("public/tip.html", municipality=municipality, form=form), status


@bp.route("/<slug>/tips/tack")
def tip_thanks(slug: str):
    """Never shows what was sent; the case number and status address only to the browser that
    sent the tip, for RECEIPT_SECONDS."""
    receipt = session.get(RECEIPT)
    if receipt is not None and time.time() - receipt.get("at", 0) > RECEIPT_SECONDS:
        session.pop(RECEIPT)
        receipt = None
    return render_template("public/tip_thanks.html", municipality=municipality_or_404(slug),
                           receipt=receipt)


@bp.route("/tips/<token>")
def tip_status(token: str):
    """The resident's private page: status, answers; never who handled it or the notes."""
    found = service.tip_by_secret(token) or abort(404)
    municipality = db.session.get(Municipality, found.municipality_id)
    # Its address is the secret: tracker.security keeps it out of caches, referrers and
    # search engines.
    return render_template(
        "public/tip_status.html", tip=found, municipality=municipality,
        events=tip_events.public_events(found.id),
        activity_title=service.public_activity_title(found))
