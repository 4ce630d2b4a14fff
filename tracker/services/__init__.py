"""Domain services: plain functions that flush, never commit, and raise DomainError."""


class DomainError(Exception):
    """A refusal with a message meant for the user (in Swedish)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
