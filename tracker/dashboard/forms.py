"""Forms of the dashboard blueprint."""
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import Length

from tracker.forms import BaseForm
from tracker.services.places import NAME_MAX, PLACE_KINDS
from tracker.translation import lazy_gettext as _l
from tracker.validators import NoIdentityNumber


class PlaceForm(BaseForm):
    """Checks lengths and identity numbers; the service owns the remaining rules."""

    name = StringField(_l("Namn"), validators=[Length(max=NAME_MAX), NoIdentityNumber()])
    kind = SelectField(
        _l("Typ av plats"), choices=list(PLACE_KINDS.items()), default="ovrigt",
        validate_choice=False,
    )
    lat = StringField(_l("Latitud (valfri)"), validators=[Length(max=30)],
                      render_kw={"inputmode": "decimal", "autocomplete": "off"})
    lon = StringField(_l("Longitud (valfri)"), validators=[Length(max=30)],
                      render_kw={"inputmode": "decimal", "autocomplete": "off"})
    submit = SubmitField(_l("Lägg till plats"))
