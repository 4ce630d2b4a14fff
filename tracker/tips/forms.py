"""Triage forms; each page shows several, so each has a prefix and its own field ids."""
from __future__ import annotations

from wtforms import SelectField, TextAreaField

from tracker.forms import BaseForm
from tracker.once import OnceForm
from tracker.services.limits import row_id
from tracker.services.tips import MAX_ANSWER_LENGTH, MAX_NOTE_LENGTH
from tracker.translation import lazy_gettext as _l
from tracker.validators import MaxLength


class NoteForm(BaseForm):
    """Answer or dismiss: a note on what was done is required (checked by the service)."""

    note = TextAreaField(_l("Anteckning"), validators=[MaxLength(MAX_NOTE_LENGTH)],
                         render_kw={"rows": 3})


class ReplyForm(OnceForm, BaseForm):
    """An answer the resident reads at the status address (and by e-mail), and the status."""

    answer = TextAreaField(_l("Svar till invånaren"), validators=[MaxLength(MAX_ANSWER_LENGTH)],
                           render_kw={"rows": 5})
    status = SelectField(_l("Ärendets status efter svaret"), choices=[
        ("in_progress", _l("Under behandling")), ("answered", _l("Avslutat"))],
        default="answered", validate_choice=False)




class LinkForm(BaseForm):
    """Tie the tip to an existing activity of the same municipality."""

    activity_id = SelectField(_l("Aktivitet"), coerce=row_id, validate_choice=False)
    note = TextAreaField(_l("Anteckning (frivillig)"), validators=[MaxLength(MAX_NOTE_LENGTH)],
                         render_kw={"rows": 2})
