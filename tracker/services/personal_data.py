"""Keeps personnummer and samordningsnummer out of free text, which may become allmän handling.

A candidate is flagged only if it has the written shape, a real calendar date and a valid
Luhn check digit (domain.md, "Personal data"), so phone, order and invoice numbers pass.
"""
from __future__ import annotations

import re
from datetime import date


from tracker.services import DomainError
from tracker.translation import gettext as _

# Hyphen-minus plus the hyphens and dashes a word processor substitutes for it.
_DASHES = "-\u2010\u2011\u2012\u2013\u2212"

_IDENTITY_NUMBER = re.compile(
    rf"""
    (?<![0-9])
    (?:
        (?P<century>18|19|20)
        (?P<long>[0-9]{{6}}) [{_DASHES}+]? (?P<long_tail>[0-9]{{4}})
      |
        (?P<short>[0-9]{{6}}) (?P<sep>[{_DASHES}+]?) (?P<short_tail>[0-9]{{4}})
    )
    (?![0-9])
    """,
    re.VERBOSE | re.ASCII,
)

SAMORDNING_DAY_OFFSET = 60


def luhn_check_digit(digits: str) -> int:
    """The mod-10 check digit for YYMMDDNNN, weights 2,1,2,1,… from the left."""
    total = 0
    for index, char in enumerate(digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def _is_real_date(year: int, month: int, day: int) -> bool:
    if day > SAMORDNING_DAY_OFFSET:
        day -= SAMORDNING_DAY_OFFSET
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _is_identity_number(centuries: tuple[int, ...], yymmdd: str, tail: str) -> bool:
    """A real date in one of the possible centuries and a matching check digit."""
    yy, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    if not any(_is_real_date(century * 100 + yy, month, day) for century in centuries):
        return False
    return luhn_check_digit(yymmdd + tail[:3]) == int(tail[3])


def find_identity_numbers(text: str) -> list[str]:
    """Every personnummer or samordningsnummer in `text`, as written there."""
    found = []
    for match in _IDENTITY_NUMBER.finditer(text or ""):
        if match["century"]:
            centuries: tuple[int, ...] = (int(match["century"]),)
            yymmdd, tail = match["long"], match["long_tail"]
        else:
            # Ten digits leave the century open: '+' means 100 years or older.
            centuries = (18, 19) if match["sep"] == "+" else (19, 20)
            yymmdd, tail = match["short"], match["short_tail"]
        if _is_identity_number(centuries, yymmdd, tail):
            found.append(match.group())
    return found


def check_text(value: str | None, label: str) -> None:
    """Refuse free text that holds an identity number, naming the field for the user."""
    if value and find_identity_numbers(value):
        raise DomainError(
            _(
                "Fältet ”%(label)s” innehåller något som ser ut som ett personnummer eller "
                "samordningsnummer. Skriv inte personnummer i fritext – uppgifterna kan bli "
                "allmän handling.",
                label=label,
            )
        )


def check_fields(fields: dict[str, tuple[str, str | None]]) -> dict[str, str]:
    """{name: (label, value)} → {name: message} for every offending field, to show all at once."""
    errors = {}
    for name, (label, value) in fields.items():
        try:
            check_text(value, label)
        except DomainError as error:
            errors[name] = error.message
    return errors
