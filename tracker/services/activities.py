"""Activities: planning, assignment, status rules and progress."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from tracker import policies
from tracker.extensions import db
from tracker.formatting import date_local, number_local
from tracker.models import (
    LOGGED_COUNT,
    Activity,
    ActivityStatus,
    ActivityType,
    Commitment,
    Membership,
    Place,
    Promise,
    User,
    activity_assignee,
)
from tracker.services import DomainError, FieldErrors, StaleEdit, personal_data
from tracker.services.limits import (
    DESCRIPTION_MAX,
    INTERVAL_MAX,
    OCCASIONS_MAX,
    REASON_MAX,
    TARGET_MAX,
    TITLE_MAX,
    YEAR_MAX,
    YEAR_MIN,
    check_length,
    check_range,
    date_outside_years,
)
from tracker.services.people import Candidate, labelled
from tracker.services.recurrence import MAX_OCCASIONS, activity_target, cut_by_cap, occasions
from tracker.services.user_admin import NO_PASSWORD
from tracker.translation import gettext as _

OPEN_STATUSES = (ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS)
# "Due soon": the dashboard's deadlines, the reminders page and the daily e-mail alike.
DUE_SOON_DAYS = 14


@dataclass
class ActivityInput:
    commitment_id: int
    type_id: int
    title: str
    description: str = ""
    owner_id: int | None = None
    assignee_ids: list[int] = field(default_factory=list)
    place_ids: list[int] = field(default_factory=list)
    start_date: date | None = None
    due_date: date | None = None
    target_count: int | None = None
    recurrence: dict | None = None
    # "Visa för invånare": the title on the public promise page. None keeps what it was; only
    # the municipality's coordinators (and admins) change it.
    show_public: bool | None = None


def member_ids(municipality_id: int) -> set[int]:
    return set(db.session.scalars(
        sa.select(Membership.user_id).where(Membership.municipality_id == municipality_id)
    ))


def responsible_choices(municipality_id: int, keep: Iterable[int | None] = ()
                        ) -> list[tuple[int, str]]:
    """(id, label), by name, of who may own or carry out an activity there: members who may
    log (not viewers), so whoever is named can also act on it (the rule is in _validate).
    `keep`: the people an activity names now, offered (and marked) even if no longer so,
    so that saving it unchanged keeps them."""
    pending = (User.password_hash == NO_PASSWORD).label("pending")  # is_pending, in SQL
    rows = db.session.execute(
        sa.select(User.id, User.name, User.email, pending)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.municipality_id == municipality_id,
               Membership.role.in_(policies.LOG_ROLES))).all()
    people = [Candidate(i, n, e, bool(p)) for i, n, e, p in rows]
    missing = {i for i in keep if i is not None} - {p.id for p in people}
    if missing:
        members = member_ids(municipality_id)
        people += [Candidate(i, n, e, bool(p), _("inte längre medlem") if i not in members
                             else _("kan inte logga här"))
                   for i, n, e, p in db.session.execute(
                       sa.select(User.id, User.name, User.email, pending)
                       .where(User.id.in_(missing)))]
    return labelled(people)


def open_work(user_id: int, municipality_id: int) -> tuple[int, int]:
    """(owned, assigned): the open activities in the municipality that name the user."""
    is_open = (Activity.municipality_id == municipality_id, Activity.status.in_(OPEN_STATUSES))
    owned = db.session.scalar(sa.select(sa.func.count()).select_from(Activity).where(
        Activity.owner_id == user_id, *is_open))
    assigned = db.session.scalar(sa.select(sa.func.count()).select_from(Activity).join(
        activity_assignee, activity_assignee.c.activity_id == Activity.id).where(
        activity_assignee.c.user_id == user_id, *is_open))
    return owned or 0, assigned or 0


def _year_of(value) -> int:
    """The year of a date, or of an ISO date string as a recurrence stores it."""
    if hasattr(value, "year"):
        return value.year
    try:
        return int(str(value)[:4])
    except ValueError:
        return 0


def _check_recurrence_end(errors: dict[str, str], data: ActivityInput, period_end: date) -> None:
    """A series ends by one of date or count, within the promise's period (its last year's
    31 December), and the app's cap on occasions never ends it silently."""
    rec = data.recurrence or {}
    if rec.get("until") and rec.get("count"):
        errors["rec_count"] = _("Ange antingen datumet upprepningen slutar eller antalet "
                                "tillfällen, inte båda.")
        return
    if any(name in errors for name in ("rec_freq", "rec_interval", "rec_count", "rec_weekdays",
                                        "rec_until", "start_date", "due_date")):
        return
    field = "rec_count" if rec.get("count") else "rec_until" if rec.get("until") else "due_date"
    until = date.fromisoformat(rec["until"]) if rec.get("until") else None
    dates = occasions(rec, data.start_date, data.due_date)
    if (until and until > period_end) or (dates and dates[-1] > period_end):
        errors[field] = _("Upprepningen kan inte gå längre än löftets period, som slutar "
                          "%(date)s.", date=date_local(period_end))
    elif cut_by_cap(rec, data.start_date, data.due_date):
        errors[field] = _("Upprepningen ger fler än %(count)s tillfällen. Välj ett tidigare slut, "
                          "ett längre intervall eller färre veckodagar.",
                          count=number_local(MAX_OCCASIONS))


def _validate(data: ActivityInput, municipality_id: int, activity: Activity | None,
              period_end: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = _("Ange en rubrik.")
    for name, label, value in (("title", _("Rubrik"), data.title),
                               ("description", _("Beskrivning"), data.description)):
        try:
            personal_data.check_text(value, label)
        except DomainError as error:
            errors[name] = error.message
    check_length(errors, "title", _("Rubrik"), data.title.strip(), TITLE_MAX)
    check_length(errors, "description", _("Beskrivning"), data.description.strip(),
                 DESCRIPTION_MAX)
    if data.target_count is not None and data.target_count < 0:
        errors["target_count"] = _("Målet ska vara ett heltal som är 0 eller större.")
    check_range(errors, "target_count", _("Målet"), data.target_count, 0, TARGET_MAX)
    if data.start_date and data.due_date and data.due_date < data.start_date:
        errors["due_date"] = _("Slutdatum kan inte vara före startdatum.")
    until = (data.recurrence or {}).get("until")
    for name, day in (("start_date", data.start_date), ("due_date", data.due_date),
                      ("rec_until", until)):
        if day and not YEAR_MIN <= _year_of(day) <= YEAR_MAX:
            errors[name] = date_outside_years()
    roles = dict(db.session.execute(sa.select(Membership.user_id, Membership.role).where(
        Membership.municipality_id == municipality_id)).all())
    # Whom the activity names already stays named, even if they have left (the edit form
    # offers them marked): only someone newly named must be able to act on it.
    owner_id = data.owner_id if activity is None or data.owner_id != activity.owner_id else None
    kept = set() if activity is None else set(db.session.scalars(
        sa.select(activity_assignee.c.user_id).where(
            activity_assignee.c.activity_id == activity.id)))
    assignee_ids = [uid for uid in data.assignee_ids if uid not in kept]
    if owner_id is not None and owner_id not in roles:
        errors["owner_id"] = _("Ansvarig måste ha behörighet i kommunen.")
    elif owner_id is not None and roles[owner_id] not in policies.LOG_ROLES:
        errors["owner_id"] = _("Ansvarig måste kunna logga i kommunen (samordnare eller "
                               "handläggare/kommunpolis); en läsare kan inte vara ansvarig.")
    if any(uid not in roles for uid in assignee_ids):
        errors["assignee_ids"] = _("Alla utförare måste ha behörighet i kommunen.")
    elif any(roles[uid] not in policies.LOG_ROLES for uid in assignee_ids):
        errors["assignee_ids"] = _("Alla utförare måste kunna logga i kommunen (samordnare "
                                   "eller handläggare/kommunpolis); en läsare kan inte vara "
                                   "utförare.")
    if data.place_ids:
        found = db.session.scalar(sa.select(sa.func.count()).select_from(Place).where(
            Place.id.in_(data.place_ids), Place.municipality_id == municipality_id))
        if found != len(set(data.place_ids)):
            errors["place_ids"] = _("Platserna måste höra till kommunen.")
    if db.session.get(ActivityType, data.type_id) is None:
        errors["type_id"] = _("Välj en aktivitetstyp.")
    rec = data.recurrence
    if rec:
        if rec.get("freq") not in ("weekly", "monthly"):
            errors["rec_freq"] = _("Välj veckovis eller månadsvis upprepning.")
        elif not rec.get("until") and not rec.get("count") and not data.due_date:
            errors["rec_until"] = _(
                "Ange när upprepningen slutar: ett datum, ett antal tillfällen eller ett slutdatum.")
        elif data.start_date is None:
            errors["start_date"] = _("En upprepad aktivitet behöver ett startdatum.")
        check_range(errors, "rec_interval", _("Intervallet"), rec.get("interval"), 1,
                    INTERVAL_MAX)
        check_range(errors, "rec_count", _("Antalet tillfällen"), rec.get("count"), 1,
                    OCCASIONS_MAX)
        if any(not isinstance(day, int) or not 0 <= day <= 6 for day in rec.get("weekdays", [])):
            errors["rec_weekdays"] = _("Välj veckodagar från måndag till söndag.")
        _check_recurrence_end(errors, data, period_end)
    return errors


def concluded_message() -> str:
    return _("Medborgarlöftet är avslutat. Nya aktiviteter kan inte planeras under det.")


def save_activity(actor: User, data: ActivityInput, activity: Activity | None = None,
                  expected_version: int | None = None) -> Activity:
    """Create (activity=None) or update an activity; raises FieldErrors or StaleEdit."""
    commitment = db.session.get(Commitment, data.commitment_id)
    if commitment is None:
        raise FieldErrors({"commitment_id": _("Välj ett åtagande.")})
    promise = db.session.get_one(Promise, commitment.promise_id)
    if activity is not None and promise.municipality_id != activity.municipality_id:
        raise FieldErrors({"commitment_id": _("Åtagandet hör till en annan kommun.")})
    moved = activity is None or activity.commitment_id != commitment.id
    if moved and policies.is_concluded(promise):
        raise DomainError(concluded_message(), "commitment_id")
    if activity is None and not policies.can_create_activity(actor, commitment):
        raise DomainError(_("Du får inte lägga till aktiviteter under det här åtagandet."))
    if activity is not None and not policies.can_edit(actor, activity):
        raise DomainError(_("Du får inte ändra den här aktiviteten."))
    if activity is not None and expected_version is not None and activity.version_id != expected_version:
        raise StaleEdit(activity)
    errors = _validate(data, promise.municipality_id, activity, date(promise.end_year, 12, 31))
    if errors:
        raise FieldErrors(errors)
    if activity is None:
        activity = Activity(municipality_id=promise.municipality_id, status=ActivityStatus.PLANNED)
        db.session.add(activity)
        activity.assignees = []
        activity.places = []
    activity.commitment_id = commitment.id
    activity.type_id = data.type_id
    activity.title = data.title.strip()
    activity.description = data.description.strip()
    activity.owner_id = data.owner_id
    activity.start_date = data.start_date
    activity.due_date = data.due_date
    activity.target_count = data.target_count
    activity.recurrence = data.recurrence or None
    if data.show_public is not None and policies.can_edit(actor, promise):
        activity.show_public = bool(data.show_public)
    activity.assignees = list(db.session.scalars(sa.select(User).where(User.id.in_(data.assignee_ids))))
    activity.places = list(db.session.scalars(sa.select(Place).where(Place.id.in_(data.place_ids))))
    db.session.flush()
    return activity


def newly_assigned(activity: Activity, before: set[int], actor: User) -> list[User]:
    """Who a save assigned (`before`: the assignee ids it started from), never the one who
    saved: the people reminders.send_assignment_notice tells after the commit."""
    return [u for u in activity.assignees if u.id not in before and u.id != actor.id]


def logged_counts(activity_ids) -> dict[int, int]:
    """Logged occasions per activity that has any (kept on the activity by the database)."""
    ids = list(activity_ids)
    if not ids:
        return {}
    return {activity_id: n for activity_id, n in db.session.execute(
        sa.select(Activity.id, LOGGED_COUNT).where(Activity.id.in_(ids))) if n}


def expected_occasions(activity: Activity) -> list[date]:
    return occasions(activity.recurrence, activity.start_date, activity.due_date)


def target_of(activity: Activity) -> int | None:
    """The explicit target, else the number of expected recurrences."""
    return activity_target(activity.target_count, activity.recurrence, activity.start_date,
                           activity.due_date)


def percent_done(logged: int, target: int | None) -> int | None:
    """Progress towards a target in whole percent, at most 100; None without a target."""
    if not target:
        return None
    return min(100, round(100 * logged / target))


def is_overdue(activity: Activity, today: date) -> bool:
    return bool(activity.status in OPEN_STATUSES and activity.due_date and activity.due_date < today)


def set_status(actor: User, activity: Activity, status: ActivityStatus, reason: str = "",
               expected_version: int | None = None) -> Activity:
    """Status rules: cancelling, or finishing with nothing logged, needs a reason."""
    if not policies.can_set_status(actor, activity):
        raise DomainError(_("Du får inte ändra status på den här aktiviteten."))
    if expected_version is not None and activity.version_id != expected_version:
        raise StaleEdit(activity)
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    check_length(errors, "reason", _("Motiveringen"), reason, REASON_MAX)
    errors = errors or personal_data.check_fields({"reason": (_("Motivering"), reason)})
    if errors:
        raise FieldErrors(errors)
    if status == ActivityStatus.CANCELLED and not reason:
        raise FieldErrors({"reason": _("Ange varför aktiviteten ställs in.")})
    if status == ActivityStatus.DONE and not reason and not logged_counts([activity.id]):
        raise FieldErrors({"reason": _(
            "Inget genomförande är loggat. Ange varför aktiviteten ändå är klar.")})
    activity.status = status
    activity.status_reason = reason
    db.session.flush()
    return activity
