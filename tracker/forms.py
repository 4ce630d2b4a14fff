"""The base of every form: text fields lose invisible control characters before validation.

PostgreSQL cannot store NUL in text (psycopg refuses it), and the other C0 and C1 controls are
invisible, meaningless in this application's texts, break the Word export and could forge lines
in logs. Removing them here, once, keeps what the person wrote (a refusal would leave them
hunting for a character they cannot see). Tab, line feed and carriage return are text and stay.
The cleaner is tracker.validators.clean_text, shared with the API.
"""
from __future__ import annotations

from functools import lru_cache

from babel import support
from flask import current_app
from flask_wtf import FlaskForm
from wtforms import Form, HiddenField, PasswordField, StringField
from wtforms.i18n import messages_path

from tracker.translation import current_locale
from tracker.validators import clean_text

strip_control_characters = clean_text


class _CleanTextMeta:
    """Adds strip_control_characters to every text field (not passwords, which are hashed)."""

    def bind_field(self, form, unbound_field, options):
        field_class = unbound_field.field_class
        if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
            options = {**options, "filters": (*unbound_field.kwargs.get("filters", ()),
                                               strip_control_characters)}
        return super().bind_field(form, unbound_field, options)  # type: ignore[misc]  # mixin


@lru_cache(maxsize=8)
def _wtforms_catalogue(locale: str):
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


# WTForms' Swedish catalogue has garbled or technical wording for a choice that is not in the
# list ("Felaktigt val; kunde inte ceorce:a"): said here as a person would.
_CHOICE = "Välj ett av alternativen i listan."
_SWEDISH = {
    "Invalid Choice: could not coerce.": _CHOICE,
    "Not a valid choice.": _CHOICE,
    "Invalid choice(s): one or more data inputs could not be coerced.": _CHOICE,
    "'%(value)s' is not a valid choice for this field.": _CHOICE,
}


class _WTFormsMessages:
    """WTForms' own messages ("Not a valid choice.") in the request's language. Flask-WTF reads
    their catalogue from disk on every request that translates one; this keeps one per language
    for the life of the process."""

    def gettext(self, string):
        locale = str(current_locale())
        if locale == "sv" and string in _SWEDISH:
            return _SWEDISH[string]
        return _wtforms_catalogue(locale).ugettext(string)

    def ngettext(self, singular, plural, n):
        locale = str(current_locale())
        if locale == "sv" and singular in _SWEDISH:
            return _SWEDISH[singular]
        return _wtforms_catalogue(locale).ungettext(singular, plural, n)


_MESSAGES = _WTFormsMessages()


class _FlaskFormMeta(_CleanTextMeta, FlaskForm.Meta):
    def get_translations(self, form):
        if not current_app.config.get("WTF_I18N_ENABLED", True):
            return super().get_translations(form)
        return _MESSAGES


class BaseForm(FlaskForm):
    Meta = _FlaskFormMeta


def version_in(field) -> int | None:
    """A hidden version field's number; None when it is missing or not a number."""
    try:
        return int(field.data)
    except (TypeError, ValueError):
        return None


class Versioned:
    """A form that edits a versioned row: it carries back the version it was opened at, read
    here and nowhere else, so a save made meanwhile is a conflict (tracker.web.save_or_conflict).
    """

    version = HiddenField()

    def open_at(self, obj) -> None:
        """Carry the row's version: when the form opens, and on the conflict page, where saving
        again then overwrites the newer row knowingly."""
        self.version.data = obj.version_id

    @property
    def expected_version(self) -> int | None:
        return version_in(self.version)


class VersionedForm(Versioned, BaseForm):
    """A BaseForm with the version it was opened at."""


class _PlainFormMeta(_CleanTextMeta):
    def get_translations(self, form):
        return _MESSAGES  # a row's "Not a valid integer value." in Swedish, as in its form


class PlainForm(Form):
    """Without CSRF: FormField/FieldList rows (bound with their own Meta) and GET filters."""

    Meta = _PlainFormMeta
