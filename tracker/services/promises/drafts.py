"""The preview of a promise read from its published text: plain data the coordinator corrects."""
from __future__ import annotations

from dataclasses import dataclass, field

MAX_TEXT_CHARS = 200_000
MAX_SIGNATORIES = 4
MAX_FOCUS_AREAS = 30
MAX_COMMITMENTS = 200
TOGETHER, MUNICIPALITY, POLICE = "tillsammans", "kommunen", "polisen"


@dataclass
class SignatoryDraft:
    name: str
    title: str


@dataclass
class CommitmentDraft:
    party: str  # kommunen / polisen / tillsammans (Party values)
    text: str
    target_count: int | None = None
    target_note: str = ""


@dataclass
class FocusAreaDraft:
    title: str
    description: str = ""
    commitments: list[CommitmentDraft] = field(default_factory=list)


@dataclass
class PromiseDraft:
    """What the text says; `missing` names what it does not (period, commitments, …)."""

    title: str = ""
    start_year: int | None = None
    end_year: int | None = None
    signatories: list[SignatoryDraft] = field(default_factory=list)
    problem_picture: str = ""
    sources: list[str] = field(default_factory=list)
    sources_note: str = ""
    focus_areas: list[FocusAreaDraft] = field(default_factory=list)
    other_commitments: list[CommitmentDraft] = field(default_factory=list)  # no focus area
    missing: list[str] = field(default_factory=list)

    @property
    def commitment_count(self) -> int:
        return len(self.other_commitments) + sum(len(a.commitments) for a in self.focus_areas)
