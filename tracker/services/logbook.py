"""Logging a performed occasion: typed measures validated against the activity type."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from tracker import audit, policies
from tracker.extensions import db
from tracker.formatting import number_local
from tracker.localized import measure_label
from tracker.models import (
    Activity,
    ActivityStatus,
    ActivityType,
    Commitment,
    LogEntry,
    MeasureKind,
    Place,
    Promise,
    User,
)
from tracker.models.base import utcnow
from tracker.services import DomainError, FieldErrors, personal_data
from tracker.services.limits import (
    DURATION_MAX_DAYS,
    DURATION_MAX_MINUTES,
    MEASURE_NUMBER_MAX,
    MEASURE_TEXT_MAX,
    NOTE_MAX,
    YEAR_MAX,
    YEAR_MIN,
    check_length,
    date_outside_years,
    is_whole_number,
    out_of_range,
    row_id,
)
from tracker.translation import gettext as _

# A type's hours measure is the occasion's duration: the log form asks for the hours once,
# and the log export shows them once.
HOURS_KEY = "timmar"


def hours_measure(specs: list[dict]) -> dict | None:
    return next((s for s in specs if s["key"] == HOURS_KEY and s["kind"] == "decimal"), None)


TRUE_WORDS = {"1", "true", "on", "ja", "yes", "y"}
FALSE_WORDS = {"", "0", "false", "off", "nej", "no", "n"}


@dataclass
class LogInput:
    occurred_on: date | None
    duration_minutes: int | None = None
    place_id: int | None = None
    measures: dict[str, str] = field(default_factory=dict)  # raw strings keyed by measure key
    note: str = ""
    include_in_followup: bool = False
    confirm_outside_period: bool = False


def measure_field(key: str) -> str:
    """The form field name of a measure."""
    return f"m_{key}"


def parse_measures(activity_type: ActivityType, raw: dict[str, str],
                   place_ids: set[int]) -> tuple[dict, dict[str, str]]:
    """Typed values and Swedish errors (keyed by form field) for one activity type's schema."""
    values, errors = {}, {}
    for spec in activity_type.measures:
        key, kind, label = spec["key"], MeasureKind(spec["kind"]), measure_label(spec)
        text = (raw.get(key) or "").strip()
        name = measure_field(key)
        if kind == MeasureKind.BOOLEAN:
            if text.lower() not in TRUE_WORDS | FALSE_WORDS:
                errors[name] = _("Välj ja eller nej.")
            else:
                values[key] = text.lower() in TRUE_WORDS
            continue
        if not text:
            if spec.get("required"):
                errors[name] = _("%(label)s måste fyllas i.", label=label)
            continue
        try:
            values[key] = _parse_one(kind, text, spec, place_ids, label)
        except ValueError as error:
            errors[name] = str(error)
    return values, errors


def _parse_one(kind: MeasureKind, text: str, spec: dict, place_ids: set[int], label: str):
    if kind == MeasureKind.INTEGER:
        if not is_whole_number(text):
            raise ValueError(_("%(label)s ska vara ett heltal som är 0 eller större.", label=label))
        # the length first: a pasted run of digits is never converted ("0001000000" is fine)
        if len(text.lstrip("0")) > 7 or int(text) > MEASURE_NUMBER_MAX:
            raise ValueError(out_of_range(label, 0, MEASURE_NUMBER_MAX))
        return int(text)
    if kind == MeasureKind.DECIMAL:
        try:
            number = Decimal(text.replace(",", ".").replace(" ", ""))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or number < 0:
            raise ValueError(_("%(label)s ska vara ett tal som är 0 eller större, t.ex. 1,5.", label=label))
        if number > MEASURE_NUMBER_MAX:
            raise ValueError(_("%(label)s kan vara högst %(max)s.", label=label,
                               max=number_local(MEASURE_NUMBER_MAX)))
        return float(number)
    if kind == MeasureKind.CHOICE:
        if text not in spec.get("choices", []):
            raise ValueError(_("Välj ett av alternativen för %(label)s.", label=label))
        return text
    if kind == MeasureKind.PLACE:
        if row_id(text) not in place_ids:
            raise ValueError(_("Välj en plats i kommunen."))
        return int(text)
    if kind == MeasureKind.DATE:
        return _measure_date(text, label)
    try:
        personal_data.check_text(text, label)
    except DomainError as error:
        raise ValueError(error.message) from None
    errors: dict[str, str] = {}
    check_length(errors, "text", label, text, MEASURE_TEXT_MAX)
    if errors:
        raise ValueError(errors["text"])
    return text


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _measure_date(text: str, label: str) -> str:
    """A real day as "2027-01-20" (what a date field sends); not "20/1 2027" or 2027-02-31."""
    try:
        day = date.fromisoformat(text) if _ISO_DAY.fullmatch(text) else None
    except ValueError:
        day = None
    if day is None:
        raise ValueError(_("%(label)s ska vara ett datum som finns, t.ex. 2027-01-20.",
                           label=label))
    if not YEAR_MIN <= day.year <= YEAR_MAX:
        raise ValueError(date_outside_years())
    return day.isoformat()


def municipality_place_ids(municipality_id: int) -> set[int]:
    return set(db.session.scalars(sa.select(Place.id).where(Place.municipality_id == municipality_id)))


def check_input(activity: Activity, data: LogInput, *, today: date,
                place_ids: set[int] | None = None) -> tuple[dict, int | None]:
    """The typed measures and the place of an occasion, or FieldErrors: the same checks for a
    new occasion and a corrected one. `place_ids`: the municipality's places when loaded."""
    activity_type = db.session.get_one(ActivityType, activity.type_id)
    if place_ids is None:
        place_ids = municipality_place_ids(activity.municipality_id)
    measures, errors = parse_measures(activity_type, data.measures, place_ids)
    if data.occurred_on is None:
        errors["occurred_on"] = _("Ange datum.")
    elif data.occurred_on > today:
        errors["occurred_on"] = _("Datumet kan inte vara i framtiden.")
    elif data.occurred_on.year < YEAR_MIN:
        errors["occurred_on"] = date_outside_years()
    else:
        # By key: no statement when the caller loaded the commitment and promise.
        commitment = db.session.get(Commitment, activity.commitment_id)
        promise = db.session.get(Promise, commitment.promise_id) if commitment else None
        outside = promise and not (promise.start_year <= data.occurred_on.year <= promise.end_year)
        if promise and outside and not data.confirm_outside_period:
            errors["confirm_outside_period"] = _(
                "Datumet ligger utanför löftets period (%(period)s). Bekräfta att det stämmer.",
                period=promise.period_label)
    if data.duration_minutes is not None and data.duration_minutes < 0:
        errors["duration_minutes"] = _("Tiden ska vara 0 eller mer.")
    elif data.duration_minutes is not None and data.duration_minutes > DURATION_MAX_MINUTES:
        errors["duration_minutes"] = _("Ett genomförande kan vara högst %(days)d dygn.",
                                       days=DURATION_MAX_DAYS)
    check_length(errors, "note", _("Anteckningen"), data.note.strip(), NOTE_MAX)
    if data.place_id is not None and data.place_id not in place_ids:
        errors["place_id"] = _("Välj en plats i kommunen.")
    try:
        personal_data.check_text(data.note, _("Anteckning"))
    except DomainError as error:
        errors.setdefault("note", error.message)
    if errors:
        raise FieldErrors(errors)
    place_id = data.place_id
    if place_id is None:
        place_id = next((v for s in activity_type.measures if s["kind"] == "place"
                         for k, v in measures.items() if k == s["key"]), None)
    return measures, place_id


def log_occasion(actor: User, activity: Activity, data: LogInput, *, today: date,
                 place_ids: set[int] | None = None) -> LogEntry:
    """Validate everything first; add the entry only when every field is right.

    `place_ids`: the activity's municipality's places when the caller has them loaded."""
    if not policies.can_log_on(actor, activity):
        raise DomainError(_("Du får inte logga genomföranden på den här aktiviteten."))
    measures, place_id = check_input(activity, data, today=today, place_ids=place_ids)
    entry = LogEntry(
        activity_id=activity.id, occurred_on=data.occurred_on,
        duration_minutes=data.duration_minutes, place_id=place_id, measures=measures,
        note=data.note.strip(), include_in_followup=data.include_in_followup, author_id=actor.id,
    )
    db.session.add(entry)
    db.session.flush()
    if activity.status == ActivityStatus.PLANNED:
        _start(activity)
    return entry


def _start(activity: Activity) -> None:
    """planned → in progress on the first log, as a conditional UPDATE without the version bump:
    a simultaneous log finds the activity started, and a status change saved meanwhile is not
    overwritten. A versioned update here made one of two simultaneous first logs fail."""
    table = Activity.__table__
    started = db.session.execute(
        table.update().where(table.c.id == activity.id,
                             table.c.status == ActivityStatus.PLANNED)
        .values(status=ActivityStatus.IN_PROGRESS, updated_at=utcnow())).rowcount  # type: ignore[attr-defined]
    if started:
        audit.record(db.session, "activity", activity.id, "update",
                     {"status": [ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS]})
    db.session.expire(activity, ["status", "updated_at"])
