"""Promises, their focus areas and commitments: writing, signing, revising and renewing."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from tracker import audit, policies
from tracker.extensions import db
from tracker.formatting import local_today
from tracker.labels import SOURCE
from tracker.models import (
    PARTY_ORDER, Activity, ActivityStatus, Commitment, FocusArea, LogEntry, Party,
    Promise, PromiseStatus, User,
)
from tracker.services import DomainError, FieldErrors, StaleEdit
from tracker.services.activities import OPEN_STATUSES
from tracker.services.personal_data import check_fields

SOURCE_KEYS = tuple(SOURCE)
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_EXTRA_YEARS = 2  # a period is 1–3 calendar years
PROMISE_FIELDS = (
    "title", "start_year", "end_year", "problem_picture", "sources", "sources_note",
    "agreement_url", "is_public",
)
# Fields that may still change once the promise is signed: where to find it and who may see it.
AFTER_SIGNING_FIELDS = {"agreement_url", "is_public"}
REVISABLE = (PromiseStatus.SIGNED, PromiseStatus.ACTIVE)


# ---------------------------------------------------------------- guards

def _promise_of(obj: FocusArea | Commitment) -> Promise:
    return db.session.get(Promise, obj.promise_id)


def _require_edit(user: User, promise: Promise) -> None:
    if not policies.can_edit(user, promise.municipality_id):
        raise DomainError(_("Du har inte behörighet att ändra det här medborgarlöftet."))


def _require_draft(promise: Promise) -> None:
    if promise.status != PromiseStatus.DRAFT:
        raise DomainError(_(
            "Medborgarlöftet är undertecknat. Åtaganden kan bara ändras genom en revidering "
            "med motivering."
        ))


def _text(value: str | None) -> str:
    """Trimmed, with the browser's CRLF line breaks made plain newlines."""
    return (value or "").replace("\r\n", "\n").strip()


def _check_free_text(fields: dict[str, tuple[str, str | None]], errors: dict[str, str]) -> None:
    for name, message in check_fields(fields).items():
        errors.setdefault(name, message)


# ---------------------------------------------------------------- promises

def _clean_promise(values: dict) -> dict:
    """Normalised values, or FieldErrors naming every bad field at once."""
    errors: dict[str, str] = {}
    clean = dict(values)
    for key in ("title", "problem_picture", "sources_note"):
        clean[key] = _text(values.get(key))
    clean["agreement_url"] = _text(values.get("agreement_url")) or None
    clean["is_public"] = bool(values.get("is_public"))
    if not clean["title"]:
        errors["title"] = _("Ange en rubrik.")
    elif len(clean["title"]) > 200:
        errors["title"] = _("Rubriken får ha högst 200 tecken.")
    start, end = values.get("start_year"), values.get("end_year")
    if not isinstance(start, int) or not MIN_YEAR <= start <= MAX_YEAR:
        errors["start_year"] = _(
            "Startåret ska vara mellan %(min)d och %(max)d.", min=MIN_YEAR, max=MAX_YEAR
        )
    elif not isinstance(end, int) or not start <= end <= start + MAX_EXTRA_YEARS:
        errors["end_year"] = _(
            "Perioden ska vara 1–3 år: slutåret ska vara samma som startåret eller högst "
            "två år senare."
        )
    sources = list(values.get("sources") or [])
    unknown = [s for s in sources if s not in SOURCE_KEYS]
    if unknown:
        errors["sources"] = _("Välj underlag ur listan.")
    clean["sources"] = [key for key in SOURCE_KEYS if key in sources]
    url = clean["agreement_url"]
    if url is not None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
            errors["agreement_url"] = _(
                "Länken ska vara en webbadress som börjar med http:// eller https://."
            )
    _check_free_text(
        {
            "title": (_("Rubrik"), clean["title"]),
            "problem_picture": (_("Problembild"), clean["problem_picture"]),
            "sources_note": (_("Övriga underlag"), clean["sources_note"]),
        },
        errors,
    )
    if errors:
        raise FieldErrors(errors)
    return clean


def create_promise(user: User, municipality_id: int, **values) -> Promise:
    """A new draft promise; values are the PROMISE_FIELDS."""
    if not policies.can_edit(user, municipality_id):
        raise DomainError(_("Du har inte behörighet att skriva medborgarlöften i kommunen."))
    clean = _clean_promise({k: values.get(k) for k in PROMISE_FIELDS})
    promise = Promise(municipality_id=municipality_id, status=PromiseStatus.DRAFT, **clean)
    db.session.add(promise)
    db.session.flush()
    return promise


def update_promise(promise: Promise, user: User, expected_version: int | None, **values) -> Promise:
    """Change the given fields; StaleEdit if someone saved since the form was opened."""
    _require_edit(user, promise)
    if expected_version != promise.version_id:
        raise StaleEdit(promise, _(
            "Någon annan har ändrat medborgarlöftet sedan du öppnade formuläret."
        ))
    if promise.status == PromiseStatus.CONCLUDED:
        raise DomainError(_("Ett avslutat medborgarlöfte kan inte ändras."))
    unknown = set(values) - set(PROMISE_FIELDS)
    if unknown:
        raise TypeError(f"unknown promise fields: {sorted(unknown)}")
    merged = {k: values.get(k, getattr(promise, k)) for k in PROMISE_FIELDS}
    clean = _clean_promise(merged)
    changed = {k: clean[k] for k in values if clean[k] != getattr(promise, k)}
    if promise.status != PromiseStatus.DRAFT and set(changed) - AFTER_SIGNING_FIELDS:
        raise DomainError(_(
            "Medborgarlöftet är undertecknat. Rubrik, period, problembild och underlag "
            "kan inte ändras längre."
        ))
    for key, value in changed.items():
        setattr(promise, key, value)
    db.session.flush()
    return promise


def sign_promise(promise: Promise, user: User, signed_on: date | None, signatories: list[dict],
                 *, today: date | None = None) -> Promise:
    """Draft → signed, with the date and who signed (name and title, e.g. KSO, LPO-chef)."""
    _require_edit(user, promise)
    if promise.status != PromiseStatus.DRAFT:
        raise DomainError(_("Medborgarlöftet är redan undertecknat."))
    errors: dict[str, str] = {}
    today = today or local_today()
    if signed_on is None:
        errors["signed_on"] = _("Ange datum för undertecknandet.")
    elif signed_on > today:
        errors["signed_on"] = _("Datumet för undertecknandet kan inte ligga i framtiden.")
    people = []
    for row in signatories:
        name, title = _text(row.get("name")), _text(row.get("title"))
        if not name and not title:
            continue
        if not name or not title:
            errors.setdefault("signatories", _("Ange både namn och titel för varje undertecknare."))
        people.append({"name": name, "title": title})
    if not people:
        errors.setdefault("signatories", _("Ange minst en undertecknare."))
    written = "\n".join(f"{p['name']} {p['title']}" for p in people)
    _check_free_text({"signatories": (_("Undertecknare"), written)}, errors)
    has_commitments = db.session.scalar(
        sa.select(sa.func.count(Commitment.id)).where(Commitment.promise_id == promise.id)
    )
    if not has_commitments:
        raise DomainError(_("Ett medborgarlöfte utan åtaganden kan inte undertecknas."))
    if errors:
        raise FieldErrors(errors)
    promise.status = PromiseStatus.SIGNED
    promise.signed_on = signed_on
    promise.signatories = people
    audit.record(db.session, "promise", promise.id, "sign",
                 {"signed_on": signed_on, "signatories": people})
    db.session.flush()
    return promise


# ---------------------------------------------------------------- focus areas

def _clean_focus_area(title: str, description: str) -> tuple[str, str]:
    title, description = _text(title), _text(description)
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Ange en rubrik för fokusområdet.")
    elif len(title) > 200:
        errors["title"] = _("Rubriken får ha högst 200 tecken.")
    _check_free_text(
        {"title": (_("Rubrik"), title), "description": (_("Beskrivning"), description)}, errors
    )
    if errors:
        raise FieldErrors(errors)
    return title, description


def add_focus_area(promise: Promise, user: User, title: str, description: str = "") -> FocusArea:
    _require_edit(user, promise)
    _require_draft(promise)
    title, description = _clean_focus_area(title, description)
    last = db.session.scalar(
        sa.select(sa.func.max(FocusArea.position)).where(FocusArea.promise_id == promise.id)
    )
    area = FocusArea(promise_id=promise.id, title=title, description=description,
                     position=0 if last is None else last + 1)
    db.session.add(area)
    db.session.flush()
    return area


def update_focus_area(area: FocusArea, user: User, title: str, description: str = "") -> FocusArea:
    promise = _promise_of(area)
    _require_edit(user, promise)
    _require_draft(promise)
    area.title, area.description = _clean_focus_area(title, description)
    db.session.flush()
    return area


def move_focus_area(area: FocusArea, user: User, direction: str) -> bool:
    """Swap with the neighbouring focus area; False when already first or last."""
    promise = _promise_of(area)
    _require_edit(user, promise)
    _require_draft(promise)
    areas = list(db.session.scalars(
        sa.select(FocusArea).where(FocusArea.promise_id == promise.id)
    ))
    _renumber(areas)
    moved = _swap_with_neighbour(areas, area, direction)
    db.session.flush()
    return moved


def delete_focus_area(area: FocusArea, user: User) -> int:
    """Delete the area; its commitments stay, under "Övriga löften". Returns how many moved."""
    promise = _promise_of(area)
    _require_edit(user, promise)
    _require_draft(promise)
    orphans = list(db.session.scalars(
        sa.select(Commitment).where(Commitment.focus_area_id == area.id)
    ))
    for commitment in orphans:
        commitment.focus_area_id = None
    db.session.flush()
    db.session.delete(area)
    db.session.flush()
    return len(orphans)


# ---------------------------------------------------------------- commitments

@dataclass
class CommitmentInput:
    party: Party | str | None
    text: str
    focus_area_id: int | None = None
    target_count: int | None = None
    target_note: str = ""


def _clean_commitment(promise: Promise, data: CommitmentInput) -> dict:
    errors: dict[str, str] = {}
    text, note = _text(data.text), _text(data.target_note)
    try:
        party = Party(data.party) if data.party is not None else None
    except ValueError:
        party = None
    if party is None:
        errors["party"] = _("Välj vem som lovar: kommunen, polisen eller tillsammans.")
    if not text:
        errors["text"] = _("Skriv vad som lovas.")
    if data.target_count is not None and data.target_count < 0:
        errors["target_count"] = _("Målet ska vara ett heltal som är 0 eller större.")
    if len(note) > 300:
        errors["target_note"] = _("Beskrivningen av målet får ha högst 300 tecken.")
    if data.focus_area_id is not None:
        owner = db.session.scalar(
            sa.select(FocusArea.promise_id).where(FocusArea.id == data.focus_area_id)
        )
        if owner != promise.id:
            errors["focus_area_id"] = _("Välj ett fokusområde i det här medborgarlöftet.")
    _check_free_text(
        {"text": (_("Åtagande"), text), "target_note": (_("Om målet"), note)}, errors
    )
    if errors:
        raise FieldErrors(errors)
    return {"party": party, "text": text, "focus_area_id": data.focus_area_id,
            "target_count": data.target_count, "target_note": note}


def add_commitment(promise: Promise, user: User, data: CommitmentInput) -> Commitment:
    _require_edit(user, promise)
    _require_draft(promise)
    clean = _clean_commitment(promise, data)
    last = db.session.scalar(
        sa.select(sa.func.max(Commitment.position)).where(Commitment.promise_id == promise.id)
    )
    commitment = Commitment(promise_id=promise.id, position=0 if last is None else last + 1,
                            **clean)
    db.session.add(commitment)
    db.session.flush()
    return commitment


def update_commitment(commitment: Commitment, user: User, data: CommitmentInput) -> Commitment:
    """Edit a commitment of a draft; a signed promise's commitments are revised instead."""
    promise = _promise_of(commitment)
    _require_edit(user, promise)
    _require_draft(promise)
    for key, value in _clean_commitment(promise, data).items():
        setattr(commitment, key, value)
    db.session.flush()
    return commitment


def revise_commitment(commitment: Commitment, user: User, *, text: str,
                      target_count: int | None, target_note: str, reason: str) -> Commitment:
    """The only change a signed or active promise allows: new wording or target, with a reason."""
    promise = _promise_of(commitment)
    _require_edit(user, promise)
    if promise.status not in REVISABLE:
        raise DomainError(_(
            "Bara åtaganden i ett undertecknat eller pågående medborgarlöfte revideras. "
            "Ett utkast ändras direkt."
        ))
    reason = _text(reason)
    data = CommitmentInput(commitment.party, text, commitment.focus_area_id, target_count,
                           target_note)
    try:
        clean = _clean_commitment(promise, data)
        errors = {}
    except FieldErrors as refused:
        clean, errors = {}, dict(refused.errors)
    if not reason:
        errors["reason"] = _("Ange varför åtagandet revideras.")
    _check_free_text({"reason": (_("Motivering"), reason)}, errors)
    if errors:
        raise FieldErrors(errors)
    changes = {key: [getattr(commitment, key), clean[key]]
               for key in ("text", "target_count", "target_note")
               if clean[key] != getattr(commitment, key)}
    if not changes:
        raise FieldErrors({"text": _("Ingenting är ändrat. Ändra texten eller målet.")})
    for key, (_before, after) in changes.items():
        setattr(commitment, key, after)
    audit.record(db.session, "commitment", commitment.id, "revise", {"reason": reason, **changes})
    db.session.flush()
    return commitment


def move_commitment(commitment: Commitment, user: User, direction: str) -> bool:
    """Swap with the neighbour shown in the same group (focus area and party)."""
    promise = _promise_of(commitment)
    _require_edit(user, promise)
    _require_draft(promise)
    siblings = list(db.session.scalars(
        sa.select(Commitment).where(Commitment.promise_id == promise.id)
    ))
    _renumber(siblings)
    group = [c for c in siblings
             if c.focus_area_id == commitment.focus_area_id and c.party == commitment.party]
    moved = _swap_with_neighbour(group, commitment, direction)
    db.session.flush()
    return moved


def delete_commitment(commitment: Commitment, user: User) -> None:
    promise = _promise_of(commitment)
    _require_edit(user, promise)
    _require_draft(promise)
    planned = db.session.scalar(
        sa.select(sa.func.count(Activity.id)).where(Activity.commitment_id == commitment.id)
    )
    if planned:
        raise DomainError(_(
            "Åtagandet har aktiviteter. Flytta eller ta bort aktiviteterna först."
        ))
    db.session.delete(commitment)
    db.session.flush()


def _renumber(items: list) -> None:
    """Positions 0..n-1 in the shown order, so a swap never meets a tie."""
    for index, item in enumerate(sorted(items, key=lambda x: (x.position, x.id))):
        if item.position != index:
            item.position = index


def _swap_with_neighbour(peers: list, item, direction: str) -> bool:
    if direction not in ("up", "down"):
        raise DomainError(_("Okänd riktning."))
    ordered = sorted(peers, key=lambda x: (x.position, x.id))
    index = ordered.index(item) + (-1 if direction == "up" else 1)
    if not 0 <= index < len(ordered):
        return False
    other = ordered[index]
    item.position, other.position = other.position, item.position
    return True


# ---------------------------------------------------------------- renewal

def _shift_years(day: date | None, years: int) -> date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def _next_title(promise: Promise, start: int, end: int) -> str:
    """"Medborgarlöfte 2023" becomes "Medborgarlöfte 2024"; other titles are kept."""
    label = str(start) if start == end else f"{start}–{end}"
    if promise.start_year == promise.end_year:
        pattern = rf"(?<!\d){promise.start_year}(?!\d)"
    else:
        pattern = rf"(?<!\d){promise.start_year}\s*[-–]\s*{promise.end_year}(?!\d)"
    return re.sub(pattern, label, promise.title, count=1)


def next_period(promise: Promise) -> tuple[int, int]:
    """The years right after the promise's period, of the same length."""
    years = promise.end_year - promise.start_year + 1
    return promise.end_year + 1, promise.end_year + years


def copy_to_next_period(promise: Promise, user: User, carry_activities: bool) -> Promise:
    """A draft for the following period of the same length, with the same focus areas and
    commitments; optionally the unfinished activities, moved forward by the period length."""
    _require_edit(user, promise)
    start, end = next_period(promise)
    years = end - start + 1
    if start > MAX_YEAR:
        raise DomainError(_("Nästa period ligger efter år %(max)d.", max=MAX_YEAR))
    title = _next_title(promise, start, end)
    duplicate = db.session.scalar(
        sa.select(Promise.id).where(Promise.municipality_id == promise.municipality_id,
                                    Promise.start_year == start, Promise.title == title)
    )
    if duplicate is not None:
        raise DomainError(_(
            "Det finns redan ett medborgarlöfte ”%(title)s” för %(year)d.", title=title, year=start
        ))
    copy = Promise(
        municipality_id=promise.municipality_id, title=title, start_year=start, end_year=end,
        status=PromiseStatus.DRAFT, problem_picture=promise.problem_picture,
        sources=list(promise.sources), sources_note=promise.sources_note,
        agreement_url=promise.agreement_url, is_public=False, signatories=[],
    )
    db.session.add(copy)
    areas = list(db.session.scalars(
        sa.select(FocusArea).where(FocusArea.promise_id == promise.id)
    ))
    commitments = list(db.session.scalars(
        sa.select(Commitment).where(Commitment.promise_id == promise.id)
    ))
    db.session.flush()
    new_areas = {a.id: FocusArea(promise_id=copy.id, title=a.title, description=a.description,
                                 position=a.position) for a in areas}
    db.session.add_all(new_areas.values())
    db.session.flush()
    new_commitments = {
        c.id: Commitment(
            promise_id=copy.id, party=c.party, text=c.text, position=c.position,
            focus_area_id=new_areas[c.focus_area_id].id if c.focus_area_id else None,
            target_count=c.target_count, target_note=c.target_note,
        )
        for c in commitments
    }
    db.session.add_all(new_commitments.values())
    db.session.flush()
    carried = _carry_activities(new_commitments, years) if carry_activities else 0
    audit.record(db.session, "promise", copy.id, "copy",
                 {"source_promise": promise.id, "carried_activities": carried})
    db.session.flush()
    return copy


def _carry_activities(new_commitments: dict[int, Commitment], years: int) -> int:
    """Copy each planned or in-progress activity to the new commitment, status reset."""
    old = db.session.scalars(
        sa.select(Activity)
        .where(Activity.commitment_id.in_(list(new_commitments)),
               Activity.status.in_(OPEN_STATUSES))
        .options(selectinload(Activity.assignees), selectinload(Activity.places))
        .order_by(Activity.id)
    ).all()
    for activity in old:
        recurrence = dict(activity.recurrence) if activity.recurrence else None
        if recurrence and recurrence.get("until"):
            until = _shift_years(date.fromisoformat(recurrence["until"]), years)
            recurrence["until"] = until.isoformat()
        copy = Activity(
            commitment_id=new_commitments[activity.commitment_id].id,
            municipality_id=activity.municipality_id, type_id=activity.type_id,
            title=activity.title, description=activity.description,
            owner_id=activity.owner_id, status=ActivityStatus.PLANNED, status_reason="",
            start_date=_shift_years(activity.start_date, years),
            due_date=_shift_years(activity.due_date, years),
            recurrence=recurrence, target_count=activity.target_count,
        )
        copy.assignees = list(activity.assignees)
        copy.places = list(activity.places)
        db.session.add(copy)
    db.session.flush()
    return len(old)


# ---------------------------------------------------------------- reading

@dataclass
class CommitmentRow:
    commitment: Commitment
    activity_count: int = 0
    logged: int = 0

    @property
    def target(self) -> int | None:
        return self.commitment.target_count

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.logged / self.target)) if self.target else 0


@dataclass
class PartyGroup:
    party: Party
    rows: list[CommitmentRow]


@dataclass
class Section:
    focus_area: FocusArea | None  # None: "Övriga löften"
    groups: list[PartyGroup] = field(default_factory=list)


def load_promise(promise_id: int) -> Promise | None:
    """The promise with its municipality, focus areas and commitments: three statements."""
    return db.session.scalar(
        sa.select(Promise).where(Promise.id == promise_id).options(
            joinedload(Promise.municipality),
            selectinload(Promise.focus_areas),
            selectinload(Promise.commitments),
        )
    )


def commitment_progress(promise_id: int) -> dict[int, tuple[int, int]]:
    """{commitment id: (activities not cancelled, logged occasions)} in one GROUP BY."""
    activities = sa.func.count(sa.distinct(
        sa.case((Activity.status != ActivityStatus.CANCELLED, Activity.id))
    ))
    rows = db.session.execute(
        sa.select(Activity.commitment_id, activities, sa.func.count(LogEntry.id))
        .join(Commitment, Commitment.id == Activity.commitment_id)
        .outerjoin(LogEntry, LogEntry.activity_id == Activity.id)
        .where(Commitment.promise_id == promise_id)
        .group_by(Activity.commitment_id)
    )
    return {commitment_id: (n_activities, n_logged) for commitment_id, n_activities, n_logged
            in rows}


def sections(promise: Promise) -> list[Section]:
    """Focus areas in order, each with its commitments under Kommunen / Polisen / Tillsammans
    lovar (as published); commitments without a focus area last. One statement."""
    progress = commitment_progress(promise.id)
    by_area: dict[int | None, list[Commitment]] = {}
    for commitment in promise.commitments:
        by_area.setdefault(commitment.focus_area_id, []).append(commitment)
    result = [Section(area) for area in promise.focus_areas]
    if by_area.get(None):
        result.append(Section(None))
    for section in result:
        mine = by_area.get(section.focus_area.id if section.focus_area else None, [])
        for party in PARTY_ORDER:
            rows = [CommitmentRow(c, *progress.get(c.id, (0, 0))) for c in mine if c.party == party]
            if rows:
                section.groups.append(PartyGroup(party, rows))
    return result


@dataclass
class PromiseListRow:
    promise: Promise
    commitment_count: int


def municipality_promises(municipality_id: int) -> list[PromiseListRow]:
    """Newest first, with their commitment counts: one statement."""
    count = (
        sa.select(sa.func.count(Commitment.id))
        .where(Commitment.promise_id == Promise.id)
        .correlate(Promise)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Promise, count)
        .where(Promise.municipality_id == municipality_id)
        .order_by(Promise.start_year.desc(), Promise.id.desc())
    )
    return [PromiseListRow(promise, n) for promise, n in rows]
