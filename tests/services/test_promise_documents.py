"""The text of an uploaded promise: a real .docx (python-docx) and a real PDF (WeasyPrint, read
back with pdftotext), and every kind of bad file refused in Swedish."""
from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest

from tracker.services import DomainError
from tracker.services.promises.documents import text_of_upload
from tracker.services.promises.from_text import parse_promise_text
from tracker.services.promises.text_lines import unwrapped

LIMIT = 1024 * 1024
TEXTS = Path(__file__).parent / "promise_texts"


@pytest.fixture(autouse=True)
def _context(app):
    with app.test_request_context():
        yield


def word_document() -> bytes:
    """A promise as a coordinator writes it in Word: headings, bullet lists, a signature table."""
    document = docx.Document()
    document.add_heading("Medborgarlöfte 2025–2026", level=1)
    document.add_heading("Problembild", level=2)
    document.add_paragraph("Många unga känner sig otrygga vid resecentrum på kvällarna.")
    document.add_heading("Fokusområde: Trygg kvällsmiljö", level=2)
    document.add_paragraph("Kommunen lovar att")
    document.add_paragraph("Anställa fältassistenter som arbetar fredag och lördag kväll.",
                           style="List Bullet")
    document.add_paragraph("Förbättra belysningen vid resecentrum.", style="List Bullet")
    document.add_paragraph("Polisen lovar att")
    document.add_paragraph("Patrullera vid resecentrum varje helg.", style="List Number")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Karin Nilsson"
    table.rows[0].cells[1].text = "kommunstyrelsens ordförande"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_word_document_keeps_headings_bullets_and_the_signature_table():
    text, kind = text_of_upload("Medborgarlöfte 2025.docx", word_document(), LIMIT)
    assert kind == "docx"
    draft = parse_promise_text(text)
    assert (draft.title, draft.start_year, draft.end_year) == (
        "Medborgarlöfte 2025–2026", 2025, 2026)
    assert draft.problem_picture == "Många unga känner sig otrygga vid resecentrum på kvällarna."
    assert [(a.title, [(c.party, c.text) for c in a.commitments]) for a in draft.focus_areas] == [
        ("Trygg kvällsmiljö", [
            ("kommunen", "Anställa fältassistenter som arbetar fredag och lördag kväll."),
            ("kommunen", "Förbättra belysningen vid resecentrum."),
            ("polisen", "Patrullera vid resecentrum varje helg."),
        ])]
    assert [(s.name, s.title) for s in draft.signatories] == [
        ("Karin Nilsson", "Kommunstyrelsens ordförande")]


def table_document() -> bytes:
    """A promise with its commitments in a table (Aktivitet, Ansvarig, Mål), as Word makes it."""
    document = docx.Document()
    document.add_heading("Medborgarlöfte 2026", level=1)
    document.add_heading("Trygg trafik", level=2)
    rows = [("Aktivitet", "Ansvarig", "Mål"),
            ("Hastighetskontroller vid skolor", "Polisen", "20 kontroller"),
            ("Skolvägsinventering", "Samhällsbyggnadsförvaltningen", ""),
            ("Föräldramöte om trafik", "Polisen och skolan", "Ett per termin")]
    table = document.add_table(rows=len(rows), cols=3)
    table.style = "Table Grid"
    for row, cells in zip(table.rows, rows):
        for cell, value in zip(row.cells, cells):
            cell.text = value
    document.add_heading("Narkotika", level=2)
    document.add_paragraph("Polisen lovar att")
    document.add_paragraph("Göra riktade insatser mot langning.", style="List Bullet")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


TABLE_PROMISE = [
    ("Trygg trafik", [
        ("polisen", "Hastighetskontroller vid skolor. Mål: 20 kontroller."),
        ("kommunen", "Skolvägsinventering."),
        ("tillsammans", "Föräldramöte om trafik. Mål: Ett per termin.")]),
    ("Narkotika", [("polisen", "Göra riktade insatser mot langning.")])]


def _areas(text: str) -> list:
    draft = parse_promise_text(text)
    return [(a.title, [(c.party, c.text) for c in a.commitments]) for a in draft.focus_areas]


def test_a_table_of_commitments_in_word_is_read_where_it_stands_a_commitment_a_row():
    text, _kind = text_of_upload("lofte.docx", table_document(), LIMIT)
    assert _areas(text) == TABLE_PROMISE


def test_the_same_table_saved_as_pdf_is_read_as_the_same_commitments(tmp_path):
    """Plain pdftotext gives a table a column at a time ("Polisen" far from its activity); the
    lines' places on the page give the rows back. The PDF is made by LibreOffice from the
    .docx above, as a coordinator's "Spara som PDF" would."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.fail("soffice is missing: install libreoffice-writer-nogui", pytrace=False)
    source = tmp_path / "lofte.docx"
    source.write_bytes(table_document())
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    text, kind = text_of_upload("lofte.pdf", (tmp_path / "lofte.pdf").read_bytes(), LIMIT)
    assert kind == "pdf"
    assert _areas(text) == TABLE_PROMISE


def test_a_web_page_table_in_a_pdf_keeps_wrapped_and_centred_cells_in_their_rows():
    """A table printed from a web page: cells centred in their row, long cells wrapped over
    lines, a cell hyphenated at its edge; the place and date after the table stay text."""
    from weasyprint import HTML

    rows = [("Genomföra trafikkontroller vid skolorna under terminsstarten varje höst och vår",
             "Polisen", "20 kontroller"),
            ("Trygghetsvandringar i centrum", "Kommunen och Polisen tillsammans med föreningar",
             "Minst fyra vandringar"),
            ("Föräldravandringar i samarbete med Polisen och fritidsgården", "Kommunen", "")]
    body = "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for a, b, c in rows)
    html = ("<html><body style='width:15cm;font-size:11pt'><h1>Medborgarlöfte Tibro 2025</h1>"
            "<h2>Fokusområde: Trygg skolväg</h2><table border=1 style='border-collapse:collapse'>"
            f"<tr><th>Aktivitet</th><th>Ansvarig</th><th>Mål</th></tr>{body}</table>"
            "<p>Tibro den 15 januari 2025</p><p>Karin Nilsson<br>kommunstyrelsens ordförande</p>"
            "</body></html>")
    text, _kind = text_of_upload("lofte.pdf", HTML(string=html).write_pdf(), LIMIT)
    draft = parse_promise_text(text)
    assert _areas(text) == [("Trygg skolväg", [
        ("polisen", "Genomföra trafikkontroller vid skolorna under terminsstarten varje höst "
                    "och vår. Mål: 20 kontroller."),
        ("tillsammans", "Trygghetsvandringar i centrum. Mål: Minst fyra vandringar."),
        ("kommunen", "Föräldravandringar i samarbete med Polisen och fritidsgården."),
    ])]
    assert draft.focus_areas[0].commitments[1].target_count == 4
    assert [(s.name, s.title) for s in draft.signatories] == [
        ("Karin Nilsson", "Kommunstyrelsens ordförande")]


def test_a_pdf_is_read_with_pdftotext_and_its_wrapped_lines_joined():
    from weasyprint import HTML

    text = (TEXTS / "vanersborg_kolon_streck.txt").read_text(encoding="utf-8")
    body = "".join(
        f"<li>{line[2:]}</li>" if line.startswith("- ") else f"<p>{line}</p>"
        for line in text.splitlines() if line.strip())
    html = f"<html><body style='width:9cm;font-size:11pt'>{body}</body></html>"
    pdf = HTML(string=html).write_pdf()
    extracted, kind = text_of_upload("lofte.pdf", pdf, LIMIT)
    assert kind == "pdf"
    draft = parse_promise_text(extracted)
    assert (draft.start_year, draft.end_year) == (2024, 2025)
    assert [a.title for a in draft.focus_areas] == ["Trygg stadskärna", "Narkotika bland unga"]
    assert [(c.party, c.text) for c in draft.focus_areas[0].commitments] == [
        ("kommunen", "Förbättra belysningen i Skräcklebyparken."),
        ("kommunen", "Genomföra två trygghetsvandringar per år i centrum."),
        ("polisen", "Öka den synliga närvaron i centrum fredag och lördag kväll."),
        ("tillsammans", "Ta fram en gemensam lägesbild varje vecka enligt EST."),
    ]
    assert [s.name for s in draft.signatories] == ["Anna Lindqvist", "Peter Holm"]


def test_wrapped_pdf_lines_are_joined_but_bullets_and_headings_stay_apart():
    wrapped = "Polisen ska patrullera vid\nskolorna varje vecka.\n• Nästa\nRubrik"
    assert unwrapped(wrapped.split("\n")) == [
        "Polisen ska patrullera vid skolorna varje vecka.", "• Nästa", "Rubrik"]


def _zip(names: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("filename, content, message", [
    ("lofte.doc", b"\xd0\xcf\x11\xe0 old word", "Äldre Word-filer (.doc)"),
    ("lofte.txt", "Medborgarlöfte 2025".encode(), "Välj en fil av typen .docx eller .pdf"),
    ("lofte", "Medborgarlöfte 2025".encode(), "Välj en fil av typen .docx eller .pdf"),
    ("lofte.docx", b"", "Filen är tom"),
    ("lofte.docx", b"x" * (LIMIT + 1), "Filen är för stor. Den får vara högst 1 MB"),
    ("lofte.docx", b"not a zip at all", "kunde inte läsas som ett Word-dokument"),
    ("lofte.docx", _zip({"hello.txt": b"hi"}), "kunde inte läsas som ett Word-dokument"),
    ("lofte.docx", _zip({"[Content_Types].xml": b"<bad", "word/document.xml": b"<w:document"}),
     "kunde inte läsas som ett Word-dokument"),
    ("lofte.pdf", b"GIF89a not a pdf", "PDF-filen kunde inte läsas"),
    ("lofte.pdf", b"%PDF-1.7\n garbage without objects", "PDF-filen kunde inte läsas"),
])
def test_a_bad_file_is_refused_with_a_swedish_message(filename, content, message):
    with pytest.raises(DomainError) as refused:
        text_of_upload(filename, content, LIMIT)
    assert message in refused.value.message
    assert refused.value.field == "file"


def test_a_pdf_without_text_is_refused_as_probably_scanned():
    from weasyprint import HTML

    pdf = HTML(string="<html><body><div style='height:3cm;background:#000'></div>"
                      "</body></html>").write_pdf()
    with pytest.raises(DomainError, match="ingen text som går att läsa"):
        text_of_upload("skannad.pdf", pdf, LIMIT)


def test_a_table_going_on_over_pages_keeps_every_row():
    """A long table breaks over pages without its header again, under a running page header."""
    from weasyprint import HTML

    rows = "".join(f"<tr><td>Trafikkontroll {i} vid skolan</td><td>Polisen</td>"
                   f"<td>{i} kontroller</td></tr>" for i in range(1, 91))
    html = ("<html><head><style>@page { @top-left { content: 'Medborgarlöfte Tibro' } }"
            "td, th { padding: 3pt 8pt }</style></head><body><h1>Medborgarlöfte 2026</h1>"
            "<h2>Trygg trafik</h2><table style='border-spacing:0'><tr><th>Aktivitet</th>"
            f"<th>Ansvarig</th><th>Mål</th></tr>{rows}</table></body></html>")
    pdf = HTML(string=html).write_pdf()
    text, _kind = text_of_upload("lofte.pdf", pdf, LIMIT)
    [(title, commitments)] = _areas(text)
    assert title == "Trygg trafik"
    assert commitments == [("polisen", f"Trafikkontroll {i} vid skolan. Mål: {i} kontroller.")
                           for i in range(1, 91)]


def test_two_tables_on_one_page_each_under_its_focus_area():
    from weasyprint import HTML

    def table(rows):
        body = "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in rows)
        return ("<table style='border-spacing:0'><tr><th>Insats</th><th>Vem</th></tr>"
                f"{body}</table>")

    html = ("<html><head><style>td, th { padding: 3pt 8pt; vertical-align: top }</style></head>"
            "<body><h1>Medborgarlöfte 2026–2027</h1><h2>Fokusområde 1: Trygg stadskärna</h2>"
            + table([("Fler kameror vid torget", "Kommunen"),
                     ("Helgpatruller kvällstid, fredag och lördag, i centrum och vid resecentrum",
                      "Polisen")])
            + "<p>Insatserna följs upp varje kvartal i samverkansgruppen.</p>"
            "<h2>Fokusområde 2: Unga och narkotika</h2>"
            + table([("Föräldramöten om narkotika", "Polisen och skolan")]) + "</body></html>")
    text, _kind = text_of_upload("lofte.pdf", HTML(string=html).write_pdf(), LIMIT)
    assert _areas(text) == [
        ("Trygg stadskärna", [
            ("kommunen", "Fler kameror vid torget."),
            ("polisen", "Helgpatruller kvällstid, fredag och lördag, i centrum och vid "
                        "resecentrum.")]),
        ("Unga och narkotika", [("tillsammans", "Föräldramöten om narkotika.")])]
    assert "Insatserna följs upp varje kvartal" in text


def test_a_pdf_whose_lines_and_places_run_past_the_limit_is_read_as_plain_text(monkeypatch):
    """Past the size a promise's text could have, the lines' places are not parsed: the plain
    text is read instead (and a text that long is refused by the reader, in Swedish)."""
    from weasyprint import HTML

    from tracker.services.promises import documents

    html = ("<html><body><h2>Trygg trafik</h2><table><style>td, th { padding: 2pt 8pt }</style>"
            "<tr><th>Aktivitet</th><th>Ansvarig</th>"
            "</tr><tr><td>Hastighetskontroller</td><td>Polisen</td></tr></table></body></html>")
    pdf = HTML(string=html).write_pdf()
    assert "Hastighetskontroller\tPolisen" in text_of_upload("lofte.pdf", pdf, LIMIT)[0]
    monkeypatch.setattr(documents, "MAX_PLACED_BYTES", 1000)
    text, _kind = text_of_upload("lofte.pdf", pdf, LIMIT)
    assert "\t" not in text and "Hastighetskontroller" in text and "Polisen" in text


def test_signatures_at_the_top_of_the_page_after_a_table_are_not_its_rows():
    """A table fills its page; the next begins with the place and date and the signatures side
    by side. They are no commitments: a table goes on over a page only with a whole row."""
    from weasyprint import HTML

    rows = "".join(f"<tr><td>Trafikkontroll {i}</td><td>Polisen</td></tr>" for i in range(1, 31))
    html = ("<html><head><style>td, th { padding: 3pt 8pt } @page { size: A5 }</style></head>"
            "<body><h1>Medborgarlöfte 2026</h1><h2>Trygg trafik</h2><table style='border-spacing:0'>"
            f"<tr><th>Aktivitet</th><th>Ansvarig</th></tr>{rows}</table>"
            "<p style='break-before: page'>Tibro den 15 januari 2025</p>"
            "<table style='border-spacing:0'><tr><td>Karin Nilsson</td><td>Johan Ek</td></tr>"
            "<tr><td>Kommunstyrelsens ordförande</td><td>Lokalpolisområdeschef</td></tr></table>"
            "</body></html>")
    text, _kind = text_of_upload("lofte.pdf", HTML(string=html).write_pdf(), LIMIT)
    [(title, commitments)] = _areas(text)
    assert commitments == [("polisen", f"Trafikkontroll {i}.") for i in range(1, 31)]
    assert "Karin Nilsson" in text and "Johan Ek" in text
