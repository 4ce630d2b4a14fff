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
from tracker.models.conversation import ActivityComment, Notification, NotificationKind
from tracker.models.followup import (
    FollowUp,
    FollowUpStatus,
    FollowUpVersion,
    Verdict,
    VerdictReason,
)
from tracker.models.geo import Municipality, Place, PoliceArea
from tracker.models.indicator import Indicator, IndicatorValue
from tracker.models.ops import (
    AuditEvent,
    FollowUpFeedback,
    JobOutcome,
    JobRun,
    Subscription,
    Tip,
    TipEvent,
    TipStatus,
)
from tracker.models.promise import (
    PARTY_ORDER,
    Commitment,
    CommitmentIndicator,
    CommitmentKind,
    FocusArea,
    Party,
    Promise,
    PromiseStatus,
)
from tracker.models.user import (
    ApiScope,
    ApiToken,
    Invitation,
    LoginAttempt,
    Membership,
    Organisation,
    RecoveryCode,
    Role,
    User,
    UserSession,
    WebAuthnCredential,
)

__all__ = [
    "LOGGED_COUNT", "ApiScope", "ApiToken", "Activity", "ActivityStatus", "ActivityType", "AuditEvent", "Commitment", "CommitmentIndicator", "CommitmentKind", "FocusArea",
    "FollowUp", "FollowUpStatus", "FollowUpVersion", "Indicator", "IndicatorValue", "Invitation", "JobOutcome",
    "JobRun",
    "LogEntry", "LoginAttempt", "MeasureKind", "Membership", "Municipality", "Organisation",
    "PARTY_ORDER", "Party", "Place", "PoliceArea", "Promise", "PromiseStatus", "RecoveryCode",
    "Role", "Tip", "TipStatus", "User", "UserSession", "Verdict", "VerdictReason",
    "WebAuthnCredential",
    "activity_assignee", "activity_place",
]

from tracker.models.once import IdempotencyKey  # noqa: E402
from tracker.models.walk import (  # noqa: E402
    OPEN_ACTION_STATUSES,
    ActionPoint,
    ActionStatus,
    Attachment,
    AttachmentKind,
    Finding,
    FindingCategory,
    ResponsibleParty,
    WalkProtocol,
    walk_route_place,
)

__all__ += ["IdempotencyKey", "ActivityComment", "Notification", "NotificationKind",
            "OPEN_ACTION_STATUSES", "ActionPoint", "ActionStatus", "Attachment",
            "AttachmentKind", "Finding", "FindingCategory", "ResponsibleParty", "WalkProtocol",
            "walk_route_place",
            "FollowUpFeedback", "Subscription", "TipEvent"]
