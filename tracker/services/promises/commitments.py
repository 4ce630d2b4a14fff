"""Commitments of a promise: add, edit, move, delete, and revise once it is signed."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from tracker import audit
from tracker.extensions import db
from tracker.models import Activity, Commitment, CommitmentKind, FocusArea, Party, Promise, User
from tracker.services import DomainError, FieldErrors, StaleEdit
from tracker.services.limits import TARGET_MAX, check_range, too_long
from tracker.services.promises._common import (
    REVISABLE,
    TARGET_NOTE_MAX,
    _check_free_text,
    _draft_part_to_edit,
    _move_in_order,
    _promise_of,
    _require_draft,
    _require_edit,
    _text,
)
from tracker.services.promises.assessment import suggest_kind
from tracker.translation import gettext as _

# ---------------------------------------------------------------- commitments

@dataclass
class CommitmentInput:
    party: Party | str | None
    text: str
    focus_area_id: int | None = None
    target_count: int | None = None
    target_note: str = ""
    kind: CommitmentKind | str | None = None  # None: the kind the wording suggests


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
    check_range(errors, "target_count", _("Målet"), data.target_count, 0, TARGET_MAX)
    if len(note) > TARGET_NOTE_MAX:
        errors["target_note"] = too_long(_("Beskrivningen av målet"), TARGET_NOTE_MAX)
    if data.focus_area_id is not None:
        owner = db.session.scalar(
            sa.select(FocusArea.promise_id).where(FocusArea.id == data.focus_area_id)
        )
        if owner != promise.id:
            errors["focus_area_id"] = _("Välj ett fokusområde i det här medborgarlöftet.")
    _check_free_text(
        {"text": (_("Åtagande"), text), "target_note": (_("Om målet"), note)}, errors
    )
    try:
        kind = suggest_kind(text, data.target_count) if data.kind in (None, "") \
            else CommitmentKind(data.kind)
    except ValueError:
        errors["kind"] = _("Välj vilken sorts löfte det är.")
    if errors:
        raise FieldErrors(errors)
    return {"party": party, "text": text, "focus_area_id": data.focus_area_id,
            "target_count": data.target_count, "target_note": note, "kind": kind}


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


def _require_commitment_version(commitment: Commitment, expected_version: int | None) -> None:
    """StaleEdit when someone saved the commitment after the form was opened (None: unchecked)."""
    if expected_version is not None and expected_version != commitment.version_id:
        raise StaleEdit(commitment, _(
            "Någon annan har ändrat åtagandet sedan du öppnade formuläret."
        ))


def update_commitment(commitment: Commitment, user: User, data: CommitmentInput,
                      expected_version: int | None = None) -> Commitment:
    """Edit a commitment of a draft; a signed promise's commitments are revised instead."""
    promise = _draft_part_to_edit(commitment, user)
    _require_commitment_version(commitment, expected_version)
    clean = _clean_commitment(promise, data)
    if data.kind in (None, ""):  # a form without the kind keeps the coordinator's choice
        clean.pop("kind")
    for key, value in clean.items():
        setattr(commitment, key, value)
    db.session.flush()
    return commitment


def revise_commitment(commitment: Commitment, user: User, *, text: str,
                      target_count: int | None, target_note: str, reason: str,
                      expected_version: int | None = None) -> Commitment:
    """The only change a signed or active promise allows: new wording or target, with a reason."""
    promise = _promise_of(commitment)
    _require_edit(user, promise)
    if promise.status not in REVISABLE:
        raise DomainError(_(
            "Bara åtaganden i ett undertecknat eller pågående medborgarlöfte revideras. "
            "Ett utkast ändras direkt."
        ))
    _require_commitment_version(commitment, expected_version)
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
    promise = _draft_part_to_edit(commitment, user)
    siblings = list(db.session.scalars(
        sa.select(Commitment).where(Commitment.promise_id == promise.id)
    ))
    group = [c for c in siblings
             if c.focus_area_id == commitment.focus_area_id and c.party == commitment.party]
    return _move_in_order(siblings, group, commitment, direction)


def delete_commitment(commitment: Commitment, user: User) -> None:
    _draft_part_to_edit(commitment, user)
    planned = db.session.scalar(
        sa.select(sa.func.count(Activity.id)).where(Activity.commitment_id == commitment.id)
    )
    if planned:
        raise DomainError(_(
            "Åtagandet har aktiviteter. Flytta eller ta bort aktiviteterna först."
        ))
    db.session.delete(commitment)
    db.session.flush()
