"""A follow-up as a reader sees it: the input of the public page, the PDF and the DOCX.

`ReportData` is built from one stored version (or the live draft) and never touches the
database afterwards, so every output of the same version reads the same. Section bodies are
Markdown; `markdown_html` turns them into sanitized HTML (no script, no style, no event
attributes, no foreign URLs schemes), which every output renders from.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "blockquote", "ul", "ol", "li",
    "table", "thead", "tbody", "tr", "th", "td", "a", "code",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": set()}
URL_SCHEMES = {"http", "https", "mailto"}


@functools.lru_cache(maxsize=256)  # a pure function; a report's sections cost ~100 ms to convert
def markdown_html(text: str) -> str:
    """Markdown → sanitized HTML. Headings in a section start at h3 (the section title is h2)."""
    html = markdown_lib.markdown(text or "", extensions=["tables", "sane_lists"],
                                 output_format="html")
    for level in (3, 2, 1):  # shift # and ## so they sit under the section's own h2
        html = html.replace(f"<h{level}>", f"<h{level + 1}>").replace(
            f"</h{level}>", f"</h{level + 1}>")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel="noopener noreferrer")


@dataclass(frozen=True)
class ReportVerdict:
    party_label: str        # "Polisen lovar", "Kommunen lovar", "Tillsammans lovar vi"
    commitment_text: str    # quoted verbatim
    verdict_label: str      # "Uppfyllt", "Delvis uppfyllt", "Ej uppfyllt", "Pågår"
    reason: str             # why; for an override the person's reason
    overridden: bool = False


@dataclass(frozen=True)
class ReportSection:
    key: str                # "inledning", "lagesbild", "fokus-12", "effekt", ...
    title: str
    markdown: str           # the text shown: the edited text, else the generated one
    verdicts: tuple[ReportVerdict, ...] = ()   # only on focus-area sections

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
class ReportData:
    title: str                   # "Uppföljning medborgarlöfte 2023"
    municipality: str            # "Lidköping"
    police_area: str             # "Västra Skaraborg"
    promise_title: str
    year: int
    is_draft: bool               # True until published: every output says "Utkast" plainly
    version_number: int
    published_on: date | None = None
    correction_note: str = ""    # shown visibly when the published version corrects an earlier one
    sections: tuple[ReportSection, ...] = ()
    indicators: tuple[IndicatorLine, ...] = ()
    months: tuple[MonthSeries, ...] = ()
    approvals: tuple[str, ...] = field(default=())  # "Godkänd av Polisen: Namn, 3 december 2023"

    @property
    def status_label(self) -> str:
        return "Utkast" if self.is_draft else "Publicerad"


# --- building a report from the stored follow-up ----------------------------------------------


def build_report(followup, version=None) -> ReportData:
    """A report from a stored version (what was published) or, without one, the live draft.

    Needs followup.promise.municipality.police_area loaded (followups.load does that) and, for
    a live draft, the approvers.
    """
    from tracker.formatting import local_date
    from tracker.labels import PARTY_HEADING, VERDICT
    from tracker.models import FollowUpStatus, Party, Verdict
    from tracker.followups.workflow import approvals_text

    source = version or followup
    published_at = version.published_at if version is not None else None
    promise = followup.promise
    municipality = promise.municipality
    verdicts_by_section: dict[str, list[ReportVerdict]] = {}
    for item in (source.verdicts or {}).values():
        chosen = item.get("override") or item["suggested"]
        verdicts_by_section.setdefault(item.get("section", ""), []).append(ReportVerdict(
            party_label=str(PARTY_HEADING[Party(item["party"])]) if item.get("party") else "",
            commitment_text=item.get("text", ""),
            verdict_label=str(VERDICT[Verdict(chosen)]).capitalize(),
            reason=item["override_reason"] if item.get("override") else item.get("reason", ""),
            overridden=bool(item.get("override")),
        ))
    sections = tuple(
        ReportSection(key=key, title=section["title"],
                      markdown=section["edited"] if section.get("edited") is not None
                      else section["generated"],
                      verdicts=tuple(verdicts_by_section.get(key, ())))
        for key, section in (source.sections or {}).items()
    )
    figures = source.figures or {}
    is_draft = published_at is None if version is not None else (
        followup.status is not FollowUpStatus.PUBLISHED)
    return ReportData(
        title=f"Uppföljning medborgarlöfte {followup.year}",
        municipality=municipality.name, police_area=municipality.police_area.name,
        promise_title=promise.title, year=followup.year, is_draft=is_draft,
        version_number=version.number if version is not None else 0,
        published_on=local_date(published_at) if published_at else None,
        correction_note=source.correction_note or "",
        sections=sections,
        indicators=tuple(IndicatorLine(
            name=row["name"], unit=row["unit"], this_year=row["this_year"],
            last_year=row["last_year"], national=row["national"], source=row.get("source", ""))
            for row in figures.get("indicators", [])),
        months=tuple(MonthSeries(title=row["title"], counts=tuple(row["counts"]))
                     for row in figures.get("months", [])),
        approvals=tuple(version.approvals or ()) if version is not None
        else tuple(approvals_text(followup)),
    )
