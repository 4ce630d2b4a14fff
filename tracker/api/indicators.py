"""Indicators (shared by all municipalities) and each municipality's yearly values."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tracker import policies
from tracker.api import once as api_once
from tracker.api import schemas
from tracker.api.access import require, viewable, viewable_municipality
from tracker.api.auth import user
from tracker.api.base import ID, PageArgs, make_blueprint, paginate, service_errors
from tracker.api.errors import ApiError, ApiErrorSchema, field_errors
from tracker.api.inputs import IndicatorValueArgs, IndicatorValueBody, IndicatorValueUpdateBody
from tracker.extensions import db
from tracker.models import Indicator, IndicatorValue
from tracker.services.indicator_values import save_indicator_value
from tracker.translation import gettext as _

blp = make_blueprint("indicators", "Indikatorer och kommunernas värden per år.")
BLUEPRINTS = (blp,)


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@blp.get("/indicators")
@blp.arguments(PageArgs, location="query")
@blp.response(200, schemas.IndicatorPage)
def indicators(args):
    """Indikatorerna (trygghetsmätningar, brottsstatistik)."""
    return paginate(sa.select(Indicator).order_by(Indicator.name, Indicator.id), args)


@blp.get(f"/municipalities/<{ID}:municipality_id>/indicator-values")
@blp.arguments(IndicatorValueArgs, location="query")
@blp.response(200, schemas.IndicatorValuePage)
def municipality_values(args, municipality_id: int):
    """Kommunens indikatorvärden, nyaste året först."""
    viewable_municipality(municipality_id)
    query = sa.select(IndicatorValue).where(IndicatorValue.municipality_id == municipality_id)
    if args.get("indicator_id"):
        query = query.where(IndicatorValue.indicator_id == args["indicator_id"])
    if args.get("year"):
        query = query.where(IndicatorValue.year == args["year"])
    return paginate(query.order_by(IndicatorValue.year.desc(), IndicatorValue.indicator_id,
                                   IndicatorValue.id), args)


@blp.get(f"/indicator-values/<{ID}:value_id>")
@blp.response(200, schemas.IndicatorValueSchema)
def indicator_value(value_id: int):
    """Ett indikatorvärde."""
    return viewable(IndicatorValue, value_id)


def _duplicate() -> ApiError:
    return ApiError(409, "duplicate", _(
        "Kommunen har redan ett värde för indikatorn det året. Ändra det med PUT "
        "/api/v1/indicator-values/{id}."))


@blp.post(f"/municipalities/<{ID}:municipality_id>/indicator-values")
@blp.arguments(IndicatorValueBody)
@blp.response(201, schemas.IndicatorValueSchema)
@blp.alt_response(409, schema=ApiErrorSchema,
                  description="The municipality already has a value for that year.")
def create_value(body, municipality_id: int):
    """Registrera ett värde för ett år (samordnare). 409 om året redan har ett värde.

    Med samma Idempotency-Key igen svarar anropet med det första resultatet."""
    municipality = viewable_municipality(municipality_id)
    require(policies.can_edit(user(), municipality))
    if (earlier := api_once.first_id()) is not None:
        return viewable(IndicatorValue, earlier)
    indicator = db.session.get(Indicator, body["indicator_id"])
    if indicator is None:
        raise field_errors({"indicator_id": _("Det finns ingen sådan indikator.")})
    exists = db.session.scalar(sa.select(IndicatorValue.id).where(
        IndicatorValue.indicator_id == indicator.id,
        IndicatorValue.municipality_id == municipality_id, IndicatorValue.year == body["year"]))
    if exists:
        raise _duplicate()
    try:
        with service_errors():
            row, _previous = save_indicator_value(
                user(), municipality_id, indicator, body["year"], _decimal(body["value"]),
                _decimal(body["national_value"]), body["source_note"])
        api_once.remember("indicator_value", row.id)
        db.session.commit()
    except IntegrityError:  # the same value created by a concurrent request
        db.session.rollback()
        raise _duplicate() from None
    return row


@blp.put(f"/indicator-values/<{ID}:value_id>")
@blp.arguments(IndicatorValueUpdateBody)
@blp.response(200, schemas.IndicatorValueSchema)
def update_value(body, value_id: int):
    """Ändra ett värde (samordnare)."""
    row = viewable(IndicatorValue, value_id)
    require(policies.can_edit(user(), row))
    indicator = db.session.get_one(Indicator, row.indicator_id)
    with service_errors():
        row, _previous = save_indicator_value(
            user(), row.municipality_id, indicator, row.year, _decimal(body["value"]),
            _decimal(body["national_value"]), body["source_note"])
    db.session.commit()
    return row
