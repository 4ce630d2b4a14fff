"""Number and date formatting: Swedish for reports and e-mail, the chosen language on pages.

Python callers (the follow-up's generated text, reminders, charts) use number_sv/date_sv and
stay Swedish. The template filters `number_sv` and `date_sv` follow the page's language: an
English page gets English month names and 12,345.5; times are always Stockholm time. Babel
formats them, with the locale Flask-Babel chose for the request.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from flask import Flask, current_app, has_app_context
from markupsafe import Markup, escape

from tracker.followups.prose import indicator_value
from tracker.followups.render.markdown import markdown_html
from tracker.translation import current_locale

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SWEDISH = Locale.parse("sv_SE")
DATE_FORMAT = "d MMMM y"            # '4 februari 2019' (and '4 February 2019')
DATETIME_FORMAT = "d MMMM y HH:mm"  # in Stockholm time


def number_sv(value, decimals: int | None = None) -> str:
    """12345.5 -> '12 345,5' (non-breaking space as thousands separator, decimal comma)."""
    return _number(value, decimals, SWEDISH)


def date_sv(value) -> str:
    """A date as '4 februari 2019'; datetimes are shown in Stockholm time."""
    return _date(value, SWEDISH)


def number_local(value, decimals: int | None = None) -> str:
    """number_sv, or '12,345.5' on an English page."""
    return _number(value, decimals, page_locale())


def date_local(value) -> str:
    """date_sv, or '4 February 2019' on an English page (same order, Stockholm time)."""
    return _date(value, page_locale())


def megabytes(size: int) -> str:
    """A size in bytes as megabytes, written as the page writes numbers: 10, 2,5 (2.5 in
    English); under one megabyte with its first significant digits (0,5, 0,000477), not 0."""
    value = size / (1024 * 1024)
    if value >= 1:
        return number_local(value)
    return format_decimal(value, "@##", locale=page_locale())


def local_formatters():
    """(date_local, number_local) with the page's language looked up once, for long lists."""
    locale = page_locale()

    def date_text(value) -> str:
        return _date(value, locale)

    def number_text(value, decimals: int | None = None) -> str:
        return _number(value, decimals, locale)

    return date_text, number_text


def page_locale() -> Locale:
    """The language Flask-Babel chose for the request; Swedish outside one."""
    return current_locale() or SWEDISH


def _number(value, decimals: int | None, locale: Locale) -> str:
    if value is None:
        return "–"
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    if isinstance(value, (float, Decimal)):
        value = float(value)  # formatted from the float's exact value, so 0.05 rounds up to 0,1
    return _babel_number(value, decimals, locale)


def _date(value, locale: Locale) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, DATETIME_FORMAT, tzinfo=STOCKHOLM, locale=locale)
    if isinstance(value, date):
        return _babel_date(value, locale)
    return str(value)


# A page repeats its dates and figures; Babel takes some 30 µs for each, so each is made once.
@lru_cache(maxsize=4096)
def _babel_number(value: int | float, decimals: int, locale: Locale) -> str:
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    exact = Decimal(value) if isinstance(value, float) else value
    return format_decimal(exact, pattern, locale=locale)


@lru_cache(maxsize=4096)
def _babel_date(value: date, locale: Locale) -> str:
    return format_date(value, DATE_FORMAT, locale=locale)


def local_date(value: datetime) -> date:
    """The Stockholm calendar day of a UTC timestamp."""
    return value.astimezone(STOCKHOLM).date()


def markdown_filter(text: str) -> Markup:
    """Markdown → sanitized HTML for templates (the follow-up's sections)."""
    return Markup(markdown_html(text))


def select_options(choices, selected=None) -> Markup:
    """`<option>` elements for (value, label) pairs, the one equal to `selected` selected.

    For long filter lists: one Python loop instead of a template loop per option."""
    return Markup("".join(
        f'<option value="{escape(value)}"{" selected" if value == selected else ""}>'
        f"{escape(label)}</option>" for value, label in choices))


def register(app: Flask) -> None:
    app.add_template_filter(number_local, "number_sv")
    app.add_template_filter(date_local, "date_sv")
    app.add_template_filter(markdown_filter, "markdown")
    from tracker.labels import TEMPLATE_GLOBALS
    from tracker.models import ActivityStatus, CommitmentKind, Party, Verdict
    from tracker.policies import COMMENT_EDIT_MINUTES
    from tracker.services import passwords, user_admin
    from tracker.services.activities import DUE_SOON_DAYS
    from tracker.services.activity_read.rows import progress_text
    from tracker.services.promises import MAX_PERIOD_YEARS

    app.add_template_filter(ActivityStatus, "activity_status")
    app.add_template_filter(Party, "party")
    app.add_template_filter(Verdict, "verdict")
    app.add_template_filter(CommitmentKind, "commitment_kind")
    app.jinja_env.globals.update(TEMPLATE_GLOBALS, select_options=select_options,
                                 indicator_value=indicator_value, progress_text=progress_text,
                                 COMMENT_EDIT_MINUTES=COMMENT_EDIT_MINUTES,
                                 DUE_SOON_DAYS=DUE_SOON_DAYS,
                                 INVITATION_HOURS=user_admin.INVITATION_HOURS,
                                 PASSWORD_MIN=passwords.MIN_LENGTH,
                                 PASSWORD_MAX=passwords.MAX_LENGTH,
                                 PROMISE_MAX_YEARS=MAX_PERIOD_YEARS)


def local_today() -> date:
    """Today's date where the users are (config TIMEZONE, Europe/Stockholm by default)."""
    name = current_app.config.get("TIMEZONE") if has_app_context() else None
    return datetime.now(ZoneInfo(name) if name else STOCKHOLM).date()
