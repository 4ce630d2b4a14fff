"""Upload forms of the import page (one per template) and the confirm/cancel buttons."""
from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, SubmitField

from tracker.forms import BaseForm
from tracker.once import OnceForm
from tracker.translation import lazy_gettext as _l


class UploadForm(BaseForm):
    file = FileField(_l("Fil (.csv eller .xlsx)"), validators=[FileRequired(_l("Välj en fil."))],
                     render_kw={"accept": ".csv,.xlsx"})
    submit = SubmitField(_l("Förhandsgranska"))


class ActivityUploadForm(UploadForm):
    promise_id = SelectField(_l("Medborgarlöfte"), coerce=int)


class ConfirmForm(BaseForm):
    """Empty: the CSRF token of the confirm and cancel buttons."""


class ImportConfirmForm(OnceForm, ConfirmForm):
    """The confirm button with its one-time key: a second confirm of an imported file (a double
    click, back and send again) leads to the first one's result."""
