"""What must be done before a follow-up can be approved or published.

A follow-up is what residents, the press and the municipal board read. It is refused while a
section still holds its placeholder or is empty, an effekt commitment is called fulfilled
with nothing to show it, a verdict short of fulfilled says no reason, or a text going into the
report holds a personal detail (a phone number, an e-mail address, a street address with a
number, a personnummer). Each problem points at the place to fix it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.followups.prose import PLACEHOLDERS
from tracker.followups.report import chosen_verdict, reason_text, shown_text
from tracker.labels import VERDICT
from tracker.models import CommitmentKind, Verdict
from tracker.services.personal_data import find_identity_numbers
from tracker.translation import gettext as _

FOCUS_AREA = "fokus-"
# Sections that are meant to hold contact details.
CONTACT_SECTIONS = {"kontakt"}
_PHONE = re.compile(r"(?<![\w+])(?:\+46|0)(?:[\s-]?\d){7,11}(?![\d])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_STREET = re.compile(
    r"\b[A-ZÅÄÖ][a-zåäöé]+(?:gatan|vägen|gränd|gränden|stigen|allén|backen|torget|platsen|"
    r"leden|gata|väg)\s+\d{1,4}\s?[A-Za-z]?\b")


@dataclass(frozen=True)
class Problem:
    kind: str       # "section" (key is a section key) or "verdict" (key is a commitment id)
    key: str
    message: str


def personal_details(text: str) -> list[str]:
    """What in a text looks like a personal detail, said as the reader of the guard needs it."""
    found = []
    if find_identity_numbers(text):
        found.append(_("ett personnummer"))
    for pattern, what in ((_PHONE, _("ett telefonnummer")), (_EMAIL, _("en e-postadress")),
                          (_STREET, _("en gatuadress med nummer"))):
        match = pattern.search(text)
        if match:
            found.append(f"{what} (”{match.group(0).strip()}”)")
    return found


def publication_problems(followup) -> list[Problem]:
    """Everything that stops approval and publishing, in the report's order."""
    problems: list[Problem] = []
    sections = followup.sections or {}
    for key, section in sections.items():
        text = shown_text(section).strip()
        title = section["title"]
        if not text and not key.startswith(FOCUS_AREA):  # an area may be its commitments only
            problems.append(Problem("section", key, _("Avsnittet ”%(title)s” är tomt.",
                                                      title=title)))
        elif any(placeholder.strip("*") in text for placeholder in PLACEHOLDERS):
            problems.append(Problem("section", key, _(
                "Avsnittet ”%(title)s” innehåller fortfarande platshållartexten. Skriv er egen "
                "text.", title=title)))
        if key not in CONTACT_SECTIONS:
            details = personal_details(text)
            if details:
                problems.append(Problem("section", key, _(
                    "Avsnittet ”%(title)s” innehåller det som ser ut som %(what)s. Ta bort "
                    "personuppgifter innan uppföljningen publiceras.", title=title,
                    what=", ".join(details))))
    ends_later = (followup.figures or {}).get("ends_later", False)
    for cid, item in (followup.verdicts or {}).items():
        problems.extend(_verdict_problems(cid, item, followup.year if ends_later else None))
    return problems


# Verdicts that say the period still runs: not what the period's last follow-up may publish
RUNNING = (Verdict.ONGOING, Verdict.NOT_STARTED)


def _verdict_problems(cid: str, item: dict, ends_later: int | None) -> list[Problem]:
    """`ends_later`: the year of a follow-up of the period's last year compiled before the
    year was over (its running verdicts are recounted, while it is a draft, once it is)."""
    verdict = chosen_verdict(item)
    short = _short(item.get("text", ""))
    problems = []
    if ends_later and verdict in RUNNING:
        problems.append(Problem("verdict", cid, _(
            "”%(text)s” bedöms som ”%(verdict)s”, men det här är periodens sista uppföljning. "
            "Välj en slutlig bedömning med orsak, eller vänta till efter årsskiftet: då räknas "
            "bedömningen om för %(year)s som helhet.", text=short,
            verdict=str(VERDICT[verdict]), year=ends_later)))
    if (item.get("kind") == CommitmentKind.EFFEKT.value and verdict is Verdict.FULFILLED
            and not item.get("indicators") and not (item.get("override_reason") or "").strip()):
        problems.append(Problem("verdict", cid, _(
            "”%(text)s” bedöms som uppfyllt, men inget mått är kopplat till löftet och ingen "
            "motivering är skriven.", text=short)))
    if verdict.needs_reason and not reason_text(item):
        problems.append(Problem("verdict", cid, _(
            "Bedömningen av ”%(text)s” (%(verdict)s) saknar orsak.", text=short,
            verdict=str(VERDICT[verdict]))))
    return problems


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
