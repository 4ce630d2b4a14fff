"""The password policy, in one place: every way a password is set goes through `check`."""
from __future__ import annotations

from functools import cache
from importlib.resources import files


from tracker.services import DomainError
from tracker.translation import gettext as _

MIN_LENGTH = 12
MAX_LENGTH = 128
COMMON_PASSWORDS_FILE = "common-passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of the 10,000 most common passwords (lowercased); see the file's header."""
    text = (files("tracker") / "data" / COMMON_PASSWORDS_FILE).read_text(encoding="utf-8")
    return frozenset(
        line for line in text.splitlines() if line and not line.startswith("#")
    )


def is_common(password: str) -> bool:
    return password.strip().lower() in common_passwords()


def check(password: str, field: str = "password") -> None:
    """Raise DomainError (naming the form field) unless the password may be used."""
    if len(password) < MIN_LENGTH:
        raise DomainError(_("Lösenordet måste ha minst %(n)d tecken.", n=MIN_LENGTH), field)
    if len(password) > MAX_LENGTH:
        raise DomainError(_("Lösenordet får ha högst %(n)d tecken.", n=MAX_LENGTH), field)
    if is_common(password):
        raise DomainError(_("Lösenordet är för vanligt. Välj ett annat."), field)
