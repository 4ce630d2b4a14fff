"""Saving a corrected preview of a published promise as a draft, through the writing service.

Every row goes through create_promise, add_focus_area and add_commitment, so the rules, the
personnummer guard and the audit trail are theirs. All refusals are collected and raised at
once, keyed by where they sit in the preview; the caller rolls back, so nothing is half saved.
"""
from __future__ import annotations

from tracker import audit
from tracker.extensions import db
from tracker.models import Promise, User
from tracker.services import FieldErrors
from tracker.services.promises.commitments import CommitmentInput, add_commitment
from tracker.services.promises.from_text import CommitmentDraft, PromiseDraft
from tracker.services.promises.writing import add_focus_area, clean_signatories, create_promise

ORIGINS = ("text", "docx", "pdf")


def save_draft(user: User, municipality_id: int, draft: PromiseDraft, origin: str) -> Promise:
    """A draft promise with the preview's focus areas and commitments; FieldErrors names every
    refused field ("title", "signatories", "focus_areas-0-title",
    "focus_areas-0-commitments-2-text", "other_commitments-1-text")."""
    errors: dict[str, str] = {}
    try:
        promise = create_promise(
            user, municipality_id, title=draft.title, start_year=draft.start_year,
            end_year=draft.end_year, problem_picture=draft.problem_picture,
            sources=draft.sources, sources_note=draft.sources_note,
        )
    except FieldErrors as refused:
        errors.update(refused.errors)
        promise = None
    people = clean_signatories([{"name": s.name, "title": s.title} for s in draft.signatories],
                               errors)
    if promise is None:
        raise FieldErrors(errors)
    promise.signatories = people  # who will sign; signing confirms them with the date
    for index, area in enumerate(draft.focus_areas):
        prefix = f"focus_areas-{index}-"
        try:
            area_id = add_focus_area(promise, user, area.title, area.description).id
        except FieldErrors as refused:
            errors.update({prefix + key: message for key, message in refused.errors.items()})
            area_id = None
        _add_commitments(promise, user, area.commitments, area_id, prefix, errors)
    _add_commitments(promise, user, draft.other_commitments, None, "other_", errors)
    if errors:
        raise FieldErrors(errors)
    audit.record(db.session, "promise", promise.id, "create_from_text", {
        "origin": origin if origin in ORIGINS else "text",
        "focus_areas": len(draft.focus_areas), "commitments": draft.commitment_count,
    })
    db.session.flush()
    return promise


def _add_commitments(promise: Promise, user: User, commitments: list[CommitmentDraft],
                     area_id: int | None, prefix: str, errors: dict[str, str]) -> None:
    for index, commitment in enumerate(commitments):
        data = CommitmentInput(party=commitment.party, text=commitment.text,
                               focus_area_id=area_id, target_count=commitment.target_count,
                               target_note=commitment.target_note)
        try:
            add_commitment(promise, user, data)
        except FieldErrors as refused:
            errors.update({f"{prefix}commitments-{index}-{key}": message
                           for key, message in refused.errors.items()})
