"""The activity's change history in words: "Sara Samordnare ändrade slutdatum från 15 till
31 december". The audit trail stores column names and raw values; this names the person (or
says that the demo data or the system did it), the field and the values as a reader says them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from babel.dates import format_date

from tracker.extensions import db
from tracker.formatting import local_formatters, local_today, page_locale
from tracker.labels import ACTIVITY_STATUS
from tracker.models import ActivityStatus, ActivityType, AuditEvent, User
from tracker.translation import gettext as _
from tracker.translation import lazy_gettext as _l

# The activity's fields as the history names them; anything else is bookkeeping.
FIELDS = {
    "title": _l("rubrik"), "description": _l("beskrivning"), "status": _l("status"),
    "status_reason": _l("motivering"), "start_date": _l("startdatum"),
    "due_date": _l("slutdatum"), "target_count": _l("mål"), "recurrence": _l("upprepning"),
    "owner_id": _l("ansvarig"), "commitment_id": _l("åtagande"), "type_id": _l("aktivitetstyp"),
}
# Long texts: the history says that they changed, not what they say.
UNQUOTED = {"description", "commitment_id"}
ENTRY_FIELDS = {
    "occurred_on": _l("datum"), "duration_minutes": _l("tid"), "place_id": _l("plats"),
    "measures": _l("mått"), "note": _l("anteckning"),
    "include_in_followup": _l("med i uppföljningen"),
}


@dataclass(slots=True)
class HistoryLine:
    at_text: str
    actor: str
    sentences: list[str]


_HISTORY = (
    sa.select(AuditEvent, User.name)
    .outerjoin(User, User.id == AuditEvent.actor_id)
    .where(AuditEvent.entity == "activity", AuditEvent.entity_id == sa.bindparam("activity_id"))
    .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(sa.bindparam("limit"))
)


def actor_name(user_name: str | None, label: str) -> str:
    """The person, or who acted for the system: the demo loader, a job, a command."""
    if user_name:
        return user_name
    if label == "cli:seed-demo":
        return _("Demodata (inläsningen)")
    if label.startswith("job:"):
        return _("Systemet (schemalagt jobb)")
    if label.startswith("cli:"):
        return _("Systemet (kommandorad)")
    if label in ("system", ""):
        return _("Systemet")
    if label == "anonym":
        return _("En besökare som inte var inloggad")
    return label


def date_pair(before: date, after: date) -> tuple[str, str]:
    """"15" and "31 december": what the two dates share is said once, after the second."""
    locale = page_locale()

    def day_and_month(value: date) -> str:
        return format_date(value, "d MMMM", locale=locale)

    full = day_and_month(after)
    if after.year != local_today().year or before.year != after.year:
        full += f" {after.year}"
    if before.year == after.year and before.month == after.month:
        return str(before.day), full
    if before.year == after.year:
        return day_and_month(before), full
    return f"{day_and_month(before)} {before.year}", full


def _as_date(value):
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return value if isinstance(value, date) else None


def _recurrence_text(rule) -> str:
    if not rule:
        return ""
    freq = {"weekly": _("varje vecka"), "monthly": _("varje månad")}.get(rule.get("freq"), "")
    interval = rule.get("interval") or 1
    if interval > 1:
        freq = (_("var %(n)d:e vecka", n=interval) if rule.get("freq") == "weekly"
                else _("var %(n)d:e månad", n=interval))
    return freq


class _Names:
    """People and types the history names, read once (only when a change mentions them)."""

    def __init__(self, events: list[AuditEvent]):
        users: set[int] = set()
        types: set[int] = set()
        for event in events:
            for key, bucket in (("owner_id", users), ("type_id", types)):
                value = event.changes.get(key)
                if value is not None:
                    bucket.update(v for v in (value if isinstance(value, list) else [value])
                                  if isinstance(v, int))
        self.users = dict(db.session.execute(
            sa.select(User.id, User.name).where(User.id.in_(users))).all()) if users else {}
        english = page_locale().language == "en"
        self.types = {i: (en if english and en else sv) for i, sv, en in db.session.execute(
            sa.select(ActivityType.id, ActivityType.name_sv, ActivityType.name_en)
            .where(ActivityType.id.in_(types)))} if types else {}

    def value(self, field: str, value) -> str:
        if value in (None, "", [], {}):
            return ""
        if field == "owner_id":
            return self.users.get(value, _("en borttagen användare"))
        if field == "type_id":
            return self.types.get(value, "–")
        if field == "status":
            try:
                return str(ACTIVITY_STATUS[ActivityStatus(value)])
            except ValueError:
                return str(value)
        if field == "recurrence":
            return _recurrence_text(value)
        if field in ("start_date", "due_date"):
            day = _as_date(value)
            return local_formatters()[0](day) if day else str(value)
        return str(value)


def _update_sentence(names: _Names, actor: str, field: str, before, after) -> str:
    label = str(FIELDS[field])
    if field in UNQUOTED:
        return _("%(actor)s ändrade %(field)s.", actor=actor, field=label)
    if field in ("start_date", "due_date") and _as_date(before) and _as_date(after):
        old, new = date_pair(_as_date(before), _as_date(after))
    else:
        old, new = names.value(field, before), names.value(field, after)
    if not old:
        return _("%(actor)s satte %(field)s till %(new)s.", actor=actor, field=label, new=new)
    if not new:
        return _("%(actor)s tog bort %(field)s (var %(old)s).", actor=actor, field=label, old=old)
    return _("%(actor)s ändrade %(field)s från %(old)s till %(new)s.", actor=actor, field=label,
             old=old, new=new)


def _sentences(names: _Names, event: AuditEvent, actor: str) -> list[str]:
    changes = event.changes or {}
    date_text = local_formatters()[0]
    if event.action == "insert":
        return [_("%(actor)s skapade aktiviteten.", actor=actor)]
    if event.action == "delete":
        return [_("%(actor)s tog bort aktiviteten.", actor=actor)]
    if event.action == "update":
        return [_update_sentence(names, actor, field, *value)
                for field, value in changes.items()
                if field in FIELDS and isinstance(value, list) and len(value) == 2]
    occurred = _as_date(changes.get("occurred_on"))
    when = date_text(occurred) if occurred else "–"
    if event.action == "log_entry_updated":
        fields = ", ".join(str(ENTRY_FIELDS[f]) for f in changes.get("fields", [])
                           if f in ENTRY_FIELDS)
        return [_("%(actor)s ändrade genomförandet från %(date)s (%(fields)s).", actor=actor,
                  date=when, fields=fields)]
    if event.action == "log_entry_removed":
        return [_("%(actor)s tog bort genomförandet från %(date)s. Motivering: %(reason)s",
                  actor=actor, date=when, reason=changes.get("reason", ""))]
    return [_("%(actor)s gjorde en ändring.", actor=actor)]


def history(activity_id: int, limit: int = 50) -> list[HistoryLine]:
    """The latest events on the activity, newest first, each as sentences."""
    rows = db.session.execute(_HISTORY, {"activity_id": activity_id, "limit": limit}).all()
    names = _Names([event for event, _name in rows])
    date_text = local_formatters()[0]
    lines = []
    for event, user_name in rows:
        actor = actor_name(user_name, event.actor_label or "")
        sentences = _sentences(names, event, actor)
        if sentences:
            lines.append(HistoryLine(date_text(event.at), actor, sentences))
    return lines
