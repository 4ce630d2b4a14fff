"""What every API module shares: the Swedish-speaking base schema, field helpers, pagination
and the blueprint factory that puts token auth, rate limit and JSON errors on a blueprint."""
from __future__ import annotations

import hashlib
from contextlib import contextmanager
from datetime import date

import marshmallow as ma
from flask import request
from flask_smorest import Blueprint
from marshmallow import fields, validate
from werkzeug.exceptions import HTTPException

from tracker import pagination, ratelimit
from tracker.api import auth
from tracker.api.errors import ApiError, field_errors, handle_http_exception
from tracker.extensions import db
from tracker.formatting import number_sv
from tracker.services import VERSION_CONFLICT, DomainError, FieldErrors, limits
from tracker.services.limits import MAX_ID  # the largest value an INTEGER key column holds
from tracker.translation import gettext as _
from tracker.translation import lazy_gettext as _l
from tracker.validators import clean_text

ID = f"int(min=1, max={MAX_ID})"  # URL converter: anything else is a 404, never a DB error
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 25
MAX_PAGE = 100_000

# marshmallow's English defaults, as we say them (applied to every field of an ApiSchema)
SWEDISH = {
    "Missing data for required field.": _l("Fältet måste anges."),
    "Field may not be null.": _l("Fältet får inte vara null."),
    "Invalid value.": _l("Ogiltigt värde."),
    "Invalid type.": _l("Fel typ: ett objekt väntades."),
    "Not a valid list.": _l("Ange en lista."),
    "Not a valid string.": _l("Ange en text."),
    "Not a valid utf-8 string.": _l("Texten är inte giltig UTF-8."),
    "Not a valid number.": _l("Ange ett tal."),
    "Number too large.": _l("Talet är för stort."),
    "Not a valid integer.": _l("Ange ett heltal."),
    "Special numeric values (nan or infinity) are not permitted.": _l("Ange ett ändligt tal."),
    "Not a valid boolean.": _l("Ange true eller false."),
    "Not a valid date.": _l("Ange ett datum som ÅÅÅÅ-MM-DD."),
    '"{input}" cannot be formatted as a date.': _l("Ange ett datum som ÅÅÅÅ-MM-DD."),
    "Not a valid mapping type.": _l("Ange ett objekt."),
}


def _translate(field: fields.Field) -> None:
    field.error_messages = {
        key: SWEDISH.get(message, message) if isinstance(message, str) else message
        for key, message in field.error_messages.items()
    }
    for inner in (getattr(field, "inner", None), getattr(field, "value_field", None),
                  getattr(field, "key_field", None)):
        if isinstance(inner, fields.Field):
            _translate(inner)


class ApiSchema(ma.Schema):
    """Unknown fields are refused; every message a client can get back is Swedish."""

    error_messages = {"unknown": _l("Okänt fält."),
                                "type": _l("Fel typ: ett objekt väntades.")}

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        _translate(field_obj)


class CleanString(fields.String):
    """Text without the characters no text may hold, cleaned as the web forms clean it
    (tracker.validators.clean_text: NUL, other C0 and C1 controls, lone surrogates)."""

    def _deserialize(self, value, attr, data, **kwargs):
        return clean_text(super()._deserialize(value, attr, data, **kwargs))


def text(max_length: int, *, required: bool = False, min_length: int = 0, **kwargs) -> fields.String:
    """A free-text field; the services check it for personnummer. The API speaks Swedish: its
    bounds are written as Swedish numbers (5 000), the same limits the services refuse beyond."""
    too_long = (_("Texten ska vara mellan %(min)s och %(max)s tecken.",
                  min=number_sv(min_length), max=number_sv(max_length)) if min_length
                else _("Texten får vara högst %(max)s tecken.", max=number_sv(max_length)))
    validators = [validate.Length(min=min_length, max=max_length, error=too_long)]
    return CleanString(required=required, validate=validators, **kwargs)


def id_field(*, strict: bool = True, **kwargs) -> fields.Integer:
    """strict (JSON bodies): a JSON number only; a query string's ids are text, so not there."""
    return fields.Integer(
        strict=strict, validate=validate.Range(1, MAX_ID, error=str(_l("Ange ett giltigt id."))),
        **kwargs)


def int_range(low: int, high: int, *, strict: bool = True, **kwargs) -> fields.Integer:
    """A whole number from low to high; the bounds in its refusal are Swedish numbers
    (100 000)."""
    error = _("Ange ett heltal från %(min)s till %(max)s.", min=number_sv(low), max=number_sv(high))
    return fields.Integer(strict=strict, validate=validate.Range(low, high, error=error),
                          **kwargs)


def year_range(low: int, high: int, *, strict: bool = True, **kwargs) -> fields.Integer:
    """A year from low to high, refused in the services' words ("Året ska vara mellan 1990 och
    2100.")."""
    error = limits.year_between(_("Året"), low, high)
    return fields.Integer(strict=strict, validate=validate.Range(low, high, error=error),
                          **kwargs)


FIRST_DAY, LAST_DAY = date(limits.YEAR_MIN, 1, 1), date(limits.YEAR_MAX, 12, 31)


def day(**kwargs) -> fields.Date:
    """A planning date; bounded, as recurrences are expanded from it day by day."""
    return fields.Date(validate=validate.Range(
        FIRST_DAY, LAST_DAY, error=limits.date_outside_years()), **kwargs)


def one_of(choices, **kwargs) -> fields.String:
    return fields.String(validate=validate.OneOf(
        list(choices), error=str(_l("Välj ett av: {choices}."))), **kwargs)


class PageArgs(ApiSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(
        1, MAX_PAGE, error=_("Sidan ska vara ett heltal från 1 till %(max)s.",
                             max=number_sv(MAX_PAGE))),
        metadata={"description": "Sidnummer, från 1."})
    per_page = fields.Integer(load_default=DEFAULT_PER_PAGE, validate=validate.Range(
        1, MAX_PER_PAGE, error=str(_l("per_page ska vara ett heltal från {min} till {max}."))),
        metadata={"description": f"Rader per sida, högst {MAX_PER_PAGE}."})


def page_schema(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """The envelope of every list: items plus where the page sits in the whole."""
    return ApiSchema.from_dict({
        "items": fields.List(fields.Nested(item_schema), required=True),
        "page": fields.Integer(required=True),
        "per_page": fields.Integer(required=True),
        "total": fields.Integer(required=True),
        "pages": fields.Integer(required=True),
    }, name=name)


def paginate(query, args: dict, transform=None) -> dict:
    """The envelope of one page of `query` (tracker.pagination: two statements whatever the
    row count; a page past the end is empty). A query of one entity pages entities; a query
    of several columns pages rows (tuples), which `transform` turns into what the schema
    dumps."""
    found = pagination.paginate(query, args["page"], args["per_page"])
    return found.envelope(transform(list(found.items)) if transform else None)


def not_found() -> ApiError:
    return ApiError(404, "not_found")


def forbidden(message: str | None = None) -> ApiError:
    return ApiError(403, "forbidden", message)


STALE = _l("Någon annan har ändrat uppgifterna sedan du läste dem. Hämta dem igen och gör om "
           "ändringen med den nya versionen.")


@contextmanager
def service_errors(renamed: dict[str, str] | None = None):
    """A service's refusal as JSON (409 stale, 422 with field errors); nothing is kept."""
    try:
        yield
    except VERSION_CONFLICT:  # early, or the versioned UPDATE at flush
        db.session.rollback()
        raise ApiError(409, "stale_version", str(STALE)) from None
    except FieldErrors as error:
        db.session.rollback()
        raise field_errors({(renamed or {}).get(k, k): v for k, v in error.errors.items()}) \
            from None
    except DomainError as error:
        db.session.rollback()
        if error.field:
            raise field_errors({error.field: error.message}) from None
        raise ApiError(422, "refused", error.message) from None


def commit() -> None:
    """Commit; a concurrent save that won the version race is a 409, as on the web."""
    try:
        db.session.commit()
    except VERSION_CONFLICT:
        db.session.rollback()
        raise ApiError(409, "stale_version", str(STALE)) from None


def _rate_key() -> str:
    """Per token (its hash, never the secret), else per client address."""
    header = request.headers.get("Authorization", "")
    if header:
        return "api:" + hashlib.sha256(header.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return "api-addr:" + (request.remote_addr or "")


def make_blueprint(name: str, description: str) -> Blueprint:
    """A resource blueprint under /api/v1: bearer token required, one shared rate limit."""
    blp = Blueprint(f"api_{name}", __name__, url_prefix="/api/v1", description=description)
    blp.before_request(auth.authenticate_request)
    blp.register_error_handler(HTTPException, handle_http_exception)
    ratelimit.blueprint_limit(blp, "API_RATE_LIMIT", scope="api", key_func=_rate_key)
    return blp
