"""Expected occasions of a recurring activity (weekly or monthly, chosen weekdays)."""
from __future__ import annotations

from datetime import date, timedelta

MAX_OCCASIONS = 1000


def occasions(rule: dict | None, start: date | None, end: date | None = None) -> list[date]:
    """Dates the rule expects, from start until rule['until'], rule['count'] or end.

    weekly: every `interval` weeks on `weekdays` (Monday = 0).
    monthly: the nth such weekday of the start date's week-of-month, every `interval` months;
    without weekdays, the start date's day of month.
    """
    if not rule or start is None:
        return []
    until = date.fromisoformat(rule["until"]) if rule.get("until") else None
    limit = min(d for d in (until, end) if d) if (until or end) else None
    count = rule.get("count") or (MAX_OCCASIONS if limit else 0)
    if not count:
        return []
    interval = max(1, int(rule.get("interval") or 1))
    weekdays = sorted(set(rule.get("weekdays") or []))
    if rule.get("freq") == "monthly":
        dates = _monthly(start, interval, weekdays)
    else:
        dates = _weekly(start, interval, weekdays or [start.weekday()])
    result: list[date] = []
    for d in dates:
        if (limit and d > limit) or len(result) >= min(count, MAX_OCCASIONS):
            break
        result.append(d)
    return result


def _weekly(start: date, interval: int, weekdays: list[int]):
    week_start = start - timedelta(days=start.weekday())
    while True:
        for wd in weekdays:
            d = week_start + timedelta(days=wd)
            if d >= start:
                yield d
        week_start += timedelta(weeks=interval)


def _monthly(start: date, interval: int, weekdays: list[int]):
    year, month = start.year, start.month
    nth = (start.day - 1) // 7
    while True:
        if weekdays:
            # In date order: the first Thursday can come before the first Monday.
            found = (_nth_weekday(year, month, wd, nth) for wd in weekdays)
            for d in sorted(d for d in found if d and d >= start):
                yield d
        else:
            try:
                d = date(year, month, start.day)
            except ValueError:
                d = None
            if d and d >= start:
                yield d
        month += interval
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date | None:
    first = date(year, month, 1)
    d = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * nth)
    return d if d.month == month else None
