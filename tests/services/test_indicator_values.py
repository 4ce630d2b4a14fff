"""Indicator values are stored as NUMERIC(14, 3): what does not fit is refused, not a 500."""
from decimal import Decimal

import pytest

from tracker.models import Indicator
from tracker.services import FieldErrors
from tracker.services.indicator_values import save_indicator_value


@pytest.fixture
def indicator(session):
    row = Indicator(key="brott_test", name="Anmälda brott", unit="antal")  # no upper bound
    session.add(row)
    session.flush()
    return row


@pytest.mark.parametrize("value", ["99999999999.9999", "100000000000", "1E+30", "NaN"])
def test_a_value_that_does_not_fit_the_column_is_refused(town, indicator, session, value):
    with pytest.raises(FieldErrors) as refused:
        save_indicator_value(town["coordinator"], town["m"].id, indicator, 2024, Decimal(value))
    assert refused.value.errors == {"value": "Talet är för stort."}


def test_a_value_is_kept_with_three_decimals(town, indicator, session):
    row, previous = save_indicator_value(town["coordinator"], town["m"].id, indicator, 2024,
                                         Decimal("12.3456"), Decimal("99999999999.9994"))
    session.expire_all()
    assert (row.value, row.national_value, previous) == (
        Decimal("12.346"), Decimal("99999999999.999"), None)
