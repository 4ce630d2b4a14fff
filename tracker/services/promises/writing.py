"""Writing promises: create, update and sign; focus areas (commitments: commitments.py)."""
from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import sqlalchemy as sa

from tracker import audit, policies
from tracker.extensions import db
from tracker.formatting import local_today, number_local
from tracker.models import (
    Commitment,
    FocusArea,
    Promise,
    PromiseStatus,
    User,
)
from tracker.services import DomainError, FieldErrors, StaleEdit
from tracker.services.limits import YEAR_MAX, YEAR_MIN, too_long, year_between
from tracker.services.promises._common import (
    AFTER_SIGNING_FIELDS,
    MAX_EXTRA_YEARS,
    MAX_PERIOD_YEARS,
    PROMISE_FIELDS,
    SIGNATORY_MAX,
    SOURCE_KEYS,
    TITLE_MAX,
    URL_MAX,
    _check_free_text,
    _draft_part_to_edit,
    _move_in_order,
    _require_draft,
    _require_edit,
    _text,
)
from tracker.services.promises.text_sentences import target_for_period
from tracker.translation import gettext as _

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
    elif len(clean["title"]) > TITLE_MAX:
        errors["title"] = too_long(_("Rubriken"), TITLE_MAX)
    start, end = values.get("start_year"), values.get("end_year")
    if not isinstance(start, int) or not YEAR_MIN <= start <= YEAR_MAX:
        errors["start_year"] = year_between(_("Startåret"), YEAR_MIN, YEAR_MAX)
    elif not isinstance(end, int) or not start <= end <= start + MAX_EXTRA_YEARS:
        errors["end_year"] = _(
            "Perioden ska vara 1–%(years)d år: slutåret ska vara samma som startåret eller högst "
            "%(extra)d år senare.", years=MAX_PERIOD_YEARS, extra=MAX_EXTRA_YEARS)
    sources = list(values.get("sources") or [])
    unknown = [s for s in sources if s not in SOURCE_KEYS]
    if unknown:
        errors["sources"] = _("Välj underlag ur listan.")
    clean["sources"] = [key for key in SOURCE_KEYS if key in sources]
    url = clean["agreement_url"]
    if url is not None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > URL_MAX:
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
    years = promise.end_year - promise.start_year + 1
    for key, value in changed.items():
        setattr(promise, key, value)
    if promise.end_year - promise.start_year + 1 != years:
        _follow_period(promise, years)
    db.session.flush()
    return promise


def _follow_period(promise: Promise, years: int) -> None:
    """A draft's period got another length: targets read from a yearly count ("30 kontroller
    per år") are read again for it (text_sentences.target_for_period); set ones are kept."""
    new_years = promise.end_year - promise.start_year + 1
    for commitment in db.session.scalars(
            sa.select(Commitment).where(Commitment.promise_id == promise.id)):
        commitment.target_count, commitment.target_note = target_for_period(
            commitment.text, commitment.target_count, commitment.target_note, years, new_years)


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
    people = clean_signatories(signatories, errors)
    if not people:
        errors.setdefault("signatories", _("Ange minst en undertecknare."))
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


def clean_signatories(rows: list[dict], errors: dict[str, str]) -> list[dict]:
    """Name and title of each signatory, blank rows dropped; problems go into `errors`."""
    people = []
    for row in rows:
        name, title = _text(row.get("name")), _text(row.get("title"))
        if not name and not title:
            continue
        if not name or not title:
            errors.setdefault("signatories", _("Ange både namn och titel för varje undertecknare."))
        elif len(name) > SIGNATORY_MAX or len(title) > SIGNATORY_MAX:
            errors.setdefault("signatories", _("Namn och titel får ha högst %(max)s tecken var.",
                                               max=number_local(SIGNATORY_MAX)))
        people.append({"name": name, "title": title})
    written = "\n".join(f"{p['name']} {p['title']}" for p in people)
    _check_free_text({"signatories": (_("Undertecknare"), written)}, errors)
    return people


# ---------------------------------------------------------------- focus areas

def _clean_focus_area(title: str, description: str) -> tuple[str, str]:
    title, description = _text(title), _text(description)
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Ange en rubrik för fokusområdet.")
    elif len(title) > TITLE_MAX:
        errors["title"] = too_long(_("Rubriken"), TITLE_MAX)
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
    _draft_part_to_edit(area, user)
    area.title, area.description = _clean_focus_area(title, description)
    db.session.flush()
    return area


def move_focus_area(area: FocusArea, user: User, direction: str) -> bool:
    """Swap with the neighbouring focus area; False when already first or last."""
    promise = _draft_part_to_edit(area, user)
    areas = list(db.session.scalars(
        sa.select(FocusArea).where(FocusArea.promise_id == promise.id)
    ))
    return _move_in_order(areas, areas, area, direction)


def delete_focus_area(area: FocusArea, user: User) -> int:
    """Delete the area; its commitments stay, under "Övriga löften". Returns how many moved."""
    _draft_part_to_edit(area, user)
    orphans = list(db.session.scalars(
        sa.select(Commitment).where(Commitment.focus_area_id == area.id)
    ))
    for commitment in orphans:
        commitment.focus_area_id = None
    db.session.flush()
    db.session.delete(area)
    db.session.flush()
    return len(orphans)
