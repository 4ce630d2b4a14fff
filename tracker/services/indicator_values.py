"""Yearly indicator values of a municipality: validated writes (insert or replace)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from tracker import policies
from tracker.extensions import db
from tracker.models import Indicator, IndicatorValue, User
from tracker.services import DomainError, FieldErrors, personal_data
from tracker.services.limits import INDICATOR_YEAR_MIN, YEAR_MAX, check_length, year_between
from tracker.translation import gettext as _

MAX_ABS_VALUE = Decimal(10) ** 11  # the columns are NUMERIC(14, 3)
SOURCE_NOTE_MAX = 500  # a line of its own under the figure


def _stored(value: Decimal | None, name: str, errors: dict[str, str]) -> Decimal | None:
    """The value as the column keeps it (three decimals), or an error when it does not fit."""
    if value is None:
        return None
    if value.is_finite() and abs(value) < MAX_ABS_VALUE:
        rounded = value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
        if abs(rounded) < MAX_ABS_VALUE:  # 99999999999.9999 rounds up past the column
            return rounded
    errors[name] = _("Talet är för stort.")
    return None


# A share is 0–100; a count is never below zero. Other units (an index, a change) may be.
_PERCENT_UNITS = {"procent", "%", "andel", "andel (%)"}
_COUNT_UNITS = {"antal", "st", "stycken", "brott", "anmälningar", "personer"}


def _within_unit(unit: str, name: str, value: Decimal | None, errors: dict[str, str]) -> None:
    unit = (unit or "").strip().lower()
    if value is None or name in errors:
        return
    if unit in _PERCENT_UNITS and not 0 <= value <= 100:
        errors[name] = _("En andel i procent ska vara mellan 0 och 100.")
    elif unit in _COUNT_UNITS and value < 0:
        errors[name] = _("Ett antal kan inte vara mindre än 0.")


def save_indicator_value(actor: User, municipality_id: int, indicator: Indicator, year: int | None,
                         value: Decimal | None, national_value: Decimal | None = None,
                         source_note: str = "") -> tuple[IndicatorValue, Decimal | None]:
    """Set the municipality's value for the indicator and year; returns it and the old value."""
    if not policies.can_edit(actor, municipality_id):
        raise DomainError(_("Du har inte behörighet att ändra indikatorer i kommunen."))
    errors: dict[str, str] = {}
    if year is None or not INDICATOR_YEAR_MIN <= year <= YEAR_MAX:
        errors["year"] = year_between(_("Året"), INDICATOR_YEAR_MIN, YEAR_MAX)
    if value is None:
        errors["value"] = _("Ange ett värde.")
    value = _stored(value, "value", errors)
    national_value = _stored(national_value, "national_value", errors)
    for name, number in (("value", value), ("national_value", national_value)):
        _within_unit(indicator.unit, name, number, errors)
    source_note = (source_note or "").strip()
    check_length(errors, "source_note", _("Anmärkningen"), source_note, SOURCE_NOTE_MAX)
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
