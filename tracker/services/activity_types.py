"""Activity types as data: an admin names a type and the typed measures its log entries record."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import ActivityType, MeasureKind, User
from tracker.services import DomainError, FieldErrors, personal_data
from tracker.services.limits import too_long
from tracker.translation import gettext as _

KEY_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*\Z")
TYPE_KEY_MAX = 60
MEASURE_KEY_MAX = 40
NAME_MAX = 120
LABEL_MAX = 120
CHOICE_MAX = 80
DESCRIPTION_MAX = 4000
CHOICES_TEXT_MAX = 4000  # a measure's choices as typed, one a line


@dataclass
class MeasureInput:
    """One row of the form; a row without a key is ignored (that is how a row is removed)."""

    key: str = ""
    label: str = ""
    kind: str = MeasureKind.INTEGER.value
    label_en: str = ""  # the label on English pages (the Swedish one when empty)
    required: bool = False
    choices: str = ""  # comma- or newline-separated


@dataclass
class ActivityTypeInput:
    key: str
    name_sv: str
    name_en: str = ""
    description: str = ""
    is_active: bool = True
    noun_singular: str = ""  # how the follow-up counts it: "1 trafikkontroll"
    noun_plural: str = ""    # "42 trafikkontroller"
    measures: list[MeasureInput] = field(default_factory=list)


def measure_field(index: int, name: str) -> str:
    """The form field name of one cell of the measures table (WTForms FieldList naming)."""
    return f"measures-{index}-{name}"


def split_choices(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n]", text or "") if part.strip()]


def choices_text(choices: list[str]) -> str:
    """The form's text for a stored list: one choice a line, so commas inside survive."""
    return "\n".join(choices)


def all_types() -> list[ActivityType]:
    return list(db.session.scalars(
        sa.select(ActivityType).order_by(ActivityType.is_active.desc(), ActivityType.name_sv)
    ))


def _check_key(key: str, limit: int) -> str | None:
    if not key:
        return _("Ange en nyckel.")
    if len(key) > limit:
        return too_long(_("Nyckeln"), limit)
    if not KEY_PATTERN.match(key):
        return _("Nyckeln får bara innehålla små bokstäver a–z, siffror och understreck, "
                 "och ska börja med en bokstav (t.ex. antal_elever).")
    return None


def _validate_type(data: ActivityTypeInput, current_id: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    key_error = _check_key(data.key, TYPE_KEY_MAX)
    if key_error:
        errors["key"] = key_error
    else:
        taken = db.session.scalar(sa.select(ActivityType.id).where(ActivityType.key == data.key))
        if taken is not None and taken != current_id:
            errors["key"] = _("Det finns redan en aktivitetstyp med nyckeln ”%(key)s”.",
                              key=data.key)
    if not data.name_sv:
        errors["name_sv"] = _("Ange ett svenskt namn.")
    for name in ("name_sv", "name_en", "noun_singular", "noun_plural"):
        if len(getattr(data, name)) > NAME_MAX and name not in errors:
            errors[name] = too_long(_("Namnet"), NAME_MAX)
    if len(data.description) > DESCRIPTION_MAX:
        errors["description"] = too_long(_("Beskrivningen"), DESCRIPTION_MAX)
    errors.update(personal_data.check_fields({
        name: (label, getattr(data, name))
        for name, label in (("name_sv", _("Namn på svenska")), ("name_en", _("Namn på engelska")),
                            ("noun_singular", _("Ett tillfälle heter")),
                            ("noun_plural", _("Flera tillfällen heter")),
                            ("description", _("Beskrivning")))
        if name not in errors
    }))
    return errors


def _measure(index: int, row: MeasureInput, seen: set[str],
             errors: dict[str, str]) -> dict | None:
    """One row as a stored measure spec, or None after adding its errors."""
    key, label = row.key.strip(), " ".join(row.label.split())
    label_en = " ".join((row.label_en or "").split())
    found: dict[str, str] = {}
    key_error = _check_key(key, MEASURE_KEY_MAX)
    if key_error:
        found[measure_field(index, "key")] = key_error
    elif key in seen:
        found[measure_field(index, "key")] = _(
            "Nyckeln ”%(key)s” används redan för ett annat mått i typen.", key=key)
    seen.add(key)
    if not label:
        found[measure_field(index, "label")] = _("Ange en rubrik för måttet.")
    elif len(label) > LABEL_MAX:
        found[measure_field(index, "label")] = too_long(_("Rubriken"), LABEL_MAX)
    if len(label_en) > LABEL_MAX:
        found[measure_field(index, "label_en")] = too_long(_("Rubriken"), LABEL_MAX)
    try:
        kind = MeasureKind(row.kind)
    except ValueError:
        kind = None
        found[measure_field(index, "kind")] = _("Välj en typ av mått.")
    choices = split_choices(row.choices) if kind == MeasureKind.CHOICE else []
    if kind == MeasureKind.CHOICE:
        choice_field = measure_field(index, "choices")
        if not choices:
            found[choice_field] = _("Ett mått av typen val behöver alternativ, "
                                    "åtskilda med kommatecken eller radbrytning.")
        elif len(set(choices)) != len(choices):
            found[choice_field] = _("Samma alternativ står flera gånger.")
        elif any(len(choice) > CHOICE_MAX for choice in choices):
            found[choice_field] = too_long(_("Ett alternativ"), CHOICE_MAX)
    free_text = {measure_field(index, "label"): (_("Rubrik"), label),
                 measure_field(index, "label_en"): (_("Rubrik på engelska"), label_en)}
    if kind == MeasureKind.CHOICE:
        free_text[measure_field(index, "choices")] = (_("Alternativ"), row.choices)
    found.update({name: message for name, message in personal_data.check_fields(free_text).items()
                  if name not in found})
    if found or kind is None:  # no kind is one of the errors found
        errors.update(found)
        return None
    spec: dict[str, object] = {"key": key, "label": label, "kind": kind.value,
                               "required": bool(row.required)}
    if label_en:
        spec["label_en"] = label_en
    if kind == MeasureKind.CHOICE:
        spec["choices"] = choices
    return spec


def _measures(rows: list[MeasureInput], errors: dict[str, str]) -> list[dict]:
    seen: set[str] = set()
    specs = []
    for index, row in enumerate(rows):
        if not (row.key or "").strip():
            continue
        spec = _measure(index, row, seen, errors)
        if spec is not None:
            specs.append(spec)
    return specs


def save_activity_type(actor: User, data: ActivityTypeInput,
                       activity_type: ActivityType | None = None) -> ActivityType:
    """Create (activity_type=None) or update a type; nothing changes unless all rows are valid.

    Log entries already saved keep their measures as they were recorded.
    """
    if not actor.is_admin:
        raise DomainError(_("Bara administratörer får ändra aktivitetstyper."))
    data.key = (data.key or "").strip()
    data.name_sv = " ".join((data.name_sv or "").split())
    data.name_en = " ".join((data.name_en or "").split())
    data.noun_singular = " ".join((data.noun_singular or "").split())
    data.noun_plural = " ".join((data.noun_plural or "").split())
    data.description = (data.description or "").strip()
    errors = _validate_type(data, activity_type.id if activity_type else None)
    measures = _measures(data.measures, errors)
    if errors:
        raise FieldErrors(errors)
    if activity_type is None:
        activity_type = ActivityType()
        db.session.add(activity_type)
    else:
        measures = _keep_report_wording(activity_type.measures or [], measures)
    activity_type.key = data.key
    activity_type.name_sv = data.name_sv
    activity_type.name_en = data.name_en
    activity_type.noun_singular = data.noun_singular
    activity_type.noun_plural = data.noun_plural
    activity_type.description = data.description
    activity_type.is_active = bool(data.is_active)
    activity_type.measures = measures
    db.session.flush()
    return activity_type


# How the follow-up says a measure (models/activity.py): kept by the data, not by the form.
REPORT_WORDING = ("phrase", "phrase_one", "total", "choice_phrases",
                  "choice_phrases_one", "yes_phrase", "list_label", "in_report")


def _keep_report_wording(old: list[dict], new: list[dict]) -> list[dict]:
    """A saved form keeps each measure's report wording (same key), which the form does not show."""
    wording = {m["key"]: {k: m[k] for k in REPORT_WORDING if k in m} for m in old}
    return [{**wording.get(spec["key"], {}), **spec} for spec in new]


def as_input(activity_type: ActivityType) -> ActivityTypeInput:
    """A stored type as form data (for the edit page)."""
    return ActivityTypeInput(
        key=activity_type.key,
        name_sv=activity_type.name_sv,
        name_en=activity_type.name_en,
        noun_singular=activity_type.noun_singular,
        noun_plural=activity_type.noun_plural,
        description=activity_type.description,
        is_active=activity_type.is_active,
        measures=[
            MeasureInput(key=m["key"], label=m.get("label", ""), kind=m["kind"],
                         label_en=m.get("label_en", ""),
                         required=bool(m.get("required")),
                         choices=choices_text(m.get("choices") or []))
            for m in activity_type.measures or []
        ],
    )
