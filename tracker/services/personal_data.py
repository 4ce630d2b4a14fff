"""Keeps personnummer and samordningsnummer out of free text, which may become allmän handling.

A candidate is flagged only if it has the written shape, a real calendar date and a valid
Luhn check digit (docs/domain.md, "Personal data"), so phone, order and invoice numbers pass.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date

from tracker.services import DomainError
from tracker.translation import gettext as _

# After normalising (see `_normalise`): every Unicode dash is "-", every space " ", every
# decimal digit 0-9, and invisible format characters (zero-width space, soft hyphen, direction
# marks) are gone. A number is the date (YYMMDD, with or without the century, its parts
# optionally grouped by one space or dot) and four digits, separated by nothing, "-" or "+"
# (spaces around them allowed), a space, a dot or a slash.
_IDENTITY_NUMBER = re.compile(
    r"""
    (?<![0-9])
    (?P<century>18|19|20)?
    (?P<yy>[0-9]{2}) (?P<group>[ .]?) (?P<mm>[0-9]{2}) (?P=group) (?P<dd>[0-9]{2})
    (?P<sep>\ ?[-+]\ ?|[ ./])?
    (?P<tail>[0-9]{4})
    (?![0-9])
    """,
    re.VERBOSE | re.ASCII,
)


def _normalise(text: str) -> tuple[str, list[int]]:
    """The text in the guard's alphabet, and each of its characters' index in the original."""
    out: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        if char.isascii():
            out.append(char)
        else:
            category = unicodedata.category(char)
            if category == "Cf":  # zero-width space and joiners, soft hyphen, BOM, bidi marks
                continue
            if category == "Nd":
                out.append(str(unicodedata.digit(char)))
            elif category == "Pd" or char == "\u2212":  # dashes, and the minus sign
                out.append("-")
            elif category == "Zs":  # no-break, thin, figure, ideographic spaces ...
                out.append(" ")
            else:
                out.append(char)
        positions.append(index)
    return "".join(out), positions


def _is_phone_number(match: re.Match) -> bool:
    """Ten digits written together that start with 0 and an area code (not 00): a phone
    number such as 0701234569. With a separator before the last four it is a personnummer."""
    digits = match["yy"] + match["mm"] + match["dd"]
    return (not match["century"] and not match["group"] and not match["sep"]
            and digits[0] == "0" and digits[1] != "0")


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
    normalised, positions = _normalise(text or "")
    found = []
    for match in _IDENTITY_NUMBER.finditer(normalised):
        if _is_phone_number(match):
            continue
        yymmdd, tail = match["yy"] + match["mm"] + match["dd"], match["tail"]
        if match["century"]:
            centuries: tuple[int, ...] = (int(match["century"]),)
        else:
            # Ten digits leave the century open: '+' means 100 years or older.
            centuries = (18, 19) if "+" in (match["sep"] or "") else (19, 20)
        if _is_identity_number(centuries, yymmdd, tail):
            found.append(text[positions[match.start()]:positions[match.end() - 1] + 1])
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


def check_fields(fields: Mapping[str, tuple[str, str | None]]) -> dict[str, str]:
    """{name: (label, value)} → {name: message} for every offending field, to show all at once."""
    errors = {}
    for name, (label, value) in fields.items():
        try:
            check_text(value, label)
        except DomainError as error:
            errors[name] = error.message
    return errors
