"""Forms of the dashboard blueprint."""
from wtforms import SelectField, StringField, SubmitField

from tracker.forms import BaseForm
from tracker.services import limits
from tracker.services.places import NAME_MAX, PLACE_KINDS
from tracker.translation import lazy_gettext as _l
from tracker.validators import MaxLength, NoIdentityNumber


class PlaceForm(BaseForm):
    """Checks lengths and identity numbers; the service owns the remaining rules."""

    name = StringField(_l("Namn"), validators=[MaxLength(NAME_MAX), NoIdentityNumber()])
    kind = SelectField(
        _l("Typ av plats"), choices=list(PLACE_KINDS.items()), default="ovrigt",
        validate_choice=False,
    )
    lat = StringField(_l("Latitud (valfri)"), validators=[MaxLength(limits.TYPED_NUMBER_MAX)],
                      render_kw={"inputmode": "decimal", "autocomplete": "off"})
    lon = StringField(_l("Longitud (valfri)"), validators=[MaxLength(limits.TYPED_NUMBER_MAX)],
                      render_kw={"inputmode": "decimal", "autocomplete": "off"})
    submit = SubmitField(_l("Lägg till plats"))
