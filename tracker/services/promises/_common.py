"""Constants and guards shared by the promise service modules."""
from __future__ import annotations

from tracker import policies
from tracker.extensions import db
from tracker.labels import SOURCE
from tracker.models import Commitment, FocusArea, Promise, PromiseStatus, User
from tracker.services import DomainError
from tracker.services.personal_data import check_fields
from tracker.translation import gettext as _

SOURCE_KEYS = tuple(SOURCE)
MAX_EXTRA_YEARS = 2  # a period is 1–3 calendar years
MAX_PERIOD_YEARS = MAX_EXTRA_YEARS + 1
PROMISE_FIELDS = (
    "title", "start_year", "end_year", "problem_picture", "sources", "sources_note",
    "agreement_url", "is_public",
)
# Fields that may still change once the promise is signed: where to find it and who may see it.
AFTER_SIGNING_FIELDS = {"agreement_url", "is_public"}
REVISABLE = (PromiseStatus.SIGNED, PromiseStatus.ACTIVE)
# The columns' lengths: promise.title and focus_area.title VARCHAR(200), agreement_url 500,
# commitment.target_note 300; a signatory's name and title each.
TITLE_MAX = 200
URL_MAX = 500
TARGET_NOTE_MAX = 300
SIGNATORY_MAX = 160


# ---------------------------------------------------------------- guards

def _promise_of(obj: FocusArea | Commitment) -> Promise:
    return db.session.get_one(Promise, obj.promise_id)


def _require_edit(user: User, promise: Promise) -> None:
    if not policies.can_edit(user, promise):
        raise DomainError(_("Du har inte behörighet att ändra det här medborgarlöftet."))


def _require_draft(promise: Promise) -> None:
    if promise.status != PromiseStatus.DRAFT:
        raise DomainError(_(
            "Medborgarlöftet är undertecknat. Åtaganden kan bara ändras genom en revidering "
            "med motivering."
        ))


def _draft_part_to_edit(part: FocusArea | Commitment, user: User) -> Promise:
    """The promise of a focus area or commitment that `user` changes: refused unless they may edit
    it and it is still a draft (a signed promise changes only through a revision)."""
    promise = _promise_of(part)
    _require_edit(user, promise)
    _require_draft(promise)
    return promise


def _text(value: str | None) -> str:
    """Trimmed, with the browser's CRLF line breaks made plain newlines."""
    return (value or "").replace("\r\n", "\n").strip()


def _check_free_text(fields: dict[str, tuple[str, str | None]], errors: dict[str, str]) -> None:
    for name, message in check_fields(fields).items():
        errors.setdefault(name, message)


def _renumber(items: list) -> None:
    """Positions 0..n-1 in the shown order, so a swap never meets a tie."""
    for index, item in enumerate(sorted(items, key=lambda x: (x.position, x.id))):
        if item.position != index:
            item.position = index


def _move_in_order(shown: list, peers: list, item, direction: str) -> bool:
    """Swap `item` with its neighbour among `peers` ("up" or "down"), after numbering everything
    `shown` with it; False when it is first or last already."""
    _renumber(shown)
    moved = _swap_with_neighbour(peers, item, direction)
    db.session.flush()
    return moved


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
