"""All models, imported so Alembic and the app see the whole metadata."""
from tracker.models.activity import (
    LOGGED_COUNT,
    Activity,
    ActivityStatus,
    ActivityType,
    LogEntry,
    MeasureKind,
    activity_assignee,
    activity_place,
)
from tracker.models.followup import FollowUp, FollowUpStatus, FollowUpVersion, Verdict
from tracker.models.geo import Municipality, Place, PoliceArea
from tracker.models.indicator import Indicator, IndicatorValue
from tracker.models.ops import AuditEvent, JobOutcome, JobRun, Tip, TipStatus
from tracker.models.promise import PARTY_ORDER, Commitment, FocusArea, Party, Promise, PromiseStatus
from tracker.models.user import (
    ApiScope, ApiToken, LoginAttempt, Membership, Organisation, Role, User,
)

__all__ = [
    "LOGGED_COUNT", "ApiScope", "ApiToken", "Activity", "ActivityStatus", "ActivityType", "AuditEvent", "Commitment", "FocusArea",
    "FollowUp", "FollowUpStatus", "FollowUpVersion", "Indicator", "IndicatorValue", "JobOutcome",
    "JobRun",
    "LogEntry", "LoginAttempt", "MeasureKind", "Membership", "Municipality", "Organisation",
    "PARTY_ORDER", "Party", "Place", "PoliceArea", "Promise", "PromiseStatus", "Role", "Tip",
    "TipStatus", "User", "Verdict", "activity_assignee", "activity_place",
]

from tracker.models.once import IdempotencyKey  # noqa: E402

__all__ += ["IdempotencyKey"]
