"""The form that creates an API token; revoking posts an empty form (CSRF token only)."""
from wtforms import RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired

from tracker.forms import BaseForm
from tracker.models import ApiScope
from tracker.services.api_tokens import EXPIRY_DAYS, NAME_MAX
from tracker.translation import lazy_gettext as _l
from tracker.validators import MaxLength, NoIdentityNumber


class ApiTokenForm(BaseForm):
    name = StringField(
        _l("Namn"), validators=[DataRequired(_l("Ge nyckeln ett namn, t.ex. vad den ska användas till.")),
                                MaxLength(NAME_MAX), NoIdentityNumber()],
        description=_l("Till exempel ”Statistik till kommunens intranät”."),
        render_kw={"autocomplete": "off"})
    scope = RadioField(_l("Behörighet"), default=ApiScope.READ.value, choices=[
        (ApiScope.READ.value, _l("Läsa")),
        (ApiScope.READ_WRITE.value, _l("Läsa och skriva")),
    ])
    expires_in = SelectField(_l("Giltig i"), coerce=int, default=90, choices=[
        (days, _l("%(n)d dagar", n=days)) for days in EXPIRY_DAYS])
    submit = SubmitField(_l("Skapa nyckel"))
