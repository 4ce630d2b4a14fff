"""JSON errors for /api: {"code": stable machine code, "message": Swedish text, "errors": {...}}.

The web keeps its HTML error pages; `tracker.errors.render_error` hands requests under
API_PREFIX to `error_response`, and each API blueprint handles HTTP errors raised inside its
views (webargs' 422 with its field messages, our 401/403/404/409) with `handle_http_exception`.
"""
from __future__ import annotations

import logging

import marshmallow as ma
from flask import jsonify, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from tracker.translation import lazy_gettext as _l

log = logging.getLogger(__name__)

API_PREFIX = "/api/"

# status -> (code, message) when the raiser gave none
DEFAULTS = {
    400: ("bad_request", _l("Begäran kunde inte tolkas. Kontrollera att kroppen är giltig JSON.")),
    401: ("token_missing", _l("Ange en API-nyckel i huvudet Authorization: Bearer <nyckel>.")),
    403: ("forbidden", _l("Du har inte behörighet till det här.")),
    404: ("not_found", _l("Det efterfrågade finns inte, eller så har du inte behörighet till det.")),
    405: ("method_not_allowed", _l("Metoden stöds inte för den här adressen.")),
    409: ("conflict", _l("Någon annan har ändrat samma uppgifter.")),
    413: ("payload_too_large", _l("Det du skickade är för stort.")),
    415: ("unsupported_media_type", _l("Skicka kroppen som application/json.")),
    422: ("validation_error", _l("Uppgifterna innehåller fel. Se fältet errors.")),
    429: ("rate_limited", _l("För många anrop. Vänta en stund och försök igen.")),
    500: ("server_error", _l("Ett oväntat fel inträffade. Ingenting har sparats.")),
    503: ("unavailable", _l("Databasen svarar inte just nu. Ingenting har sparats.")),
}


class ApiError(HTTPException):
    """An error with our own code, message and field errors; handled like any HTTPException."""

    def __init__(self, status: int, code: str | None = None, message: str | None = None,
                 errors: dict | None = None, headers: dict | None = None):
        super().__init__(description=message)
        self.code = status
        self.data = {"code": code, "message": message, "errors": errors, "headers": headers}


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def error_response(status: int, code: str | None = None, message: str | None = None,
                   errors: dict | None = None, headers: dict | None = None):
    default_code, default_message = DEFAULTS.get(status, DEFAULTS[500])
    body: dict[str, object] = {"code": code or default_code,
                               "message": str(message or default_message)}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if status == 401:
        response.headers.setdefault("WWW-Authenticate", 'Bearer realm="api"')
    return response


def flatten(messages, prefix: str = "") -> dict[str, list[str]]:
    """Nested marshmallow messages -> {"recurrence.freq": [...], "assignee_ids.0": [...]}."""
    if isinstance(messages, (list, tuple)):
        if all(isinstance(m, str) for m in messages):
            return {prefix or "_schema": [str(m) for m in messages]}
        result: dict[str, list[str]] = {}
        for item in messages:
            result.update(flatten(item, prefix))
        return result
    if isinstance(messages, dict):
        if prefix and messages and set(messages) <= {"key", "value"}:  # a Dict field's entry
            return flatten([m for part in messages.values() for m in part], prefix)
        result = {}
        for key, value in messages.items():
            name = str(key) if not prefix else f"{prefix}.{key}"
            result.update(flatten(value, name))
        return result
    return {prefix or "_schema": [str(messages)]}


def _webargs_errors(data: dict) -> dict[str, list[str]]:
    """webargs keys messages by location ({"json": {...}, "query": {...}}); we key by field."""
    merged: dict[str, list[str]] = {}
    for location_messages in (data.get("messages") or {}).values():
        for name, found in flatten(location_messages).items():
            merged.setdefault(name, []).extend(found)
    return merged


def handle_http_exception(error: HTTPException):
    """The error handler of every API blueprint (errors raised inside its views and hooks)."""
    status = error.code or 500
    if status == 403:
        _record_forbidden()
    data = getattr(error, "data", None) or {}
    if isinstance(error, ApiError):
        return error_response(status, data["code"], data["message"], data["errors"],
                              data["headers"])
    if status == 422:  # webargs: the body or query string failed its schema
        return error_response(status, errors=_webargs_errors(data), headers=data.get("headers"))
    headers = dict(error.get_headers())
    headers.pop("Content-Type", None)
    return error_response(status, headers=headers)


def _record_forbidden() -> None:
    """Refused authorisations go to the audit trail, as on the web; failing that is no 500."""
    from tracker import audit
    from tracker.extensions import db

    try:
        audit.record_forbidden()
    except SQLAlchemyError:
        log.exception("could not record a refused authorisation")
        db.session.rollback()


def field_errors(errors: dict[str, str]) -> ApiError:
    """A service's FieldErrors ({field: message}) as a 422."""
    return ApiError(422, "validation_error", errors={k: [v] for k, v in errors.items()})


class ApiErrorSchema(ma.Schema):
    """The body of every error response (documents them in the OpenAPI document)."""

    code = ma.fields.String(required=True, metadata={"description": "stable machine code"})
    message = ma.fields.String(required=True, metadata={"description": "Swedish text"})
    errors = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()),
                            metadata={"description": "messages per field"})
