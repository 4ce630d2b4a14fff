"""What the API returns (dump only). Request bodies and filters live in `inputs`."""
from __future__ import annotations

from datetime import date

from marshmallow import fields, pre_dump

from tracker.api.base import ApiSchema, page_schema
from tracker.models import ActivityStatus, ApiScope, FollowUpStatus, Party, PromiseStatus, Role


class UserRefSchema(ApiSchema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class NamedRefSchema(ApiSchema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class MembershipSchema(ApiSchema):
    municipality_id = fields.Integer(required=True)
    municipality_name = fields.String(required=True)
    role = fields.Enum(Role, by_value=True, required=True)


class TokenInfoSchema(ApiSchema):
    name = fields.String(required=True)
    prefix = fields.String(required=True)
    scope = fields.Enum(ApiScope, by_value=True, required=True)
    expires_at = fields.DateTime(required=True)


class MeSchema(ApiSchema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)
    is_admin = fields.Boolean(required=True)
    memberships = fields.List(fields.Nested(MembershipSchema), required=True)
    token = fields.Nested(TokenInfoSchema, required=True)


class MunicipalitySchema(ApiSchema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    slug = fields.String(required=True)
    police_area_id = fields.Integer(required=True)
    police_area = fields.String(attribute="police_area.name", required=True)


class SignatorySchema(ApiSchema):
    name = fields.String(required=True)
    title = fields.String(required=True)


class PromiseSchema(ApiSchema):
    id = fields.Integer(required=True)
    municipality_id = fields.Integer(required=True)
    title = fields.String(required=True)
    start_year = fields.Integer(required=True)
    end_year = fields.Integer(required=True)
    status = fields.Enum(PromiseStatus, by_value=True, required=True)
    signed_on = fields.Date(allow_none=True, required=True)
    signatories = fields.List(fields.Nested(SignatorySchema), required=True)
    problem_picture = fields.String(required=True)
    sources = fields.List(fields.String(), required=True)
    sources_note = fields.String(required=True)
    agreement_url = fields.String(allow_none=True, required=True)
    is_public = fields.Boolean(required=True)
    version = fields.Integer(attribute="version_id", required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class FocusAreaSchema(ApiSchema):
    id = fields.Integer(required=True)
    promise_id = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    position = fields.Integer(required=True)


class CommitmentSchema(ApiSchema):
    id = fields.Integer(required=True)
    promise_id = fields.Integer(required=True)
    focus_area_id = fields.Integer(allow_none=True, required=True)
    party = fields.Enum(Party, by_value=True, required=True)
    text = fields.String(required=True)
    position = fields.Integer(required=True)
    target_count = fields.Integer(allow_none=True, required=True)
    target_note = fields.String(required=True)
    version = fields.Integer(attribute="version_id", required=True)


class PlaceSchema(ApiSchema):
    id = fields.Integer(required=True)
    municipality_id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    lat = fields.Float(allow_none=True, required=True)
    lon = fields.Float(allow_none=True, required=True)


class MeasureSpecSchema(ApiSchema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    label_en = fields.String(dump_default="", metadata={
        "description": "the label in English; empty: none given (use label)"})
    kind = fields.String(required=True, metadata={
        "description": "integer | decimal | text | boolean | choice | place"})
    required = fields.Boolean(dump_default=False)
    choices = fields.List(fields.String(), dump_default=[])


class ActivityTypeSchema(ApiSchema):
    id = fields.Integer(required=True)
    key = fields.String(required=True)
    name_sv = fields.String(required=True)
    name_en = fields.String(required=True)
    description = fields.String(required=True)
    is_active = fields.Boolean(required=True)
    measures = fields.List(fields.Nested(MeasureSpecSchema), required=True)


class RecurrenceOutSchema(ApiSchema):
    freq = fields.String(required=True, metadata={"description": "weekly | monthly"})
    interval = fields.Integer(required=True)
    weekdays = fields.List(fields.Integer(), required=True)
    until = fields.Date(allow_none=True, required=True)
    count = fields.Integer(allow_none=True, required=True)

    @pre_dump
    def _stored_form(self, rule: dict, **_kwargs) -> dict:
        """Stored as JSON with the date as text; missing keys get their defaults."""
        until = rule.get("until")
        return {"freq": rule.get("freq"), "interval": rule.get("interval") or 1,
                "weekdays": rule.get("weekdays") or [], "count": rule.get("count"),
                "until": date.fromisoformat(until) if isinstance(until, str) else until}


class ActivitySchema(ApiSchema):
    """One activity with its progress (dumped from an ActivityRow)."""

    id = fields.Integer(attribute="activity.id", required=True)
    municipality_id = fields.Integer(attribute="activity.municipality_id", required=True)
    commitment_id = fields.Integer(attribute="activity.commitment_id", required=True)
    focus_area_id = fields.Integer(attribute="activity.commitment.focus_area_id",
                                   allow_none=True, required=True)
    party = fields.Enum(Party, by_value=True, attribute="activity.commitment.party",
                        required=True)
    type_id = fields.Integer(attribute="activity.type_id", required=True)
    type_key = fields.String(attribute="activity.type.key", required=True)
    type_name = fields.String(attribute="activity.type.name_sv", required=True)
    title = fields.String(attribute="activity.title", required=True)
    description = fields.String(attribute="activity.description", required=True)
    status = fields.Enum(ActivityStatus, by_value=True, attribute="activity.status",
                         required=True)
    status_reason = fields.String(attribute="activity.status_reason", required=True)
    owner = fields.Nested(UserRefSchema, attribute="activity.owner", allow_none=True,
                          required=True)
    assignees = fields.List(fields.Nested(UserRefSchema), attribute="activity.assignees",
                            required=True)
    places = fields.List(fields.Nested(NamedRefSchema), attribute="activity.places",
                         required=True)
    start_date = fields.Date(attribute="activity.start_date", allow_none=True, required=True)
    due_date = fields.Date(attribute="activity.due_date", allow_none=True, required=True)
    recurrence = fields.Nested(RecurrenceOutSchema, attribute="activity.recurrence",
                               allow_none=True, required=True)
    target_count = fields.Integer(attribute="activity.target_count", allow_none=True,
                                  required=True)
    show_public = fields.Boolean(attribute="activity.show_public", required=True, metadata={
        "description": "visa för invånare: the title is shown on the public promise page"})
    target = fields.Integer(allow_none=True, required=True, metadata={
        "description": "target_count, else the number of occasions of the recurrence"})
    logged = fields.Integer(required=True, metadata={"description": "logged occasions"})
    overdue = fields.Boolean(required=True)
    version = fields.Integer(attribute="activity.version_id", required=True, metadata={
        "description": "send it back on PUT and status changes (optimistic locking)"})
    created_at = fields.DateTime(attribute="activity.created_at", required=True)
    updated_at = fields.DateTime(attribute="activity.updated_at", required=True)


class LogEntrySchema(ApiSchema):
    id = fields.Integer(required=True)
    activity_id = fields.Integer(required=True)
    occurred_on = fields.Date(required=True)
    duration_minutes = fields.Integer(allow_none=True, required=True)
    place_id = fields.Integer(allow_none=True, required=True)
    measures = fields.Dict(keys=fields.String(), values=fields.Raw(), required=True)
    note = fields.String(required=True)
    include_in_followup = fields.Boolean(required=True)
    author = fields.Nested(UserRefSchema, allow_none=True, required=True)
    created_at = fields.DateTime(required=True)
    version = fields.Integer(required=True, attribute="version_id", metadata={
        "description": "send it back with PATCH or DELETE"})


class IndicatorSchema(ApiSchema):
    id = fields.Integer(required=True)
    key = fields.String(required=True)
    name = fields.String(required=True)
    unit = fields.String(required=True)
    source = fields.String(required=True)
    higher_is_better = fields.Boolean(required=True)


class IndicatorValueSchema(ApiSchema):
    id = fields.Integer(required=True)
    indicator_id = fields.Integer(required=True)
    municipality_id = fields.Integer(required=True)
    year = fields.Integer(required=True)
    value = fields.Float(required=True)
    national_value = fields.Float(allow_none=True, required=True)
    source_note = fields.String(required=True)


class FollowUpSummarySchema(ApiSchema):
    id = fields.Integer(required=True)
    promise_id = fields.Integer(required=True)
    municipality_id = fields.Integer(required=True)
    year = fields.Integer(required=True)
    status = fields.Enum(FollowUpStatus, by_value=True, required=True)
    compiled_at = fields.DateTime(allow_none=True, required=True)
    published_at = fields.DateTime(allow_none=True, required=True)
    version = fields.Integer(allow_none=True, required=True, metadata={
        "description": "row version for members; null in the published view"})


class SectionSchema(ApiSchema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    text = fields.String(required=True, metadata={"description": "Markdown"})
    edited = fields.Boolean(required=True)


class VerdictSchema(ApiSchema):
    commitment_id = fields.Integer(required=True)
    party = fields.String(allow_none=True, required=True)
    commitment_text = fields.String(required=True)
    verdict = fields.String(allow_none=True, required=True, metadata={
        "description": "uppfyllt | delvis_uppfyllt | ej_uppfyllt | pagar | ej_paborjat | genomfort | "
                       "kan_inte_bedomas"})
    reason = fields.String(required=True)
    overridden = fields.Boolean(required=True)


class FollowUpSchema(FollowUpSummarySchema):
    correction_note = fields.String(required=True)
    sections = fields.List(fields.Nested(SectionSchema), required=True)
    verdicts = fields.List(fields.Nested(VerdictSchema), required=True)
    figures = fields.Dict(keys=fields.String(), values=fields.Raw(), required=True)


MunicipalityPage = page_schema(MunicipalitySchema, "MunicipalityPage")
PromisePage = page_schema(PromiseSchema, "PromisePage")
FocusAreaPage = page_schema(FocusAreaSchema, "FocusAreaPage")
CommitmentPage = page_schema(CommitmentSchema, "CommitmentPage")
PlacePage = page_schema(PlaceSchema, "PlacePage")
ActivityTypePage = page_schema(ActivityTypeSchema, "ActivityTypePage")
ActivityPage = page_schema(ActivitySchema, "ActivityPage")
LogEntryPage = page_schema(LogEntrySchema, "LogEntryPage")
IndicatorPage = page_schema(IndicatorSchema, "IndicatorPage")
IndicatorValuePage = page_schema(IndicatorValueSchema, "IndicatorValuePage")
FollowUpPage = page_schema(FollowUpSummarySchema, "FollowUpPage")
