"""Following a municipality by e-mail: sign up, confirm (double opt-in), unsubscribe; and the
news sent to confirmed subscribers when a promise is signed or a follow-up published."""
from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for

from tracker.extensions import db
from tracker.forms import BaseForm
from tracker.models import FollowUp, Municipality, Promise
from tracker.public import bp
from tracker.public.forms import SubscribeForm
from tracker.public.views import municipality_or_404
from tracker.ratelimit import post_limit
from tracker.services import DomainError, FieldErrors
from tracker.services import subscriptions as service
from tracker.translation import gettext as _
from tracker.urls import absolute_url
from tracker.web import attach_error, show_refusal

CONFIRM, UNSUBSCRIBE = "confirm", "unsubscribe"


def _link(endpoint: str, purpose: str, subscription) -> str:
    return absolute_url(endpoint, subscription_id=subscription.id, token=service.token(
        current_app.config["SECRET_KEY"], purpose, subscription))


@bp.route("/<slug>/prenumerera", methods=["GET", "POST"])
@post_limit("SUBSCRIBE_RATE_LIMIT")
def subscribe(slug: str):
    municipality = municipality_or_404(slug)
    mail_on = bool(current_app.config.get("MAIL_ENABLED"))
    form = SubscribeForm()
    done = url_for("public.subscribe_thanks", slug=municipality.slug)
    if request.method == "POST" and form.webbplats.data:
        return redirect(done)  # a robot: it "succeeds", nothing is stored or sent
    status = 422 if request.method == "POST" and mail_on else 200
    if mail_on and form.validate_on_submit():
        try:
            created = service.subscribe(municipality.id, form.email.data)
        except FieldErrors as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            db.session.commit()  # the link in the mail works before the mail can arrive
            if created is None or service.send_confirmation(
                    current_app.config, created, municipality.name,
                    _link("public.confirm_subscription", CONFIRM, created)):
                return redirect(done)  # the same answer whether the address was new or not
            service.withdraw_unsent(created)  # nothing was sent: the resident may ask again
            db.session.commit()
            attach_error(form, DomainError(_(
                "Vi kunde inte skicka brevet just nu. Försök igen om en stund."), "email"))
            status = 503
    return render_template("public/subscribe.html", municipality=municipality, form=form,
                           mail_on=mail_on), status


@bp.route("/<slug>/prenumerera/tack")
def subscribe_thanks(slug: str):
    municipality = municipality_or_404(slug)
    if not current_app.config.get("MAIL_ENABLED"):  # it would tell of a mail never sent
        return redirect(url_for("public.subscribe", slug=municipality.slug))
    return render_template("public/subscribe_thanks.html", municipality=municipality)


def _subscription_or_404(purpose: str, subscription_id: int, token: str):
    return service.subscription_for(current_app.config["SECRET_KEY"], purpose, subscription_id,
                                    token) or abort(404)


@bp.route("/prenumeration/<int:subscription_id>/<token>/bekrafta", methods=["GET", "POST"])
def confirm_subscription(subscription_id: int, token: str):
    """A button, not the link itself: mail scanners that open links confirm nothing."""
    subscription = _subscription_or_404(CONFIRM, subscription_id, token)
    municipality = db.session.get(Municipality, subscription.municipality_id)
    form = BaseForm()
    if form.validate_on_submit():
        service.confirm(subscription)
        db.session.commit()
        return redirect(request.path)  # the same address now says it is confirmed
    return render_template("public/subscription_confirm.html", municipality=municipality,
                           form=form, confirmed=subscription.confirmed_at)


@bp.route("/prenumeration/<int:subscription_id>/<token>/avsluta", methods=["GET", "POST"])
def unsubscribe(subscription_id: int, token: str):
    form = BaseForm()
    if request.method == "POST" and form.validate_on_submit():
        subscription = service.subscription_for(current_app.config["SECRET_KEY"], UNSUBSCRIBE,
                                                subscription_id, token)
        municipality = (db.session.get(Municipality, subscription.municipality_id)
                        if subscription else None)
        if subscription is not None:
            service.unsubscribe(subscription)
            db.session.commit()
        # already gone is done too: the same answer
        return redirect(url_for("public.unsubscribed",
                                slug=municipality.slug if municipality else None))
    subscription = service.subscription_for(current_app.config["SECRET_KEY"], UNSUBSCRIBE,
                                            subscription_id, token)
    if subscription is None:  # used already (the row is gone), or not a link of ours
        return render_template("public/unsubscribed.html", municipality=None, gone=True), 404
    municipality = db.session.get(Municipality, subscription.municipality_id)
    return render_template("public/unsubscribe.html", municipality=municipality, form=form)


@bp.route("/prenumeration/avslutad")
def unsubscribed():
    slug = request.args.get("slug", "")
    municipality = municipality_or_404(slug) if slug else None
    return render_template("public/unsubscribed.html", municipality=municipality)


# ---------------------------------------------------------------- news to subscribers

def _unsubscribe_link(subscription) -> str:
    return _link("public.unsubscribe", UNSUBSCRIBE, subscription)


def announce_promise(promise_id: int) -> int:
    """After a promise was signed (and committed): a short message to its subscribers."""
    promise = db.session.get_one(Promise, promise_id)
    place = db.session.get_one(Municipality, promise.municipality_id)
    if not (promise.is_public and place.is_public):
        return 0
    page = absolute_url("public.promise", slug=place.slug, promise_id=promise.id)
    return service.announce(
        current_app.config, place.id,
        _("Nytt medborgarlöfte i %(name)s", name=place.name),
        _("Hej!\n\n%(name)s och Polisen har undertecknat medborgarlöftet ”%(title)s” för "
          "%(period)s.\n\nLäs löftet och följ arbetet här:\n%(url)s",
          name=place.display_name, title=promise.title, period=promise.period_label, url=page),
        _unsubscribe_link)


def announce_followup(followup_id: int) -> int:
    """After a follow-up was published (and committed): a short message to its subscribers."""
    followup = db.session.get_one(FollowUp, followup_id)
    promise = db.session.get_one(Promise, followup.promise_id)
    place = db.session.get_one(Municipality, promise.municipality_id)
    if not place.is_public:
        return 0
    page = absolute_url("public.followup", followup_id=followup.id)
    return service.announce(
        current_app.config, place.id,
        _("Uppföljning %(year)s av medborgarlöftet i %(name)s", year=followup.year,
          name=place.name),
        _("Hej!\n\n%(name)s och Polisen har publicerat uppföljningen %(year)s av "
          "medborgarlöftet ”%(title)s”: vad som gjordes och om det syns någon effekt.\n\n"
          "Läs den här:\n%(url)s", name=place.display_name, year=followup.year,
          title=promise.title, url=page),
        _unsubscribe_link)
