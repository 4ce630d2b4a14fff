"""The lengths and ranges the services refuse beyond, whoever calls them (web, API, importer).

Forms and API schemas pre-check with these same numbers for an early message; the rule is here.
"""
from __future__ import annotations

from tracker.formatting import number_local
from tracker.translation import gettext as _

TITLE_MAX = 200  # activity.title is VARCHAR(200)
EMAIL_MAX = 254  # an e-mail address (RFC 5321's longest path); the columns are VARCHAR(254)
DESCRIPTION_MAX = 5000
NOTE_MAX = 5000
MEASURE_TEXT_MAX = 2000
REASON_MAX = 2000
TARGET_MAX = 100_000
INTERVAL_MAX = 52
OCCASIONS_MAX = 1000
DURATION_MAX_DAYS = 31  # one logged occasion: longer is a typing mistake
DURATION_MAX_MINUTES = DURATION_MAX_DAYS * 24 * 60
# A number measured on one occasion (vehicles checked, participants, hours): larger is a typing
# mistake, and sums of such numbers stay exact and printable in the follow-up.
MEASURE_NUMBER_MAX = 1_000_000
# A number typed in a text field ("12,5", "57,7089"), before it is read: longer is no number.
TYPED_NUMBER_MAX = 40
# A promise's, a plan's or a follow-up's year: outside is a typing mistake (and overflows dates).
# The tables' CHECK constraints use the same numbers (tracker.models).
YEAR_MIN, YEAR_MAX = 2000, 2100
INDICATOR_YEAR_MIN = 1990  # statistics (surveys, reported crime) reach further back than promises
MAX_ID = 2**31 - 1  # the largest value an INTEGER column holds (ids, years, pages)


def is_whole_number(text: str) -> bool:
    """Digits 0–9 only: "²" and "١٢" are digits to str.isdigit, and int() refuses the first."""
    return text.isascii() and text.isdigit()


def row_id(value) -> int | None:
    """A chosen row's id as a form sends it: None when nothing is chosen (""), the id when it is
    a whole number an INTEGER column holds, else 0, which no row has ("²", "-1", a number of 30
    digits), so the caller's "choose one of ours" check refuses it as for any other row."""
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    return int(text) if is_whole_number(text) and len(text) <= 10 and int(text) <= MAX_ID else 0


def check_length(errors: dict[str, str], name: str, label: str, value: str | None,
                 maximum: int) -> None:
    """Adds a refusal for `name` when the text is longer than `maximum` characters."""
    if value and len(value) > maximum and name not in errors:
        errors[name] = too_long(label, maximum)


def too_long(label: str, maximum: int) -> str:
    """The refusal of a text longer than `maximum` characters, the number written as the page's
    language writes it (4 000, or 4,000 on an English page)."""
    return _("%(label)s får vara högst %(max)s tecken.", label=label, max=number_local(maximum))


def year_between(label: str, low: int, high: int) -> str:
    """The refusal of a year outside low..high; a year is written as a year (2100, never
    2 100)."""
    return _("%(label)s ska vara mellan %(min)d och %(max)d.", label=label, min=low, max=high)


def date_outside_years() -> str:
    """The refusal of a planning date in a year outside YEAR_MIN..YEAR_MAX."""
    return _("Ange ett datum mellan år %(first)d och %(last)d.", first=YEAR_MIN, last=YEAR_MAX)


def check_range(errors: dict[str, str], name: str, label: str, value: int | None,
                low: int, high: int) -> None:
    """Adds a refusal for `name` when the whole number is outside low..high (None passes)."""
    if value is not None and not low <= value <= high and name not in errors:
        errors[name] = out_of_range(label, low, high)


def out_of_range(label: str, low: int, high: int) -> str:
    """The refusal of a whole number outside low..high, written as the page writes numbers."""
    return _("%(label)s ska vara ett heltal från %(min)s till %(max)s.",
             label=label, min=number_local(low), max=number_local(high))
