"""How a commitment can be judged: its kind, and for an effekt the indicators that show it.

A commitment's kind decides what its verdict may rest on (docs/domain.md): a prestation on
occasions against a target, an effekt only on linked indicators, an arbetssätt on what was
done. The coordinator chooses; `suggest_kind` (kept by the model, so every way of adding a
commitment gets it) proposes one from the wording.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import Commitment, CommitmentIndicator, CommitmentKind, Indicator, User
from tracker.models.promise import suggest_kind  # noqa: F401  (the services' name for it)
from tracker.services import FieldErrors, StaleEdit
from tracker.services.promises._common import _promise_of, _require_edit
from tracker.translation import gettext as _

MAX_LINKS = 10

@dataclass
class IndicatorLink:
    indicator_id: int
    higher_is_better: bool | None = None   # None: the indicator's own direction
    target_value: str | float | None = None


def set_assessment(commitment: Commitment, user: User, kind: CommitmentKind | str,
                   links: list[IndicatorLink], expected_version: int | None = None) -> Commitment:
    """Set the kind and (for an effekt) the indicators; allowed in every status of the promise,
    since it decides how the follow-up judges the commitment, not what was promised."""
    promise = _promise_of(commitment)
    _require_edit(user, promise)
    if expected_version is not None and expected_version != commitment.version_id:
        raise StaleEdit(commitment, _("Någon annan har ändrat åtagandet sedan du öppnade "
                                      "formuläret."))
    try:
        kind = CommitmentKind(kind)
    except ValueError:
        raise FieldErrors({"kind": _("Välj vilken sorts löfte det är.")}) from None
    if kind is not CommitmentKind.EFFEKT:
        links = []
    clean = _clean_links(links)
    current = db.session.scalars(sa.select(CommitmentIndicator).where(
        CommitmentIndicator.commitment_id == commitment.id)).all()
    by_indicator = {link.indicator_id: link for link in current}
    links_changed = False
    for link in current:
        if link.indicator_id not in clean:
            db.session.delete(link)
            links_changed = True
    for indicator_id, (higher, target) in clean.items():
        row = by_indicator.get(indicator_id)
        if row is None:
            db.session.add(CommitmentIndicator(commitment_id=commitment.id,
                                               indicator_id=indicator_id,
                                               higher_is_better=higher, target_value=target))
            links_changed = True
        elif (row.higher_is_better, row.target_value) != (higher, target):
            row.higher_is_better, row.target_value = higher, target
            links_changed = True
    if links_changed and commitment.kind is kind:
        _new_version(commitment)  # the links are the commitment's: a stale form sees them
    commitment.kind = kind
    db.session.flush()
    return commitment


def _new_version(commitment: Commitment) -> None:
    """A new version of the commitment when only its indicator links changed (their rows carry
    their own audit events), so a form opened before is refused as stale, and of two saves at
    once the second is."""
    table = Commitment.__table__
    bumped = db.session.execute(
        table.update().where(table.c.id == commitment.id,
                             table.c.version_id == commitment.version_id)
        .values(version_id=commitment.version_id + 1)).rowcount  # type: ignore[attr-defined]
    if not bumped:
        raise StaleEdit(commitment, _("Någon annan har ändrat åtagandet sedan du öppnade "
                                      "formuläret."))
    db.session.expire(commitment, ["version_id"])


def _clean_links(links: list[IndicatorLink]) -> dict[int, tuple[bool, Decimal | None]]:
    if len(links) > MAX_LINKS:
        raise FieldErrors({"indicators": _("Koppla högst %(n)d indikatorer till ett löfte.",
                                           n=MAX_LINKS)})
    ids = {link.indicator_id for link in links}
    known = dict(db.session.execute(
        sa.select(Indicator.id, Indicator.higher_is_better).where(Indicator.id.in_(ids or {-1}))
    ).all())
    clean: dict[int, tuple[bool, Decimal | None]] = {}
    for link in links:
        if link.indicator_id not in known:
            raise FieldErrors({"indicators": _("Välj en indikator som finns.")})
        target = None
        if link.target_value not in (None, ""):
            try:
                target = Decimal(str(link.target_value).replace(",", ".").replace(" ", ""))
            except InvalidOperation:
                raise FieldErrors({"indicators": _(
                    "Målvärdet ska vara ett tal, till exempel 12,5.")}) from None
            if not target.is_finite() or abs(target) >= 10 ** 11:
                raise FieldErrors({"indicators": _(
                    "Målvärdet ska vara ett tal, till exempel 12,5.")})
        higher = known[link.indicator_id] if link.higher_is_better is None \
            else bool(link.higher_is_better)
        clean[link.indicator_id] = (higher, target)
    return clean
