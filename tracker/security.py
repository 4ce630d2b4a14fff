"""Session handling and response headers shared by every route."""
from __future__ import annotations

import time

import sqlalchemy as sa
from flask import (
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_url, logout_user
from sqlalchemy.orm import joinedload
from werkzeug.routing import IntegerConverter

from tracker import policies
from tracker.extensions import db, login_manager
from tracker.models import User, UserSession
from tracker.services import notifications, second_factor, sessions
from tracker.services.limits import MAX_ID, is_whole_number
from tracker.translation import lazy_gettext as _l

CSP = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "worker-src 'self'; manifest-src 'self'"
)
SEEN_AT_RESOLUTION = 60  # seconds


# The memberships come along: nearly every page asks the policies for the user's roles; the
# session's own row, which must be open; and the header's count of unread notifications. Built
# once; `session.get` would build and hash its loader options on every request.
_LOAD_USER = (
    sa.select(User, UserSession.id,
              notifications.unread_count_of(User.id).label("unread_notifications"))
    .join(UserSession, sa.and_(UserSession.user_id == User.id,
                               UserSession.secret_hash == sa.bindparam("secret_hash"),
                               UserSession.ended_at.is_(None)))
    .where(User.id == sa.bindparam("user_id"))
    .options(joinedload(User.memberships)))


@login_manager.user_loader
def load_user(user_key: str) -> User | None:
    """The cookie holds "id:token" and the session's secret; a rotated token (logout
    everywhere, new password, deactivation) or an ended session row ends it. The API never
    reads the session (tracker.api.auth), and a 503 page asks nothing of the database."""
    if request.path.startswith("/api/") or g.get("database_unavailable"):
        return None
    user_id, _, token = user_key.partition(":")
    secret = session.get("sid")
    if not is_whole_number(user_id) or not token or not isinstance(secret, str):
        return None
    row = db.session.execute(_LOAD_USER, {
        "user_id": int(user_id), "secret_hash": sessions.hash_secret(secret)}).unique().first()
    if row is None:
        return None
    user = row.User
    if not user.is_enabled or user.session_token != token:
        return None
    g.user_session_id = row.id
    g.unread_notifications = row.unread_notifications
    if "memberships" in sa.inspect(user).dict:  # not when the session already held the user
        policies.remember_roles(user, {m.municipality_id: m.role for m in user.memberships})
    return user


def _enforce_session_age():
    if request.path.startswith("/api/"):
        return None  # the API ignores the session: a token authenticates (tracker.api.auth)
    if not current_user.is_authenticated:
        return None
    now = time.time()
    login_at = session.get("login_at", 0)
    seen_at = session.get("seen_at", 0)
    idle_limit = current_app.config["SESSION_IDLE_MINUTES"] * 60
    absolute_limit = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    if now - seen_at > idle_limit or now - login_at > absolute_limit:
        sessions.end(g.get("user_session_id"))
        db.session.commit()
        logout_user()
        session.clear()
        if request.method == "POST":
            return _login_instead(_l("Du har loggats ut eftersom sessionen har gått ut, och det "
                                     "du skickade har inte kommit fram. Logga in igen."))
        flash(_l("Du har loggats ut eftersom sessionen har gått ut. Logga in igen."), "info")
        return redirect(url_for("auth.login", next=request.full_path))
    if now - seen_at >= SEEN_AT_RESOLUTION:
        # Rewriting the signed cookie on every request costs every page; a minute's
        # resolution is plenty for a 30-minute idle limit.
        session["seen_at"] = now
        sessions.touch(g.user_session_id)
        db.session.commit()
    return None


def _unauthorized():
    """Not logged in: to the login page and back (Flask-Login's own way), but a form sent after
    the session ended gets the login page itself (_login_instead), not a redirect."""
    if request.method == "POST":
        return _login_instead(_l("Du är inte inloggad, så det du skickade har inte kommit fram. "
                                 "Logga in igen."))
    flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(login_url(login_manager.login_view, request.url))


def _login_instead(message):
    """The login page in answer to a form sent without a session (401): a redirect would drop
    what was sent without a word; the phone's worker keeps a log form to send after the login
    (static/sw.js), and the login leads back to the form."""
    from tracker.auth.forms import LoginForm

    flash(message, "error")
    page = render_template("auth/login.html", form=LoginForm(formdata=None),
                           login_next=request.path)
    return page, 401


# Where a user who must enrol a second factor may still go: the enrolment itself, leaving,
# the language switch, the static files and the offline worker.
ENROLMENT_ENDPOINTS = {"auth.second_factor", "auth.logout", "auth.log_out_everywhere",
                       "i18n.switch", "static", "main.service_worker"}


def _require_second_factor():
    """Admins and coordinators without a second factor are sent to enrol it, page after page."""
    if request.path.startswith("/api/") or not current_user.is_authenticated:
        return None
    user = current_user._get_current_object()
    if user.has_second_factor or request.endpoint in ENROLMENT_ENDPOINTS:
        return None
    if not second_factor.required_for(user, policies.roles_of(user), current_app.config):
        return None
    flash(_l("Din roll kräver tvåstegsverifiering. Slå på den innan du fortsätter."), "info")
    return redirect(url_for("auth.second_factor"))


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` up to the largest INTEGER: a bigger id is a 404, never a database error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


# Query-string values that are free text (a search may be all digits); every other value that
# is written as a whole number must fit an INTEGER column.
FREE_TEXT_ARGS = {"q", "aktor", "next"}


def _bounded_query_integers():
    """?sida=99999999999999999999 or ?typ=² is a 400 with the Swedish page, never a 500."""
    if request.path.startswith("/api/"):  # the API's schemas bound their own parameters
        return None
    for name, value in request.args.items(multi=True):
        number = value.strip()
        number = number[1:] if number[:1] in "+-" else number
        if name in FREE_TEXT_ARGS or not number.isdigit():  # "²" and "١٢" are digits too
            continue
        if not is_whole_number(number) or int(number) > MAX_ID:
            abort(400)
    return None


def _headers(response):
    if "token" in (request.view_args or {}):
        # The address carries a secret (<token>: an invitation, a password reset, a tip's
        # status, a subscription): no browser or proxy keeps the page, no link on it passes
        # the address on, no search engine lists it.
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Robots-Tag", "noindex")
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.is_secure or current_app.config["SESSION_COOKIE_SECURE"]:
        response.headers.setdefault(
            "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
        )
    # Asked of the session and the request, not current_user: after a commit the user row
    # is expired and asking it would cost one more SELECT for a header.
    if session.get("_user_id") or "Authorization" in request.headers:
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def register(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Logga in för att se sidan.")
    login_manager.login_message_category = "info"
    login_manager.unauthorized_handler(_unauthorized)
    login_manager.session_protection = None  # the per-user token does this job
    app.url_map.converters["int"] = BoundedIntegerConverter  # before any blueprint's rules
    app.before_request(_bounded_query_integers)
    app.before_request(_enforce_session_age)
    app.before_request(_require_second_factor)
    app.after_request(_headers)

