"""Residents' tips: received from the public form, triaged by the municipality's coordinators.

A tip is new ("mottaget") until a coordinator answers it, dismisses it (both with a note) or
ties it to an activity of the same municipality. Every change records who handled it and when
and adds a TipEvent: the resident reads the events, and the answers written to them, at the
private status address they got on sending (a random secret; only its hash is stored). The
internal note is never shown to the resident. The reply address is deleted a retention period
after the tip was closed (`purge_reply_addresses`). The events are read through
`services.tip_events`; the mails to the resident are `services.tip_mail`'s.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from tracker import policies
from tracker.extensions import db
from tracker.formatting import STOCKHOLM, date_local
from tracker.models import (
    Activity,
    ActivityStatus,
    Commitment,
    FocusArea,
    Municipality,
    NotificationKind,
    Promise,
    PromiseStatus,
    Tip,
    TipEvent,
    TipStatus,
    User,
)
from tracker.models.base import utcnow
from tracker.pagination import paginate
from tracker.services import DomainError, FieldErrors, notifications, personal_data
from tracker.services.limits import EMAIL_MAX, too_long
from tracker.services.mail import not_sendable
from tracker.translation import gettext as _

MAX_TEXT_LENGTH = 4000
MAX_REPLY_TO_LENGTH = EMAIL_MAX
MAX_NOTE_LENGTH = 1000
MAX_ANSWER_LENGTH = 4000
ACTIVITY_CHOICES_LIMIT = 200
CLOSED = (TipStatus.ANSWERED, TipStatus.DISMISSED, TipStatus.ACTIVITY)
REPLY_STATUSES = (TipStatus.IN_PROGRESS, TipStatus.ANSWERED)  # what an answer may set


def _clean(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n").strip()


# ---------------------------------------------------------------- from residents

def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create_tip(municipality_id: int, text: str | None, reply_to: str | None
               ) -> tuple[Tip, str]:
    """Store a resident's tip: (the tip, the secret of its status address, shown once).

    Refuses empty or over-long text and identity numbers."""
    text, reply_to = _clean(text), _clean(reply_to)
    errors: dict[str, str] = {}
    if not text:
        errors["text"] = _("Skriv ditt tips eller din synpunkt.")
    elif len(text) > MAX_TEXT_LENGTH:
        errors["text"] = too_long(_("Texten"), MAX_TEXT_LENGTH)
    if len(reply_to) > MAX_REPLY_TO_LENGTH:
        errors["reply_to"] = _("E-postadressen är för lång.")
    elif (why := not_sendable(reply_to)) is not None:
        errors["reply_to"] = why
    for name, message in personal_data.check_fields({
        "text": (_("Ditt tips eller din synpunkt"), text),
        "reply_to": (_("E-postadress för svar"), reply_to),
    }).items():
        errors.setdefault(name, message)
    if errors:
        raise FieldErrors(errors)
    secret = secrets.token_urlsafe(24)
    tip = Tip(municipality_id=municipality_id, text=text, reply_to=reply_to,
              status_token_hash=token_hash(secret))
    db.session.add(tip)
    db.session.flush()
    db.session.add(TipEvent(tip_id=tip.id, status=TipStatus.NEW))
    db.session.flush()
    _tell_coordinators(tip)
    return tip, secret


def tip_by_secret(secret: str) -> Tip | None:
    """The tip whose status address this is, else None (one statement)."""
    if not secret or len(secret) > 100:
        return None
    return db.session.scalar(sa.select(Tip).where(Tip.status_token_hash == token_hash(secret)))


def public_activity_title(tip: Tip) -> str | None:
    """The linked activity's title when the coordinators show it to residents."""
    if tip.activity_id is None or tip.status is not TipStatus.ACTIVITY:
        return None
    return db.session.scalar(sa.select(Activity.title).where(
        Activity.id == tip.activity_id, Activity.show_public.is_(True)))


def tips_of_activity(activity_id: int) -> list[Tip]:
    """Tips tied to the activity, newest first (one statement)."""
    return list(db.session.scalars(sa.select(Tip).where(Tip.activity_id == activity_id)
                                   .order_by(Tip.created_at.desc(), Tip.id.desc())))


def _tell_coordinators(tip: Tip) -> None:
    """The municipality's coordinators see a new tip among their notifications (named by the
    municipality: a resident's words stay in the tip)."""
    name = db.session.scalar(sa.select(Municipality.name).where(
        Municipality.id == tip.municipality_id))
    notifications.notify(notifications.coordinators_of(tip.municipality_id),
                         NotificationKind.TIP, "tip", tip.id, name or "")


# ---------------------------------------------------------------- reading

def page_of_tips(municipality_id: int, status: TipStatus | None, page: int, per_page: int):
    """Newest first, optionally one status; one page (two statements)."""
    query = sa.select(Tip).where(Tip.municipality_id == municipality_id)
    if status is not None:
        query = query.where(Tip.status == status)
    query = query.order_by(Tip.created_at.desc(), Tip.id.desc())
    return paginate(query, page, per_page)


def status_counts(municipality_id: int) -> dict[TipStatus, int]:
    """All tips of the municipality by current status, every status present (one GROUP BY)."""
    rows = db.session.execute(
        sa.select(Tip.status, sa.func.count(Tip.id))
        .where(Tip.municipality_id == municipality_id).group_by(Tip.status)
    )
    counts = {status: 0 for status in TipStatus}
    counts.update(dict(rows.all()))
    return counts


@dataclass
class MonthCount:
    month: date  # the first day of the month
    by_status: dict[TipStatus, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def _month_starts(today: date, months: int) -> list[date]:
    """The first days of the last `months` months, oldest first, ending with today's month."""
    year, month = today.year, today.month
    starts = []
    for _i in range(months):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def month_counts(municipality_id: int, today: date, *, months: int = 12,
                 tz: ZoneInfo = STOCKHOLM) -> list[MonthCount]:
    """Tips received per local calendar month (and their status now), oldest month first.

    One GROUP BY over a month number computed in SQL from boundaries computed here, so the
    months follow local time on SQLite and PostgreSQL alike.
    """
    starts = _month_starts(today, months)
    bounds = [datetime.combine(d, time(), tzinfo=tz).astimezone(timezone.utc)
              for d in [*starts, _next_month(starts[-1])]]
    bucket = sa.case(*[(Tip.created_at < bounds[i + 1], i) for i in range(months)])
    received = (
        sa.select(bucket.label("bucket"), Tip.status.label("status"))
        .where(Tip.municipality_id == municipality_id, Tip.created_at >= bounds[0],
               Tip.created_at < bounds[-1])
        .subquery("received")
    )
    rows = db.session.execute(
        sa.select(received.c.bucket, received.c.status, sa.func.count())
        .group_by(received.c.bucket, received.c.status)
    )
    result = [MonthCount(start, {status: 0 for status in TipStatus}) for start in starts]
    for index, status, count in rows:
        result[index].by_status[TipStatus(status)] = count
    return result


@dataclass
class TipDetail:
    tip: Tip
    handled_by: str | None
    activity_title: str | None


def load_tip(tip_id: int) -> TipDetail | None:
    """The tip with its handler's name and linked activity's title (one statement)."""
    row = db.session.execute(
        sa.select(Tip, User.name, Activity.title)
        .outerjoin(User, User.id == Tip.handled_by_id)
        .outerjoin(Activity, Activity.id == Tip.activity_id)
        .where(Tip.id == tip_id)
    ).first()
    return TipDetail(*row) if row else None


def activity_choices(municipality_id: int) -> list[tuple[int, str]]:
    """Activities a tip may be tied to: the municipality's, not cancelled, newest first."""
    rows = db.session.execute(
        sa.select(Activity.id, Activity.title, Activity.due_date)
        .where(Activity.municipality_id == municipality_id,
               Activity.status != ActivityStatus.CANCELLED)
        .order_by(Activity.id.desc()).limit(ACTIVITY_CHOICES_LIMIT)
    )
    return [(i, _("%(title)s (nr %(id)s, klar senast %(due)s)", title=title, id=i,
                  due=date_local(due)) if due else _("%(title)s (nr %(id)s)", title=title, id=i))
            for i, title, due in rows]


def commitment_choices(municipality_id: int) -> list[tuple[int, str]]:
    """Commitments of signed promises still running, where a new activity can be planned."""
    rows = db.session.execute(
        sa.select(Commitment.id, Commitment.text, Promise.title, FocusArea.title)
        .join(Promise, Promise.id == Commitment.promise_id)
        .outerjoin(FocusArea, FocusArea.id == Commitment.focus_area_id)
        .where(Promise.municipality_id == municipality_id,
               Promise.status.in_([PromiseStatus.SIGNED, PromiseStatus.ACTIVE]))
        .order_by(Promise.start_year.desc(), FocusArea.position, Commitment.position,
                  Commitment.id)
    )
    return [(i, f"{promise}{' – ' + area if area else ''}: {_shorten(text)}")
            for i, text, promise, area in rows]


def _shorten(text: str, length: int = 90) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


# ---------------------------------------------------------------- triage

def _require_handler(actor: User, tip: Tip) -> None:
    if not policies.can_edit(actor, tip):
        raise DomainError(_("Du får inte hantera tips i den här kommunen."))


def _note(note: str | None, *, required: bool) -> str:
    note = _clean(note)
    if required and not note:
        raise FieldErrors({"note": _("Skriv en kort anteckning om hur tipset hanterades.")})
    if len(note) > MAX_NOTE_LENGTH:
        raise FieldErrors({"note": too_long(_("Anteckningen"), MAX_NOTE_LENGTH)})
    errors = personal_data.check_fields({"note": (_("Anteckning"), note)})
    if errors:
        raise FieldErrors(errors)
    return note


def _handled(actor: User, tip: Tip, status: TipStatus, note: str,
             activity_id: int | None = None) -> Tip:
    tip.status = status
    tip.activity_id = activity_id
    tip.handling_note = note
    tip.handled_by_id = actor.id
    tip.handled_at = utcnow()
    db.session.add(TipEvent(tip_id=tip.id, status=status, author_id=actor.id))
    db.session.flush()
    return tip


def reply(actor: User, tip: Tip, answer: str | None, status: TipStatus | str | None) -> Tip:
    """An answer the resident reads (and gets by e-mail), with the status it leaves: under
    behandling, or avslutat. Mailing is the caller's, after the commit."""
    _require_handler(actor, tip)
    answer = _clean(answer)
    errors: dict[str, str] = {}
    try:
        status = TipStatus(status.value if isinstance(status, TipStatus) else status)
    except ValueError:
        status = None
    if status not in REPLY_STATUSES:
        errors["status"] = _("Välj om ärendet är under behandling eller avslutat.")
    if not answer:
        errors["answer"] = _("Skriv svaret till invånaren.")
    elif len(answer) > MAX_ANSWER_LENGTH:
        errors["answer"] = too_long(_("Svaret"), MAX_ANSWER_LENGTH)
    for name, message in personal_data.check_fields(
            {"answer": (_("Svar till invånaren"), answer)}).items():
        errors.setdefault(name, message)
    if errors or status is None:  # no status is one of the errors
        raise FieldErrors(errors)
    tip.status = status
    tip.handled_by_id = actor.id
    tip.handled_at = utcnow()
    db.session.add(TipEvent(tip_id=tip.id, status=status, answer=answer, author_id=actor.id))
    db.session.flush()
    return tip


# ---------------------------------------------------------------- retention

def purge_reply_addresses(now: datetime, months: int) -> int:
    """Delete the reply address of every tip closed more than `months` months ago (30 days a
    month); returns how many. Idempotent."""
    cutoff = now - timedelta(days=30 * months)
    tips = list(db.session.scalars(sa.select(Tip).where(
        Tip.reply_to != "", Tip.status.in_(CLOSED), Tip.handled_at.is_not(None),
        Tip.handled_at < cutoff)))
    for tip in tips:
        tip.reply_to = ""
        tip.reply_to_deleted_at = now
    db.session.flush()
    return len(tips)


def mark_answered(actor: User, tip: Tip, note: str | None) -> Tip:
    _require_handler(actor, tip)
    return _handled(actor, tip, TipStatus.ANSWERED, _note(note, required=True))


def dismiss(actor: User, tip: Tip, note: str | None) -> Tip:
    _require_handler(actor, tip)
    return _handled(actor, tip, TipStatus.DISMISSED, _note(note, required=True))


def link_activity(actor: User, tip: Tip, activity_id: int | None, note: str | None) -> Tip:
    """Tie the tip to an existing activity; only one of the tip's own municipality."""
    _require_handler(actor, tip)
    activity = db.session.get(Activity, activity_id) if activity_id else None
    if activity is None or activity.municipality_id != tip.municipality_id:
        raise FieldErrors({"activity_id": _("Välj en aktivitet i samma kommun som tipset.")})
    return _handled(actor, tip, TipStatus.ACTIVITY, _note(note, required=False), activity.id)


def commitment_for_new_activity(actor: User, tip: Tip, commitment_id: int | None) -> Commitment:
    """The commitment to plan a new activity under: one of the tip's municipality."""
    _require_handler(actor, tip)
    commitment = db.session.get(Commitment, commitment_id) if commitment_id else None
    promise = db.session.get(Promise, commitment.promise_id) if commitment else None
    if commitment is None or promise is None or promise.municipality_id != tip.municipality_id:
        raise FieldErrors({"commitment_id": _("Välj ett åtagande i samma kommun som tipset.")})
    return commitment
