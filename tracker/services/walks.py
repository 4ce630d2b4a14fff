"""The protocol of a safety walk: the route, who took part, and the findings, each with the
action it calls for (an action point, tracked in tracker.services.action_points)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from tracker import policies
from tracker.extensions import db
from tracker.models import (
    ActionPoint,
    ActionStatus,
    Activity,
    ActivityType,
    Attachment,
    Finding,
    FindingCategory,
    LogEntry,
    Place,
    User,
    WalkProtocol,
)
from tracker.models.base import utcnow
from tracker.services import DomainError, FieldErrors, personal_data
from tracker.services import action_points as actions
from tracker.services.limits import check_range, too_long
from tracker.translation import gettext as _

WALK_TYPE_KEY = "trygghetsvandring"
MAX_PARTICIPANT_ROWS = 12
ORGANISATION_MAX = 120
SUMMARY_MAX = 5000
PARTICIPANTS_MAX = 10_000  # people from one organisation on one walk
FINDING_MAX = 2000


def is_walk(activity_type: ActivityType) -> bool:
    return activity_type.key == WALK_TYPE_KEY


@dataclass
class ProtocolInput:
    route_place_ids: list[int] = field(default_factory=list)
    participants: list[tuple[str, int | None]] = field(default_factory=list)
    summary: str = ""


@dataclass
class FindingInput:
    place_id: int | None = None
    category: FindingCategory | None = None
    description: str = ""
    action: actions.ActionInput | None = None  # None: no action is called for


def protocol_of(entry_id: int) -> WalkProtocol | None:
    return db.session.scalar(sa.select(WalkProtocol).where(WalkProtocol.log_entry_id == entry_id)
                             .options(selectinload(WalkProtocol.route)))


def _require_log(actor: User, activity: Activity) -> None:
    if not policies.can_log_on(actor, activity):
        raise DomainError(_("Du får inte skriva protokoll för den här aktiviteten."))


def ensure_protocol(actor: User, activity: Activity, entry: LogEntry) -> WalkProtocol:
    """The entry's protocol, made on first use."""
    _require_log(actor, activity)
    protocol = protocol_of(entry.id)
    if protocol is None:
        protocol = WalkProtocol(log_entry_id=entry.id, activity_id=activity.id,
                                municipality_id=activity.municipality_id, participants=[],
                                summary="")
        place = db.session.get(Place, entry.place_id) if entry.place_id else None
        protocol.route = [place] if place is not None else []
        db.session.add(protocol)
        db.session.flush()
    return protocol


def save_protocol(actor: User, activity: Activity, protocol: WalkProtocol,
                  data: ProtocolInput) -> None:
    _require_log(actor, activity)
    errors = {}
    places = list(db.session.scalars(sa.select(Place).where(
        Place.id.in_(data.route_place_ids or [-1]),
        Place.municipality_id == activity.municipality_id)))
    if len(places) != len(set(data.route_place_ids)):
        errors["route_place_ids"] = _("Välj platser i kommunen.")
    participants = []
    for index, (organisation, count) in enumerate(data.participants):
        organisation = (organisation or "").strip()
        if not organisation and not count:
            continue
        name = f"participants-{index}-organisation"
        if not organisation:
            errors[name] = _("Ange organisationen för raden med %(n)s deltagare.", n=count)
        elif len(organisation) > ORGANISATION_MAX:
            errors[name] = too_long(_("Organisationens namn"), ORGANISATION_MAX)
        else:
            errors.update(personal_data.check_fields({name: (_("Organisation"), organisation)}))
        check_range(errors, f"participants-{index}-count", _("Antal deltagare"), count, 0,
                    PARTICIPANTS_MAX)
        participants.append({"organisation": organisation, "count": count or 0})
    if len(participants) > MAX_PARTICIPANT_ROWS:
        errors["participants"] = _("Högst %(n)d organisationer.", n=MAX_PARTICIPANT_ROWS)
    if len(data.summary) > SUMMARY_MAX:
        errors["summary"] = too_long(_("Sammanfattningen"), SUMMARY_MAX)
    errors.update(personal_data.check_fields({"summary": (_("Sammanfattning"), data.summary)}))
    if errors:
        raise FieldErrors(errors)
    protocol.route = sorted(places, key=lambda p: p.name)
    protocol.participants = participants
    protocol.summary = data.summary.strip()
    db.session.flush()


def _check_finding(activity: Activity, data: FindingInput) -> dict[str, str]:
    errors = {}
    if data.category is None:
        errors["category"] = _("Välj en kategori.")
    description = data.description.strip()
    if not description:
        errors["description"] = _("Beskriv vad ni såg.")
    elif len(description) > FINDING_MAX:
        errors["description"] = too_long(_("Beskrivningen"), FINDING_MAX)
    if data.place_id is not None and db.session.scalar(sa.select(Place.municipality_id).where(
            Place.id == data.place_id)) != activity.municipality_id:
        errors["place_id"] = _("Välj en plats i kommunen.")
    errors.update(personal_data.check_fields({"description": (_("Beskrivning"),
                                                              data.description)}))
    if data.action is not None:
        data.action.place_id, data.action.category = data.place_id, data.category
        errors.update(actions.check(activity.municipality_id, data.action, prefix="action_"))
    return errors


def add_finding(actor: User, activity: Activity, protocol: WalkProtocol,
                data: FindingInput) -> Finding:
    _require_log(actor, activity)
    errors = _check_finding(activity, data)
    if errors:
        raise FieldErrors(errors)
    position = (db.session.scalar(sa.select(sa.func.max(Finding.position)).where(
        Finding.protocol_id == protocol.id)) or 0) + 1
    finding = Finding(protocol_id=protocol.id, municipality_id=activity.municipality_id,
                      position=position, place_id=data.place_id, category=data.category,
                      description=data.description.strip())
    db.session.add(finding)
    db.session.flush()
    if data.action is not None:
        actions.create(actor, activity, data.action, log_entry_id=protocol.log_entry_id,
                       finding_id=finding.id)
    return finding


def update_finding(actor: User, activity: Activity, finding: Finding,
                   data: FindingInput) -> None:
    _require_log(actor, activity)
    errors = _check_finding(activity, data)
    if errors or data.category is None:  # no category is one of the errors
        raise FieldErrors(errors)
    finding.place_id, finding.category = data.place_id, data.category
    finding.description = data.description.strip()
    action = action_of(finding.id)
    if data.action is not None:
        if action is None:
            protocol = db.session.get_one(WalkProtocol, finding.protocol_id)
            actions.create(actor, activity, data.action, log_entry_id=protocol.log_entry_id,
                           finding_id=finding.id)
        else:
            actions.update(actor, action, activity, data.action)
    elif action is not None:
        db.session.delete(action)
    db.session.flush()


@dataclass(frozen=True)
class FindingRemoval:
    """What removing a finding takes with it, for the page that asks to confirm."""
    place: str
    action: ActionPoint | None
    photos: int


def _owned_attachments(finding: Finding, action: ActionPoint | None):
    owned = [Attachment.finding_id == finding.id]
    if action is not None:
        owned.append(Attachment.action_point_id == action.id)
    return sa.or_(*owned)


def removal_of(finding: Finding) -> FindingRemoval:
    action = action_of(finding.id)
    place = db.session.get(Place, finding.place_id) if finding.place_id else None
    return FindingRemoval(place.name if place else "", action, db.session.scalar(
        sa.select(sa.func.count(Attachment.id)).where(_owned_attachments(finding, action))) or 0)


def remove_finding(actor: User, activity: Activity, finding: Finding) -> None:
    """The finding, its action point and their photos (files removed once committed)."""
    _require_log(actor, activity)
    action = action_of(finding.id)
    for attachment in db.session.scalars(
            sa.select(Attachment).where(_owned_attachments(finding, action))):
        db.session.delete(attachment)  # one by one: each removal is in the audit trail
    if action is not None:
        db.session.delete(action)
    db.session.delete(finding)
    db.session.flush()


def set_published(actor: User, protocol: WalkProtocol, published: bool) -> None:
    if not policies.can_publish_protocol(actor, protocol):
        raise DomainError(_("Bara kommunens samordnare kan publicera protokollet."))
    protocol.published_at = utcnow() if published else None
    db.session.flush()


def action_of(finding_id: int) -> ActionPoint | None:
    return db.session.scalar(sa.select(ActionPoint).where(ActionPoint.finding_id == finding_id))


@dataclass
class FindingRow:
    finding: Finding
    action: ActionPoint | None
    photos: list[Attachment]


def findings_of(protocol_id: int) -> list[FindingRow]:
    """The protocol's findings in order, each with its action and photos: three statements."""
    findings = list(db.session.scalars(
        sa.select(Finding).where(Finding.protocol_id == protocol_id)
        .options(joinedload(Finding.place)).order_by(Finding.position, Finding.id)))
    ids = [f.id for f in findings] or [-1]
    by_finding = {a.finding_id: a for a in db.session.scalars(
        sa.select(ActionPoint).where(ActionPoint.finding_id.in_(ids))
        .options(joinedload(ActionPoint.owner)))}
    photos: dict[int, list[Attachment]] = {}
    for attachment in db.session.scalars(sa.select(Attachment).where(
            Attachment.finding_id.in_(ids)).order_by(Attachment.id)):
        if attachment.finding_id is not None:  # always, by the query
            photos.setdefault(attachment.finding_id, []).append(attachment)
    return [FindingRow(f, by_finding.get(f.id), photos.get(f.id, [])) for f in findings]


@dataclass(frozen=True)
class PublishedWalk:
    """A published protocol as the public municipality page lists it: no names."""

    id: int
    occurred_on: date
    title: str
    findings: int
    fixed: int


def published_walks(municipality_id: int, limit: int = 20) -> list[PublishedWalk]:
    """The municipality's published walk protocols, newest first, with their findings and how
    many of those are fixed (one statement)."""
    findings = (sa.select(sa.func.count(Finding.id)).where(Finding.protocol_id == WalkProtocol.id)
                .correlate(WalkProtocol).scalar_subquery())
    fixed = (sa.select(sa.func.count(ActionPoint.id))
             .join(Finding, Finding.id == ActionPoint.finding_id)
             .where(Finding.protocol_id == WalkProtocol.id,
                    ActionPoint.status == ActionStatus.DONE)
             .correlate(WalkProtocol).scalar_subquery())
    rows = db.session.execute(
        sa.select(WalkProtocol.id, LogEntry.occurred_on, Activity.title, findings, fixed)
        .join(LogEntry, LogEntry.id == WalkProtocol.log_entry_id)
        .join(Activity, Activity.id == WalkProtocol.activity_id)
        .where(WalkProtocol.municipality_id == municipality_id,
               WalkProtocol.published_at.is_not(None))
        .order_by(LogEntry.occurred_on.desc(), WalkProtocol.id.desc()).limit(limit))
    return [PublishedWalk(*row) for row in rows]
