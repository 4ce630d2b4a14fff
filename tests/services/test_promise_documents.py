"""The text of an uploaded promise: a real .docx (python-docx) and a real PDF (WeasyPrint, read
back with pdftotext), and every kind of bad file refused in Swedish."""
from __future__ import annotations

import io
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


def test_a_table_of_commitments_in_word_is_read_where_it_stands_a_commitment_a_row():
    document = docx.Document()
    document.add_heading("Medborgarlöfte 2026", level=1)
    document.add_heading("Trygg trafik", level=2)
    rows = [("Aktivitet", "Ansvarig", "Mål"),
            ("Hastighetskontroller vid skolor", "Polisen", "20 kontroller"),
            ("Skolvägsinventering", "Samhällsbyggnadsförvaltningen", ""),
            ("Föräldramöte om trafik", "Polisen och skolan", "Ett per termin")]
    table = document.add_table(rows=len(rows), cols=3)
    for row, cells in zip(table.rows, rows):
        for cell, value in zip(row.cells, cells):
            cell.text = value
    document.add_heading("Narkotika", level=2)
    document.add_paragraph("Polisen lovar att")
    document.add_paragraph("Göra riktade insatser mot langning.", style="List Bullet")
    out = io.BytesIO()
    document.save(out)

    text, _kind = text_of_upload("lofte.docx", out.getvalue(), LIMIT)
    draft = parse_promise_text(text)
    assert [(a.title, [(c.party, c.text) for c in a.commitments]) for a in draft.focus_areas] == [
        ("Trygg trafik", [
            ("polisen", "Hastighetskontroller vid skolor. Mål: 20 kontroller."),
            ("kommunen", "Skolvägsinventering."),
            ("tillsammans", "Föräldramöte om trafik. Mål: Ett per termin.")]),
        ("Narkotika", [("polisen", "Göra riktade insatser mot langning.")])]


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
