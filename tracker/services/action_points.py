"""Action points: what someone is to do after a walk's finding or a meeting's decision, and
whether it was done. One module for every list of them (the municipality's list, Mina
uppgifter, the digest, a place's page, the protocol and the follow-up)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from tracker import policies
from tracker.extensions import db
from tracker.models import (
    OPEN_ACTION_STATUSES,
    ActionPoint,
    ActionStatus,
    Activity,
    FindingCategory,
    NotificationKind,
    Place,
    ResponsibleParty,
    User,
)
from tracker.pagination import paginate
from tracker.services import DomainError, FieldErrors, StaleEdit, notifications, personal_data
from tracker.services.activities import DUE_SOON_DAYS, responsible_choices
from tracker.services.limits import (
    REASON_MAX,
    YEAR_MAX,
    YEAR_MIN,
    date_outside_years,
    row_id,
    too_long,
)
from tracker.translation import gettext as _

NAMED_PARTIES = (ResponsibleParty.PROPERTY_OWNER, ResponsibleParty.OTHER)
TEXT_MAX = 2000
PARTY_NAME_MAX = 200


@dataclass
class ActionInput:
    text: str = ""
    party: ResponsibleParty | None = None
    party_name: str = ""
    owner_id: int | None = None
    due_date: date | None = None
    place_id: int | None = None
    category: FindingCategory | None = None


def check(municipality_id: int, data: ActionInput, *, prefix: str = "") -> dict[str, str]:
    """Swedish messages keyed by form field (with `prefix`) for what is wrong; {} if right."""
    errors = {}
    text = data.text.strip()
    if not text:
        errors[prefix + "text"] = _("Beskriv åtgärden.")
    elif len(text) > TEXT_MAX:
        errors[prefix + "text"] = too_long(_("Åtgärden"), TEXT_MAX)
    if data.party is None:
        errors[prefix + "party"] = _("Välj vem som ansvarar för åtgärden.")
    elif data.party in NAMED_PARTIES and not data.party_name.strip():
        errors[prefix + "party_name"] = _("Ange fastighetsägarens eller organisationens namn.")
    if len(data.party_name) > PARTY_NAME_MAX:
        errors[prefix + "party_name"] = too_long(_("Namnet"), PARTY_NAME_MAX)
    if data.owner_id is not None and data.owner_id not in dict(
            responsible_choices(municipality_id)):
        errors[prefix + "owner_id"] = _("Välj en ansvarig person som är med i kommunen.")
    if data.place_id is not None and db.session.scalar(sa.select(Place.municipality_id).where(
            Place.id == data.place_id)) != municipality_id:
        errors[prefix + "place_id"] = _("Välj en plats i kommunen.")
    if data.due_date is not None and not YEAR_MIN <= data.due_date.year <= YEAR_MAX:
        errors[prefix + "due_date"] = date_outside_years()
    errors.update({prefix + k: v for k, v in personal_data.check_fields({
        "text": (_("Åtgärd"), data.text), "party_name": (_("Namn på ansvarig part"),
                                                        data.party_name)}).items()})
    return errors


def _checked(municipality_id: int, data: ActionInput) -> ResponsibleParty:
    """The responsible party of input that passes `check`; else FieldErrors with every message."""
    errors = check(municipality_id, data)
    if errors or data.party is None:  # no party is one of the errors
        raise FieldErrors(errors)
    return data.party


def _apply(action: ActionPoint, data: ActionInput, party: ResponsibleParty) -> None:
    action.text = data.text.strip()
    action.party = party
    action.party_name = data.party_name.strip() if party in NAMED_PARTIES else ""
    action.owner_id = data.owner_id
    action.due_date = data.due_date
    action.place_id = data.place_id
    action.category = data.category


def create(actor: User, activity: Activity, data: ActionInput, *, log_entry_id: int | None = None,
           finding_id: int | None = None) -> ActionPoint:
    if not policies.can_log_on(actor, activity):
        raise DomainError(_("Du får inte lägga till åtgärdspunkter på den här aktiviteten."))
    party = _checked(activity.municipality_id, data)
    action = ActionPoint(municipality_id=activity.municipality_id, activity_id=activity.id,
                         log_entry_id=log_entry_id, finding_id=finding_id,
                         status=ActionStatus.OPEN, status_reason="")
    _apply(action, data, party)
    db.session.add(action)
    db.session.flush()
    _tell_new_owner(action, None, actor)
    return action


def update(actor: User, action: ActionPoint, activity: Activity, data: ActionInput) -> None:
    if not policies.can_log_on(actor, activity):
        raise DomainError(_("Du får inte ändra åtgärdspunkten."))
    party = _checked(action.municipality_id, data)
    before = action.owner_id
    _apply(action, data, party)
    db.session.flush()
    _tell_new_owner(action, before, actor)


def set_status(actor: User, action: ActionPoint, activity: Activity, status: ActionStatus,
               reason: str, *, expected_version: int | None = None) -> None:
    """Öppen, pågår, åtgärdad, or avslutad utan åtgärd with a reason."""
    if not policies.can_work_on_action(actor, action, activity):
        raise DomainError(_("Du får inte ändra åtgärdspunktens status."))
    if expected_version is not None and expected_version != action.version_id:
        raise StaleEdit(action)
    reason = (reason or "").strip()
    if status == ActionStatus.CLOSED and not reason:
        raise FieldErrors({"reason": _("Ange varför punkten avslutas utan åtgärd.")})
    if len(reason) > REASON_MAX:
        raise FieldErrors({"reason": too_long(_("Motiveringen"), REASON_MAX)})
    errors = personal_data.check_fields({"reason": (_("Motivering"), reason)})
    if errors:
        raise FieldErrors(errors)
    action.status = status
    action.status_reason = reason
    db.session.flush()


def newly_assigned(action: ActionPoint, before_owner_id: int | None, actor: User) -> int | None:
    """The user to tell that an action point is now theirs: its owner when that changed to
    someone other than the one who saved it; else None."""
    if action.owner_id is None or action.owner_id in (before_owner_id, actor.id):
        return None
    return action.owner_id


def _tell_new_owner(action: ActionPoint, before_owner_id: int | None, actor: User) -> None:
    owner = newly_assigned(action, before_owner_id, actor)
    if owner is not None:
        notifications.notify([owner], NotificationKind.ASSIGNED, "action_point", action.id,
                             action.text[:100], actor=actor)


# --- lists --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ActionFilters:
    party: ResponsibleParty | None = None
    category: FindingCategory | None = None
    place_id: int | None = None
    status: ActionStatus | None = None
    open_only: bool = False

    @classmethod
    def from_args(cls, args) -> ActionFilters:
        def enum_of(kind, key):
            try:
                return kind(args.get(key, ""))
            except ValueError:
                return None

        place = args.get("plats", "")
        return cls(party=enum_of(ResponsibleParty, "part"),
                   category=enum_of(FindingCategory, "kategori"),
                   place_id=row_id(place) or None,
                   status=enum_of(ActionStatus, "status"),
                   open_only=args.get("status") == "oppna")


def _listed():
    return (sa.select(ActionPoint)
            .options(joinedload(ActionPoint.place), joinedload(ActionPoint.owner))
            .order_by(sa.case((ActionPoint.status.in_(OPEN_ACTION_STATUSES), 0), else_=1),
                      ActionPoint.due_date.is_(None), ActionPoint.due_date, ActionPoint.id))


def action_list(municipality_id: int, filters: ActionFilters, page: int, per_page: int = 25):
    """The municipality's action points, open and soonest due first, one page."""
    query = _listed().where(ActionPoint.municipality_id == municipality_id)
    if filters.party is not None:
        query = query.where(ActionPoint.party == filters.party)
    if filters.category is not None:
        query = query.where(ActionPoint.category == filters.category)
    if filters.place_id is not None:
        query = query.where(ActionPoint.place_id == filters.place_id)
    if filters.status is not None:
        query = query.where(ActionPoint.status == filters.status)
    elif filters.open_only:
        query = query.where(ActionPoint.status.in_(OPEN_ACTION_STATUSES))
    return paginate(query, page, per_page)


def open_for_owner(user_id: int, limit: int = 50) -> list[ActionPoint]:
    """The user's open action points (Mina uppgifter), soonest due first."""
    return list(db.session.scalars(
        _listed().where(ActionPoint.owner_id == user_id,
                        ActionPoint.status.in_(OPEN_ACTION_STATUSES)).limit(limit)).unique())


def due_for_owner(user_id: int, today: date,
                  horizon_days: int = DUE_SOON_DAYS) -> list[ActionPoint]:
    """The user's open action points overdue or due within the horizon: the digest's lines
    and what a notification of a due action point is about."""
    return list(db.session.scalars(
        _listed().where(ActionPoint.owner_id == user_id,
                        ActionPoint.status.in_(OPEN_ACTION_STATUSES),
                        ActionPoint.due_date.is_not(None),
                        ActionPoint.due_date <= today + timedelta(days=horizon_days))).unique())


def owners_with_due(today: date, horizon_days: int = DUE_SOON_DAYS) -> sa.Select:
    """The ids of users with a due open action point (for the digest's recipients)."""
    return _due(sa.select(ActionPoint.owner_id), today, horizon_days)


def due_ids(today: date, horizon_days: int = DUE_SOON_DAYS) -> sa.Select:
    """The ids of open action points with an owner, overdue or due within the horizon."""
    return _due(sa.select(ActionPoint.id), today, horizon_days)


def _due(query: sa.Select, today: date, horizon_days: int) -> sa.Select:
    return query.where(
        ActionPoint.owner_id.is_not(None), ActionPoint.status.in_(OPEN_ACTION_STATUSES),
        ActionPoint.due_date.is_not(None),
        ActionPoint.due_date <= today + timedelta(days=horizon_days))


def for_place(place_id: int) -> list[ActionPoint]:
    return list(db.session.scalars(
        _listed().where(ActionPoint.place_id == place_id).limit(100)).unique())


def for_activity(activity_id: int) -> list[ActionPoint]:
    return list(db.session.scalars(
        _listed().where(ActionPoint.activity_id == activity_id,
                        ActionPoint.finding_id.is_(None))).unique())


def status_counts(action_ids_query: sa.Select) -> dict[ActionStatus, int]:
    rows = db.session.execute(
        sa.select(ActionPoint.status, sa.func.count()).where(ActionPoint.id.in_(action_ids_query))
        .group_by(ActionPoint.status)).all()
    return {status: count for status, count in rows}
