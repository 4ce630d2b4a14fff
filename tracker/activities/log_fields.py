"""The log form's fields to a LogInput and back: shared by logging, "Logga igen" and a
correction, so the three read and fill the same fields the same way."""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from tracker.services import FieldErrors
from tracker.services.limits import DURATION_MAX_DAYS
from tracker.services.logbook import HOURS_KEY, LogInput, hours_measure
from tracker.translation import gettext as _

__all__ = ["HOURS_KEY", "fill_from_entry", "hours_measure", "input_from", "parse_hours"]


def parse_hours(text: str | None, field: str = "duration") -> int | None:
    """Minutes from "1,5" hours; FieldErrors (on `field`) on anything else."""
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        hours = Decimal(text)
    except InvalidOperation:
        hours = None
    if hours is None or not hours.is_finite() or hours < 0:
        raise FieldErrors({field: _("Ange tiden i timmar, t.ex. 1,5.")})
    if hours > 24 * DURATION_MAX_DAYS:
        raise FieldErrors({field: _("Ett genomförande kan vara högst %(days)d dygn "
                                    "(%(hours)d timmar).", days=DURATION_MAX_DAYS,
                                    hours=24 * DURATION_MAX_DAYS)})
    return int(hours * 60)


def _raw(form, spec) -> str:
    value = getattr(form, f"m_{spec['key']}").data
    if spec["kind"] == "boolean":
        return "ja" if value else "nej"
    return "" if value is None else str(value)


def input_from(form, specs: list[dict],
               check: Callable[[LogInput], object] | None = None) -> LogInput:
    """The service's input from a validated form; FieldErrors for a bad duration, together
    with whatever else `check` (the service's own checks of the input) refuses: every error
    at once. With an hours measure the form has no duration field of its own: the measure is
    the duration."""
    bad_hours: dict[str, str] = {}
    try:
        if hours_measure(specs):
            name = f"m_{HOURS_KEY}"
            minutes = parse_hours(getattr(form, name).data, name)
        else:
            minutes = parse_hours(form.duration.data)
    except FieldErrors as error:
        minutes, bad_hours = None, error.errors
    data = LogInput(
        occurred_on=form.occurred_on.data, duration_minutes=minutes,
        place_id=form.place_id.data, measures={s["key"]: _raw(form, s) for s in specs},
        note=form.note.data or "", include_in_followup=form.include_in_followup.data,
        confirm_outside_period=form.confirm_outside_period.data,
    )
    if bad_hours:
        others: dict[str, str] = {}
        if check is not None:
            try:
                check(data)
            except FieldErrors as error:
                others = error.errors
        raise FieldErrors({**others, **bad_hours})
    return data


def fill_from_entry(form, specs: list[dict], entry, *, all_fields: bool) -> None:
    """An entry's values in the form: its place, hours and measures ("Logga igen"); with
    `all_fields` (a correction) also its date, note and follow-up choice."""
    form.place_id.data = entry.place_id
    if entry.duration_minutes is not None:
        form.duration.data = f"{entry.duration_minutes / 60:g}".replace(".", ",")
    form.include_in_followup.data = entry.include_in_followup if all_fields else False
    if all_fields:
        form.occurred_on.data = entry.occurred_on
        form.note.data = entry.note
    for spec in specs:
        value = entry.measures.get(spec["key"])
        if value is None and spec is hours_measure(specs) and entry.duration_minutes is not None:
            value = entry.duration_minutes / 60  # logged before the form asked once
        if value is None:
            continue
        field = getattr(form, f"m_{spec['key']}")
        if spec["kind"] == "decimal":
            field.data = f"{value:g}".replace(".", ",")
        elif spec["kind"] == "boolean":
            field.data = bool(value)
        else:
            field.data = str(value)
