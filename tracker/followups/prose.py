"""The follow-up's Swedish text: Jinja templates in texts/, fed with typed figures.

Each section has a template a non-programmer can read and change (texts/*.md.j2); it writes
Markdown. The grammar is data: an activity type's nouns and a measure's phrase come from the
type (`ActivityType.noun_*`, `measures[].phrase`), not from code. Numbers, dates and lists are
formatted by Babel for Swedish. Everything here is a pure function of its input: the same
figures always give the same text.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import InvalidOperation

from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal
from jinja2 import Environment, PackageLoader, StrictUndefined

LOCALE = "sv_SE"
CAVEAT = (
    "En förändring i en enkätundersökning från ett år till nästa säger lite; det är "
    "utvecklingen över flera år som visar om brottsligheten och tryggheten förändras."
)
# The placeholders a person must replace before the follow-up can be approved.
LESSONS_PLACEHOLDER = ("*Skriv här vad ni har lärt er under året, hur arbetet har kommunicerats "
                       "till invånarna och vad som fungerat mindre bra.*")
NEXT_STEPS_PLACEHOLDER = ("*Skriv här vad parterna planerar att göra härnäst: vad fortsätter, "
                          "vad ändras och vad ska följas upp nästa år.*")
PLACEHOLDERS = (LESSONS_PLACEHOLDER, NEXT_STEPS_PLACEHOLDER)


# --- formatting (Babel) ----------------------------------------------------------------------


def number(value, decimals: int = 1) -> str:
    """1034 → '1 034', 2.55 → '2,6' (at most `decimals` decimals, none when whole)."""
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    try:
        return format_decimal(value, format=pattern, locale=LOCALE)
    except InvalidOperation:  # beyond Decimal's precision: stored before the measures' limit
        return f"{round(value):,}".replace(",", "\u00a0")


def day(value: date) -> str:
    """'4 februari 2023'."""
    return format_date(value, "d MMMM y", locale=LOCALE)


def month_name(month: int, year: int = 2000) -> str:
    return format_date(date(year, month, 1), "MMMM", locale=LOCALE)


def done_occasions(n: int) -> str:
    """'inga genomförda tillfällen', '1 genomfört tillfälle', '5 genomförda tillfällen'."""
    if not n:
        return "inga genomförda tillfällen"
    return f"{number(n)} genomfört tillfälle" if n == 1 else f"{number(n)} genomförda tillfällen"


def year_count(pair: tuple[int, int]) -> str:
    """(2025, 50) → '50 under 2025'."""
    year, n = pair
    return f"{number(n)} under {year}"


SMALL_CHANGE = 0.05  # of the earlier value: 20 % → 19,6 % is within a survey's margin of error


def small_change(before: float, after: float) -> bool:
    """A change of less than 5 % of the earlier value (or none): too small to call a change."""
    before, after = float(before), float(after)
    return abs(after - before) < SMALL_CHANGE * abs(before) if before else after == before


def direction(before: float, after: float) -> str:
    """'ökat', 'minskat', or '' for a change too small to call one."""
    if small_change(before, after):
        return ""
    return "ökat" if float(after) > float(before) else "minskat"


def is_survey(series) -> bool:
    """A share from a survey (a trygghetsmätning, NTU, an enkät), whose yearly change is
    within its margin of error; reported crimes are counted, not sampled."""
    return series.unit == "procent" or bool(
        re.search(r"enkät|undersökning|mätning|\bNTU\b", series.source or "", re.I))


def join(items) -> str:
    """'a, b och c' (Babel's Swedish list)."""
    items = [str(item) for item in items if str(item)]
    return format_list(items, locale=LOCALE) if items else ""


def period(first: date | None, last: date | None) -> str:
    """'februari–december 2023', 'mars 2023', 'november 2022–februari 2023'."""
    if first is None or last is None:
        return ""
    if (first.year, first.month) == (last.year, last.month):
        return f"{month_name(first.month)} {first.year}"
    if first.year == last.year:
        return f"{month_name(first.month)}–{month_name(last.month)} {last.year}"
    return f"{month_name(first.month)} {first.year}–{month_name(last.month)} {last.year}"


def tenths_of_hours(minutes: int) -> int:
    """Minutes as whole tenths of an hour, the unit every printed hour figure is summed in, so
    a printed total is the sum of its printed parts."""
    return (int(minutes) + 3) // 6


def hours(tenths: int) -> str:
    return number(tenths / 10)


def phrase(template: str, n) -> str:
    """A measure's phrase with its number: '{n} elever' → '1 034 elever'."""
    return template.replace("{n}", number(n))


def capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """'Antal elever' → 'antal elever'; an acronym ('EST-möte') is left alone."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def quoted_list(values) -> str:
    """Values that hold commas of their own are quoted, so the list reads unambiguously; one
    value alone is no list to misread ("kommunen, Polisen och Trelleborgshem")."""
    values = list(values)
    if len(values) > 1 and any("," in value for value in values):
        values = [f"”{value}”" for value in values]
    return join(values)


# --- the figures the templates read ------------------------------------------------------------


@dataclass
class TypeWork:
    """What one activity type added up to for one commitment in the year."""

    count_phrase: str                 # "12 narkotikasök med hund"
    actor: str = ""                   # "Polisen", "Kommunen", "Polisen och kommunen"; "" passive
    by_actor: list[str] = field(default_factory=list)   # ["Polisen 8", "kommunen 4"]
    period: str = ""                  # "februari–december 2023"
    qualifiers: list[str] = field(default_factory=list)  # ["i åk 7"]: said of every occasion
    # Groups of "varav" parts, one per measure: [["8 oanmälda", "4 utanför skoltid"], …]
    breakdown: list[list[str]] = field(default_factory=list)
    totals: list[str] = field(default_factory=list)     # ["1 034 elever", "36 lektionstimmar"]
    averages: list[str] = field(default_factory=list)   # ["i genomsnitt 2,6 poliser per tillfälle"]
    lists: list[tuple[str, str]] = field(default_factory=list)  # [("Ämnen", "a, b och c")]
    place_count: int = 0
    hours: str = ""                   # "42,5" (registered time), "" when none


@dataclass
class NoteLine:
    day: str
    activity: str
    text: str


@dataclass
class CommitmentWork:
    activity_count: int
    types: list[TypeWork]
    places: list[str]                 # ["Krogmiljön (80 tillfällen)", …], most visited first
    notes: list[NoteLine]
    cancelled: list[tuple[str, str]]  # (activity title, why)
    year: int
    earlier: list[tuple[int, int]] = field(default_factory=list)  # [(2024, 5)]: the period's
    # earlier years with occasions
    is_effect: bool = False  # a state to reach: shown by its measures, not by work under it


@dataclass
class IndicatorRow:
    name: str
    unit: str
    source: str
    higher_is_better: bool
    this_year: float | None
    last_year: float | None
    national: float | None


@dataclass
class IndicatorSeries:
    """An indicator's values over the years up to the follow-up's year."""

    name: str
    unit: str
    source: str
    higher_is_better: bool
    points: list[tuple[int, float, float | None]]  # (year, value, national), oldest first


def indicator_value(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "procent":
        return f"{number(value)}\u00a0%"  # "24 %" never broken over two lines
    if unit in ("", "antal"):
        return number(value)
    return f"{number(value)} {unit}"


# --- rendering ---------------------------------------------------------------------------------


@functools.cache
def environment() -> Environment:
    """Markdown out, so no HTML escaping: every output sanitizes the converted HTML."""
    env = Environment(loader=PackageLoader("tracker.followups", "texts"), autoescape=False,
                      trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined,
                      keep_trailing_newline=False)
    env.filters.update(number=number, day=day, join=join, capfirst=capfirst,
                       lower_first=lower_first, value=indicator_value, quoted_list=quoted_list,
                       done_occasions=done_occasions, year_count=year_count,
                       direction=direction)
    env.tests["survey"] = is_survey
    env.globals.update(CAVEAT=CAVEAT, LESSONS_PLACEHOLDER=LESSONS_PLACEHOLDER,
                       NEXT_STEPS_PLACEHOLDER=NEXT_STEPS_PLACEHOLDER)
    return env


def render(template: str, **context) -> str:
    """One section's Markdown; blank runs of lines collapse to one empty line."""
    text = environment().get_template(template).render(**context)
    lines = [line.rstrip() for line in text.strip().splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()
