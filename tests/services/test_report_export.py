"""Exports of the yearly follow-up: a tagged Swedish PDF, a Word file and the month chart.

Each output is rendered once per module and read back the way a reader's tools would:
pdftotext/pdfinfo (poppler-utils) for the PDF, python-docx for the Word file, an XML parser
for the SVG.
"""
from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
import zlib
from datetime import date
from io import BytesIO

import docx
import pytest
from docx.oxml.ns import qn

from tracker.followups.render import export as report_export
from tracker.followups.render.charts import months_chart, months_chart_svg, months_table
from tracker.followups.report import (
    IndicatorLine,
    MonthSeries,
    ReportCommitment,
    ReportData,
    ReportSection,
    ReportVerdict,
    TrendSeries,
    VerdictCount,
)

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script> & Centrum"
PROMISE_POLICE = ("Polisen ska genomföra narkotikasök med hund på kommunens högstadieskolor "
                  "minst åtta gånger under året.")
PROMISE_TOGETHER = ("Vi ska tillsammans genomföra en trygghetsvandring i Östra staden med "
                    "boende, fastighetsägare och föreningar.")
CORRECTION = "Antalet skolbesök var fel i version 1; rätt antal är 48."
INTRODUCTION = """Lidköping har tecknat ett **tvåårigt** medborgarlöfte för *2022 och 2023*.

## Så togs löftet fram

Löftet bygger på:

1. medborgardialoger
2. polisens medarbetarenkät

Läs [överenskommelsen](https://lidkoping.se/medborgarlofte)."""
SITUATION = """| Plats | Anmälningar | Andel otrygga |
|---|---|---|
| Centrum | 1 234 | 12,5 % |
| Östra staden | 87 | 9,8 % |"""
DRUGS = "Förebygga och förhindra missbruk hos unga."
DRUGS_DONE = """Polisen har genomfört 6 narkotikasök med hund.

- skolbesök i åk 7
- orossamtal med vårdnadshavare"""
PARTLY = ReportVerdict("Polisen lovar", PROMISE_POLICE, "Delvis uppfyllt",
                       "6 av 8 planerade tillfällen har genomförts under 2023.",
                       reason="Resursbrist – hundföraren var sjukskriven i två månader.",
                       verdict="delvis_uppfyllt")
FULFILLED = ReportVerdict("Tillsammans lovar vi", PROMISE_TOGETHER, "Uppfyllt",
                          "Vandringen genomfördes i oktober.", overridden=True,
                          verdict="uppfyllt")

PUBLISHED = ReportData(
    title="Uppföljning medborgarlöfte 2023", municipality="Lidköping",
    official_name="Lidköpings kommun",
    police_area="Västra Skaraborg", promise_title="Tryggare Lidköping 2022–2023", year=2023,
    is_draft=False, version_number=2, published_on=date(2024, 3, 12), correction_note=CORRECTION,
    sections=(
        ReportSection("inledning", "Inledning", INTRODUCTION),
        ReportSection("lagesbild", "Lägesbild", SITUATION),
        ReportSection("fokus-1", "Drogförebyggande arbete", DRUGS, commitments=(
            ReportCommitment("lofte-1", "Polisen lovar", PROMISE_POLICE, DRUGS_DONE, PARTLY),
            ReportCommitment("lofte-2", "Tillsammans lovar vi", PROMISE_TOGETHER,
                             "Kommunen har genomfört 1 trygghetsvandring.", FULFILLED),
        )),
        ReportSection("fokus-2", HOSTILE, "Trygghetsvandringar i centrum.\n\n1. första\n2. andra"),
        ReportSection("effekt", "Syns det någon effekt på brott och trygghet?",
                      "En förändring under ett enda år säger lite."),
    ),
    indicators=(
        IndicatorLine("Anmälda brott", "st", 1234, 1180, None, "Polisen"),
        IndicatorLine("Andel som känner sig otrygga", "procent", 12.5, 14.0, 16.1, "NTU"),
    ),
    months=(
        MonthSeries("Drogförebyggande arbete", (0, 2, 3, 1, 0, 4, 0, 0, 5, 2, 1, 0)),
        MonthSeries(HOSTILE, (1, 0, 0, 2, 3, 0, 0, 1, 0, 0, 0, 0)),
    ),
    summary=(VerdictCount("uppfyllt", "Uppfyllt", 1),
             VerdictCount("delvis_uppfyllt", "Delvis uppfyllt", 1)),
    summary_markdown="Uppföljningen gäller 2 löften för 2023.",
    trends=(TrendSeries("Andel som känner sig otrygga", "procent",
                        ((2021, 15.0), (2022, 14.0), (2023, 12.5))),),
    approvals=("Godkänd av Polisen: Anna Berg, 3 mars 2024",
               "Godkänd av kommunen: Per Ek, 5 mars 2024"),
)
DRAFT = dataclasses.replace(PUBLISHED, is_draft=True, published_on=None, approvals=())
SECTION_TITLES = [section.title for section in PUBLISHED.sections]
MONTHS_TITLE = "Genomförda tillfällen per månad"


def _tool(name: str) -> str:
    """Poppler is required, not optional: a missing tool fails the run instead of skipping."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: install poppler-utils (apt-get install poppler-utils)",
                    pytrace=False)
    return path


def _poppler(name: str, pdf: bytes, *args: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        output = ["-"] if name == "pdftotext" else []
        result = subprocess.run([_tool(name), *args, file.name, *output],
                                capture_output=True, check=True)
    return result.stdout.decode()


def _flat(text: str) -> str:
    """Line breaks and non-breaking spaces as single spaces, the way a reader sees the words."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def _catalog_objects(pdf: bytes) -> bytes:
    """The PDF's objects, with the compressed object streams inflated."""
    chunks = [pdf]
    for match in re.finditer(rb"<<(.*?)>>\s*stream\r?\n", pdf, re.S):
        if b"/ObjStm" in match.group(1):
            chunks.append(zlib.decompressobj().decompress(pdf[match.end():]))
    return b"\n".join(chunks)


def _render(app, function, report):
    with app.test_request_context():
        return function(report)


@pytest.fixture(scope="module")
def published_pdf(app) -> bytes:
    return _render(app, report_export.pdf_bytes, PUBLISHED)


@pytest.fixture(scope="module")
def published_text(published_pdf) -> str:
    return _flat(_poppler("pdftotext", published_pdf, "-enc", "UTF-8"))


@pytest.fixture(scope="module")
def draft_text(app) -> str:
    return _flat(_poppler("pdftotext", _render(app, report_export.pdf_bytes, DRAFT),
                          "-enc", "UTF-8"))


@pytest.fixture(scope="module")
def published_docx(app):
    return docx.Document(BytesIO(_render(app, report_export.docx_bytes, PUBLISHED)))


@pytest.fixture(scope="module")
def draft_docx(app):
    return docx.Document(BytesIO(_render(app, report_export.docx_bytes, DRAFT)))


# --- PDF -----------------------------------------------------------------------------------


def test_pdf_reads_as_the_report_with_swedish_numbers(published_text):
    for expected in [PUBLISHED.title, *SECTION_TITLES, "Sammanfattning", "Godkännande",
                     f"Polisen lovar: {PROMISE_POLICE}", PROMISE_TOGETHER,
                     "Bedömning: Uppfyllt (ändrad bedömning)", "Bedömning: Delvis uppfyllt",
                     "Orsak: Resursbrist – hundföraren var sjukskriven i två månader.",
                     "Underlag: 6 av 8 planerade tillfällen har genomförts under 2023.",
                     "Kommun: Lidköpings kommun", "Andel som känner sig otrygga 2021 15 %",
                     "1 234 st", "1 180 st", "12,5 %", "16,1 %", "Så togs löftet fram",
                     "Godkänd av kommunen: Per Ek, 5 mars 2024", "Publicerad 12 mars 2024",
                     "Genomförda tillfällen per månad och fokusområde 2023"]:
        assert expected in published_text, expected
    assert f"Rättelse: {CORRECTION}" in published_text
    assert re.search(r"Sida 1 av [2-9]", published_text)


def test_pdf_shows_a_hostile_title_as_text(published_text):
    assert HOSTILE in published_text


def test_only_the_draft_pdf_says_utkast(published_text, draft_text):
    assert "UTKAST – inte godkänd eller publicerad" in draft_text
    assert "Status: Utkast" in draft_text
    assert "utkast" not in published_text.lower()


def test_pdf_is_tagged_in_swedish_with_its_title(published_pdf):
    objects = _catalog_objects(published_pdf)
    catalog = re.search(rb"<</Type /Catalog.*?>>\n", objects, re.S)
    assert catalog, "no document catalog found"
    assert re.search(rb"/MarkInfo\s*<<\s*/Marked true", catalog.group(0))
    assert b"/StructTreeRoot" in catalog.group(0)
    assert b"/Lang (sv)" in catalog.group(0)
    chart_title = "Genomförda tillfällen per månad och fokusområde 2023"
    chart_alt = "<feff" + chart_title.encode("utf-16-be").hex()
    assert chart_alt.encode() in objects, "the chart figure has no alternative text"
    info = _poppler("pdfinfo", published_pdf)
    assert re.search(r"^Title:\s+Uppföljning medborgarlöfte 2023 – Lidköping$", info, re.M)
    assert re.search(r"^Tagged:\s+yes$", info, re.M)


def test_pdf_structure_has_nested_headings_and_tables(published_pdf):
    tags = re.findall(r"^\s*(\w+)", _poppler("pdfinfo", published_pdf, "-struct"), re.M)
    headings = [int(tag[1]) for tag in tags if re.fullmatch(r"H[1-6]", tag)]
    assert headings[0] == 1 and headings.count(1) == 1
    assert all(later <= earlier + 1 for earlier, later in zip(headings, headings[1:]))
    assert {"Table", "TH", "TD", "Figure", "L"} <= set(tags)


def _heading_texts(structure: str, tag: str) -> list[str]:
    """The text under each `tag` element of `pdfinfo -struct-text`, spans joined."""
    found, current, depth = [], None, None
    for line in structure.splitlines():
        indent = len(line) - len(line.lstrip())
        if current is not None and indent <= depth:
            found.append("".join(current))
            current = None
        if line.strip().startswith(f"{tag} "):
            current, depth = [], indent
        elif current is not None and line.strip().startswith('"'):
            current.append(line.strip().strip('"'))
    if current is not None:
        found.append("".join(current))
    return found


def test_pdf_commitments_are_h3_in_the_structure_tree(published_pdf):
    def bare(text: str) -> str:  # a line break inside a heading drops its space
        return re.sub(r"\s", "", text)

    h3 = [bare(text) for text in
          _heading_texts(_poppler("pdfinfo", published_pdf, "-struct-text"), "H3")]
    assert bare(f"Polisen lovar: {PROMISE_POLICE}") in h3
    assert bare(f"Tillsammans lovar vi: {PROMISE_TOGETHER}") in h3


def test_document_html_escapes_user_text_and_labels_tables(app):
    html = _render(app, report_export.render_document_html, PUBLISHED)
    assert '<html lang="sv">' in html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Centrum" in html
    assert '<th scope="col">' in html and '<th scope="row">' in html
    # a chart's title stands above it, kept with it: a chart never opens a page untitled
    assert re.search(r'<div class="figure-block">\s*<h3>Bedömning av åtagandena 2023</h3>\s*'
                     r'<figure class="chart">', html)


# --- DOCX ----------------------------------------------------------------------------------


def _styled(document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


def _table_with_header(document, first_cell: str):
    return next(t for t in document.tables if t.rows[0].cells[0].text == first_cell)


def test_docx_uses_word_heading_styles(published_docx):
    assert _styled(published_docx, "Title") == [PUBLISHED.title]
    assert _styled(published_docx, "Heading 1") == [
        "Sammanfattning", *SECTION_TITLES[:-1], MONTHS_TITLE, SECTION_TITLES[-1], "Godkännande"]
    headings = [(p.style.name, p.text) for p in published_docx.paragraphs
                if p.style.name.startswith("Heading")]
    assert headings[:3] == [
        ("Heading 1", "Sammanfattning"), ("Heading 1", "Inledning"),
        ("Heading 2", "Så togs löftet fram")]


def test_docx_commitments_are_headings_and_verdicts_have_their_own_style(published_docx):
    assert _styled(published_docx, "Heading 2")[-2:] == [
        f"Polisen lovar: {PROMISE_POLICE}", f"Tillsammans lovar vi: {PROMISE_TOGETHER}"]
    verdicts = _styled(published_docx, "Intense Quote")
    assert verdicts[0].startswith("Bedömning: Delvis uppfyllt\nOrsak: Resursbrist")
    assert "Bedömning: Uppfyllt (ändrad bedömning)" in verdicts[1]
    assert not _styled(published_docx, "Quote")  # nothing falls into a quote any more


def test_docx_charts_are_pictures_with_alt_text(published_docx):
    shapes = published_docx.inline_shapes
    assert len(shapes) == 3  # the verdicts, the months and the indicator trend
    descriptions = [shape._inline.docPr.get("descr") for shape in shapes]
    assert descriptions[0].startswith("Stapeldiagram över antal åtaganden per bedömning")
    assert all(descriptions)
    blobs = [rel.target_part.blob for rel in published_docx.part.rels.values()
             if "image" in rel.reltype]
    assert all(blob.startswith(b"\x89PNG") for blob in blobs) and len(blobs) == 3


def test_docx_columns_fit_their_longest_word(published_docx):
    from docx.shared import Cm

    table = _table_with_header(published_docx, "Månad")
    header = table.rows[0].cells
    for cell in header:
        longest = max(map(len, cell.text.split()))
        assert cell.width >= Cm(longest * 0.2), cell.text
    assert sum(cell.width for cell in header) <= Cm(17.01)
    # the table's grid says the same widths (LibreOffice lays a fixed table out by its grid)
    assert [column.width for column in table.columns] == [cell.width for cell in header]


def test_docx_converts_markdown_formatting_lists_and_links(published_docx):
    runs = [run for p in published_docx.paragraphs for run in p.runs]
    assert any(run.bold and run.text == "tvåårigt" for run in runs)
    assert any(run.italic and run.text == "2022 och 2023" for run in runs)
    assert _styled(published_docx, "List Bullet")[:2] == ["skolbesök i åk 7",
                                                          "orossamtal med vårdnadshavare"]
    numbered = [p for p in published_docx.paragraphs if p.style.name == "List Number"]
    assert [p.text for p in numbered] == ["medborgardialoger", "polisens medarbetarenkät",
                                          "första", "andra"]
    first_list, second_list = (p._p.pPr.numPr.numId.val for p in (numbered[0], numbered[2]))
    assert first_list != second_list, "the second numbered list continues the first one"
    numbering = published_docx.part.numbering_part.element
    restart = numbering.num_having_numId(second_list).xpath("w:lvlOverride/w:startOverride")
    assert restart and restart[0].get(qn("w:val")) == "1"
    links = [rel.target_ref for rel in published_docx.part.rels.values() if rel.is_external]
    assert "https://lidkoping.se/medborgarlofte" in links


def test_docx_markdown_table_is_a_word_table_with_header_row(published_docx):
    table = _table_with_header(published_docx, "Plats")
    assert table.style.name == "Table Grid"
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["Plats", "Anmälningar", "Andel otrygga"], ["Centrum", "1 234", "12,5 %"],
        ["Östra staden", "87", "9,8 %"]]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_docx_indicator_and_month_tables_hold_swedish_numbers(published_docx):
    rows = [[cell.text for cell in row.cells]
            for row in _table_with_header(published_docx, "Indikator").rows]
    assert rows == [
        ["Indikator", "2023", "2022", "Riket 2023", "Källa"],
        ["Anmälda brott", "1\u00a0234 st", "1\u00a0180 st", "–", "Polisen"],
        ["Andel som känner sig otrygga", "12,5\u00a0%", "14\u00a0%", "16,1\u00a0%", "NTU"],
    ]
    months = [[cell.text for cell in row.cells]
              for row in _table_with_header(published_docx, "Månad").rows]
    assert months[0] == ["Månad", "Drogförebyggande arbete", HOSTILE, "Totalt"]
    assert months[9] == ["September", "5", "0", "5"]
    assert months[-1] == ["Hela året", "18", "7", "25"]


def test_docx_metadata_is_swedish_with_the_title(published_docx, draft_docx):
    props = published_docx.core_properties
    assert props.title == "Uppföljning medborgarlöfte 2023 – Lidköping"
    assert props.subject == ("Uppföljning av medborgarlöftet ”Tryggare Lidköping 2022–2023”, "
                             "Lidköpings kommun och lokalpolisområde Västra Skaraborg")
    assert props.language.startswith("sv")
    assert (props.content_status, draft_docx.core_properties.content_status) == (
        "Publicerad", "Utkast")
    default_lang = published_docx.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang")
    assert default_lang[0].get(qn("w:val")) == "sv-SE"


def test_docx_marks_drafts_and_corrections(published_docx, draft_docx):
    assert draft_docx.paragraphs[0].text == "UTKAST – inte godkänd eller publicerad"
    assert not any("utkast" in p.text.lower() for p in published_docx.paragraphs)
    assert f"Rättelse: {CORRECTION}" in [p.text for p in published_docx.paragraphs]
    assert "Uppföljningen är ännu inte godkänd av parterna." in [
        p.text for p in draft_docx.paragraphs]


# --- chart, table and file names -------------------------------------------------------------


def test_chart_is_accessible_svg_with_a_bar_per_month_and_series():
    markup = str(months_chart_svg(PUBLISHED.months, title="Loggade tillfällen 2023"))
    assert not re.search(r"<script|style=|href=|url\((?!#)", markup), "blocked by a strict CSP"
    root = ET.fromstring(markup)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Loggade tillfällen 2023"
    for ref in root.get("aria-labelledby").split():
        assert root.find(f".//*[@id='{ref}']") is not None
    assert "flest i september (5)" in root.find(f"{SVG}desc").text
    months = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "manad"]
    assert months == ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt",
                      "nov", "dec"]
    series = [g for g in root.iter(f"{SVG}g") if g.get("class") == "serie"]
    assert [len(g.findall(f"{SVG}rect")) for g in series] == [12, 12]
    legend = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "forklaring"]
    assert legend == ["Drogförebyggande arbete", HOSTILE]


def test_the_charts_picture_has_its_value_axis_title_beside_the_axis():
    """The Word file's PNG chart names its value axis as the SVG does ("Antal tillfällen",
    upright along the axis), so a printed chart says what its numbers count."""
    from PIL import Image

    from tracker.followups.render.charts import LEFT, PNG_SCALE, TOP

    chart = months_chart(PUBLISHED)
    image = Image.open(BytesIO(chart.png())).convert("L")
    strip = image.crop((0, TOP * PNG_SCALE, (LEFT - 32) * PNG_SCALE,
                        (TOP + chart.plot_height) * PNG_SCALE))
    dark = [(x, y) for x in range(strip.width) for y in range(strip.height)
            if strip.getpixel((x, y)) < 128]
    assert dark, "no axis title left of the tick labels"
    height = max(y for _x, y in dark) - min(y for _x, y in dark)
    width = max(x for x, _y in dark) - min(x for x, _y in dark)
    assert height > 3 * width  # written along the axis, not across it


def test_chart_without_logged_occasions_still_says_so():
    root = ET.fromstring(str(months_chart_svg((), title="Inga data")))
    assert root.find(f"{SVG}desc").text == (
        "Inga genomförda tillfällen har registrerats under året.")


def test_month_table_matches_the_chart_data():
    table = months_table(PUBLISHED.months)
    assert table.header == ("Månad", "Drogförebyggande arbete", HOSTILE, "Totalt")
    assert [row[0] for row in table.rows][:3] == ["Januari", "Februari", "Mars"]
    assert len(table.rows) == 13 and table.rows[-1] == ("Hela året", "18", "7", "25")


def test_file_names_are_ascii_and_mark_drafts():
    assert report_export.filename(PUBLISHED, "pdf") == "uppfoljning-lidkoping-2023.pdf"
    assert report_export.filename(DRAFT, "docx") == "uppfoljning-lidkoping-2023-utkast.docx"
    vasby = dataclasses.replace(PUBLISHED, municipality="Upplands Väsby")
    assert report_export.filename(vasby, ".pdf") == "uppfoljning-upplands-vasby-2023.pdf"


def test_docx_of_a_note_with_every_control_character_opens(app):
    controls = "".join(chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), 127,
                                        *range(0x80, 0xA0)))
    noisy = dataclasses.replace(PUBLISHED, sections=(
        ReportSection("fokus-1", "Drogförebyggande", f"Anteckning{controls}slut", commitments=(
            ReportCommitment("lofte-1", "Polisen lovar", PROMISE_POLICE,
                             f"Genomfört{controls}.", PARTLY),)),))
    document = docx.Document(BytesIO(_render(app, report_export.docx_bytes, noisy)))
    text = " ".join(p.text for p in document.paragraphs)
    assert "Anteckningslut" in text and "Genomfört." in text


def test_pdf_keeps_every_table_and_caption_inside_the_page_margins(app):
    """A trend named by a long survey question ran past the right margin, cutting its
    figures ("19," for 19,6); its heading now wraps above the numbers."""
    question = ("Andel som känner oro för att röra sig utomhus i sitt område under dygnets "
                "mörka timmar")
    report = dataclasses.replace(PUBLISHED, trends=(
        TrendSeries(question, "procent", ((2024, 20.0), (2025, 19.6))),))
    pdf = _render(app, report_export.pdf_bytes, report)
    boxes = _poppler("pdftotext", pdf, "-bbox", "-enc", "UTF-8")
    a4_width, right_margin = 595.28, 20 / 25.4 * 72  # points; the document's @page
    words = re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">'
                       r'([^<]*)</word>', boxes)
    assert words
    outside = [word for x_max, word in words if float(x_max) > a4_width - right_margin + 1]
    assert outside == []
    assert "19,6" in _flat(_poppler("pdftotext", pdf, "-enc", "UTF-8"))
