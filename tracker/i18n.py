"""The interface language: Swedish unless the user picks English with the footer link."""
from __future__ import annotations

from contextlib import contextmanager

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    has_app_context,
    has_request_context,
    redirect,
    request,
    url_for,
)
from flask_babel import force_locale, get_locale

from tracker.offline_texts import offline_texts
from tracker.translation import chosen_language
from tracker.web import layout_urls, safe_local_url

# The language each link offers is named in that language, so a reader of it finds it.
LANGUAGES = {"sv": "På svenska", "en": "In English"}
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

bp = Blueprint("i18n", __name__)


def select_locale() -> str | None:
    """Flask-Babel's locale selector: the cookie's choice; None falls back to Swedish.

    Accept-Language is ignored on purpose: a public-sector tool speaks Swedish unless asked.
    """
    if not has_request_context():
        return None
    choice = request.cookies.get(COOKIE)
    return choice if choice in LANGUAGES else None


def current_language() -> str:
    """The language of this response, for <html lang> and the language switch."""
    locale = get_locale()
    return locale.language if locale else current_app.config["BABEL_DEFAULT_LOCALE"]


def language_links() -> list[tuple[str, str, str]]:
    """(code, label, switch URL) for every language but the current one; back to this page."""
    here = request.full_path.rstrip("?") if request.method == "GET" else request.path
    current = current_language()
    return [
        (code, label, url_for("i18n.switch", code=code, next=here))
        for code, label in LANGUAGES.items()
        if code != current
    ]


@bp.route("/sprak/<code>")
def switch(code: str):
    """Remember the chosen language in a cookie and go back to the page the link was on."""
    if code not in LANGUAGES:
        abort(404)
    response = redirect(safe_local_url(request.args.get("next"), url_for("main.index")))
    response.set_cookie(
        COOKIE, code, max_age=COOKIE_MAX_AGE, path="/", httponly=True, samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(current_language=current_language, language_links=language_links,
                                layout_urls=layout_urls, offline_texts=offline_texts)


@contextmanager
def mail_language():
    """E-mail is written in the default language (Swedish), whoever's request sends it.

    A language choice lives in one browser's cookie, not with the user, so the recipient's is
    unknown; without this an assignment made from an English page would mail English.
    """
    if not has_app_context():
        yield  # no catalogue is loaded outside an app: the Swedish source text is used
        return
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]), chosen_language():
        yield
