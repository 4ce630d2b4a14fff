"""The password policy, in one place: every way a password is set goes through `check`.

Length first, then the list of the most common passwords, then a strength estimate (zxcvbn)
that also knows Swedish words and whatever the password must not be built from: the user's
name and e-mail address, the municipalities' names and the product's. The estimate matches
common passwords and words inside longer ones, so the list applies at every length:
"password1234" and "lofteskollen12" are a word and a sequence, not twelve characters.
"""
from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

from zxcvbn import matching, zxcvbn

from tracker.services import DomainError
from tracker.services.limits import too_long
from tracker.translation import gettext as _

MIN_LENGTH = 12
MAX_LENGTH = 128
# A password as typed at a login or a confirmation, where the policy above is not checked (the
# password is compared, not chosen): longer is refused before the hasher reads it all.
TYPED_MAX = 1024
COMMON_PASSWORDS_FILE = "common-passwords.txt"
SWEDISH_WORDS_FILE = "swedish-words.txt"
# zxcvbn's own bound: longer passwords are estimated on their first 72 characters.
ESTIMATE_LENGTH = 72
# At least 10^10 guesses (zxcvbn's score 4): beyond an offline attack on a leaked fast hash
# for a while, far beyond any online guessing under the lockout.
MIN_GUESSES = 10**10
PRODUCT_WORDS = ("löfteskollen", "lofteskollen", "löfteskoll", "medborgarlöfte",
                 "medborgarlöften", "lofte", "löfte")
_FOLD = str.maketrans("åäöéü", "aaoeu")
_WORD = re.compile(r"[^\W\d_]+")
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")


def _lines(name: str) -> list[str]:
    text = (files("tracker") / "data" / name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of the 10,000 most common passwords (lowercased); see the file's header."""
    return frozenset(_lines(COMMON_PASSWORDS_FILE))


@cache
def _install_swedish_words() -> None:
    """Add the Swedish list to zxcvbn's dictionaries, once per process."""
    words = _lines(SWEDISH_WORDS_FILE)
    folded = [w.translate(_FOLD) for w in words]
    matching.add_frequency_lists({"swedish": list(dict.fromkeys(words + folded))})


def is_common(password: str) -> bool:
    """The password, or the password without the digits and symbols around it, is on the list."""
    lowered = password.strip().lower()
    return lowered in common_passwords() or _EDGES.sub("", lowered) in common_passwords()


def context_words(*texts: str) -> list[str]:
    """What a password must not be built from: each text whole, its words, folded too."""
    words = set()
    for text in (*texts, *PRODUCT_WORDS):
        lowered = (text or "").strip().lower()
        if not lowered:
            continue
        parts = [lowered, *lowered.split("@"), *_WORD.findall(lowered)]
        for part in parts:
            if len(part) >= 3:
                words.update({part, part.translate(_FOLD)})
    return sorted(words)


def _reason(sequence: list[dict]) -> str:
    """Why the estimate is low, in Swedish, from the weakest kind of part it found."""
    patterns = {(m["pattern"], m.get("dictionary_name")) for m in sequence}
    if any(name == "user_inputs" for _pattern, name in patterns):
        return _("Det bygger på ditt namn, din e-postadress, en kommuns namn eller tjänstens "
                 "namn.")
    kinds = {pattern for pattern, _name in patterns}
    if "repeat" in kinds:
        return _("Det upprepar samma tecken eller ord, som ”aaaa” eller ”abcabc”.")
    if "sequence" in kinds:
        return _("Det innehåller en följd, som ”1234” eller ”abcd”.")
    if "spatial" in kinds:
        return _("Det innehåller ett tangentbordsmönster, som ”qwerty”.")
    if "dictionary" in kinds:
        return _("Det bygger på ett vanligt ord eller lösenord, med siffror eller tecken "
                 "runt omkring.")
    if "date" in kinds or "regex" in kinds:
        return _("Det bygger på ett årtal eller datum.")
    return _("Det är för kort för att vara svårt att gissa.")


def check(password: str, field: str = "password", *, context: list[str] | tuple = ()) -> None:
    """Raise DomainError (naming the form field) unless the password may be used.

    `context`: words the password must not be built from (see `context_words`).
    """
    if len(password) < MIN_LENGTH:
        raise DomainError(_("Lösenordet måste ha minst %(n)d tecken.", n=MIN_LENGTH), field)
    if len(password) > MAX_LENGTH:
        raise DomainError(too_long(_("Lösenordet"), MAX_LENGTH), field)
    if is_common(password):
        raise DomainError(_("Lösenordet är för vanligt. Välj ett annat."), field)
    _install_swedish_words()
    result = zxcvbn(password[:ESTIMATE_LENGTH], user_inputs=list(context) or
                    context_words(), max_length=ESTIMATE_LENGTH)
    if float(result["guesses"]) < MIN_GUESSES:
        raise DomainError(_(
            "Lösenordet är för lätt att gissa. %(reason)s Välj i stället en fras av tre eller "
            "fyra ord som inte hör ihop, gärna med mellanslag eller bindestreck emellan. Den "
            "är lätt att minnas och svår att gissa.", reason=_reason(result["sequence"])), field)
