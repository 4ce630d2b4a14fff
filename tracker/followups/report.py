"""A follow-up as a reader sees it: the input of the public page, the PDF and the DOCX.

`ReportData` is built from one stored version (or the live draft) and never touches the
database afterwards, so every output of the same version reads the same. Section bodies are
Markdown; `markdown_html` turns them into sanitized HTML (no script, no style, no event
attributes, no foreign URLs schemes), which every output renders from.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tracker.followups import prose
from tracker.followups.render.markdown import markdown_html
from tracker.formatting import date_sv, local_date
from tracker.labels import PARTY_HEADING, VERDICT, VERDICT_REASON, names_party_first
from tracker.models import FollowUpStatus, Party, Verdict, VerdictReason
from tracker.translation import gettext as _


@dataclass(frozen=True)
class ReportVerdict:
    party_label: str        # "Polisen lovar", "Kommunen lovar", "Tillsammans lovar vi"
    commitment_text: str    # quoted verbatim
    verdict_label: str      # "Uppfyllt", "Delvis uppfyllt", …, "Kan inte bedömas"
    basis: str              # what the suggestion rests on (the figures), or a person's reason
    reason: str = ""        # why it is short of fulfilled: "Resursbrist – …"
    overridden: bool = False
    verdict: str = ""       # the Verdict value, for the summary
    # the words are why a verdict was set to uppfyllt/genomfört by hand ("Motivering"), not
    # why it falls short ("Orsak")
    motivation: bool = False

    @property
    def heading(self) -> str:
        return f"{self.party_label}: {self.commitment_text}" if self.party_label \
            else self.commitment_text


@dataclass(frozen=True)
class ReportCommitment:
    """One commitment under its focus area: a heading, what was done, the verdict line."""
    key: str                # "lofte-34", its section in the stored follow-up
    party_label: str
    text: str
    markdown: str
    verdict: ReportVerdict

    @property
    def html(self) -> str:
        return markdown_html(self.markdown)

    @property
    def heading(self) -> str:
        return f"{self.party_label}: {self.text}" if self.party_label else self.text


@dataclass(frozen=True)
class ReportSection:
    key: str                # "inledning", "lagesbild", "fokus-12", "effekt", ...
    title: str
    markdown: str           # the text shown: the edited text, else the generated one
    commitments: tuple[ReportCommitment, ...] = ()   # only on focus-area sections
    # A version stored before commitments had sections of their own: its verdicts, listed.
    verdicts: tuple[ReportVerdict, ...] = ()

    @property
    def html(self) -> str:
        return markdown_html(self.markdown)


@dataclass(frozen=True)
class MonthSeries:
    """Logged occasions per calendar month (index 0 = januari) for one focus area."""
    title: str
    counts: tuple[int, ...]  # always 12 values


@dataclass(frozen=True)
class IndicatorLine:
    name: str
    unit: str
    this_year: float | None
    last_year: float | None
    national: float | None
    source: str = ""


@dataclass(frozen=True)
class TrendSeries:
    """An indicator over the years, for the Lägesbild's trend chart (two years or more)."""
    name: str
    unit: str
    points: tuple[tuple[int, float], ...]


@dataclass(frozen=True)
class VerdictCount:
    verdict: str            # the Verdict value
    label: str              # "Uppfyllt"
    count: int


@dataclass(frozen=True)
class ReportData:
    title: str                   # "Uppföljning medborgarlöfte 2023"
    municipality: str            # "Lidköping"
    police_area: str             # "Västra Skaraborg"
    promise_title: str
    year: int
    is_draft: bool               # True until published: every output says "Utkast" plainly
    version_number: int
    official_name: str = ""      # "Lidköpings kommun"
    published_on: date | None = None
    correction_note: str = ""    # shown visibly when the published version corrects an earlier one
    sections: tuple[ReportSection, ...] = ()
    indicators: tuple[IndicatorLine, ...] = ()
    trends: tuple[TrendSeries, ...] = ()
    months: tuple[MonthSeries, ...] = ()
    summary: tuple[VerdictCount, ...] = ()
    summary_markdown: str = ""
    approvals: tuple[str, ...] = field(default=())  # "Godkänd av Polisen: Namn, 3 december 2023"

    @property
    def status_label(self) -> str:
        return "Utkast" if self.is_draft else "Publicerad"

    @property
    def summary_html(self) -> str:
        return markdown_html(self.summary_markdown)

    @property
    def commitments(self) -> tuple[ReportCommitment, ...]:
        return tuple(c for section in self.sections for c in section.commitments)


# --- building a report from the stored follow-up ----------------------------------------------

SCALE = (Verdict.FULFILLED, Verdict.PARTLY, Verdict.NOT_FULFILLED, Verdict.ONGOING,
         Verdict.NOT_STARTED, Verdict.DONE, Verdict.CANNOT_ASSESS)
INDICATOR_SECTION = "lagesbild"


def shown_text(section: dict) -> str:
    """The text readers get: a person's edit, else the generated text."""
    return section["edited"] if section.get("edited") is not None else section["generated"]


def chosen_verdict(item: dict) -> Verdict:
    return Verdict(item.get("override") or item["suggested"])


def reason_text(item: dict) -> str:
    """Why the verdict is what it is, as printed: a person's reason (code and words), else the
    compiler's own ("för tidigt att bedöma", "inget mått är kopplat till löftet")."""
    code, words = item.get("reason_code"), (item.get("override_reason") or "").strip()
    if code or words:
        label = str(VERDICT_REASON[VerdictReason(code)]).capitalize() if code else ""
        return " – ".join(part for part in (label, words) if part)
    auto = item.get("auto_reason")
    if auto and not item.get("override"):
        if auto.get("code") == VerdictReason.OTHER.value and auto.get("text"):
            return auto["text"][:1].upper() + auto["text"][1:]
        label = str(VERDICT_REASON[VerdictReason(auto["code"])]).capitalize()
        return " – ".join(part for part in (label, auto.get("text", "")) if part)
    return ""


def _verdict(item: dict) -> ReportVerdict:
    verdict = chosen_verdict(item)
    basis = item.get("reason", "")
    reason = reason_text(item) if verdict.needs_reason or item.get("override") else ""
    own = item.get("reason_code") or (item.get("override_reason") or "").strip()
    if reason and not own and reason.lower().rstrip(".") in basis.lower():
        reason = ""  # the compiler's reason is in its basis already: said once
    if not own and verdict in (Verdict.ONGOING, Verdict.NOT_STARTED):
        reason = ""  # "för tidigt att bedöma" under "pågår" says what the verdict says
    return ReportVerdict(
        party_label=_party_label(item),
        commitment_text=item.get("text", ""),
        verdict_label=str(VERDICT[verdict]).capitalize(),
        basis=basis, reason=reason,
        overridden=bool(item.get("override")), verdict=verdict.value,
        motivation=not verdict.needs_reason,
    )


def _party_label(item: dict) -> str:
    """"Polisen lovar", or none where the commitment's sentence names its party first."""
    if not item.get("party"):
        return ""
    party = Party(item["party"])
    return "" if names_party_first(party, item.get("text", "")) else str(PARTY_HEADING[party])


def approvals_text(followup) -> list[str]:
    """'Godkänd för Polisen av Namn den 3 december 2026', needs the approvers loaded."""
    lines = []
    for side, party in (("police", _("Polisen")), ("municipality", _("kommunen"))):
        at = getattr(followup, f"{side}_approved_at")
        by = getattr(followup, f"{side}_approved_by")
        if at is not None:
            lines.append(_("Godkänd för %(party)s av %(name)s den %(day)s.", party=party,
                           name=by.name if by else _("en borttagen användare"),
                           day=date_sv(local_date(at))))
    return lines


def build_report(followup, version=None) -> ReportData:
    """A report from a stored version (what was published) or, without one, the live draft.

    Needs followup.promise.municipality.police_area loaded (workflow.load does that) and, for
    a live draft, the approvers.
    """
    source = version or followup
    published_at = version.published_at if version is not None else None
    promise = followup.promise
    municipality = promise.municipality
    stored = source.sections or {}
    items = list((source.verdicts or {}).values())
    sections = []
    for key, section in stored.items():
        if section.get("parent") or key.startswith("lofte-"):
            continue
        own = [item for item in items if item.get("section") == key]
        commitments = tuple(
            ReportCommitment(key=item["key"], party_label=_verdict(item).party_label,
                             text=item.get("text", ""),
                             markdown=shown_text(stored[item["key"]]), verdict=_verdict(item))
            for item in own if item.get("key") in stored)
        sections.append(ReportSection(
            key=key, title=section["title"], markdown=shown_text(section),
            commitments=commitments,
            verdicts=() if commitments else tuple(_verdict(item) for item in own)))
    figures = source.figures or {}
    counts = {verdict: 0 for verdict in SCALE}
    for item in items:
        counts[chosen_verdict(item)] += 1
    is_draft = published_at is None if version is not None else (
        followup.status is not FollowUpStatus.PUBLISHED)
    return ReportData(
        title=f"Uppföljning medborgarlöfte {followup.year}",
        municipality=municipality.name, official_name=municipality.display_name,
        police_area=municipality.police_area.name,
        promise_title=promise.title, year=followup.year, is_draft=is_draft,
        version_number=version.number if version is not None else 0,
        published_on=local_date(published_at) if published_at else None,
        correction_note=source.correction_note or "",
        sections=tuple(sections),
        indicators=tuple(IndicatorLine(
            name=row["name"], unit=row["unit"], this_year=row["this_year"],
            last_year=row["last_year"], national=row["national"], source=row.get("source", ""))
            for row in figures.get("indicators", [])),
        trends=tuple(TrendSeries(name=row["name"], unit=row["unit"],
                                 points=tuple((p[0], p[1]) for p in row["points"]))
                     for row in figures.get("indicator_series", []) if len(row["points"]) > 1),
        months=tuple(MonthSeries(title=row["title"], counts=tuple(row["counts"]))
                     for row in figures.get("months", [])),
        summary=tuple(VerdictCount(v.value, str(VERDICT[v]).capitalize(), counts[v])
                      for v in SCALE if counts[v]),
        summary_markdown=prose.render("summary.md.j2", counts=[(v.value, counts[v])
                                                               for v in SCALE],
                                      total=len(items), year=followup.year),
        approvals=tuple(version.approvals or ()) if version is not None
        else tuple(approvals_text(followup)),
    )
