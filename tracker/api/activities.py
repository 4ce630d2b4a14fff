"""Activities and their log: the web's list filters, planning, editing, status and logging,
through the same services (tracker.services.activities / logbook) and the same policies."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from tracker import policies
from tracker.api import once as api_once
from tracker.api import schemas
from tracker.api.access import require, require_view, under_promise, viewable_municipality
from tracker.api.auth import user
from tracker.api.base import (
    ID,
    PageArgs,
    commit,
    make_blueprint,
    not_found,
    paginate,
    service_errors,
)
from tracker.api.errors import ApiErrorSchema, field_errors
from tracker.api.inputs import (
    ActivityArgs,
    ActivityBody,
    ActivityUpdateBody,
    LogEntryArgs,
    LogEntryBody,
    LogEntryPatchBody,
    LogEntryRemoveBody,
    StatusBody,
)
from tracker.extensions import db
from tracker.formatting import local_today
from tracker.models import Activity, ActivityStatus, ActivityType, Commitment, LogEntry
from tracker.services import activities as activity_service
from tracker.services import activity_read, log_corrections, logbook, notifications, reminders
from tracker.translation import gettext as _

blp = make_blueprint("activities", "Aktiviteter, deras status och loggade genomföranden.")
types_blp = make_blueprint("activity_types", "Aktivitetstyper och deras mätpunkter.")
BLUEPRINTS = (types_blp, blp)
STALE_DOC = "stale_version: someone saved since you read the version you sent."


@types_blp.get("/activity-types")
@types_blp.arguments(PageArgs, location="query")
@types_blp.response(200, schemas.ActivityTypePage)
def activity_types(args):
    """Aktivitetstyperna med mätpunkterna som ett loggat genomförande kan ha."""
    return paginate(sa.select(ActivityType).order_by(ActivityType.name_sv, ActivityType.id), args)


def _loaded(activity_id: int) -> Activity:
    activity = activity_read.load_activity(activity_id)
    if activity is None:
        raise not_found()
    require_view(activity)
    return activity


def _row(activity_id: int) -> activity_read.ActivityRow:
    """The activity's row: what ActivitySchema dumps."""
    found = activity_read.load_for_page(activity_id, local_today())
    if found is None:
        raise not_found()
    return found[1]


@blp.get(f"/municipalities/<{ID}:municipality_id>/activities")
@blp.arguments(ActivityArgs, location="query")
@blp.response(200, schemas.ActivityPage)
def municipality_activities(args, municipality_id: int):
    """Kommunens aktiviteter med samma filter som listan i webben, sorterade på slutdatum."""
    viewable_municipality(municipality_id)
    filters = activity_read.ActivityFilters(**{
        k: args.get(k) for k in ("focus_area_id", "commitment_id", "party", "type_id", "status",
                                 "owner_id", "place_id", "date_from", "date_to")},
        overdue=args["overdue"])
    return activity_read.api_page(municipality_id, filters, args["page"], args["per_page"],
                                  local_today()).envelope()


@blp.get(f"/activities/<{ID}:activity_id>")
@blp.response(200, schemas.ActivitySchema)
def activity(activity_id: int):
    """En aktivitet med framsteg (loggade genomföranden mot målet)."""
    found = activity_read.load_for_page(activity_id, local_today())
    if found is None:
        raise not_found()
    require_view(found[0])
    return found[1]


def _input(body: dict, commitment_id: int) -> activity_service.ActivityInput:
    rule = body.get("recurrence")
    if rule:
        rule = {"freq": rule["freq"], "interval": rule["interval"],
                "weekdays": sorted(set(rule["weekdays"])),
                **({"until": rule["until"].isoformat()} if rule.get("until") else {}),
                **({"count": rule["count"]} if rule.get("count") else {})}
    return activity_service.ActivityInput(
        commitment_id=commitment_id, type_id=body["type_id"], title=body["title"],
        description=body["description"], owner_id=body["owner_id"],
        assignee_ids=list(dict.fromkeys(body["assignee_ids"])),
        place_ids=list(dict.fromkeys(body["place_ids"])), start_date=body["start_date"],
        due_date=body["due_date"], target_count=body["target_count"], recurrence=rule or None,
        show_public=body["show_public"])


@blp.post(f"/commitments/<{ID}:commitment_id>/activities")
@blp.arguments(ActivityBody)
@blp.response(201, schemas.ActivitySchema)
def create_activity(body, commitment_id: int):
    """Planera en aktivitet under ett åtagande (samordnare; poliser under Polisen/Tillsammans).

    Idempotency-Key: se loggade genomföranden."""
    commitment, _municipality_id = under_promise(Commitment, commitment_id)
    require(policies.can_create_activity(user(), commitment))
    if (earlier := api_once.first_id()) is not None:
        return _row(earlier)
    with service_errors():
        activity = activity_service.save_activity(user(), _input(body, commitment.id))
    recipients = activity_service.newly_assigned(activity, set(), user())
    notifications.assigned(user(), activity, recipients)
    api_once.remember("activity", activity.id)
    commit()
    reminders.send_assignment_notice(current_app.config, activity, recipients)
    return _row(activity.id)


@blp.put(f"/activities/<{ID}:activity_id>")
@blp.arguments(ActivityUpdateBody)
@blp.response(200, schemas.ActivitySchema)
@blp.alt_response(409, schema=ApiErrorSchema, description=STALE_DOC)
def update_activity(body, activity_id: int):
    """Ändra en aktivitet (samordnare). Skicka med versionen du läste: 409 om den är inaktuell."""
    activity = _loaded(activity_id)
    require(policies.can_edit(user(), activity))
    before = {u.id for u in activity.assignees}
    with service_errors():
        activity_service.save_activity(user(), _input(body, body["commitment_id"]), activity,
                                       expected_version=body["version"])
    recipients = activity_service.newly_assigned(activity, before, user())
    notifications.assigned(user(), activity, recipients)
    commit()
    reminders.send_assignment_notice(current_app.config, activity, recipients)
    return _row(activity_id)


@blp.post(f"/activities/<{ID}:activity_id>/status")
@blp.arguments(StatusBody)
@blp.response(200, schemas.ActivitySchema)
@blp.alt_response(409, schema=ApiErrorSchema, description=STALE_DOC)
def change_status(body, activity_id: int):
    """Ändra status. Inställd kräver motivering, liksom Klar utan loggade genomföranden."""
    activity = _loaded(activity_id)
    require(policies.can_set_status(user(), activity))
    with service_errors():
        activity_service.set_status(user(), activity, ActivityStatus(body["status"]),
                                    body["reason"], expected_version=body["version"])
    commit()
    return _row(activity_id)


def _log_entries(municipality_id: int, args: dict):
    query = (sa.select(LogEntry).join(Activity, Activity.id == LogEntry.activity_id)
             .where(Activity.municipality_id == municipality_id)
             .options(joinedload(LogEntry.author)))
    for name, column in (("activity_id", LogEntry.activity_id), ("place_id", LogEntry.place_id),
                         ("author_id", LogEntry.author_id)):
        if args.get(name):
            query = query.where(column == args[name])
    if args.get("date_from"):
        query = query.where(LogEntry.occurred_on >= args["date_from"])
    if args.get("date_to"):
        query = query.where(LogEntry.occurred_on <= args["date_to"])
    return paginate(query.order_by(LogEntry.occurred_on.desc(), LogEntry.id.desc()), args)


@blp.get(f"/municipalities/<{ID}:municipality_id>/log-entries")
@blp.arguments(LogEntryArgs, location="query")
@blp.response(200, schemas.LogEntryPage)
def municipality_log_entries(args, municipality_id: int):
    """Kommunens loggade genomföranden, senaste först."""
    viewable_municipality(municipality_id)
    return _log_entries(municipality_id, args)


@blp.get(f"/activities/<{ID}:activity_id>/log-entries")
@blp.arguments(LogEntryArgs, location="query")
@blp.response(200, schemas.LogEntryPage)
def activity_log_entries(args, activity_id: int):
    """Aktivitetens loggade genomföranden, senaste först."""
    municipality_id = db.session.scalar(
        sa.select(Activity.municipality_id).where(Activity.id == activity_id))
    if municipality_id is None:
        raise not_found()
    require_view(municipality_id)
    return _log_entries(municipality_id, {**args, "activity_id": activity_id})


@blp.get(f"/log-entries/<{ID}:entry_id>")
@blp.response(200, schemas.LogEntrySchema)
def log_entry(entry_id: int):
    """Ett loggat genomförande."""
    row = db.session.execute(
        sa.select(LogEntry, Activity.municipality_id)
        .join(Activity, Activity.id == LogEntry.activity_id).where(LogEntry.id == entry_id)
        .options(joinedload(LogEntry.author))).first()
    if row is None:
        raise not_found()
    require_view(row[1])
    return row[0]


@blp.post(f"/activities/<{ID}:activity_id>/log-entries")
@blp.arguments(LogEntryBody)
@blp.response(201, schemas.LogEntrySchema)
def create_log_entry(body, activity_id: int):
    """Logga ett genomförande med aktivitetstypens mätpunkter. Inga personnummer i fritext.

    Skicka en unik nyckel i huvudet Idempotency-Key för att kunna skicka om anropet utan risk:
    en upprepning med samma nyckel loggar inget nytt utan svarar med det första resultatet."""
    activity = _loaded(activity_id)
    require(policies.can_log_on(user(), activity))
    if (earlier := api_once.first_id()) is not None:
        return _entry(earlier)
    specs = {spec["key"] for spec in activity.type.measures}
    unknown = {f"measures.{key}": _("Aktivitetstypen har ingen sådan mätpunkt.")
               for key in body["measures"] if key not in specs}
    if unknown:
        raise field_errors(unknown)
    data = logbook.LogInput(
        occurred_on=body["occurred_on"], duration_minutes=body["duration_minutes"],
        place_id=body["place_id"], measures=body["measures"], note=body["note"],
        include_in_followup=body["include_in_followup"],
        confirm_outside_period=body["confirm_outside_period"])
    renamed = {logbook.measure_field(key): f"measures.{key}" for key in specs}
    with service_errors(renamed):
        entry = logbook.log_occasion(user(), activity, data, today=local_today())
    api_once.remember("log_entry", entry.id)
    commit()
    return _entry(entry.id)


def _entry(entry_id: int) -> LogEntry:
    entry = db.session.scalar(sa.select(LogEntry).where(LogEntry.id == entry_id)
                              .options(joinedload(LogEntry.author)))
    if entry is None:  # the first request's entry has since been removed
        raise not_found()
    return entry


def _stored_raw(value) -> str:
    """A stored measure as the raw text the log's parser reads (as a client would send it)."""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    return "" if value is None else str(value)


def _entry_for_change(entry_id: int) -> tuple[Activity, LogEntry]:
    entry = db.session.get(LogEntry, entry_id)
    if entry is None:
        raise not_found()
    activity = _loaded(entry.activity_id)
    require(policies.can_correct_entry(user(), activity, entry))
    return activity, entry


@blp.patch(f"/log-entries/<{ID}:entry_id>")
@blp.arguments(LogEntryPatchBody)
@blp.response(200, schemas.LogEntrySchema)
@blp.alt_response(409, schema=ApiErrorSchema, description=STALE_DOC)
def update_log_entry(body, entry_id: int):
    """Rätta ett loggat genomförande (författaren eller kommunens samordnare). Fälten du skickar
    ersätter de sparade; skicka med versionen du läste: 409 om den är inaktuell."""
    activity, entry = _entry_for_change(entry_id)
    specs = {spec["key"] for spec in activity.type.measures}
    unknown = {f"measures.{key}": _("Aktivitetstypen har ingen sådan mätpunkt.")
               for key in body.get("measures", {}) if key not in specs}
    if unknown:
        raise field_errors(unknown)
    measures = {key: _stored_raw(value) for key, value in entry.measures.items()}
    measures.update(body.get("measures", {}))
    data = logbook.LogInput(
        occurred_on=body.get("occurred_on", entry.occurred_on),
        duration_minutes=body.get("duration_minutes", entry.duration_minutes),
        place_id=body.get("place_id", entry.place_id), measures=measures,
        note=body.get("note", entry.note),
        include_in_followup=body.get("include_in_followup", entry.include_in_followup),
        confirm_outside_period=body["confirm_outside_period"])
    renamed = {logbook.measure_field(key): f"measures.{key}" for key in specs}
    with service_errors(renamed):
        log_corrections.update_entry(user(), activity, entry, data, today=local_today(),
                                     expected_version=body["version"])
    commit()
    return _entry(entry_id)


@blp.delete(f"/log-entries/<{ID}:entry_id>")
@blp.arguments(LogEntryRemoveBody)
@blp.response(204)
@blp.alt_response(409, schema=ApiErrorSchema, description=STALE_DOC)
def remove_log_entry(body, entry_id: int):
    """Ta bort ett loggat genomförande med en motivering (författaren eller kommunens
    samordnare). Det räknas inte längre; motiveringen syns i aktivitetens historik."""
    activity, entry = _entry_for_change(entry_id)
    with service_errors():
        log_corrections.remove_entry(user(), activity, entry, body["reason"],
                                     expected_version=body["version"])
    commit()
    return None
