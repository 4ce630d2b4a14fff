"""The text of an uploaded promise document: Word (.docx) through python-docx, PDF through
poppler's pdftotext. Anything else, or anything unreadable, is refused in Swedish."""
from __future__ import annotations

import contextlib
import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import docx  # python-docx, also used for the Word report
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from lxml import etree

from tracker.formatting import megabytes
from tracker.services import DomainError
from tracker.services.promises import pdf_tables
from tracker.services.promises.drafts import MAX_TEXT_CHARS
from tracker.services.promises.text_lines import EMPTY_CELL, is_table_header
from tracker.translation import gettext as _

EXTENSIONS = ("docx", "pdf")
MAX_UNPACKED_BYTES = 30 * 1024 * 1024  # a .docx is a zip: refuse a zip bomb before parsing
PDFTOTEXT_SECONDS = 20
PDFTOTEXT = "pdftotext"
MAX_PLACED_BYTES = MAX_TEXT_CHARS * 50  # pdftotext -bbox-layout writes ~30 bytes a character


def extension_of(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def text_of_upload(filename: str, content: bytes, max_bytes: int) -> tuple[str, str]:
    """(text, "docx" or "pdf"); DomainError for a wrong type, an empty, too large or unreadable
    file."""
    ext = extension_of(filename or "")
    if ext == "doc":
        raise DomainError(_("Äldre Word-filer (.doc) kan inte läsas. Spara filen som .docx "
                            "eller PDF, eller klistra in texten."), "file")
    if ext not in EXTENSIONS:
        raise DomainError(_("Välj en fil av typen .docx eller .pdf, eller klistra in texten."),
                          "file")
    if not content:
        raise DomainError(_("Filen är tom."), "file")
    if len(content) > max_bytes:
        raise DomainError(_("Filen är för stor. Den får vara högst %(mb)s MB.",
                            mb=megabytes(max_bytes)), "file")
    text = _docx_text(content) if ext == "docx" else _pdf_text(content)
    if not text.strip():
        raise DomainError(_("Filen innehåller ingen text som går att läsa (den kan vara "
                            "inskannad). Klistra in texten i stället."), "file")
    return text, ext


def _docx_text(content: bytes) -> str:
    bad = DomainError(_("Filen kunde inte läsas som ett Word-dokument (.docx). Spara den på "
                        "nytt i Word, som PDF, eller klistra in texten."), "file")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise bad from None
    if "word/document.xml" not in names or unpacked > MAX_UNPACKED_BYTES:
        raise bad
    try:
        document = docx.Document(io.BytesIO(content))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError):
        raise bad from None
    lines = []
    for block in document.iter_inner_content():  # tables where they stand in the text
        if isinstance(block, Table):
            lines.extend(_table_lines(block))
            continue
        text = block.text.strip()
        if text and _is_list_item(block) and not re.match(r"^(?:[•\-–]|\d{1,2}[.)])\s", text):
            text = f"• {text}"  # Word keeps the bullet in the numbering, not in the text
        lines.append(text)
    return "\n".join(lines)


def _table_lines(table: Table) -> list[str]:
    """A table of commitments (Aktivitet, Ansvarig, …) keeps its cells apart, as a table
    pasted from Word does; any other table (the signatures side by side) reads as "a, b"."""
    rows = [[cell.text.strip() for cell in row.cells] for row in table.rows]
    if rows and is_table_header(rows[0]):  # an empty cell as a dash, so the columns stay
        return ["\t".join(" ".join(cell.split()) or EMPTY_CELL for cell in row) for row in rows]
    return [", ".join(cell for cell in row if cell) for row in rows]


def _is_list_item(paragraph) -> bool:
    """Word's list styles ("List Bullet", "List Paragraph"): python-docx has no public accessor
    for a paragraph's own list numbering, so a list without a list style reads as plain lines."""
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    return "list" in style.lower()


def _pdf_text(content: bytes) -> str:
    bad = DomainError(_("PDF-filen kunde inte läsas. Kontrollera att det är en PDF med text, "
                        "eller klistra in texten."), "file")
    if not content.startswith(b"%PDF-"):
        raise bad
    program = shutil.which(PDFTOTEXT) or "/usr/bin/pdftotext"
    if not Path(program).exists():
        raise DomainError(_("PDF-filer kan inte läsas på den här servern. Ladda upp en "
                            ".docx-fil eller klistra in texten."), "file")
    with tempfile.TemporaryDirectory(prefix="lofte-") as directory:
        path = Path(directory) / "upload.pdf"
        path.write_bytes(content)
        # Every line with its place: tables are read as rows, bullets put back before items.
        # Past MAX_PLACED_BYTES (a text far longer than a promise may be) plain text is read,
        # which the reader refuses as too long without parsing the lines' places.
        placed = Path(directory) / "lines.html"
        _pdftotext(program, path, "-bbox-layout", bad, out=placed)
        text = None
        if placed.stat().st_size <= MAX_PLACED_BYTES:
            with contextlib.suppress(etree.XMLSyntaxError, ValueError):  # plain text below
                text = pdf_tables.text_of(placed.read_bytes())
        if text is None:
            text = _pdftotext(program, path, "", bad).decode("utf-8", errors="replace")
    # Lines wrapped at the page's margin are joined by the reader (text_lines.unwrapped).
    return text.replace("\f", "\n")


def _pdftotext(program: str, path: Path, option: str, bad: DomainError,
               out: Path | None = None) -> bytes:
    """The text on stdout (or in `out`); DomainError `bad` when pdftotext fails or runs long."""
    try:
        done = subprocess.run(
            [program, *([option] if option else []), "-enc", "UTF-8", "-nopgbrk", "-q",
             str(path), str(out or "-")],
            capture_output=True, timeout=PDFTOTEXT_SECONDS, check=False,
        )
    except subprocess.TimeoutExpired:
        raise bad from None
    if done.returncode != 0:
        raise bad
    return done.stdout
