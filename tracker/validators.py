"""WTForms validators that put domain rules on form fields."""
from __future__ import annotations

from wtforms.validators import ValidationError

from tracker.services import DomainError
from tracker.services.personal_data import check_text


class NoIdentityNumber:
    """Refuse a personnummer or samordningsnummer in a free-text field."""

    def __call__(self, form, field) -> None:
        if not isinstance(field.data, str):
            return
        try:
            check_text(field.data, str(field.label.text))
        except DomainError as error:
            raise ValidationError(error.message) from error
