"""The residents' tip form: the text, an optional reply address and a honeypot for robots."""
from __future__ import annotations

from flask_babel import LazyString
from wtforms import EmailField, RadioField, StringField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional

from tracker.forms import BaseForm
from tracker.once import OnceForm
from tracker.services.feedback import MAX_COMMENT_LENGTH, rating_refusal
from tracker.services.tips import MAX_REPLY_TO_LENGTH, MAX_TEXT_LENGTH
from tracker.translation import lazy_gettext as _l
from tracker.validators import MaxLength


class TipForm(OnceForm, BaseForm):
    text = TextAreaField(
        _l("Ditt tips eller din synpunkt"),
        validators=[InputRequired(_l("Skriv ditt tips eller din synpunkt.")),
                    MaxLength(MAX_TEXT_LENGTH, _l("Texten"))],
        render_kw={"rows": 8, "maxlength": MAX_TEXT_LENGTH},
    )
    reply_to = EmailField(
        _l("Din e-postadress (frivilligt)"),
        validators=[Optional(),
                    Email(_l("Skriv en e-postadress som namn@exempel.se, "
                             "eller lämna fältet tomt.")),
                    Length(max=MAX_REPLY_TO_LENGTH, message=_l("E-postadressen är för lång."))],
        render_kw={"autocomplete": "email"},
    )
    # People never see or reach this field; robots that fill every field do. Not "website":
    # browsers might autofill that.
    webbplats = StringField(_l("Lämna tomt"),
                            render_kw={"tabindex": "-1", "autocomplete": "off"})


class SubscribeForm(BaseForm):
    email = EmailField(
        _l("Din e-postadress"),
        validators=[InputRequired(_l("Skriv din e-postadress.")),
                    Email(_l("Skriv en e-postadress som namn@exempel.se.")),
                    Length(max=MAX_REPLY_TO_LENGTH, message=_l("E-postadressen är för lång."))],
        render_kw={"autocomplete": "email"},
    )
    webbplats = StringField(_l("Lämna tomt"),
                            render_kw={"tabindex": "-1", "autocomplete": "off"})


class FeedbackForm(OnceForm, BaseForm):
    rating = RadioField(_l("Var uppföljningen till hjälp?"),
                        choices=[("1", _l("1 – inte alls")), ("2", "2"), ("3", "3"), ("4", "4"),
                                 ("5", _l("5 – till stor hjälp"))],
                        validators=[InputRequired(LazyString(rating_refusal))],
                        validate_choice=False)  # the service says what to choose
    comment = TextAreaField(
        _l("Kommentar (frivillig)"),
        validators=[MaxLength(MAX_COMMENT_LENGTH, _l("Kommentaren"))],
        render_kw={"rows": 4, "maxlength": MAX_COMMENT_LENGTH})
    webbplats = StringField(_l("Lämna tomt"),
                            render_kw={"tabindex": "-1", "autocomplete": "off"})
