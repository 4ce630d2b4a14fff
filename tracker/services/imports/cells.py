"""Cell values → typed values; a bad cell raises CellError with a Swedish message."""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from tracker.formatting import number_local
from tracker.services.limits import is_whole_number
from tracker.services.spreadsheets import FREQ_WORDS, WEEKDAY_WORDS
from tracker.translation import gettext as _

FREQ_BY_WORD = {
    **{word: freq for freq, word in FREQ_WORDS.items()},
    "varje vecka": "weekly", "vecka": "weekly", "weekly": "weekly",
    "varje månad": "monthly", "månad": "monthly", "monthly": "monthly",
}
NO_RECURRENCE = {"", "ingen", "nej", "-"}
WEEKDAY_BY_WORD = {
    **{word: index for index, word in enumerate(WEEKDAY_WORDS)},
    **{word: index for index, word in enumerate(
        ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"])},
    **{word: index for index, word in enumerate(["må", "ti", "on", "to", "fr", "lö", "sö"])},
}
_LIST = re.compile(r"[,;\n]+")


class CellError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def collect(errors: list[str], parse, *args):
    """parse(*args), or None with its message added to errors (to report every bad cell)."""
    try:
        return parse(*args)
    except CellError as error:
        errors.append(error.message)
        return None


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel keeps every number as a float
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value).strip()


def items(value) -> list[str]:
    """A list cell: items separated by comma, semicolon or line break."""
    return [part.strip() for part in _LIST.split(text(value)) if part.strip()]


def integer(value, header: str, minimum: int = 0, maximum: int | None = None) -> int | None:
    """A whole number within minimum..maximum; the bounds in a refusal are written as the page
    writes numbers (100 000)."""
    raw = text(value).replace(" ", "").replace("\u00a0", "")
    if not raw:
        return None
    if not is_whole_number(raw) or int(raw) < minimum or (maximum is not None and int(raw) > maximum):
        if maximum is None:
            raise CellError(_("%(header)s ska vara ett heltal som är %(min)s eller större.",
                              header=header, min=number_local(minimum)))
        raise CellError(_("%(header)s ska vara ett heltal från %(min)s till %(max)s.",
                          header=header, min=number_local(minimum), max=number_local(maximum)))
    return int(raw)


def year(value, header: str) -> int | None:
    """A year as a whole number; the service it is given to refuses a year outside its bounds
    (limits.year_between), as it does for the web and the API."""
    return integer(value, header)


def decimal(value, header: str) -> Decimal | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = Decimal(str(value))
    else:
        # "12,5", "1 034", "15 %" (a percentage as written is its figure)
        raw = text(value).replace(" ", "").replace("\u00a0", "").replace(",", ".").removesuffix("%")
        if not raw:
            return None
        try:
            number = Decimal(raw)
        except InvalidOperation:
            number = None
    if number is None or not number.is_finite():
        raise CellError(_("%(header)s ska vara ett tal, t.ex. 12,5.", header=header))
    return number


def iso_date(value, header: str) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise CellError(_("%(header)s: skriv datumet som ÅÅÅÅ-MM-DD, t.ex. 2026-03-01.",
                          header=header)) from None


def frequency(value, header: str) -> str | None:
    raw = text(value).lower()
    if raw in NO_RECURRENCE:
        return None
    if raw not in FREQ_BY_WORD:
        raise CellError(_("%(header)s ska vara ”veckovis” eller ”månadsvis” (eller tom).",
                          header=header))
    return FREQ_BY_WORD[raw]


def weekdays(value) -> list[int]:
    days = []
    for word in items(value):
        key = word.lower().rstrip(".")
        if key not in WEEKDAY_BY_WORD:
            raise CellError(_("Okänd veckodag ”%(word)s”. Skriv t.ex. mån, ons.", word=word))
        days.append(WEEKDAY_BY_WORD[key])
    return sorted(set(days))
