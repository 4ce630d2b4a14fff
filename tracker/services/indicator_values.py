"""Yearly indicator values of a municipality: validated writes (insert or replace)."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from tracker import policies
from tracker.extensions import db
from tracker.models import Indicator, IndicatorValue, User
from tracker.services import DomainError, FieldErrors, personal_data

MIN_YEAR, MAX_YEAR = 1990, 2100
MAX_ABS_VALUE = Decimal(10) ** 11  # the columns are NUMERIC(14, 3)


def _check_number(value: Decimal | None, name: str, errors: dict[str, str]) -> None:
    if value is not None and (not value.is_finite() or abs(value) >= MAX_ABS_VALUE):
        errors[name] = _("Talet är för stort.")


def save_indicator_value(actor: User, municipality_id: int, indicator: Indicator, year: int | None,
                         value: Decimal | None, national_value: Decimal | None = None,
                         source_note: str = "") -> tuple[IndicatorValue, Decimal | None]:
    """Set the municipality's value for the indicator and year; returns it and the old value."""
    if not policies.can_edit(actor, municipality_id):
        raise DomainError(_("Du har inte behörighet att ändra indikatorer i kommunen."))
    errors: dict[str, str] = {}
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        errors["year"] = _("Året ska vara mellan %(min)d och %(max)d.", min=MIN_YEAR, max=MAX_YEAR)
    if value is None:
        errors["value"] = _("Ange ett värde.")
    _check_number(value, "value", errors)
    _check_number(national_value, "national_value", errors)
    source_note = (source_note or "").strip()
    errors.update(personal_data.check_fields({"source_note": (_("Anmärkning"), source_note)}))
    if errors:
        raise FieldErrors(errors)
    row = db.session.scalar(sa.select(IndicatorValue).where(
        IndicatorValue.indicator_id == indicator.id,
        IndicatorValue.municipality_id == municipality_id, IndicatorValue.year == year))
    previous = None
    if row is None:
        row = IndicatorValue(indicator_id=indicator.id, municipality_id=municipality_id, year=year)
        db.session.add(row)
    else:
        previous = row.value
    row.value = value
    row.national_value = national_value
    row.source_note = source_note
    db.session.flush()
    return row, previous
