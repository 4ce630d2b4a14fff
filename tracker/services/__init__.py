"""Domain services: plain functions that flush, never commit, and raise DomainError."""
from sqlalchemy.orm.exc import StaleDataError

from tracker.translation import gettext as _


class DomainError(Exception):
    """A refusal with a message meant for the user (in Swedish)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class FieldErrors(DomainError):
    """Several refusals at once, keyed by form field name, so a form can show them all."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = errors


class StaleEdit(DomainError):
    """Someone else saved the row since this form was opened (optimistic locking)."""

    def __init__(self, current, message: str | None = None):
        super().__init__(
            message or _("Någon annan har ändrat uppgifterna sedan du öppnade formuläret.")
        )
        self.current = current


# A version conflict: the service's early check against the version the caller read
# (StaleEdit), or the versioned UPDATE that matched no row at flush or commit because someone
# saved in between (StaleDataError). The web (tracker.web) and the API answer both with 409.
VERSION_CONFLICT = (StaleEdit, StaleDataError)
