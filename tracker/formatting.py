"""Number and date formatting: Swedish for reports and e-mail, the chosen language on pages.

Python callers (the follow-up's generated text, reminders, charts) use number_sv/date_sv and
stay Swedish. The template filters `number_sv` and `date_sv` follow the page's language: an
English page gets English month names and 12,345.5; times are always Stockholm time.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_app_context
from markupsafe import Markup, escape

from tracker.followups.prose import indicator_value
from tracker.followups.render.markdown import markdown_html
from tracker.translation import current_locale

MONTHS_SV = [
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
]
MONTHS_EN = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def number_sv(value, decimals: int | None = None) -> str:
    """12345.5 -> '12 345,5' (non-breaking space as thousands separator, decimal comma)."""
    return _number(value, decimals, english=False)


def date_sv(value) -> str:
    """A date as '4 februari 2019'; datetimes are shown in Stockholm time."""
    return _date(value, MONTHS_SV)


def number_local(value, decimals: int | None = None) -> str:
    """number_sv, or '12,345.5' on an English page."""
    return _number(value, decimals, english=_english_page())


def date_local(value) -> str:
    """date_sv, or '4 February 2019' on an English page (same order, Stockholm time)."""
    return _date(value, MONTHS_EN if _english_page() else MONTHS_SV)


def local_formatters():
    """(date_local, number_local) with the page's language looked up once, for long lists."""
    english = _english_page()
    months = MONTHS_EN if english else MONTHS_SV

    def date_text(value) -> str:
        return _date(value, months)

    def number_text(value, decimals: int | None = None) -> str:
        return _number(value, decimals, english=english)

    return date_text, number_text


def _english_page() -> bool:
    locale = current_locale()  # None outside a request: Swedish
    return locale is not None and locale.language == "en"


def _number(value, decimals: int | None, *, english: bool) -> str:
    if value is None:
        return "–"
    if isinstance(value, Decimal):
        value = float(value)
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    text = f"{value:,.{decimals}f}"
    return text if english else text.replace(",", "\u00a0").replace(".", ",")


def _date(value, months: list[str]) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = value.astimezone(STOCKHOLM)
        return f"{local.day} {months[local.month - 1]} {local.year} {local:%H:%M}"
    if isinstance(value, date):
        return f"{value.day} {months[value.month - 1]} {value.year}"
    return str(value)


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

    app.add_template_filter(ActivityStatus, "activity_status")
    app.add_template_filter(Party, "party")
    app.add_template_filter(Verdict, "verdict")
    app.add_template_filter(CommitmentKind, "commitment_kind")
    app.jinja_env.globals.update(TEMPLATE_GLOBALS, select_options=select_options,
                                 indicator_value=indicator_value)


def local_today() -> date:
    """Today's date where the users are (config TIMEZONE, Europe/Stockholm by default)."""
    name = current_app.config.get("TIMEZONE") if has_app_context() else None
    return datetime.now(ZoneInfo(name) if name else STOCKHOLM).date()
