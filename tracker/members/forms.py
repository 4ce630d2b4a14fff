"""Forms for setting up an installation and its people: areas, municipalities, indicators,
invitations, roles, indicator values and the first password."""
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Optional

from tracker.forms import BaseForm
from tracker.models import Organisation, Role
from tracker.services import indicator_values, limits, setup, user_admin
from tracker.translation import lazy_gettext as _l
from tracker.validators import InYears, MaxLength, NoIdentityNumber

ROLE_CHOICES = [
    (Role.COORDINATOR.value, _l("Samordnare – redigerar löften, aktiviteter och uppföljning")),
    (Role.OFFICER.value, _l("Handläggare/kommunpolis – loggar genomföranden")),
    (Role.VIEWER.value, _l("Läsare – läser allt i kommunen")),
]
ORGANISATION_CHOICES = [
    (Organisation.KOMMUNEN.value, _l("Kommunen")),
    (Organisation.POLISEN.value, _l("Polisen")),
    (Organisation.OTHER.value, _l("Annan organisation")),
]


class PoliceAreaForm(BaseForm):
    name = StringField(_l("Namn"), validators=[MaxLength(setup.NAME_MAX), NoIdentityNumber()])
    report_contact = TextAreaField(
        _l("Kontakt i rapporten"), validators=[MaxLength(setup.MAX_CONTACT), NoIdentityNumber()],
        render_kw={"rows": 3})
    submit = SubmitField(_l("Spara lokalpolisområdet"))


class MunicipalityForm(BaseForm):
    name = StringField(_l("Namn"), validators=[MaxLength(setup.NAME_MAX), NoIdentityNumber()])
    official_name = StringField(_l("Officiellt namn"),
                                validators=[MaxLength(setup.OFFICIAL_NAME_MAX), NoIdentityNumber()])
    slug = StringField(_l("Adress på de publika sidorna"), validators=[MaxLength(setup.NAME_MAX)],
                       render_kw={"autocomplete": "off", "spellcheck": "false"})
    police_area_id = SelectField(_l("Lokalpolisområde"), coerce=int, validate_choice=False)
    report_contact = TextAreaField(
        _l("Kontakt i rapporten"), validators=[MaxLength(setup.MAX_CONTACT), NoIdentityNumber()],
        render_kw={"rows": 3})
    is_public = BooleanField(_l("Visa kommunen på de publika sidorna"), default=True)
    submit = SubmitField(_l("Spara kommunen"))


class IndicatorForm(BaseForm):
    name = StringField(_l("Namn"), validators=[MaxLength(setup.INDICATOR_NAME_MAX), NoIdentityNumber()])
    unit = StringField(_l("Enhet"), validators=[MaxLength(setup.UNIT_MAX), NoIdentityNumber()])
    source = StringField(_l("Källa"), validators=[MaxLength(setup.SOURCE_MAX), NoIdentityNumber()])
    direction = RadioField(_l("Vilket håll är bättre?"), choices=[
        ("lower", _l("Lägre är bättre")), ("higher", _l("Högre är bättre"))], default="lower")
    has_national_value = BooleanField(_l("Källan ger också en siffra för hela riket"))
    submit = SubmitField(_l("Spara indikatorn"))


class InviteForm(BaseForm):
    email = EmailField(_l("E-postadress"), validators=[MaxLength(limits.EMAIL_MAX)],
                       render_kw={"autocomplete": "off"})
    name = StringField(_l("Namn"), validators=[MaxLength(user_admin.NAME_MAX), NoIdentityNumber()])
    title = StringField(_l("Titel (valfritt)"), validators=[MaxLength(user_admin.NAME_MAX), NoIdentityNumber()])
    organisation = RadioField(_l("Organisation"), choices=ORGANISATION_CHOICES,
                              default=Organisation.KOMMUNEN.value)
    municipality_id = SelectField(_l("Kommun"), coerce=int, validate_choice=False)
    role = RadioField(_l("Roll i kommunen"), choices=ROLE_CHOICES, default=Role.OFFICER.value)
    is_admin = BooleanField(_l("Administratör (får ändra allt i tjänsten)"))
    submit = SubmitField(_l("Skicka inbjudan"))


class PersonForm(BaseForm):
    name = StringField(_l("Namn"), validators=[MaxLength(user_admin.NAME_MAX), NoIdentityNumber()])
    title = StringField(_l("Titel"), validators=[MaxLength(user_admin.NAME_MAX), NoIdentityNumber()])
    organisation = RadioField(_l("Organisation"), choices=ORGANISATION_CHOICES)
    is_admin = BooleanField(_l("Administratör (får ändra allt i tjänsten)"))
    submit = SubmitField(_l("Spara uppgifterna"))


class MembershipForm(BaseForm):
    municipality_id = SelectField(_l("Kommun"), coerce=int, validate_choice=False)
    role = SelectField(_l("Roll"), choices=ROLE_CHOICES, default=Role.OFFICER.value)
    submit = SubmitField(_l("Ge rollen"))


class RoleForm(BaseForm):
    role = SelectField(_l("Roll"), choices=ROLE_CHOICES)
    submit = SubmitField(_l("Ändra roll"))


class IndicatorValueForm(BaseForm):
    indicator_id = SelectField(_l("Indikator"), coerce=int, validate_choice=False)
    year = IntegerField(_l("År"), validators=[Optional(), InYears(limits.INDICATOR_YEAR_MIN, limits.YEAR_MAX, _l("Året"))])
    # Text, read as Swedish numbers ("12,5") by the importer's cell parser.
    value = StringField(_l("Värde i kommunen"), validators=[MaxLength(limits.TYPED_NUMBER_MAX)],
                        render_kw={"inputmode": "decimal"})
    national_value = StringField(_l("Värde i riket (valfritt)"), validators=[MaxLength(limits.TYPED_NUMBER_MAX)],
                                 render_kw={"inputmode": "decimal"})
    source_note = StringField(_l("Anmärkning (valfritt)"),
                              validators=[MaxLength(indicator_values.SOURCE_NOTE_MAX), NoIdentityNumber()])
    submit = SubmitField(_l("Spara värdet"))

