"""Error pages in Swedish; no stack trace ever reaches a browser."""
from __future__ import annotations

import logging

import psycopg
from flask import Flask, g, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from tracker import audit
from tracker.api import errors as api_errors
from tracker.extensions import db, login_manager
from tracker.translation import lazy_gettext as _l

log = logging.getLogger(__name__)

# The database is unreachable or overloaded, not wrong: 503, and the next request may succeed
# (pool_pre_ping replaces dead connections). psycopg's own errors escape SQLAlchemy's wrapping
# when they come from a raw connection.
UNAVAILABLE = (
    OperationalError, InterfaceError, DisconnectionError, PoolTimeout,
    psycopg.OperationalError, psycopg.InterfaceError,
)

# The database answered but cannot write or read its files: said as such, not as "does not answer"
# (a full disk does not clear up by itself in a minute). SQLSTATE 53100 disk_full, 58030 io_error.
STORAGE_MESSAGES = {
    "full": _l("Databasens disk är full, så ingenting kan sparas. Ingenting har sparats. "
               "Kontakta den som driftar tjänsten."),
    "io": _l("Databasen fick ett fel när den läste eller skrev på disken (I/O-fel). Ingenting "
             "har sparats. Kontakta den som driftar tjänsten."),
}


def storage_fault(error: BaseException) -> str | None:
    """"full" or "io" when the database failed on its storage, else None."""
    orig = getattr(error, "orig", None) or error
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate == "53100":
        return "full"
    if sqlstate == "58030":
        return "io"
    name = getattr(orig, "sqlite_errorname", "") or ""
    text = str(orig).lower()
    if name == "SQLITE_FULL" or "database or disk is full" in text \
            or "no space left on device" in text:
        return "full"
    if name.startswith("SQLITE_IOERR") or "disk i/o error" in text:
        return "io"
    return None


MESSAGES = {
    400: (_l("Felaktig begäran"), _l("Begäran kunde inte behandlas. Gå tillbaka och försök igen.")),
    403: (_l("Åtkomst nekad"), _l("Du har inte behörighet till den här sidan.")),
    404: (_l("Sidan hittades inte"), _l("Sidan finns inte, eller så har den flyttats.")),
    405: (_l("Metoden stöds inte"), _l("Sidan kan inte användas på det sättet.")),
    409: (_l("Krock"), _l("Någon annan har ändrat samma uppgifter.")),
    413: (_l("För stor begäran"), _l("Det du skickade är för stort.")),
    429: (_l("För många försök"), _l("Vänta en stund och försök igen.")),
    500: (_l("Något gick fel"), _l("Ett oväntat fel inträffade. Ingenting av det du skickade har sparats. Försök igen om en stund.")),
    503: (_l("Tjänsten är inte tillgänglig"), _l("Databasen svarar inte just nu. Ingenting har sparats. Försök igen om en stund.")),
}


def render_error(code: int, detail: str | None = None, *, anonymous: bool = False):
    """The error page; `anonymous`: shown as to a visitor, so a user loaded before the
    database went away is not read again (an explicit value wins over context processors)."""
    if api_errors.is_api_request():  # /api speaks JSON, also for unknown paths and 500s
        return api_errors.error_response(code, message=detail)
    title, message = MESSAGES.get(code, MESSAGES[500])
    shown_as = {"current_user": login_manager.anonymous_user()} if anonymous else {}
    return (
        render_template("errors/error.html", code=code, title=title, message=detail or message,
                        **shown_as),
        code,
    )


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # the connection itself may be gone
        log.exception("rollback failed")


def _unavailable(error: BaseException | None = None):
    """The 503 page without touching the database again: the user is not reloaded for it."""
    _rollback()
    g.database_unavailable = True  # tracker.security.load_user loads nobody now
    fault = storage_fault(error) if error is not None else None
    if fault is not None:
        return make_response(render_error(503, str(STORAGE_MESSAGES[fault]), anonymous=True))
    response = make_response(render_error(503, anonymous=True))
    response.headers["Retry-After"] = "30"
    return response


def http_error(error: HTTPException):
    """The web's page for an HTTP error (the API's blueprints answer JSON themselves)."""
    if error.code and error.code < 400:
        return error
    if error.code == 403:
        audit.record_forbidden()
    elif error.code == 429:  # a limit reached: guessing, or a script filling a form
        audit.record_refusal("rate_limited", keep_session=None)
    return render_error(error.code or 500)


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        audit.record_refusal("csrf_refused", {"reason": str(error.description)[:200]},
                            keep_session=True)  # checked before any view ran
        return render_error(
            400, str(_l("Formuläret har gått ut eller saknar säkerhetstoken. Ladda om sidan och försök igen."))
        )

    app.register_error_handler(HTTPException, http_error)

    def database_unavailable(error):
        log.exception("database unavailable")
        return _unavailable(error)

    for unavailable in UNAVAILABLE:
        app.register_error_handler(unavailable, database_unavailable)

    @app.errorhandler(DBAPIError)
    def database_error(error):
        log.exception("database error")
        _rollback()
        if error.connection_invalidated or storage_fault(error):
            return _unavailable(error)
        return render_error(500)

    @app.errorhandler(RecursionError)
    def nested_too_deep(error):
        """A body nested thousands of levels deep ("[[[[…") exhausts the JSON parser of the
        API's argument reader (webargs), which has no depth limit to set: a bad request. Any
        other recursion is the application's own fault: a 500, logged."""
        if not (api_errors.is_api_request() and request.is_json):
            return unexpected(error)
        _rollback()
        return render_error(400)

    @app.errorhandler(Exception)
    def unexpected(error):
        log.exception("unhandled error")
        _rollback()
        return render_error(500)
