"""The base of every form: text fields lose invisible control characters before validation.

PostgreSQL cannot store NUL in text (psycopg refuses it), and the other C0 controls are
invisible, meaningless in this application's texts and could forge lines in logs. Removing them
here, once, keeps what the person wrote (a refusal would leave them hunting for a character
they cannot see). Tab, line feed and carriage return are text and stay.
"""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import Form, PasswordField, StringField

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_control_characters(value):
    return _CONTROL.sub("", value) if isinstance(value, str) else value


class _CleanTextMeta:
    """Adds strip_control_characters to every text field (not passwords, which are hashed)."""

    def bind_field(self, form, unbound_field, options):
        field_class = unbound_field.field_class
        if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
            options = {**options, "filters": (*unbound_field.kwargs.get("filters", ()),
                                               strip_control_characters)}
        return super().bind_field(form, unbound_field, options)


class BaseForm(FlaskForm):
    Meta = _CleanTextMeta


class PlainForm(Form):
    """Without CSRF: FormField/FieldList rows (bound with their own Meta) and GET filters."""

    Meta = _CleanTextMeta
