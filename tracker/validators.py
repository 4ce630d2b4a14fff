"""Validators that put domain rules on input: the one text cleaner, and form field checks."""
from __future__ import annotations

import re

from wtforms.validators import Length, NumberRange, ValidationError

from tracker.services import DomainError
from tracker.services.limits import out_of_range, too_long, year_between
from tracker.services.personal_data import check_text

# What no text in the application may hold: C0 controls but tab, line feed and carriage return;
# DEL and the C1 controls (\x80-\x9f, e.g. NEL \x85); lone surrogates; the noncharacters
# U+FFFE and U+FFFF. PostgreSQL refuses NUL, XML (the Word export, the PDF) refuses the C0
# controls and surrogates, and all of them are invisible or could forge lines in a log.
UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(value):
    """The text without characters it may not hold (see UNSTORABLE); anything else as it is.

    One cleaner for every way text comes in: the web forms (tracker.forms), the API's text
    fields (tracker.api.base), and for whatever text is written out (an export of a note
    stored before this cleaner existed).
    """
    return UNSTORABLE.sub("", value) if isinstance(value, str) else value


def has_unstorable(value) -> bool:
    return isinstance(value, str) and UNSTORABLE.search(value) is not None


class NoIdentityNumber:
    """Refuse a personnummer or samordningsnummer in a free-text field."""

    def __call__(self, form, field) -> None:
        if not isinstance(field.data, str):
            return
        try:
            check_text(field.data, str(field.label.text))
        except DomainError as error:
            raise ValidationError(error.message) from error


class MaxLength(Length):
    """At most `maximum` characters, refused with the services' message (limits.too_long), its
    number written as the page's language writes it. The field's label names the text unless
    `label` does (a label that is a question); a trailing "(frivilligt)" is left out. Like
    WTForms' Length, it gives the field its maxlength attribute."""

    def __init__(self, maximum: int, label=None) -> None:
        super().__init__(max=maximum)
        self.label = label

    def __call__(self, form, field) -> None:
        if isinstance(field.data, str) and len(field.data) > self.max:
            raise ValidationError(too_long(_label(field, self.label), self.max))


class InRange(NumberRange):
    """A whole number from `low` to `high`, refused with the services' message
    (limits.out_of_range), the bounds written as the page writes numbers; not for years, which
    are not grouped (InYears). The field's label names the number unless `label` does."""

    def __init__(self, low: int, high: int, label=None) -> None:
        super().__init__(min=low, max=high)
        self.label = label

    def __call__(self, form, field) -> None:
        if field.data is not None and not self.min <= field.data <= self.max:
            raise ValidationError(self.refusal(_label(field, self.label)))

    def refusal(self, label: str) -> str:
        return out_of_range(label, self.min, self.max)


class InYears(InRange):
    """A year from `low` to `high`, refused with the services' message (limits.year_between)."""

    def refusal(self, label: str) -> str:
        return year_between(label, self.min, self.max)


_OPTIONAL = re.compile(r"\s*\([^()]*\)$")


def _label(field, label) -> str:
    """`label`, or the field's own without a trailing "(frivilligt)"."""
    return str(label or _OPTIONAL.sub("", str(field.label.text)))
