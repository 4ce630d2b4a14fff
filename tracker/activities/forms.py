"""Activity and log forms. Checks beyond types live in the services (one place for rules)."""
from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.forms import BaseForm, Versioned, VersionedForm
from tracker.localized import measure_label
from tracker.models import ActivityStatus, MeasureKind
from tracker.once import OnceForm
from tracker.services import comments, limits
from tracker.translation import current_locale
from tracker.translation import gettext as _
from tracker.translation import lazy_gettext as _l
from tracker.validators import InRange, MaxLength, NoIdentityNumber

WEEKDAYS = [(0, _l("måndag")), (1, _l("tisdag")), (2, _l("onsdag")), (3, _l("torsdag")),
            (4, _l("fredag")), (5, _l("lördag")), (6, _l("söndag"))]


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _optional_int(value):
    return int(value) if value not in (None, "", "0") else None


class ActivityForm(VersionedForm):
    commitment_id = SelectField(_l("Åtagande"), coerce=int)
    type_id = SelectField(_l("Aktivitetstyp"), coerce=int)
    title = StringField(_l("Rubrik"), validators=[MaxLength(limits.TITLE_MAX)])
    description = TextAreaField(_l("Beskrivning"),
                                validators=[MaxLength(limits.DESCRIPTION_MAX)])
    owner_id = SelectField(_l("Ansvarig"), coerce=_optional_int, validate_choice=False)
    assignee_ids = CheckboxList(_l("Utförare"), coerce=int)
    place_ids = CheckboxList(_l("Platser"), coerce=int)
    start_date = DateField(_l("Startdatum"), validators=[Optional()])
    due_date = DateField(_l("Slutdatum"), validators=[Optional()])
    target_count = IntegerField(_l("Mål (antal tillfällen)"),
                                validators=[Optional(), InRange(0, limits.TARGET_MAX, _l("Målet"))])
    rec_freq = SelectField(_l("Upprepning"), default="", choices=[
        ("", _l("Ingen upprepning")), ("weekly", _l("Varje vecka")), ("monthly", _l("Varje månad"))])
    rec_interval = IntegerField(_l("Var n:te vecka/månad"), default=1,
                                validators=[Optional(), InRange(1, limits.INTERVAL_MAX, _l("Intervallet"))])
    rec_weekdays = CheckboxList(_l("Veckodagar"), coerce=int, choices=WEEKDAYS)
    rec_until = DateField(_l("Upprepa till och med"), validators=[Optional()])
    rec_count = IntegerField(_l("eller antal tillfällen"),
                             validators=[Optional(), InRange(1, limits.OCCASIONS_MAX, _l("Antalet tillfällen"))])
    show_public = BooleanField(_l("Visa för invånare"))
    submit = SubmitField(_l("Spara aktiviteten"))

    def recurrence(self) -> dict | None:
        if not self.rec_freq.data:
            return None
        rule = {"freq": self.rec_freq.data, "interval": self.rec_interval.data or 1,
                "weekdays": sorted(self.rec_weekdays.data or [])}
        if self.rec_until.data:
            rule["until"] = self.rec_until.data.isoformat()
        if self.rec_count.data:
            rule["count"] = self.rec_count.data
        return rule

    def fill_recurrence(self, rule: dict | None) -> None:
        from datetime import date

        rule = rule or {}
        self.rec_freq.data = rule.get("freq", "")
        self.rec_interval.data = rule.get("interval", 1)
        self.rec_weekdays.data = rule.get("weekdays", [])
        self.rec_until.data = date.fromisoformat(rule["until"]) if rule.get("until") else None
        self.rec_count.data = rule.get("count")


class NewActivityForm(OnceForm, ActivityForm):
    """Planning an activity: sent twice, it is planned once."""


STATUS_CHOICES = [(s.value, s.value) for s in ActivityStatus]


class StatusForm(VersionedForm):
    status = SelectField(_l("Ny status"), choices=STATUS_CHOICES)
    reason = TextAreaField(_l("Motivering"), validators=[MaxLength(limits.REASON_MAX)])
    submit = SubmitField(_l("Ändra status"))


class LogFormBase(BaseForm):
    occurred_on = DateField(_l("Datum"), validators=[Optional()])
    duration = StringField(_l("Tid i timmar"), render_kw={"inputmode": "decimal"})
    place_id = SelectField(_l("Plats"), coerce=_optional_int, validate_choice=False)
    # (the personnummer: the service checks it, with the measures and the hours, all at once)
    note = TextAreaField(_l("Anteckning"), validators=[MaxLength(limits.NOTE_MAX)],
                         description=_l("Skriv inga namn eller personnummer."))
    include_in_followup = BooleanField(_l("Ta med i uppföljningen"))
    confirm_outside_period = BooleanField(_l("Ja, datumet ligger utanför löftets period"))
    submit = SubmitField(_l("Spara"))


class CorrectionFields(Versioned):
    """A logged occasion being corrected: the version that was read."""

    submit = SubmitField(_l("Spara ändringen"))


class RemoveEntryForm(VersionedForm):
    reason = TextAreaField(_l("Varför tas genomförandet bort?"), validators=[
        MaxLength(limits.REASON_MAX, _l("Motiveringen")), NoIdentityNumber()],
                           description=_l("Skriv inga namn eller personnummer."))
    submit = SubmitField(_l("Ta bort genomförandet"))


def log_form(measures: list[dict], place_choices: Sequence[tuple[int, str]], *,
             correction: bool = False):
    """A log form with one field per measure of the activity type (m_<key>), its places
    offered; a new occasion's form carries a one-time key, a correction's the version it read.

    The form class is built once per set of measures and language, not per request."""
    form = _log_form_class(json.dumps(measures, sort_keys=True), correction,
                           str(current_locale()))()
    places = [(str(i), n) for i, n in place_choices]
    form.place_id.choices = [("", _("– ingen –")), *places]
    for spec in measures:
        if MeasureKind(spec["kind"]) == MeasureKind.PLACE:
            getattr(form, f"m_{spec['key']}").choices = [("", _("– välj plats –")), *places]
    return form


@lru_cache(maxsize=256)
def _log_form_class(measures_json: str, correction: bool, _locale: str):
    """The form class for these measures (labels in the language `_locale` names)."""

    class LogForm(*((CorrectionFields,) if correction else (OnceForm,)), LogFormBase):  # type: ignore[misc]
        pass

    for spec in json.loads(measures_json):
        kind = MeasureKind(spec["kind"])
        label = measure_label(spec) + ("" if spec.get("required") or kind == MeasureKind.BOOLEAN
                                 else " " + str(_l("(frivilligt)")))
        name = f"m_{spec['key']}"
        if kind == MeasureKind.BOOLEAN:
            field = BooleanField(label)
        elif kind == MeasureKind.CHOICE:
            field = SelectField(label, validate_choice=False,
                                choices=[("", _l("– välj –"))] + [(c, c) for c in spec.get("choices", [])])
        elif kind == MeasureKind.PLACE:
            field = SelectField(label, validate_choice=False)  # the places: per form
        elif kind == MeasureKind.DATE:  # the phone's date picker; the service checks the day
            field = StringField(label, render_kw={"type": "date"})
        elif kind in (MeasureKind.INTEGER, MeasureKind.DECIMAL):
            field = StringField(label, render_kw={
                "inputmode": "numeric" if kind == MeasureKind.INTEGER else "decimal"})
        else:
            field = StringField(label, validators=[MaxLength(limits.MEASURE_TEXT_MAX)])
        setattr(LogForm, name, field)
    return LogForm


class CommentForm(BaseForm):
    text = TextAreaField(
        _l("Kommentar"), validators=[MaxLength(comments.MAX_LENGTH)],
        description=_l("Nämn en medlem med @ och hela namnet, t.ex. @Anna Andersson, så får hen "
                       "en avisering. Skriv inga personnummer."))
    submit = SubmitField(_l("Spara ändringen"))


class NewCommentForm(OnceForm, CommentForm):
    """A new comment: sent twice, it is written once."""

    submit = SubmitField(_l("Skicka kommentaren"))
