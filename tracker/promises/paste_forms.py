"""Forms of "Börja från ert publicerade medborgarlöfte": the text or file, then the preview.

The preview is one form with a row per signatory, focus area and commitment; rows are added and
removed by submitting it (no script needed), and it carries everything between requests.
"""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional

from tracker.forms import BaseForm, PlainForm
from tracker.labels import PARTY_NAME, SOURCE
from tracker.models import PARTY_ORDER
from tracker.promises.forms import CommitmentTextFields, MultiCheckboxField, YearField
from tracker.services.promises import SIGNATORY_MAX, TITLE_MAX
from tracker.services.promises.from_text import (
    MAX_COMMITMENTS,
    MAX_FOCUS_AREAS,
    MAX_SIGNATORIES,
)
from tracker.translation import lazy_gettext as _l
from tracker.validators import MaxLength, NoIdentityNumber

NO_AREA = ""


class PasteForm(BaseForm):
    text = TextAreaField(_l("Text från medborgarlöftet"),
                         validators=[Optional(), NoIdentityNumber()])
    file = FileField(_l("Eller en fil (.docx eller .pdf)"),
                     render_kw={"accept": ".docx,.pdf,application/pdf,"
                                "application/vnd.openxmlformats-officedocument"
                                ".wordprocessingml.document"})


class SignatoryRow(PlainForm):
    name = StringField(_l("Namn"), validators=[MaxLength(SIGNATORY_MAX), NoIdentityNumber()])
    title = StringField(_l("Titel"), validators=[MaxLength(SIGNATORY_MAX), NoIdentityNumber()])


class FocusAreaRow(PlainForm):
    title = StringField(_l("Fokusområdets rubrik"),
                        validators=[MaxLength(TITLE_MAX), NoIdentityNumber()])
    description = TextAreaField(_l("Fokusområdets beskrivning"), validators=[NoIdentityNumber()])
    remove = BooleanField(_l("Ta bort fokusområdet"))


class CommitmentRow(PlainForm):
    text = TextAreaField(_l("Åtagande"), validators=[NoIdentityNumber()])
    target_count = CommitmentTextFields.target_count  # the commitment form's field and its rule
    target_note = CommitmentTextFields.target_note
    party = SelectField(_l("Vem som lovar"),
                        choices=[(party.value, PARTY_NAME[party]) for party in PARTY_ORDER])
    area = SelectField(_l("Fokusområde"), choices=[], validate_choice=False)
    remove = BooleanField(_l("Ta bort åtagandet"))


class PreviewForm(BaseForm):
    origin = HiddenField()
    read_years = HiddenField()  # the period length the targets were read for; "" unknown
    title = StringField(_l("Rubrik"), validators=[
        InputRequired(_l("Ange en rubrik.")), MaxLength(TITLE_MAX), NoIdentityNumber(),
    ])
    start_year = YearField(_l("Startår"), validators=[InputRequired(_l("Ange startår."))])
    end_year = YearField(_l("Slutår"), validators=[InputRequired(_l("Ange slutår."))])
    problem_picture = TextAreaField(_l("Problembild"), validators=[NoIdentityNumber()])
    sources = MultiCheckboxField(
        _l("Underlag"), choices=[(key, label) for key, label in SOURCE.items()]
    )
    sources_note = TextAreaField(_l("Övriga underlag"), validators=[NoIdentityNumber()])
    signatories = FieldList(FormField(SignatoryRow), min_entries=MAX_SIGNATORIES,
                            max_entries=MAX_SIGNATORIES)
    focus_areas = FieldList(FormField(FocusAreaRow), max_entries=MAX_FOCUS_AREAS)
    commitments = FieldList(FormField(CommitmentRow), max_entries=MAX_COMMITMENTS)
