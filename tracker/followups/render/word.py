"""Sanitized section HTML → Word paragraphs, runs, lists, quotes and tables (python-docx).

The input is the output of `render.markdown.markdown_html`, a small known set of tags, so
the standard library's HTMLParser is enough. Headings move one level up (the section's h2 is
Word's Heading 1), ordered lists restart at 1, and tables get a repeated header row.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING, NamedTuple

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, RGBColor

if TYPE_CHECKING:
    from docx.text.paragraph import Paragraph

HEADING_STYLES = {"h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3"}
LINK_BLUE = RGBColor(0x0B, 0x4F, 0x8A)
CODE_FONT = "Courier New"


class Inline(NamedTuple):
    """A piece of text with its formatting, as a run (or a link) in Word."""
    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str | None = None


def add_inline(paragraph, piece: Inline) -> None:
    """Append one run to a paragraph; a link becomes a real, clickable Word hyperlink."""
    if not piece.href:
        _format(paragraph.add_run(piece.text), piece)
        return
    # python-docx cannot write a hyperlink (python-openxml/python-docx#74): built as w:hyperlink.
    rel_id = paragraph.part.relate_to(piece.href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    run = paragraph.add_run(piece.text)
    _format(run, piece)
    run.font.underline, run.font.color.rgb = True, LINK_BLUE
    link.append(run._r)  # moves the run from the paragraph into the link
    paragraph._p.append(link)


def _format(run, piece: Inline) -> None:
    run.bold = piece.bold or None
    run.italic = piece.italic or None
    if piece.code:
        run.font.name = CODE_FONT


class WordWriter:
    """Writes into one document; keeps what must be shared across sections (list numbering)."""

    def __init__(self, document):
        self.document = document

    def write_html(self, html: str) -> None:
        parser = _SectionParser(self)
        parser.feed(html)
        parser.close()

    def add_table(self, rows: list[list[list[Inline]]], *, header_rows: int,
                  numeric_columns: tuple[int, ...] = ()) -> None:
        """A 'Table Grid' table; header rows repeat on every page and are bold."""
        width = max((len(row) for row in rows), default=0)
        if not width:
            return
        table = self.document.add_table(rows=len(rows), cols=width)
        table.style = self.document.styles["Table Grid"]
        table.autofit = False
        widths = column_widths([["".join(piece.text for piece in cell) for cell in row]
                                for row in rows], width)
        for column, column_width in zip(table.columns, widths):
            column.width = column_width  # the grid: what LibreOffice lays a fixed table out by
        for row_index, (row, cells) in enumerate(zip(table.rows, rows)):
            is_header = row_index < header_rows
            if is_header:  # no API to repeat a header row (python-openxml/python-docx#322)
                row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
            for col_index, pieces in enumerate(cells):
                row.cells[col_index].width = widths[col_index]
                paragraph = row.cells[col_index].paragraphs[0]
                for piece in pieces:
                    add_inline(paragraph, piece._replace(bold=piece.bold or is_header))
                if col_index in numeric_columns:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    def restarted_numbering(self, style_name: str) -> int:
        """A new numbering instance of the style's list, starting again at 1."""
        numbering = self.document.part.numbering_part.element
        style_num = self.document.styles[style_name].element.pPr.numPr.numId.val
        abstract_id = numbering.num_having_numId(style_num).abstractNumId.val
        num = numbering.add_num(abstract_id)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return num.numId


TEXT_WIDTH_CM = 17.0   # A4 less 2 cm margins (export._page_setup)
CM_PER_CHARACTER = 0.24  # 11 pt text, bold in a header, in a substitute font too (DejaVu)
CELL_PADDING_CM = 0.5    # 0.19 cm on either side, and the borders


def column_widths(texts: list[list[str]], columns: int) -> list:
    """Widths that fit the content: every column at least as wide as its longest word (no
    "Drogförebygga/nde"), the rest of the page shared by how much text each column holds."""
    longest_word = [0] * columns
    longest_text = [0] * columns
    for row in texts:
        for index, text in enumerate(row[:columns]):
            longest_word[index] = max([longest_word[index], *map(len, text.split())])
            longest_text[index] = max(longest_text[index], len(text))
    minimum = [max(1.4, word * CM_PER_CHARACTER + CELL_PADDING_CM) for word in longest_word]
    spare = max(0.0, TEXT_WIDTH_CM - sum(minimum))
    wanted = [max(0.0, (text + 1) * CM_PER_CHARACTER - low)
              for text, low in zip(longest_text, minimum)]
    total_wanted = sum(wanted) or 1.0
    widths = [low + spare * min(1.0, want / total_wanted) if sum(wanted) > spare
              else low + want for low, want in zip(minimum, wanted)]
    scale = min(1.0, TEXT_WIDTH_CM / sum(widths))
    return [Cm(width * scale) for width in widths]


class _SectionParser(HTMLParser):
    """Streams tags into Word: block tags open paragraphs, inline tags set run formatting."""

    def __init__(self, writer: WordWriter):
        super().__init__(convert_charrefs=True)
        self.writer = writer
        self.paragraph: Paragraph | None = None
        self.fresh_item = False          # an <li> paragraph nothing has been written to yet
        self.bold = self.italic = self.code = self.quote = 0
        self.href: str | None = None
        self.lists: list[tuple[str, int | None]] = []  # ("ul"|"ol", numbering id)
        self.table: list[list[list[Inline]]] | None = None
        self.header_rows = 0
        self.in_head = self.in_cell = False

    # -- tags --------------------------------------------------------------------------

    def handle_starttag(self, tag, attrs):
        if tag in ("strong", "em", "code", "a", "br"):
            self._inline_start(tag, dict(attrs))
        elif self.table is not None:
            self._table_start(tag)
        elif tag in ("p", "li") or tag in HEADING_STYLES:
            self._open(tag)
        elif tag in ("ul", "ol"):
            self._close()
            style = self._list_style(tag, len(self.lists) + 1)
            self.lists.append((tag, self.writer.restarted_numbering(style) if tag == "ol"
                               else None))
        elif tag == "blockquote":
            self._close()
            self.quote += 1
        elif tag == "table":
            self._close()
            self.table, self.header_rows = [], 0

    def handle_endtag(self, tag):
        if tag in ("strong", "em", "code", "a"):
            self._inline_end(tag)
        elif tag == "table" and self.table is not None:
            self.writer.add_table(self.table, header_rows=self.header_rows)
            self.table = None
        elif self.table is not None:
            if tag == "thead":
                self.in_head = False
            elif tag in ("th", "td"):
                self.in_cell = False
        elif tag in ("p", "li") or tag in HEADING_STYLES:
            self._close()
        elif tag in ("ul", "ol") and self.lists:
            self._close()
            self.lists.pop()
        elif tag == "blockquote":
            self._close()
            self.quote = max(0, self.quote - 1)

    def handle_data(self, data):
        text = re.sub(r"\s+", " ", data)
        if self.table is not None:
            cell = self.table[-1][-1] if self.in_cell else None
            if cell is not None and (cell or text.strip()):
                cell.append(self._piece(text if cell else text.lstrip()))
            return
        if self.paragraph is None:
            if not text.strip():
                return
            self._open("p")
        assert self.paragraph is not None  # _open made it
        if not self.paragraph.text or self.paragraph.text.endswith("\n"):
            text = text.lstrip()  # no leading space at the start of a line
        if text:
            self.fresh_item = False
            add_inline(self.paragraph, self._piece(text))

    # -- inline formatting ---------------------------------------------------------------

    def _inline_start(self, tag, attrs):
        if tag == "br":
            if self.table is not None and self.in_cell:
                self.table[-1][-1].append(Inline("\n"))
            elif self.paragraph is not None:
                self.paragraph.add_run("\n")
        elif tag == "a":
            self.href = attrs.get("href") or None
        else:
            setattr(self, _FLAGS[tag], getattr(self, _FLAGS[tag]) + 1)

    def _inline_end(self, tag):
        if tag == "a":
            self.href = None
        else:
            setattr(self, _FLAGS[tag], max(0, getattr(self, _FLAGS[tag]) - 1))

    def _piece(self, text: str) -> Inline:
        return Inline(text, bool(self.bold), bool(self.italic), bool(self.code), self.href)

    # -- blocks --------------------------------------------------------------------------

    def _open(self, tag: str) -> None:
        if tag == "p" and self.fresh_item:
            return  # a loose list's <li><p>: the item's own paragraph takes the text
        self._close()
        depth = len(self.lists)
        if tag in HEADING_STYLES:
            style = HEADING_STYLES[tag]
        elif tag == "li" and depth:
            style = self._list_style(self.lists[-1][0], depth)
        elif depth:
            style = "List Continue" + (f" {min(depth, 3)}" if depth > 1 else "")
        else:
            style = "Quote" if self.quote else "Normal"
        self.paragraph = self.writer.document.add_paragraph(style=style)
        self.fresh_item = tag == "li"
        if tag == "li" and depth and self.lists[-1][1] is not None:
            num_pr = self.paragraph._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = 0
            num_pr.get_or_add_numId().val = self.lists[-1][1]

    def _close(self) -> None:
        self.paragraph = None
        self.fresh_item = False

    @staticmethod
    def _list_style(kind: str, depth: int) -> str:
        base = "List Number" if kind == "ol" else "List Bullet"
        return base + (f" {min(depth, 3)}" if depth > 1 else "")

    def _table_start(self, tag: str) -> None:
        if tag == "thead":
            self.in_head = True
        elif tag == "tr" and self.table is not None:
            self.table.append([])
            if self.in_head:
                self.header_rows += 1
        elif tag in ("th", "td") and self.table:
            self.table[-1].append([])
            self.in_cell = True


_FLAGS = {"strong": "bold", "em": "italic", "code": "code"}
