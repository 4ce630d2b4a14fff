"""What the API accepts: request bodies and the filters of the lists (load only).

Types and bounds are checked here; every domain rule (members only, places of the
municipality, personnummer in free text, dates) stays in the services the web uses.
"""
from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from tracker.api.base import (
    ApiSchema,
    PageArgs,
    day,
    id_field,
    int_range,
    one_of,
    text,
    year_range,
)
from tracker.formatting import number_local, number_sv
from tracker.models import ActivityStatus, FollowUpStatus, Party, PromiseStatus
from tracker.services import indicator_values, limits
from tracker.translation import gettext as _
from tracker.translation import lazy_gettext as _l
from tracker.validators import clean_text

ACTIVITY_STATUSES = [s.value for s in ActivityStatus]
PARTIES = [p.value for p in Party]
MAX_VALUE = 10**11  # indicator_value.value is NUMERIC(14, 3)
VALUE_RANGE = _("Ange ett tal mellan %(min)s och %(max)s.", min=number_sv(-MAX_VALUE),
                max=number_sv(MAX_VALUE))
MAX_LIST = 200


class DateRangeArgs(PageArgs):
    date_from = fields.Date()
    date_to = fields.Date()

    @validates_schema
    def _date_range(self, data: dict, **_kwargs) -> None:
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise ValidationError(str(_l("Slutdatum kan inte vara före startdatum.")), "date_to")


class PromiseArgs(PageArgs):
    status = one_of([s.value for s in PromiseStatus])


class CommitmentArgs(PageArgs):
    party = one_of(PARTIES)
    focus_area_id = id_field(strict=False)


class ActivityArgs(DateRangeArgs):
    """The web list's filters (/kommuner/<id>/aktiviteter), in English."""

    status = one_of(ACTIVITY_STATUSES)
    type_id = id_field(strict=False)
    owner_id = id_field(strict=False)
    commitment_id = id_field(strict=False)
    focus_area_id = id_field(strict=False)
    party = one_of(PARTIES)
    place_id = id_field(strict=False)
    date_from = fields.Date(metadata={"description": "due on or after (or no due date)"})
    date_to = fields.Date(metadata={"description": "starting on or before (or no start date)"})
    overdue = fields.Boolean(load_default=False)


class LogEntryArgs(DateRangeArgs):
    activity_id = id_field(strict=False)
    place_id = id_field(strict=False)
    author_id = id_field(strict=False)


class IndicatorValueArgs(PageArgs):
    indicator_id = id_field(strict=False)
    year = year_range(limits.INDICATOR_YEAR_MIN, limits.YEAR_MAX, strict=False)


class FollowUpArgs(PageArgs):
    municipality_id = id_field(strict=False)
    promise_id = id_field(strict=False)
    year = year_range(limits.YEAR_MIN, limits.YEAR_MAX, strict=False)
    status = one_of([s.value for s in FollowUpStatus])


class RecurrenceSchema(ApiSchema):
    freq = one_of(["weekly", "monthly"], required=True)
    interval = int_range(1, limits.INTERVAL_MAX, load_default=1)
    weekdays = fields.List(int_range(0, 6), load_default=list,
                           validate=validate.Length(max=7))
    until = day(allow_none=True, load_default=None)
    count = int_range(1, limits.OCCASIONS_MAX, allow_none=True, load_default=None)


class ActivityBody(ApiSchema):
    """A whole activity: fields left out are cleared (PUT replaces, as the web form does)."""

    type_id = id_field(required=True)
    title = text(limits.TITLE_MAX, required=True)
    description = text(limits.DESCRIPTION_MAX, load_default="")
    owner_id = id_field(allow_none=True, load_default=None)
    assignee_ids = fields.List(id_field(), load_default=list,
                               validate=validate.Length(max=MAX_LIST))
    place_ids = fields.List(id_field(), load_default=list, validate=validate.Length(max=MAX_LIST))
    start_date = day(allow_none=True, load_default=None)
    due_date = day(allow_none=True, load_default=None)
    target_count = int_range(0, limits.TARGET_MAX, allow_none=True, load_default=None)
    recurrence = fields.Nested(RecurrenceSchema, allow_none=True, load_default=None)
    show_public = fields.Boolean(load_default=False, metadata={
        "description": "visa för invånare: the title on the public promise page (coordinators)"})


class ActivityUpdateBody(ActivityBody):
    commitment_id = id_field(required=True)
    version = fields.Integer(required=True, strict=True, metadata={
        "description": "the version you read; 409 if someone saved since"})


class StatusBody(ApiSchema):
    status = one_of(ACTIVITY_STATUSES, required=True)
    reason = text(limits.REASON_MAX, load_default="")
    version = fields.Integer(required=True, strict=True)


class MeasureValue(fields.Field):
    """A measure's value: text, number or boolean (checked against the activity type)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            return "ja" if value else "nej"
        if isinstance(value, (int, float)):
            return str(value)
        if isinstance(value, str) and len(value) <= limits.MEASURE_TEXT_MAX:
            return clean_text(value)  # measures are jsonb, which cannot hold NUL either
        if value is None:
            return ""
        raise ValidationError(_("Ange en text, ett tal eller true/false (högst %(n)s tecken).",
                                n=number_local(limits.MEASURE_TEXT_MAX)))


class LogEntryBody(ApiSchema):
    occurred_on = day(required=True)
    duration_minutes = int_range(0, limits.DURATION_MAX_MINUTES, allow_none=True,
                                 load_default=None)
    place_id = id_field(allow_none=True, load_default=None)
    measures = fields.Dict(
        keys=fields.String(validate=validate.Length(max=60)),
        values=MeasureValue(metadata={"oneOf": [{"type": "string"}, {"type": "number"},
                                                {"type": "boolean"}]}),
        load_default=dict, validate=validate.Length(max=50),
        metadata={"description": "by measure key of the activity type (GET /activity-types)"})
    note = text(limits.NOTE_MAX, load_default="", metadata={
        "description": "no names or personnummer: refused with 422"})
    include_in_followup = fields.Boolean(load_default=False)
    confirm_outside_period = fields.Boolean(load_default=False)


class IndicatorValueUpdateBody(ApiSchema):
    value = fields.Float(required=True, validate=validate.Range(-MAX_VALUE, MAX_VALUE,
                                                                error=VALUE_RANGE))
    national_value = fields.Float(allow_none=True, load_default=None, validate=validate.Range(
        -MAX_VALUE, MAX_VALUE, error=VALUE_RANGE))
    source_note = text(indicator_values.SOURCE_NOTE_MAX, load_default="")


class IndicatorValueBody(IndicatorValueUpdateBody):
    indicator_id = id_field(required=True)
    year = year_range(limits.INDICATOR_YEAR_MIN, limits.YEAR_MAX, required=True)


class LogEntryPatchBody(ApiSchema):
    """A correction: the fields sent replace the stored ones (measures key by key)."""

    version = fields.Integer(required=True, strict=True, metadata={
        "description": "the version you read (GET); 409 stale_version if someone saved since"})
    occurred_on = day()
    duration_minutes = int_range(0, limits.DURATION_MAX_MINUTES, allow_none=True)
    place_id = id_field(allow_none=True)
    measures = fields.Dict(
        keys=fields.String(validate=validate.Length(max=60)),
        values=MeasureValue(metadata={"oneOf": [{"type": "string"}, {"type": "number"},
                                                {"type": "boolean"}]}),
        validate=validate.Length(max=50))
    note = text(limits.NOTE_MAX)
    include_in_followup = fields.Boolean()
    confirm_outside_period = fields.Boolean(load_default=False)


class LogEntryRemoveBody(ApiSchema):
    version = fields.Integer(required=True, strict=True)
    reason = text(limits.REASON_MAX, required=True, min_length=1, metadata={
        "description": "why the occasion is removed; kept in the activity's history"})
