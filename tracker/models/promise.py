"""The medborgarlöfte, its focus areas and its commitments."""
from __future__ import annotations

import enum
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.models.base import created_at_column, str_enum, updated_at_column
from tracker.models.geo import Municipality
from tracker.models.indicator import Indicator  # noqa: F401  (CommitmentIndicator.indicator)
from tracker.services.limits import YEAR_MAX, YEAR_MIN


class PromiseStatus(enum.Enum):
    DRAFT = "draft"
    SIGNED = "signed"
    ACTIVE = "active"
    CONCLUDED = "concluded"


class Party(enum.Enum):
    KOMMUNEN = "kommunen"
    POLISEN = "polisen"
    TILLSAMMANS = "tillsammans"


PARTY_ORDER = [Party.KOMMUNEN, Party.POLISEN, Party.TILLSAMMANS]


class CommitmentKind(enum.Enum):
    """What a verdict on the commitment may rest on (docs/domain.md, "Kinds of promise")."""

    PRESTATION = "prestation"   # countable output: occasions against a target
    EFFEKT = "effekt"           # a state in the world: only linked indicators can show it
    ARBETSSATT = "arbetssatt"   # an ongoing way of working: what was done, never "uppfyllt"


# A state in the world: something should be, become, feel or decrease.
_EFFECT = [re.compile(pattern, re.IGNORECASE) for pattern in (
    r"\b(ska|skall|kommer att)\s+(vara|bli|känna|uppleva|öka|minska|sjunka)\b",
    r"\b(öka|höja|stärka)\w*\s+(den\s+)?(upplevda\s+)?trygghet",
    r"\btrygghet\w*\s+(ska|skall)\s+(öka|stärkas)",
    r"\bminska\w*\s+(\w+\s+){0,3}(brott|otrygg|oro|skadegörelse|narkotika|droger|våld|"
    r"missbruk|olyckor)",
    # "minska andelen invånare som …", "öka andelen elever som …": a share is a state
    r"\b(minska|sänka|öka|höja)\w*\s+(\w+\s+){0,2}andel(en)?\b",
    r"\bkänner sig (o)?trygg",
    r"\bkänna sig trygg",
    r"\bdrogfri",
    r"\bfärre\b",
)]
# Countable output: carry out, visit, hold, arrange — or a number to reach.
# "Kommunen genomför …", "Polisen ska besöka …": a sentence may name its party first
_PARTY_FIRST = (r"^(?:(?:kommunen|polisen|staden|regionen|vi|tillsammans|gemensamt|"
                r"[\w-]+ (?:kommun|stad)|region [\w-]+)"
                r"(?: och (?:kommunen|polisen|staden|regionen))?\s+(?:ska\s+|skall\s+|kommer att\s+|"
                r"lovar att\s+)?)?")
_OUTPUT = [re.compile(pattern, re.IGNORECASE) for pattern in (
    _PARTY_FIRST + r"(att\s+)?(genomföra|besöka|hålla|anordna|erbjuda|arrangera|bjuda in)\b",
    # "Besöker samtliga skolor": a list item led by its party keeps the present tense
    _PARTY_FIRST + r"(genomför|besöker|håller|anordnar|erbjuder|arrangerar|bjuder in)\b",
    r"\b(genomföras|genomförs|anordnas|hållas)\b",
    r"\b\d+\s+\w+",
    r"\bsamtliga\s+\w*(klasser|skolor|elever|årskurs)",
)]


# Every one of something ("samtliga klasser", "alla skolor", "i alla stadsdelar", "varje
# helg"; not "öppen för alla", "med alla berörda", "information till alla hushåll", where
# everyone takes part in or is reached by one occasion): a count cannot show every one reached.
_EVERY = re.compile(r"\b(samtliga|varje|vartenda|vart)\b|"
                    + "".join(f"(?<!{word} )" for word in ("för", "med", "till", "av", "från",
                                                           "bland", "hos", "mellan"))
                    + r"\balla\b", re.IGNORECASE)


def word_for_every(text: str) -> str | None:
    """The word by which the wording promises every one of something, or None."""
    found = _EVERY.search(" ".join((text or "").split()))
    return found.group(0).lower() if found else None


def suggest_kind(text: str, target_count: int | None = None) -> CommitmentKind:
    """The kind the wording suggests: a number to reach is a prestation, a state to reach an
    effekt, anything else a way of working. Effect wording wins over an activity verb
    ("Tryggheten ska öka genom att … genomföra"), a target count over both."""
    text = " ".join((text or "").split())
    if target_count is not None:
        return CommitmentKind.PRESTATION
    if any(pattern.search(text) for pattern in _EFFECT):
        return CommitmentKind.EFFEKT
    if any(pattern.search(text) for pattern in _OUTPUT):
        return CommitmentKind.PRESTATION
    return CommitmentKind.ARBETSSATT


def _suggested_kind(context) -> CommitmentKind:
    """The column default: the kind the new row's wording suggests."""
    values = context.get_current_parameters()
    return suggest_kind(values.get("text") or "", values.get("target_count"))


def year_span(first: int, last: int) -> str:
    """"2025", or "2025–2026": a promise's period, or the years a follow-up counts."""
    return str(first) if first == last else f"{first}–{last}"


class Promise(db.Model):
    __tablename__ = "promise"
    __table_args__ = (
        sa.CheckConstraint(f"start_year BETWEEN {YEAR_MIN} AND {YEAR_MAX}",
                           name="start_year_range"),
        sa.CheckConstraint(
            "end_year >= start_year AND end_year - start_year <= 2", name="period_length"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    start_year: Mapped[int]
    end_year: Mapped[int]
    status: Mapped[PromiseStatus] = mapped_column(
        str_enum(PromiseStatus, "promise_status"), default=PromiseStatus.DRAFT
    )
    signed_on: Mapped[Optional[date]]
    signatories: Mapped[list] = mapped_column(sa.JSON, default=list)
    problem_picture: Mapped[str] = mapped_column(sa.Text, default="")
    sources: Mapped[list] = mapped_column(sa.JSON, default=list)
    sources_note: Mapped[str] = mapped_column(sa.Text, default="")
    agreement_url: Mapped[Optional[str]] = mapped_column(sa.String(500))
    is_public: Mapped[bool] = mapped_column(default=False)
    is_example: Mapped[bool] = mapped_column(default=False)
    is_demo: Mapped[bool] = mapped_column(default=False)
    version_id: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    municipality: Mapped[Municipality] = relationship(lazy="raise")
    focus_areas: Mapped[list["FocusArea"]] = relationship(
        back_populates="promise",
        lazy="raise",
        order_by="FocusArea.position",
        cascade="all, delete-orphan",
    )
    commitments: Mapped[list["Commitment"]] = relationship(
        back_populates="promise",
        lazy="raise",
        order_by="Commitment.position",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def period_label(self) -> str:
        return year_span(self.start_year, self.end_year)


class FocusArea(db.Model):
    __tablename__ = "focus_area"
    __table_args__ = (sa.CheckConstraint("position >= 0", name="position_non_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    promise_id: Mapped[int] = mapped_column(
        sa.ForeignKey("promise.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    promise: Mapped[Promise] = relationship(back_populates="focus_areas", lazy="raise")
    commitments: Mapped[list["Commitment"]] = relationship(
        back_populates="focus_area", lazy="raise", order_by="Commitment.position"
    )


class Commitment(db.Model):
    __tablename__ = "commitment"
    __table_args__ = (
        sa.CheckConstraint("position >= 0", name="position_non_negative"),
        sa.CheckConstraint(
            "target_count IS NULL OR target_count >= 0", name="target_non_negative"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    promise_id: Mapped[int] = mapped_column(
        sa.ForeignKey("promise.id", ondelete="CASCADE"), index=True
    )
    focus_area_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("focus_area.id", ondelete="SET NULL"), index=True
    )
    party: Mapped[Party] = mapped_column(str_enum(Party, "party"))
    text: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[CommitmentKind] = mapped_column(
        str_enum(CommitmentKind, "commitment_kind"), default=_suggested_kind,
        server_default=CommitmentKind.ARBETSSATT.value,
    )
    position: Mapped[int] = mapped_column(default=0)
    target_count: Mapped[Optional[int]]
    target_note: Mapped[str] = mapped_column(sa.String(300), default="")
    version_id: Mapped[int] = mapped_column(default=1)

    promise: Mapped[Promise] = relationship(back_populates="commitments", lazy="raise")
    focus_area: Mapped[Optional[FocusArea]] = relationship(
        back_populates="commitments", lazy="raise"
    )
    indicator_links: Mapped[list["CommitmentIndicator"]] = relationship(
        back_populates="commitment", lazy="raise", cascade="all, delete-orphan",
        order_by="CommitmentIndicator.id",
    )

    __mapper_args__ = {"version_id_col": version_id}


class CommitmentIndicator(db.Model):
    """An indicator that shows whether an effekt commitment's state in the world was reached."""

    __tablename__ = "commitment_indicator"
    __table_args__ = (sa.UniqueConstraint("commitment_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("commitment.id", ondelete="CASCADE"), index=True
    )
    indicator_id: Mapped[int] = mapped_column(
        sa.ForeignKey("indicator.id", ondelete="CASCADE"), index=True
    )
    higher_is_better: Mapped[bool]
    target_value: Mapped[Optional[Decimal]] = mapped_column(sa.Numeric(14, 3))

    commitment: Mapped[Commitment] = relationship(back_populates="indicator_links",
                                                  lazy="raise")
    indicator: Mapped["Indicator"] = relationship(lazy="raise")  # noqa: F821
