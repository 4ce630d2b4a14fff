"""Correcting a logged occasion, or removing it with a reason.

A removal deletes the row: the logged_count triggers, progress and the follow-up then follow
without any query having to skip removed entries. The audit trail keeps the whole entry (the
row's delete event) and the activity's own history says who removed which occasion and why.
"""
from __future__ import annotations

from datetime import date

from tracker import policies
from tracker.audit import record
from tracker.extensions import db
from tracker.models import Activity, LogEntry, User
from tracker.services import DomainError, FieldErrors, StaleEdit, personal_data
from tracker.services.limits import REASON_MAX, check_length
from tracker.services.logbook import LogInput, check_input
from tracker.translation import gettext as _

# The columns a correction may change, in the order the history names them.
CORRECTABLE = ("occurred_on", "duration_minutes", "place_id", "measures", "note",
               "include_in_followup")


def _allowed(actor: User, activity: Activity, entry: LogEntry, expected_version: int | None):
    if entry.activity_id != activity.id:
        raise DomainError(_("Genomförandet hör till en annan aktivitet."))
    if not policies.can_correct_entry(actor, activity, entry):
        raise DomainError(_("Du får inte ändra det här genomförandet."))
    if expected_version is not None and entry.version_id != expected_version:
        raise StaleEdit(entry, _("Någon annan har ändrat eller tagit bort genomförandet sedan "
                                 "du öppnade formuläret."))


def update_entry(actor: User, activity: Activity, entry: LogEntry, data: LogInput, *,
                 today: date, expected_version: int | None,
                 place_ids: set[int] | None = None) -> LogEntry:
    """Apply a correction checked as a new occasion would be; the history names what changed."""
    _allowed(actor, activity, entry, expected_version)
    measures, place_id = check_input(activity, data, today=today, place_ids=place_ids)
    new = {"occurred_on": data.occurred_on, "duration_minutes": data.duration_minutes,
           "place_id": place_id, "measures": measures, "note": data.note.strip(),
           "include_in_followup": data.include_in_followup}
    changed = [name for name in CORRECTABLE if getattr(entry, name) != new[name]]
    if not changed:
        return entry
    occurred_before = entry.occurred_on
    for name in changed:
        setattr(entry, name, new[name])
    record(db.session, "activity", activity.id, "log_entry_updated", {
        "entry_id": entry.id, "occurred_on": occurred_before, "fields": changed})
    db.session.flush()
    return entry


def remove_entry(actor: User, activity: Activity, entry: LogEntry, reason: str, *,
                 expected_version: int | None) -> None:
    """Delete the occasion; a reason is required and kept in the activity's history."""
    _allowed(actor, activity, entry, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise FieldErrors({"reason": _("Ange varför genomförandet tas bort.")})
    too_long: dict[str, str] = {}
    check_length(too_long, "reason", _("Motiveringen"), reason, REASON_MAX)
    if too_long:
        raise FieldErrors(too_long)
    try:
        personal_data.check_text(reason, _("Motivering"))
    except DomainError as error:
        raise FieldErrors({"reason": error.message}) from None
    record(db.session, "activity", activity.id, "log_entry_removed", {
        "entry_id": entry.id, "occurred_on": entry.occurred_on, "reason": reason})
    db.session.delete(entry)
    db.session.flush()
