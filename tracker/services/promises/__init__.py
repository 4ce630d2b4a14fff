"""Promises, their focus areas and commitments: writing, signing, revising and renewing.

Split by concern: writing (create/update/sign, focus areas, commitments, revise), renewal
(copy to the next period) and reading (loading and listing). Every public name is
re-exported here, so ``from tracker.services import promises as service`` keeps working.
"""
from __future__ import annotations

from tracker.services.promises._common import (
    AFTER_SIGNING_FIELDS,
    MAX_EXTRA_YEARS,
    MAX_PERIOD_YEARS,
    PROMISE_FIELDS,
    REVISABLE,
    SIGNATORY_MAX,
    SOURCE_KEYS,
    TARGET_NOTE_MAX,
    TITLE_MAX,
    URL_MAX,
)
from tracker.services.promises.assessment import IndicatorLink, set_assessment, suggest_kind
from tracker.services.promises.commitments import (
    CommitmentInput,
    add_commitment,
    delete_commitment,
    move_commitment,
    revise_commitment,
    update_commitment,
)
from tracker.services.promises.reading import (
    CommitmentRow,
    PartyGroup,
    PromiseListRow,
    Section,
    commitment_progress,
    load_promise,
    municipality_promises,
    sections,
)
from tracker.services.promises.renewal import (
    copy_to_next_period,
    next_period,
    overlapping_promises,
)
from tracker.services.promises.writing import (
    add_focus_area,
    create_promise,
    delete_focus_area,
    move_focus_area,
    sign_promise,
    update_focus_area,
    update_promise,
)

__all__ = [
    "AFTER_SIGNING_FIELDS", "MAX_EXTRA_YEARS", "MAX_PERIOD_YEARS",
    "PROMISE_FIELDS", "REVISABLE", "SIGNATORY_MAX", "SOURCE_KEYS", "TARGET_NOTE_MAX", "TITLE_MAX",
    "URL_MAX",
    "CommitmentInput", "IndicatorLink", "set_assessment", "suggest_kind", "add_commitment", "add_focus_area", "create_promise",
    "delete_commitment", "delete_focus_area", "move_commitment", "move_focus_area",
    "revise_commitment", "sign_promise", "update_commitment", "update_focus_area",
    "update_promise",
    "copy_to_next_period", "next_period", "overlapping_promises",
    "CommitmentRow", "PartyGroup", "PromiseListRow", "Section", "commitment_progress",
    "load_promise", "municipality_promises", "sections",
]
