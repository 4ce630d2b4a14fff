"""Numbers and dates as the pages, reports and e-mail show them, in Swedish and in English."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from tracker.formatting import (
    date_local,
    date_sv,
    local_formatters,
    megabytes,
    number_local,
    number_sv,
)


@pytest.mark.parametrize("value, decimals, shown", [
    (12345.5, None, "12\u00a0345,5"), (3, None, "3"), (15.0, None, "15"), (-12.5, None, "-12,5"),
    (0.05, 1, "0,1"), (2.45, 1, "2,5"), (Decimal("2.50"), 2, "2,50"), (1234567, 0, "1\u00a0234\u00a0567"),
    (None, None, "–"),
])
def test_swedish_numbers(value, decimals, shown):
    assert number_sv(value, decimals) == shown


def test_swedish_dates_and_stockholm_times():
    assert date_sv(date(2019, 2, 4)) == "4 februari 2019"
    assert date_sv(datetime(2026, 7, 1, 22, 5, tzinfo=timezone.utc)) == "2 juli 2026 00:05"
    assert date_sv(None) == ""


def test_an_english_page_gets_english_months_and_separators(app):
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        app.preprocess_request()
        assert date_local(date(2026, 12, 31)) == "31 December 2026"
        assert number_local(12345.5) == "12,345.5"
        dates, numbers = local_formatters()
        assert (dates(date(2020, 1, 9)), numbers(1234.56, 2)) == ("9 January 2020", "1,234.56")
    with app.test_request_context("/"):
        app.preprocess_request()
        assert date_local(date(2026, 12, 31)) == "31 december 2026"


def test_a_size_limit_in_megabytes_in_either_language(app):
    """The limits named in refusals ("högst 10 MB"): never a bare 0 for a small one."""
    mib = 1024 * 1024
    with app.test_request_context("/"):
        app.preprocess_request()
        assert [megabytes(n) for n in (10 * mib, 5 * mib // 2, 2048 * mib, 500)] == [
            "10", "2,5", "2\u00a0048", "0,000477"]
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        app.preprocess_request()
        assert [megabytes(n) for n in (5 * mib // 2, 2048 * mib, mib // 2)] == [
            "2.5", "2,048", "0.5"]


def test_counts_in_plural_messages_are_written_as_the_page_writes_numbers(app):
    """"1 500 tillfällen" on a resident's page, as the code's and the templates' plural
    messages write every count (1,500 occasions in English); below a thousand as typed."""
    from flask import render_template_string

    from tracker.translation import ngettext

    template = "{{ ngettext('%(num)s tillfälle', '%(num)s tillfällen', n) }}"
    for cookie, many, one in (({}, "1\u00a0500 tillfällen", "1 tillfälle"),
                              ({"Cookie": "lang=en"}, "1,500 occasions", "1 occasion")):
        with app.test_request_context("/", headers=cookie):
            app.preprocess_request()
            assert render_template_string(template, n=1500) == many
            assert render_template_string(template, n=1) == one
            assert ngettext("%(num)s tillfälle", "%(num)s tillfällen", 1500) == many
