"""Expected occasions of a recurring activity (weekly or monthly, chosen weekdays), expanded by
dateutil.rrule; the calendar feed writes the same rule as its RRULE."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from itertools import islice

from dateutil import rrule

MAX_OCCASIONS = 1000
WEEKDAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)


@dataclass
class Series:
    """A rule from its start: dateutil's rrule (ending at `until`) and at most `count` dates."""

    rule: rrule.rrule
    count: int


def series(rule: dict | None, start: date | None, end: date | None = None) -> Series | None:
    """The rule as an rrule from start, until rule['until'] or end, at most rule['count']
    occasions; None without a start or any end (an endless rule expects nothing).

    weekly: every `interval` weeks on `weekdays` (Monday = 0), weeks counted from Monday.
    monthly: the nth such weekday of the start date's week-of-month, every `interval` months;
    without weekdays, the start date's day of month, or the month's last day when it is shorter
    (31 January, 28 February, 31 March …).
    """
    if not rule or start is None:
        return None
    until = date.fromisoformat(rule["until"]) if rule.get("until") else None
    limit = min(d for d in (until, end) if d) if (until or end) else None
    count = min(rule.get("count") or (MAX_OCCASIONS if limit else 0), MAX_OCCASIONS)
    if not count:
        return None
    weekdays = sorted(set(rule.get("weekdays") or []))
    options: dict = {"interval": max(1, int(rule.get("interval") or 1)), "wkst": rrule.MO,
                     "dtstart": datetime.combine(start, time()),
                     "until": datetime.combine(limit, time()) if limit else None}
    monthly = rule.get("freq") == "monthly"
    if monthly:
        if weekdays:
            nth = (start.day - 1) // 7 + 1
            options["byweekday"] = [WEEKDAYS[d](+nth) for d in weekdays]
        else:
            options.update(_day_of_month(start.day))
    else:
        options["byweekday"] = [WEEKDAYS[d] for d in weekdays or [start.weekday()]]
    return Series(rrule.rrule(rrule.MONTHLY if monthly else rrule.WEEKLY, **options), count)


def _day_of_month(day: int) -> dict:
    """The day, or the month's last day when the month is shorter: of the days 28..day the
    month has, the last (BYMONTHDAY=28,29,30,31;BYSETPOS=-1 in the calendar feed's RRULE)."""
    if day <= 28:
        return {"bymonthday": day}
    return {"bymonthday": tuple(range(28, day + 1)), "bysetpos": -1}


def cut_by_cap(rule: dict | None, start: date | None, end: date | None = None) -> bool:
    """True when the series has more than MAX_OCCASIONS occasions, so the app's cap (not the
    rule's own end) would end it."""
    found = series(rule, start, end)
    if found is None or found.count < MAX_OCCASIONS or (rule or {}).get("count"):
        return False
    return next(islice(found.rule, MAX_OCCASIONS, None), None) is not None


def occasions(rule: dict | None, start: date | None, end: date | None = None) -> list[date]:
    """Dates the rule expects, from start until rule['until'], rule['count'] or end."""
    if not rule or start is None:
        return []
    return list(_expanded(json.dumps(rule, sort_keys=True), start, end))


@lru_cache(maxsize=4096)
def _expanded(rule: str, start: date, end: date | None) -> tuple[date, ...]:
    """The same activities are expanded on every request: each rule once per process."""
    found = series(json.loads(rule), start, end)
    if found is None:
        return ()
    return tuple(moment.date() for moment in islice(found.rule, found.count))


def activity_target(target_count: int | None, rule: dict | str | None, start: date | None,
                    end: date | None) -> int | None:
    """An activity's target: its explicit count, else the number of occasions its recurrence
    expects; None without either. `rule` is the stored rule, or its JSON text as a plain row
    reads it (the same rules come back on every request: each text is parsed once)."""
    if target_count is not None:
        return target_count
    if not rule or start is None:
        return None
    expected = (_count_of_text(rule, start, end) if isinstance(rule, str)
                else len(occasions(rule, start, end)))
    return expected or None


@lru_cache(maxsize=4096)
def _count_of_text(rule: str, start: date, end: date | None) -> int:
    return len(occasions(json.loads(rule), start, end))
