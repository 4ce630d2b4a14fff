"""Administration: the whole audit trail, filtered, newest first. Read-only: no route writes it."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, render_template, request
from flask_login import login_required
from wtforms import StringField
from wtforms.validators import Length, Optional, Regexp, ValidationError

from tracker.admin import bp
from tracker.extensions import db
from tracker.forms import PlainForm
from tracker.models import AuditEvent
from tracker.pagination import paginate
from tracker.translation import lazy_gettext as _l

PAGE_SIZE = 50
MAX_VALUE_LENGTH = 300
HIDDEN_FIELDS = {"version_id", "updated_at", "created_at"}  # change with every save
ACTIONS = ("insert", "update", "delete", "login", "login_failed", "login_refused_locked",
           "lockout", "forbidden", "logout_everywhere", "sign", "copy", "revise", "manual_run",
           "password_reset_requested", "password_reset_sent", "password_reset_not_sent")


TOO_LONG = _l("Texten är för lång för ett filter.")


def _column_max(attribute) -> int:
    """A filter's text is no longer than its column holds: a longer one matches nothing."""
    return attribute.property.columns[0].type.length


def _iso_date(_form, field) -> None:
    try:
        field.parsed = date.fromisoformat(field.data) if field.data else None
    except ValueError:
        field.parsed = None
        raise ValidationError(_l("Ange ett datum som 2026-03-01.")) from None


class AuditFilterForm(PlainForm):
    """GET filters; no CSRF token (nothing changes). Swedish messages of its own for bad input."""

    aktor = StringField(_l("Vem (e-post eller etikett)"), validators=[
        Optional(), Length(max=_column_max(AuditEvent.actor_label), message=TOO_LONG)])
    objekt = StringField(_l("Objekttyp"), validators=[
        Optional(), Length(max=_column_max(AuditEvent.entity), message=TOO_LONG)],
        render_kw={"list": "audit-entities"})
    objekt_id = StringField(_l("Objektets id"), validators=[
        Optional(), Regexp(r"^[0-9]{1,10}$", message=_l("Ange ett id med bara siffror."))],
        render_kw={"inputmode": "numeric"})
    handelse = StringField(_l("Händelse"), validators=[
        Optional(), Length(max=_column_max(AuditEvent.action), message=TOO_LONG)],
        render_kw={"list": "audit-actions"})
    fran = StringField(_l("Från och med"), validators=[_iso_date], render_kw={"type": "date"})
    till = StringField(_l("Till och med"), validators=[_iso_date], render_kw={"type": "date"})


@dataclass(frozen=True)
class ChangeRow:
    field: str
    before: str | None  # None for an insert, a delete or a non-row event: one value only
    after: str


def _shown(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= MAX_VALUE_LENGTH else text[:MAX_VALUE_LENGTH] + "…"


def change_rows(event: AuditEvent) -> list[ChangeRow]:
    """The event's changes as rows: before → after for an update, the values otherwise."""
    rows = []
    for name, value in (event.changes or {}).items():
        if name in HIDDEN_FIELDS:
            continue
        if event.action == "update" and isinstance(value, list) and len(value) == 2:
            rows.append(ChangeRow(name, _shown(value[0]), _shown(value[1])))
        else:
            rows.append(ChangeRow(name, None, _shown(value)))
    return rows


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(current_app.config["TIMEZONE"]))


def filtered_events(form: AuditFilterForm) -> sa.Select:
    """The trail narrowed by the valid filters, newest first; dates are Swedish calendar days."""
    query = sa.select(AuditEvent)
    valid = {f.name: f for f in form if not f.errors}
    text = {name: (f.data or "").strip() for name, f in valid.items()}
    if text.get("aktor"):
        query = query.where(AuditEvent.actor_label.ilike(_like(text["aktor"]), escape="\\"))
    if text.get("objekt"):
        query = query.where(AuditEvent.entity == text["objekt"])
    if text.get("objekt_id"):
        query = query.where(AuditEvent.entity_id == int(text["objekt_id"]))
    if text.get("handelse"):
        query = query.where(AuditEvent.action == text["handelse"])
    if text.get("fran"):
        query = query.where(AuditEvent.at >= _local_midnight(valid["fran"].parsed))
    if text.get("till"):
        query = query.where(
            AuditEvent.at < _local_midnight(valid["till"].parsed + timedelta(days=1)))
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


@bp.get("/admin/logg")
@login_required
def audit_log():
    form = AuditFilterForm(request.args)
    form.validate()
    page = max(1, request.args.get("sida", 1, type=int))
    pagination = paginate(filtered_events(form), page, PAGE_SIZE)
    args = {k: v for k, v in request.args.items() if k != "sida" and v}
    return render_template(
        "admin/audit.html", form=form, pagination=pagination, args=args,
        change_rows=change_rows, entities=sorted({*db.metadata.tables, "login", "route", "job_run"}),
        actions=ACTIONS,
    )
