"""Forms for promises, focus areas and commitments; every free-text field refuses personnummer."""
from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import AnyOf, InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.forms import BaseForm, VersionedForm
from tracker.labels import COMMITMENT_KIND, PARTY_NAME, SOURCE
from tracker.models import PARTY_ORDER, CommitmentKind
from tracker.services import limits
from tracker.services.promises import (
    SIGNATORY_MAX,
    TARGET_NOTE_MAX,
    TITLE_MAX,
    URL_MAX,
)
from tracker.translation import lazy_gettext as _l
from tracker.validators import InRange, MaxLength, NoIdentityNumber

MAX_SIGNATORIES = 4
NO_FOCUS_AREA = 0


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class YearField(IntegerField):
    """A year; the range and the period length are the service's rules (one message each)."""

    def process_formdata(self, valuelist):
        if valuelist and not valuelist[0].strip():
            self.data = None  # InputRequired says what is missing
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Ange året med siffror, till exempel 2025.")) from error


def _title_field(label):
    return StringField(label, validators=[
        InputRequired(_l("Ange en rubrik.")), MaxLength(TITLE_MAX), NoIdentityNumber(),
    ])


class PromiseForm(VersionedForm):
    title = _title_field(_l("Rubrik"))
    start_year = YearField(_l("Startår"), validators=[InputRequired(_l("Ange startår."))])
    end_year = YearField(_l("Slutår"), validators=[InputRequired(_l("Ange slutår."))])
    problem_picture = TextAreaField(_l("Problembild"), validators=[NoIdentityNumber()])
    sources = MultiCheckboxField(
        _l("Underlag"), choices=[(key, label) for key, label in SOURCE.items()]
    )
    sources_note = TextAreaField(_l("Övriga underlag"), validators=[NoIdentityNumber()])
    agreement_url = URLField(_l("Länk till samverkansöverenskommelsen"),
                             validators=[Optional(), MaxLength(URL_MAX)])
    is_public = BooleanField(_l("Visa på den publika sidan"))


class PromiseLinksForm(VersionedForm):
    """What may still change after signing: where the agreement is and who may see it."""

    agreement_url = URLField(_l("Länk till samverkansöverenskommelsen"),
                             validators=[Optional(), MaxLength(URL_MAX)])
    is_public = BooleanField(_l("Visa på den publika sidan"))


class SignForm(BaseForm):
    signed_on = DateField(_l("Datum för undertecknandet"),
                          validators=[InputRequired(_l("Ange datum för undertecknandet."))])

    def signatories(self) -> list[dict]:
        return [
            {"name": self[f"name_{i}"].data or "", "title": self[f"title_{i}"].data or ""}
            for i in range(1, MAX_SIGNATORIES + 1)
        ]

    def signatory_rows(self):
        return [(i, self[f"name_{i}"], self[f"title_{i}"]) for i in range(1, MAX_SIGNATORIES + 1)]


for _i in range(1, MAX_SIGNATORIES + 1):
    setattr(SignForm, f"name_{_i}", StringField(
        _l("Namn, undertecknare %(n)d", n=_i), validators=[MaxLength(SIGNATORY_MAX), NoIdentityNumber()]
    ))
    setattr(SignForm, f"title_{_i}", StringField(
        _l("Titel, undertecknare %(n)d", n=_i), validators=[MaxLength(SIGNATORY_MAX), NoIdentityNumber()]
    ))


class FocusAreaForm(BaseForm):
    title = _title_field(_l("Rubrik"))
    description = TextAreaField(_l("Beskrivning"), validators=[NoIdentityNumber()])


class CommitmentTextFields(VersionedForm):
    """The wording and the target, shared by editing a draft and revising a signed promise."""

    text = TextAreaField(_l("Åtagande"), validators=[
        InputRequired(_l("Skriv vad som lovas.")), NoIdentityNumber(),
    ])
    target_count = IntegerField(
        _l("Mål (antal tillfällen)"),
        validators=[Optional(), InRange(0, limits.TARGET_MAX, _l("Målet"))],
    )
    target_note = StringField(_l("Om målet"), validators=[MaxLength(TARGET_NOTE_MAX), NoIdentityNumber()])


class CommitmentForm(CommitmentTextFields):
    focus_area_id = SelectField(_l("Fokusområde"), coerce=int, default=NO_FOCUS_AREA)
    party = RadioField(
        _l("Vem som lovar"),
        choices=[(party.value, PARTY_NAME[party]) for party in PARTY_ORDER],
        validators=[InputRequired(_l("Välj vem som lovar."))],
    )

    def set_focus_areas(self, areas) -> None:
        self.focus_area_id.choices = [(NO_FOCUS_AREA, _l("Inget fokusområde (Övriga löften)"))] + [
            (area.id, area.title) for area in areas
        ]


class ReviseForm(CommitmentTextFields):
    reason = TextAreaField(_l("Motivering till revideringen"), validators=[
        InputRequired(_l("Ange varför åtagandet revideras.")), NoIdentityNumber(),
    ])


class MoveForm(BaseForm):
    direction = HiddenField(validators=[AnyOf(["up", "down"])])


class CopyForm(BaseForm):
    carry_activities = BooleanField(_l("Ta med ej avslutade aktiviteter"))


class IndicatorLinkForm(BaseForm):
    """One indicator's row on the assessment page: linked or not, which way is better, a target."""

    class Meta:
        csrf = False  # a sub-form: the page's own form carries the token

    indicator_id = HiddenField()
    linked = BooleanField(_l("Koppla till löftet"))
    direction = SelectField(_l("Bättre är"), choices=[
        ("lower", _l("lägre värde")), ("higher", _l("högre värde"))])
    target = StringField(_l("Målvärde (frivilligt)"), validators=[MaxLength(limits.TYPED_NUMBER_MAX)])


class AssessmentForm(VersionedForm):
    kind = RadioField(_l("Vilken sorts löfte är det?"), choices=[
        (kind.value, COMMITMENT_KIND[kind]) for kind in CommitmentKind],
        validators=[InputRequired(_l("Välj vilken sorts löfte det är."))])
    links = FieldList(FormField(IndicatorLinkForm))
