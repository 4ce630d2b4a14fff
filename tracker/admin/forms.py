"""Forms of the admin blueprint."""
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)

from tracker.forms import BaseForm, PlainForm
from tracker.models import MeasureKind
from tracker.services.activity_types import (
    CHOICES_TEXT_MAX,
    DESCRIPTION_MAX,
    LABEL_MAX,
    MEASURE_KEY_MAX,
    NAME_MAX,
    TYPE_KEY_MAX,
)
from tracker.translation import lazy_gettext as _l
from tracker.validators import MaxLength, NoIdentityNumber

MEASURE_KINDS = [
    (MeasureKind.INTEGER.value, _l("Heltal")),
    (MeasureKind.DECIMAL.value, _l("Decimaltal")),
    (MeasureKind.TEXT.value, _l("Text")),
    (MeasureKind.BOOLEAN.value, _l("Ja/nej")),
    (MeasureKind.CHOICE.value, _l("Val ur lista")),
    (MeasureKind.PLACE.value, _l("Plats")),
    (MeasureKind.DATE.value, _l("Datum")),
]
MAX_MEASURE_ROWS = 60
EMPTY_ROWS = 3


class MeasureRowForm(PlainForm):
    """One measure; a subform without its own CSRF token (the outer form carries it)."""

    key = StringField(_l("Nyckel"), validators=[MaxLength(MEASURE_KEY_MAX)],
                      render_kw={"autocomplete": "off", "spellcheck": "false"})
    label = StringField(_l("Rubrik"), validators=[MaxLength(LABEL_MAX), NoIdentityNumber()])
    label_en = StringField(_l("Rubrik på engelska"),
                           validators=[MaxLength(LABEL_MAX), NoIdentityNumber()])
    kind = SelectField(_l("Typ av mått"), choices=MEASURE_KINDS,
                       default=MeasureKind.INTEGER.value, validate_choice=False)
    required = BooleanField(_l("Måste fyllas i"))
    choices = TextAreaField(
        _l("Alternativ (för typen val ur lista)"),
        validators=[MaxLength(CHOICES_TEXT_MAX), NoIdentityNumber()],
        render_kw={"rows": 3},
    )


class ActivityTypeForm(BaseForm):
    """Checks lengths and identity numbers; the service owns the remaining rules."""

    key = StringField(_l("Nyckel"), validators=[MaxLength(TYPE_KEY_MAX)],
                      render_kw={"autocomplete": "off", "spellcheck": "false"})
    name_sv = StringField(_l("Namn på svenska"),
                          validators=[MaxLength(NAME_MAX), NoIdentityNumber()])
    name_en = StringField(_l("Namn på engelska"),
                          validators=[MaxLength(NAME_MAX), NoIdentityNumber()])
    noun_singular = StringField(_l("Ett tillfälle heter"),
                                validators=[MaxLength(NAME_MAX), NoIdentityNumber()])
    noun_plural = StringField(_l("Flera tillfällen heter"),
                              validators=[MaxLength(NAME_MAX), NoIdentityNumber()])
    description = TextAreaField(_l("Beskrivning"),
                                validators=[MaxLength(DESCRIPTION_MAX), NoIdentityNumber()],
                                render_kw={"rows": 3})
    is_active = BooleanField(_l("Aktiv (kan väljas för nya aktiviteter)"), default=True)
    measures = FieldList(FormField(MeasureRowForm), min_entries=0, max_entries=MAX_MEASURE_ROWS)
    submit = SubmitField(_l("Spara"))

    def add_empty_rows(self, count: int = EMPTY_ROWS) -> None:
        for _ in range(min(count, MAX_MEASURE_ROWS - len(self.measures))):
            self.measures.append_entry()
