"""Editing, approving, publishing and correcting a follow-up; every save is a version.

Rules (the issue's and the parties'): coordinators of the municipality edit; any edit clears
the approvals; a coordinator from the police side and one from the municipality side approve;
publishing needs both; a published follow-up never changes, a correction reopens it as a draft
with a visible note while residents keep seeing the last published version.
"""
from __future__ import annotations

import copy

import sqlalchemy as sa
from sqlalchemy.orm import defer, joinedload, undefer

from tracker import policies
from tracker.extensions import db
from tracker.followups import compiler as followup_compiler
from tracker.followups.guard import Problem, publication_problems
from tracker.followups.report import approvals_text
from tracker.models import (
    FollowUp,
    FollowUpStatus,
    FollowUpVersion,
    Municipality,
    NotificationKind,
    Organisation,
    Promise,
    User,
    Verdict,
    VerdictReason,
)
from tracker.models.base import utcnow
from tracker.services import DomainError, FieldErrors, StaleEdit, notifications, personal_data
from tracker.services.limits import too_long
from tracker.translation import gettext as _
from tracker.translation import ngettext

MAX_SECTION_LENGTH = 40_000
MAX_REASON_LENGTH = 1_000


# The follow-up with its promise, municipality and police area (what every page names).
_WITH_PLACE = (sa.select(FollowUp).where(FollowUp.id == sa.bindparam("followup_id"))
               .options(joinedload(FollowUp.promise).joinedload(Promise.municipality)
                        .joinedload(Municipality.police_area)))

# Built once: its loader options cost more to build and hash than the query costs to run.
_LOAD = _WITH_PLACE.options(
    joinedload(FollowUp.police_approved_by), joinedload(FollowUp.municipality_approved_by),
).execution_options(populate_existing=True)


def load(followup_id: int) -> FollowUp | None:
    """The follow-up with its promise, municipality and approvers (what every page shows)."""
    return db.session.scalar(_LOAD, {"followup_id": followup_id})


# The public pages show published versions: the live draft's content (tens of kB of JSON) is
# not read.
_LOAD_HEADING = _WITH_PLACE.options(
    *(defer(column) for column in (FollowUp.sections, FollowUp.verdicts, FollowUp.figures)))


def load_heading(followup_id: int) -> FollowUp | None:
    """The follow-up with its promise and municipality, without its live content."""
    return db.session.scalar(_LOAD_HEADING, {"followup_id": followup_id})


def _check_edit(actor: User, followup: FollowUp, expected_version: int | None) -> None:
    if not policies.can_edit(actor, followup):
        raise DomainError(_("Du får inte ändra den här uppföljningen."))
    if followup.status is FollowUpStatus.PUBLISHED:
        raise DomainError(_("Uppföljningen är publicerad och kan inte ändras. "
                            "Välj ”Rätta” för att göra en rättelse."))
    if expected_version is not None and followup.version_id != expected_version:
        raise StaleEdit(followup, _("Någon annan har ändrat uppföljningen sedan du öppnade "
                                    "sidan. Deras version visas nedan; din text finns kvar."))


def _after_edit(actor: User, followup: FollowUp, note: str) -> FollowUpVersion:
    """Any change clears the approvals and is kept as a new version."""
    followup.police_approved_by_id = followup.police_approved_at = None
    followup.municipality_approved_by_id = followup.municipality_approved_at = None
    followup.status = FollowUpStatus.DRAFT
    return _record_version(actor, followup, note)


def _record_version(actor: User | None, followup: FollowUp, note: str, **extra) -> FollowUpVersion:
    db.session.flush()
    number = (db.session.scalar(sa.select(sa.func.max(FollowUpVersion.number))
                                .where(FollowUpVersion.follow_up_id == followup.id)) or 0) + 1
    version = FollowUpVersion(
        follow_up_id=followup.id, number=number, note=note[:300],
        sections=copy.deepcopy(followup.sections), verdicts=copy.deepcopy(followup.verdicts),
        figures=copy.deepcopy(followup.figures or {}),
        created_by_id=actor.id if actor else None, correction_note=followup.correction_note,
        **extra,
    )
    db.session.add(version)
    db.session.flush()
    return version


def section_version(section: dict) -> int:
    """How many times people have saved this section (0 for a freshly compiled one)."""
    return int(section.get("version") or 0)


def save_section(actor: User, followup: FollowUp, key: str, text: str,
                 expected_version: int | None,
                 expected_section_version: int | None = None) -> FollowUpVersion:
    """Save a person's text for one section; the generated text stays beside it.

    Sections are versioned one by one: with the section's version from the form, a save made
    by someone else to another section since the form was opened is not a conflict."""
    section = (followup.sections or {}).get(key)
    if (section is not None and expected_section_version is not None
            and section_version(section) == expected_section_version):
        expected_version = None  # only this section matters, and it has not changed
    _check_edit(actor, followup, expected_version)
    if section is None:
        raise DomainError(_("Avsnittet finns inte."))
    if expected_section_version is not None and section_version(section) != \
            expected_section_version:
        raise StaleEdit(followup, _("Någon annan har ändrat avsnittet sedan du öppnade sidan. "
                                    "Deras version visas nedan; din text finns kvar."))
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_SECTION_LENGTH:
        raise FieldErrors({"text": too_long(_("Texten"), MAX_SECTION_LENGTH)})
    errors = personal_data.check_fields({"text": (section["title"], text)})
    if errors:
        raise FieldErrors(errors)
    sections = copy.deepcopy(followup.sections)
    counted = {"version": section_version(section) + 1}
    if text == section["generated"].strip():
        sections[key] = {**section, **counted, "edited": None, "based_on": None}
    else:
        sections[key] = {**section, **counted, "edited": text, "based_on": section["generated"],
                         "edited_by": actor.name, "edited_at": utcnow().isoformat()}
    followup.sections = sections
    return _after_edit(actor, followup, _("Ändrade avsnittet ”%(title)s”.",
                                          title=section["title"]))


def use_generated(actor: User, followup: FollowUp, key: str,
                  expected_version: int | None) -> FollowUpVersion:
    """Drop a person's edit of a section and take the freshly generated text."""
    _check_edit(actor, followup, expected_version)
    section = (followup.sections or {}).get(key)
    if section is None:
        raise DomainError(_("Avsnittet finns inte."))
    sections = copy.deepcopy(followup.sections)
    sections[key] = {**section, "edited": None, "based_on": None}
    followup.sections = sections
    return _after_edit(actor, followup, _("Tog den sammanställda texten i avsnittet "
                                          "”%(title)s”.", title=section["title"]))


def override_verdict(actor: User, followup: FollowUp, commitment_id: str, verdict: str | None,
                     reason: str, expected_version: int | None,
                     reason_code: str | None = None) -> FollowUpVersion:
    """Set a person's verdict (None: keep the suggested one) and why. A changed verdict needs
    words; a verdict short of fulfilled needs a reason from the short list, unless the
    compiler's own reason stands (the suggestion kept, e.g. "för tidigt att bedöma")."""
    _check_edit(actor, followup, expected_version)
    current = (followup.verdicts or {}).get(commitment_id)
    if current is None:
        raise DomainError(_("Löftet finns inte i uppföljningen."))
    reason = (reason or "").strip()
    errors = {}
    if verdict is not None and verdict not in {v.value for v in Verdict}:
        errors["verdict"] = _("Välj en bedömning.")
    if reason_code and reason_code not in {r.value for r in VerdictReason}:
        errors["reason_code"] = _("Välj en orsak i listan.")
    if errors:
        raise FieldErrors(errors)
    if verdict == current["suggested"]:
        verdict = None  # choosing the suggestion is not a change of verdict
    chosen = Verdict(verdict or current["suggested"])
    if verdict is not None and not reason:
        errors["reason"] = _("Skriv varför bedömningen ändras.")
    if chosen.needs_reason and not reason_code and (verdict is not None
                                                    or not current.get("auto_reason")):
        errors["reason_code"] = _("Välj en orsak: bedömningen är inte ”uppfyllt”.")
    if len(reason) > MAX_REASON_LENGTH:
        errors["reason"] = too_long(_("Motiveringen"), MAX_REASON_LENGTH)
    errors.update(personal_data.check_fields({"reason": (_("Motivering"), reason)}))
    if errors:
        raise FieldErrors(errors)
    verdicts = copy.deepcopy(followup.verdicts)
    verdicts[commitment_id] = {**current, "override": verdict, "override_reason": reason,
                               "reason_code": reason_code or None}
    followup.verdicts = verdicts
    note = (_("Ändrade bedömningen av ett löfte.") if verdict
            else _("Angav orsak till bedömningen av ett löfte.") if reason_code or reason
            else _("Återgick till den föreslagna bedömningen av ett löfte."))
    return _after_edit(actor, followup, note)


class NotReady(DomainError):
    """Approval or publishing refused: the problems say what is left and where."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(ngettext("%(num)s sak kvar innan ni kan godkänna.",
                                  "%(num)s saker kvar innan ni kan godkänna.", len(problems)))


def _require_ready(followup: FollowUp) -> None:
    problems = publication_problems(followup)
    if problems:
        raise NotReady(problems)


def recompile(actor: User, followup: FollowUp, expected_version: int | None) -> FollowUpVersion:
    """Fresh figures and texts now; edited sections keep their text with the new one beside."""
    _check_edit(actor, followup, expected_version)
    followup_compiler.compile_followup(followup.promise_id, followup.year)
    return _after_edit(actor, followup, _("Sammanställde utkastet på nytt."))


def approval_side(user: User) -> str | None:
    """'police' or 'municipality': which party a user approves for."""
    return {Organisation.POLISEN: "police", Organisation.KOMMUNEN: "municipality"}.get(
        user.organisation)


def approve(actor: User, followup: FollowUp, expected_version: int | None) -> None:
    """A coordinator approves for their own party; with both parties it is approved."""
    if not policies.can_approve(actor, followup):
        raise DomainError(_("Bara samordnare i kommunen kan godkänna uppföljningen."))
    if followup.status is FollowUpStatus.PUBLISHED:
        raise DomainError(_("Uppföljningen är redan publicerad."))
    if expected_version is not None and followup.version_id != expected_version:
        raise StaleEdit(followup, _("Uppföljningen har ändrats sedan du öppnade den. Läs den "
                                    "nya versionen innan du godkänner."))
    side = approval_side(actor)
    if side is None:
        raise DomainError(_("Ditt konto hör varken till Polisen eller kommunen och kan inte "
                            "godkänna."))
    if getattr(followup, f"{side}_approved_at") is not None:
        raise DomainError(_("Din part har redan godkänt uppföljningen."))
    _require_ready(followup)
    setattr(followup, f"{side}_approved_by", actor)  # the object: a loaded None would stay
    setattr(followup, f"{side}_approved_at", utcnow())
    if followup.police_approved_at and followup.municipality_approved_at:
        followup.status = FollowUpStatus.APPROVED
    db.session.flush()
    if followup.status is FollowUpStatus.APPROVED:
        notifications.settle(NotificationKind.APPROVAL, "followup", followup.id)
    else:
        _ask_the_other_party(actor, followup, side)


def _ask_the_other_party(actor: User, followup: FollowUp, side: str) -> None:
    """One party approved: the other party's coordinators are told it waits for them."""
    other = Organisation.KOMMUNEN if side == "police" else Organisation.POLISEN
    waiting = notifications.coordinators_of(followup.promise.municipality_id, organisation=other)
    notifications.notify(waiting, NotificationKind.APPROVAL, "followup", followup.id,
                         f"{followup.promise.title} {followup.year}", actor=actor)


def publish(actor: User, followup: FollowUp, expected_version: int | None) -> FollowUpVersion:
    """Both parties approved → a published version residents can read; it never changes."""
    if not policies.can_approve(actor, followup):
        raise DomainError(_("Bara samordnare i kommunen kan publicera uppföljningen."))
    if expected_version is not None and followup.version_id != expected_version:
        raise StaleEdit(followup)
    if followup.status is not FollowUpStatus.APPROVED:
        raise DomainError(_("Uppföljningen måste godkännas av både Polisen och kommunen innan "
                            "den kan publiceras."))
    _require_ready(followup)
    now = utcnow()
    followup.status = FollowUpStatus.PUBLISHED
    followup.published_at = now
    # Residents read the follow-up beside the promise it follows: a hidden promise is shown too
    promise = db.session.get_one(Promise, followup.promise_id)
    note = _("Publicerades.")
    if not promise.is_public:
        promise.is_public = True
        note = _("Publicerades. Medborgarlöftet visas nu också för invånarna.")
    version = _record_version(actor, followup, note, published_at=now,
                              approvals=approvals_text(followup))
    followup.correction_note = ""
    db.session.flush()
    return version


def start_correction(actor: User, followup: FollowUp, note: str,
                     expected_version: int | None) -> FollowUpVersion:
    """Reopen a published follow-up as a draft; the note is shown with the corrected version."""
    if not policies.can_edit(actor, followup):
        raise DomainError(_("Du får inte ändra den här uppföljningen."))
    if followup.status is not FollowUpStatus.PUBLISHED:
        raise DomainError(_("Bara en publicerad uppföljning kan rättas."))
    if expected_version is not None and followup.version_id != expected_version:
        raise StaleEdit(followup)
    note = (note or "").strip()
    if not note:
        raise FieldErrors({"note": _("Skriv vad som rättas; texten visas för läsarna.")})
    if len(note) > MAX_REASON_LENGTH:
        raise FieldErrors({"note": too_long(_("Rättelsen"), MAX_REASON_LENGTH)})
    errors = personal_data.check_fields({"note": (_("Rättelse"), note)})
    if errors:
        raise FieldErrors(errors)
    followup.correction_note = note
    followup.published_at = None
    return _after_edit(actor, followup, _("Rättelse påbörjades: %(note)s", note=note))


def versions(followup_id: int) -> list[FollowUpVersion]:
    return list(db.session.scalars(
        sa.select(FollowUpVersion).where(FollowUpVersion.follow_up_id == followup_id)
        .options(joinedload(FollowUpVersion.created_by))
        .order_by(FollowUpVersion.number.desc())
    ))


_PUBLISHED = (
    sa.select(FollowUpVersion)
    .where(FollowUpVersion.follow_up_id == sa.bindparam("followup_id"),
           FollowUpVersion.published_at.is_not(None))
    .order_by(FollowUpVersion.number.desc())
)


def published_versions(followup_id: int) -> list[FollowUpVersion]:
    return list(db.session.scalars(_PUBLISHED, {"followup_id": followup_id}))


# What a version's history list needs; the content (sections, verdicts, figures, approvals)
# is read by `load_content` only when a version is shown and not already rendered.
_CONTENT = (FollowUpVersion.sections, FollowUpVersion.verdicts, FollowUpVersion.figures,
            FollowUpVersion.approvals)
_PUBLISHED_HISTORY = _PUBLISHED.options(*(defer(column) for column in _CONTENT))
_CONTENT_OF = (sa.select(FollowUpVersion).where(FollowUpVersion.id == sa.bindparam("id"))
               .options(*(undefer(column) for column in _CONTENT))
               .execution_options(populate_existing=True))


def published_history(followup_id: int) -> list[FollowUpVersion]:
    """Published versions, newest first, without their content."""
    return list(db.session.scalars(_PUBLISHED_HISTORY, {"followup_id": followup_id}))


def load_content(version: FollowUpVersion) -> FollowUpVersion:
    """Read a version's content in one statement (it was deferred by `published_history`)."""
    return db.session.scalars(_CONTENT_OF, {"id": version.id}).one()


def for_municipalities(municipality_ids: set[int] | None) -> list[FollowUp]:
    """Follow-ups a user can see (None: all, for admins), newest year first."""
    query = (sa.select(FollowUp).join(Promise, Promise.id == FollowUp.promise_id)
             .options(joinedload(FollowUp.promise).joinedload(Promise.municipality))
             .order_by(FollowUp.year.desc(), Promise.municipality_id, FollowUp.id))
    if municipality_ids is not None:
        query = query.where(Promise.municipality_id.in_(municipality_ids or {-1}))
    return list(db.session.scalars(query))


def of_promise(promise_id: int) -> list[FollowUp]:
    return list(db.session.scalars(sa.select(FollowUp).where(FollowUp.promise_id == promise_id)
                                   .order_by(FollowUp.year)))
