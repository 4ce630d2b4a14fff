"""How people are named in a list to choose from (owner, assignees): each one told apart from
another of the same name, and marked when they cannot act on it yet or any more."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from tracker.translation import gettext as _


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    email: str
    pending: bool = False  # invited, no password chosen yet
    note: str = ""  # why someone kept on an activity is no longer among the choosable


def labelled(candidates: Iterable[Candidate]) -> list[tuple[int, str]]:
    """(id, label) by name: "Anna Åström (anna.astrom@x.se)" only where two share a name,
    "(inbjuden)" for someone who has not activated their account."""
    people = sorted(candidates, key=lambda c: (c.name.casefold(), c.email))
    names = Counter(_same_name(c.name) for c in people)
    choices = []
    for person in people:
        notes = [person.email] if names[_same_name(person.name)] > 1 else []
        if person.pending:
            notes.append(_("inbjuden"))
        if person.note:
            notes.append(person.note)
        choices.append((person.id, f"{person.name} ({', '.join(notes)})" if notes
                        else person.name))
    return choices


def _same_name(name: str) -> str:
    return " ".join(name.split()).casefold()
