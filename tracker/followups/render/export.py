"""Downloads of a yearly follow-up: a tagged PDF (PDF/UA-1) and a Word file.

Both are rendered from the same `ReportData` and the same sanitized section HTML, so the PDF,
the DOCX and the public page say the same thing. A draft says so on its first line and in its
file name: it is not an official document until the parties have approved it.
"""
from __future__ import annotations

import dataclasses
import re
import unicodedata
from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, RGBColor
from flask import has_request_context, render_template, request

from tracker.followups.prose import indicator_value
from tracker.followups.render.charts import Chart, DataTable, report_charts
from tracker.followups.render.word import Inline, WordWriter
from tracker.followups.report import ReportCommitment, ReportData, ReportSection, ReportVerdict
from tracker.formatting import date_sv
from tracker.validators import clean_text

LANGUAGE = "sv-SE"
MONTHS_BEFORE = "effekt"  # the work over the year is shown after the focus areas
DRAFT_RED = RGBColor(0xA4, 0x0E, 0x26)


class Text:
    """Fixed Swedish wording, shared by the PDF template and the Word file."""
    DRAFT = "UTKAST"
    DRAFT_BANNER = "UTKAST – inte godkänd eller publicerad"
    CORRECTION = "Rättelse"
    SUMMARY = "Sammanfattning"
    VERDICT = "Bedömning"
    OVERRIDDEN = "(ändrad bedömning)"
    REASON = "Orsak"
    MOTIVATION = "Motivering"
    BASIS = "Underlag"
    MONTHS = "Genomförda tillfällen per månad"
    APPROVALS = "Godkännande"
    NOT_APPROVED = "Uppföljningen är ännu inte godkänd av parterna."
    PAGE, OF = "Sida", "av"


def indicator_table(report: ReportData) -> DataTable:
    """The indicators with this year, last year and the national figure, in Swedish format."""
    with_source = any(line.source for line in report.indicators)
    header = ("Indikator", str(report.year), str(report.year - 1), f"Riket {report.year}",
              *(("Källa",) if with_source else ()))
    rows = tuple(
        (line.name, *(indicator_value(value, line.unit)
                      for value in (line.this_year, line.last_year, line.national)),
         *((line.source or "–",) if with_source else ()))
        for line in report.indicators
    )
    return DataTable(caption=f"Indikatorer {report.year} jämfört med {report.year - 1} och riket",
                     header=header, rows=rows, numeric_columns=(1, 2, 3))


def document_title(report: ReportData) -> str:
    return f"{report.title} – {report.municipality}"


def subject(report: ReportData) -> str:
    """The promise by its own title, quoted (it may name the municipality and the years
    itself: "Medborgarlöfte 2024–2025 för Trelleborgs kommun"), then the parties."""
    return (f"Uppföljning av medborgarlöftet ”{report.promise_title}”, "
            f"{report.official_name} och lokalpolisområde {report.police_area}")


def author(report: ReportData) -> str:
    return f"Polisen och {report.official_name}"


def facts_lines(report: ReportData) -> tuple[str, ...]:
    """What, where, when and which version: the lines under the title in every output."""
    status = f"Status: {report.status_label}"
    if report.version_number:  # a live draft has no stored version yet
        status += f", version {report.version_number}"
    if report.published_on and not report.is_draft:
        status += f" · Publicerad {date_sv(report.published_on)}"
    return (f"Medborgarlöfte: {report.promise_title}",
            f"Kommun: {report.official_name} · Lokalpolisområde: {report.police_area} · "
            f"År: {report.year}",
            status)


def split_first(html: str) -> tuple[str, str]:
    """(the first block, the rest) of sanitized section HTML: the first block is kept on the
    page of the heading before it, so no heading ends a page alone."""
    for end in ("</p>", "</ul>", "</ol>", "</table>", "</blockquote>"):
        index = html.find(end)
        if index != -1 and not any(0 <= html.find(other) < index
                                   for other in ("</p>", "</ul>", "</ol>", "</table>",
                                                 "</blockquote>") if other != end):
            cut = index + len(end)
            return html[:cut], html[cut:]
    return html, ""


def render_document_html(report: ReportData) -> str:
    """The printable HTML document (needs an app context: it is a Jinja template)."""
    return render_template(
        "followups/document.html", report=report, text=Text, document_title=document_title(report),
        subject=subject(report), author=author(report), facts=facts_lines(report),
        indicator_table=indicator_table(report), charts=report_charts(report),
        split_first=split_first,
    )


def pdf_bytes(report: ReportData) -> bytes:
    """A tagged PDF/UA-1 with the title, language and description in its metadata."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    base_url = request.host_url if has_request_context() else None
    # The document holds no images or style sheets; nothing outside it is ever fetched.
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=render_document_html(report), base_url=base_url,
                url_fetcher=fetcher).write_pdf(pdf_variant="pdf/ua-1")


def filename(report: ReportData, ext: str) -> str:
    """uppfoljning-lidkoping-2023.pdf; drafts end in -utkast so a saved copy says what it is."""
    ascii_name = unicodedata.normalize("NFKD", report.municipality).encode("ascii", "ignore")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.decode().lower()).strip("-") or "kommun"
    suffix = "-utkast" if report.is_draft else ""
    return f"uppfoljning-{slug}-{report.year}{suffix}.{ext.lstrip('.')}"


# --- Word --------------------------------------------------------------------------------


def _cleaned(value):
    """The report with every string stripped of characters XML cannot hold (a note stored
    before input was cleaned): Word files are XML, and python-docx refuses them."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, tuple):
        return tuple(_cleaned(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: _cleaned(getattr(value, f.name))
                                             for f in dataclasses.fields(value)})
    return value


def docx_bytes(report: ReportData) -> bytes:
    """A Word file with real headings, lists, tables and the charts as images with alt text."""
    report = _cleaned(report)
    document = Document()
    _page_setup(document)
    _properties(document, report)
    writer = WordWriter(document)
    charts = report_charts(report)
    if report.is_draft:
        banner = document.add_paragraph(style="Intense Quote")
        run = banner.add_run(Text.DRAFT_BANNER)
        run.bold, run.font.color.rgb = True, DRAFT_RED
    document.add_paragraph(report.title, style="Title")
    document.add_paragraph().add_run("\n".join(facts_lines(report)))
    if report.correction_note:
        note = document.add_paragraph()
        note.add_run(f"{Text.CORRECTION}: ").bold = True
        note.add_run(report.correction_note)
    document.add_heading(Text.SUMMARY, level=1)
    writer.write_html(report.summary_html)
    _chart(document, writer, charts["summary"])
    for section in report.sections:
        if section.key == MONTHS_BEFORE and charts["months"]:
            document.add_heading(Text.MONTHS, level=1)
            _chart(document, writer, charts["months"])
        _section(document, writer, section, report, charts)
    document.add_heading(Text.APPROVALS, level=1)
    for approval in report.approvals:
        document.add_paragraph(approval, style="List Bullet")
    if not report.approvals:
        document.add_paragraph(Text.NOT_APPROVED)
    _page_numbers(document)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _page_setup(document) -> None:
    """A4 with 2 cm margins, the page every table's widths are fitted to."""
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)


def _properties(document, report: ReportData) -> None:
    props = document.core_properties
    props.title = document_title(report)
    props.subject = subject(report)
    props.author = author(report)
    props.language = LANGUAGE
    props.content_status = report.status_label
    props.keywords = f"medborgarlöfte, uppföljning, {report.municipality}, {report.year}"
    for lang in document.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang"):
        lang.set(qn("w:val"), LANGUAGE)  # spelling and screen readers read Swedish


def _section(document, writer: WordWriter, section: ReportSection, report: ReportData,
             charts: dict) -> None:
    document.add_heading(section.title, level=1)
    writer.write_html(section.html)
    if section.key == "lagesbild":
        if report.indicators:
            _data_table(writer, indicator_table(report))
        for chart in charts["trends"]:
            _chart(document, writer, chart)
    for commitment in section.commitments:
        _commitment(document, writer, commitment)
    for verdict in section.verdicts:
        document.add_heading(verdict.heading, level=2)
        _verdict(document, verdict)


def _commitment(document, writer: WordWriter, commitment: ReportCommitment) -> None:
    document.add_heading(commitment.heading, level=2)
    writer.write_html(commitment.html)
    _verdict(document, commitment.verdict)


def _verdict(document, verdict: ReportVerdict) -> None:
    """The verdict line in its own style ("Intense Quote"), apart from the text and notes."""
    line = document.add_paragraph(style="Intense Quote")
    line.add_run(f"{Text.VERDICT}: ").bold = True
    line.add_run(verdict.verdict_label).bold = True
    if verdict.overridden:
        line.add_run(f" {Text.OVERRIDDEN}")
    if verdict.reason:
        label = Text.MOTIVATION if verdict.motivation else Text.REASON
        line.add_run(f"\n{label}: {verdict.reason}")
    if verdict.basis:
        line.add_run(f"\n{Text.BASIS}: {verdict.basis}")


def _chart(document, writer: WordWriter, chart: Chart | None) -> None:
    """The chart as a picture with its description as alt text, then its table."""
    if chart is None:
        return
    run = document.add_paragraph().add_run()
    picture = run.add_picture(BytesIO(chart.png()), width=Cm(16 * chart.width / 720))
    # python-docx has no API for alt text (python-openxml/python-docx#1206): set wp:docPr.
    properties = picture._inline.docPr
    properties.set("title", chart.title)
    properties.set("descr", chart.description)
    _data_table(writer, chart.table)


def _data_table(writer: WordWriter, table: DataTable) -> None:
    writer.document.add_paragraph(table.caption, style="Caption")
    cells = [[[Inline(text)] for text in row] for row in (table.header, *table.rows)]
    writer.add_table(cells, header_rows=1, numeric_columns=table.numeric_columns)


def _page_numbers(document) -> None:
    """'Sida X av Y' in the footer, as Word fields so Word fills in the numbers (python-docx has
    no API for fields, python-openxml/python-docx#498)."""
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, field in ((f"{Text.PAGE} ", "PAGE"), (f" {Text.OF} ", "NUMPAGES")):
        paragraph.add_run(text)
        simple = OxmlElement("w:fldSimple")
        simple.set(qn("w:instr"), field)
        placeholder = OxmlElement("w:r")
        value = OxmlElement("w:t")
        value.text = "1"
        placeholder.append(value)
        simple.append(placeholder)
        paragraph._p.append(simple)
