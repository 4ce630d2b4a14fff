"""Forms of the walk protocol, its findings, action points and uploads."""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Optional

from tracker.activities.forms import CheckboxList
from tracker.forms import BaseForm, PlainForm
from tracker.labels import ACTION_STATUS, FINDING_CATEGORY, RESPONSIBLE_PARTY
from tracker.once import OnceForm
from tracker.services import action_points as actions
from tracker.services import limits, walks
from tracker.services.limits import row_id
from tracker.translation import lazy_gettext as _l
from tracker.validators import InRange, MaxLength, NoIdentityNumber


def _optional_int(value):
    """None for no choice ("" or "0"), else the chosen id (0, no row's, for anything else)."""
    return None if value in (None, "", "0") else row_id(value)


def _optional_enum(value):
    return value or None


class UploadForm(BaseForm):
    file = FileField(_l("Foto eller PDF"))
    submit = SubmitField(_l("Ladda upp"))


class ParticipantRow(PlainForm):
    organisation = StringField(_l("Organisation"), validators=[MaxLength(walks.ORGANISATION_MAX),
                                                               NoIdentityNumber()])
    count = IntegerField(_l("Antal deltagare"),
                         validators=[Optional(), InRange(0, walks.PARTICIPANTS_MAX)])


class ProtocolForm(BaseForm):
    route_place_ids = CheckboxList(_l("Rutt (platser ni passerade)"), coerce=int)
    participants = FieldList(FormField(ParticipantRow), min_entries=4, max_entries=12)
    summary = TextAreaField(_l("Sammanfattning"), validators=[MaxLength(walks.SUMMARY_MAX),
                                                              NoIdentityNumber()])
    submit = SubmitField(_l("Spara protokollet"))


def _category_choices():
    return [("", _l("– välj –"))] + [(c.value, label) for c, label in FINDING_CATEGORY.items()]


def _party_choices(blank):
    return [("", blank)] + [(p.value, label) for p, label in RESPONSIBLE_PARTY.items()]


class FindingForm(BaseForm):
    place_id = SelectField(_l("Plats"), coerce=_optional_int, validate_choice=False)
    category = SelectField(_l("Kategori"), choices=_category_choices(), coerce=_optional_enum,
                           validate_choice=False)
    description = TextAreaField(_l("Vad såg ni?"), validators=[MaxLength(walks.FINDING_MAX, _l("Beskrivningen")),
                                                               NoIdentityNumber()])
    action_text = TextAreaField(_l("Åtgärd"), validators=[MaxLength(actions.TEXT_MAX), NoIdentityNumber()])
    action_party = SelectField(_l("Ansvarig part"),
                               choices=_party_choices(_l("– ingen åtgärd –")),
                               coerce=_optional_enum, validate_choice=False)
    action_party_name = StringField(_l("Fastighetsägare eller organisation"),
                                    validators=[MaxLength(actions.PARTY_NAME_MAX), NoIdentityNumber()])
    action_owner_id = SelectField(_l("Ansvarig person i Löfteskollen"), coerce=_optional_int,
                                  validate_choice=False)
    action_due_date = DateField(_l("Klart senast"), validators=[Optional()])
    photo = FileField(_l("Foto (valfritt)"))
    submit = SubmitField(_l("Spara iakttagelsen"))


class ActionForm(BaseForm):
    text = TextAreaField(_l("Åtgärd"), validators=[MaxLength(actions.TEXT_MAX), NoIdentityNumber()])
    party = SelectField(_l("Ansvarig part"), choices=_party_choices(_l("– välj –")),
                        coerce=_optional_enum, validate_choice=False)
    party_name = StringField(_l("Fastighetsägare eller organisation"),
                             validators=[MaxLength(actions.PARTY_NAME_MAX), NoIdentityNumber()])
    owner_id = SelectField(_l("Ansvarig person i Löfteskollen"), coerce=_optional_int,
                           validate_choice=False)
    due_date = DateField(_l("Klart senast"), validators=[Optional()])
    place_id = SelectField(_l("Plats"), coerce=_optional_int, validate_choice=False)
    category = SelectField(_l("Kategori"), choices=_category_choices(), coerce=_optional_enum,
                           validate_choice=False)
    submit = SubmitField(_l("Spara åtgärdspunkten"))


class ActionStatusForm(BaseForm):
    status = SelectField(_l("Status"), choices=[(s.value, label)
                                                for s, label in ACTION_STATUS.items()])
    reason = TextAreaField(_l("Motivering"), validators=[MaxLength(limits.REASON_MAX), NoIdentityNumber()])
    photo = FileField(_l("Foto (valfritt)"))
    version = HiddenField()
    submit = SubmitField(_l("Spara status"))


class PublishForm(BaseForm):
    submit = SubmitField(_l("Spara"))


class RemoveFindingForm(BaseForm):
    """The confirmation; the walk's id leads back to its protocol when the finding is gone."""
    entry_id = HiddenField()
    submit = SubmitField(_l("Ta bort iakttagelsen"))


class NewFindingForm(OnceForm, FindingForm):
    """A new finding: sent twice from a phone at the walk, it is saved once."""


class NewActionForm(OnceForm, ActionForm):
    """A new action point, saved once however often it is sent."""
