"""Error pages in Swedish; no stack trace ever reaches a browser."""
from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from tracker.extensions import db

log = logging.getLogger(__name__)

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


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    return (
        render_template("errors/error.html", code=code, title=title, message=detail or message),
        code,
    )


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # the connection itself may be gone
        log.exception("rollback failed")


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400, str(_l("Formuläret har gått ut eller saknar säkerhetstoken. Ladda om sidan och försök igen."))
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code and error.code < 400:
            return error
        return render_error(error.code or 500)

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        log.exception("database unavailable")
        _rollback()
        return render_error(503)

    @app.errorhandler(DBAPIError)
    def database_error(error):
        log.exception("database error")
        _rollback()
        if error.connection_invalidated:
            return render_error(503)
        return render_error(500)

    @app.errorhandler(Exception)
    def unexpected(error):
        log.exception("unhandled error")
        _rollback()
        return render_error(500)
