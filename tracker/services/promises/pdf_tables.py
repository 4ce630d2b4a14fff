"""A commitments table inside a PDF, read back into rows.

Plain pdftotext gives a table's cells one under another, a column at a time, so a row's "what"
and "who" end up apart. `pdftotext -bbox-layout` gives every line with its place on the page;
from it a table whose header names what is done and who does it (`is_table_header`) is read as
rows, cells apart by tabs as in a table pasted from Word, where it stands in the text. The rest
of the page reads as plain pdftotext reads it: the lines in their order, a blank line between
the page's flows of text.

The rows follow the column of what is done: a line there that starts in upper case after a line
that ended (not on a comma or a word such as "och", "vid") starts a row. A cell in another column
belongs to the row it starts beside (cells aligned at the top, as Word and LibreOffice lay them
out) or, when cells are centred in their rows (a web page printed to PDF), to the row whose
middle is nearest its own. A row with nothing beside its "what" cell goes on in the row above;
at the end of the table it is text after the table (a place and date, a closing sentence). The
table ends at a line wider than its column, a line left of the table or a gap of two lines; one
that ends at a page's foot goes on at the top of the next when a whole row comes first there
(past up to two lines of a running page header outside its columns, set apart by a gap of more
than a line), and reads there
under its header again; a line alone in the "what" column first (a place and date, a heading)
means the table has ended. A bullet standing apart from its item (a PDF saved from
Word) is put before the item.
"""
from __future__ import annotations

import bisect
import re
import statistics
from dataclasses import dataclass, field

from lxml import etree

from tracker.services.promises.text_lines import _WRAP_WORDS, EMPTY_CELL, is_table_header
from tracker.services.promises.text_patterns import _TABLE_WHAT, BULLET_SYMBOLS

TOLERANCE = 3.0  # points: lines this close count as one row or one column
CELL_GAP = 0.5  # points: lines further apart than this in a column are in two cells
COLUMN_GAP = 0.6  # a gap between words wider than this many line heights parts two cells
RUNNING_HEADER_LINES = 2  # a table goes on below at most this many lines at a page's top
HEADER_GAP = 1.2  # line heights between a running page header and the body, at least
_LONE_BULLET = re.compile(f"[{BULLET_SYMBOLS}]")
_BOX = ("xMin", "yMin", "xMax", "yMax")
_XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(eq=False)
class _Line:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    flow: int
    source: tuple[int, int]  # the flow and line pdftotext gave: parts of one line read as one


@dataclass
class _Table:
    starts: list[float]  # where each column starts
    what: int  # the column of what is done
    goes_on: bool  # it may go on at the top of the next page
    lines: set[_Line] = field(default_factory=set)  # every line the rows are made of
    rows: list[str] = field(default_factory=list)  # the header's, then a commitment's each


def text_of(bbox_xhtml: bytes) -> str:
    """The document's text, read as plain pdftotext reads it (the lines in their order, a blank
    line between the page's flows of text) but with every commitments table as rows, and a
    bullet that stands apart from its item (as in a PDF saved from Word) put before it."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    root = etree.fromstring(bbox_xhtml, parser)
    out: list[str] = []
    tables: list[_Table] = []
    for page in root.iter(f"{_XHTML}page"):
        lines = _bullets_joined(_lines_of(page))
        tables = _tables_on(lines, tables[-1] if tables else None)
        table_of = {line: table for table in tables for line in table.lines}
        written: set[int] = set()
        previous: _Line | None = None
        for line in lines:
            if (table := table_of.get(line)) is not None:
                if id(table) not in written:
                    out.extend(table.rows)
                    written.add(id(table))
                continue
            if previous is not None and line.source == previous.source:
                out[-1] = f"{out[-1]} {line.text}"
            else:
                if previous is not None and line.flow != previous.flow:
                    out.append("")
                out.append(line.text)
            previous = line
        out.append("")
    return "\n".join(out)


def _bullets_joined(lines: list[_Line]) -> list[_Line]:
    """A bullet alone on its line goes before the text beside it, to its right."""
    bullets = [line for line in lines if _LONE_BULLET.fullmatch(line.text)]
    if not bullets:
        return lines
    gone = set()
    by_top = sorted(lines, key=lambda o: o.y0)
    tops = [o.y0 for o in by_top]
    tallest = max(o.y1 - o.y0 for o in lines)
    for bullet in bullets:
        middle = (bullet.y0 + bullet.y1) / 2
        near = by_top[bisect.bisect_left(tops, middle - tallest):
                      bisect.bisect_right(tops, middle)]
        beside = [o for o in near if o.y0 <= middle <= o.y1 and o.x0 > bullet.x0
                  and not _LONE_BULLET.fullmatch(o.text) and o.x0 - bullet.x1 < 6 * (o.y1 - o.y0)]
        if beside:
            item = min(beside, key=lambda o: o.x0)
            item.text = f"• {item.text}"
            gone.add(bullet)
    return [line for line in lines if line not in gone]


def _lines_of(page) -> list[_Line]:
    """The page's lines, each cut where a gap between two words is a column's (pdftotext makes
    one line of cells side by side when their words share a baseline)."""
    lines = []
    for number, flow in enumerate(page.iter(f"{_XHTML}flow")):
        for source, line in enumerate(flow.iter(f"{_XHTML}line")):
            words = [(word.text.strip(), *(float(word.get(k, 0)) for k in _BOX))
                     for word in line.iter(f"{_XHTML}word") if (word.text or "").strip()]
            start = 0
            for end in range(1, len(words) + 1):
                if end == len(words) or words[end][1] - words[end - 1][3] > \
                        COLUMN_GAP * (words[end - 1][4] - words[end - 1][2]):
                    part = words[start:end]
                    lines.append(_Line(" ".join(w[0] for w in part), part[0][1],
                                       min(w[2] for w in part), part[-1][3],
                                       max(w[4] for w in part), number, (number, source)))
                    start = end
    return lines


def _tables_on(lines: list[_Line], before: _Table | None) -> list[_Table]:
    """The page's commitments tables, each from its header down; first, above any header, the
    table of the page before going on at the top of this one (its header again first)."""
    ordered = sorted(lines, key=lambda line: (line.y0, line.x0))
    headers = [(index, header) for index in range(len(ordered))
               if (header := _header_at(ordered, index)) is not None]
    tables: list[_Table] = []
    if before is not None and before.goes_on:
        above = ordered[:headers[0][0]] if headers else ordered
        going_on = _read(before.starts, before.what, [], above, head=before.rows[0])
        tables.extend([going_on] if going_on is not None else [])
    for index, header in headers:
        if any(line in table.lines for table in tables for line in header):
            continue  # a row of a table above that reads like a header
        what = next(i for i, h in enumerate(header) if _TABLE_WHAT.match(h.text))
        table = _read([h.x0 for h in header], what, header,
                      [o for o in ordered[index:] if o not in header])
        tables.extend([table] if table is not None else [])
    return tables


def _header_at(ordered: list[_Line], index: int) -> list[_Line] | None:
    line = ordered[index]
    near = ordered[max(0, index - 12):index + 12]
    header = sorted((o for o in near if abs(o.y0 - line.y0) <= TOLERANCE), key=lambda o: o.x0)
    if header[0] is line and len(header) >= 2 and is_table_header([h.text for h in header]):
        return header
    return None


def _read(starts: list[float], what: int, header: list[_Line], below: list[_Line],
          head: str = "") -> _Table | None:
    """The rows below the header (or, going on from the page before, below `head`)."""
    if not below:
        return None
    height = statistics.median(line.y1 - line.y0 for line in (header or below[:20]))
    bottom = max((h.y1 for h in header), default=None)
    taken: list[tuple[int, _Line]] = []
    goes_on = True  # to the page's end, or to a gap: the next page may go on with it
    skipped: list[_Line] = []
    for line in below:
        column = _column(starts, line.x0)
        fits = column is not None and not (
            column + 1 < len(starts) and line.x1 > starts[column + 1] + TOLERANCE)
        if bottom is None:  # going on from the page before: past the page's running header
            if not fits and len(skipped) < RUNNING_HEADER_LINES:
                skipped.append(line)
                continue
            if not fits or (skipped and line.y0 - max(o.y1 for o in skipped) < HEADER_GAP * height):
                return None  # text, not a page header set apart above the table's rows
            bottom = line.y0
        if line.y0 - bottom > 2 * height:
            break
        if column is None or not fits:
            goes_on = False
            break
        taken.append((column, line))
        bottom = max(bottom, line.y1)
    anchors: list[_Line] = []  # the first line of each row's "what" cell
    previous = None
    for column, line in taken:
        if column == what:
            if previous is None or _starts_a_row(previous, line):
                anchors.append(line)
            previous = line
    if not anchors:
        return None  # nothing in the column of what is done: not a table of commitments
    cells = [[[] for _ in starts] for _ in anchors]  # type: list[list[list[_Line]]]
    extra_header: list[tuple[int, _Line]] = []
    for column, line, row in _placed(taken, anchors, what):
        if row is None:
            extra_header.append((column, line))  # a header cell's second line
        else:
            cells[row][column].append(line)
    rows = _merged(cells, what)
    while rows and all(not cell for i, cell in enumerate(rows[-1]) if i != what):
        rows.pop()  # text after the table: a place and date, a closing sentence
    if not rows or (not header and all(not cell for i, cell in enumerate(rows[0]) if i != what)):
        return None  # going on from the page before needs a whole row first ("Ort den …" is not)
    table = _Table(starts, what, goes_on, set(header))
    if header:
        heads = [[h] + [line for c, line in extra_header if c == i] for i, h in enumerate(header)]
        table.rows.append("\t".join(_cell_text(cell) or EMPTY_CELL for cell in heads))
        table.lines.update(line for cell in heads for line in cell)
    else:
        table.rows.append(head)
    for row in rows:
        table.rows.append("\t".join(_cell_text(cell) or EMPTY_CELL for cell in row))
        table.lines.update(line for cell in row for line in cell)
    return table


def _column(starts: list[float], x: float) -> int | None:
    if x < starts[0] - TOLERANCE:
        return None  # left of the table: text again
    return max(i for i, start in enumerate(starts) if start - TOLERANCE <= x)


def _starts_a_row(previous: _Line, line: _Line) -> bool:
    last_word = previous.text.rsplit(" ", 1)[-1].lower()
    return not (line.text[:1].islower() or previous.text.endswith((",", "-"))
                or last_word in _WRAP_WORDS)


def _placed(taken: list[tuple[int, _Line]], anchors: list[_Line], what: int):
    """(column, line, row): a cell in its row. Cells aligned at the top start beside the row's
    "what" cell; cells centred in the row (a web page's table) have their middle beside its
    middle. A line above the first row (None) is the header's."""
    tops = [anchor.y0 for anchor in anchors]

    def top_row(y: float) -> int | None:
        row = bisect.bisect_right(tops, y + TOLERANCE) - 1
        return row if row >= 0 else None

    def at_a_top(y: float) -> bool:
        row = top_row(y)
        return row is not None and abs(tops[row] - y) <= TOLERANCE

    groups = _cells_by_gap([(c, o) for c, o in taken if c != what])
    if all(at_a_top(run[0].y0) for _column, run in groups):
        return [(column, line, top_row(line.y0)) for column, line in taken]
    spans: dict[int, list[float]] = {}
    for column, line in taken:
        if column == what and (row := top_row(line.y0)) is not None:
            span = spans.setdefault(row, [line.y0, line.y1])
            span[0], span[1] = min(span[0], line.y0), max(span[1], line.y1)
    rows = sorted(spans)
    middles = [(spans[r][0] + spans[r][1]) / 2 for r in rows]
    placed = [(what, line, top_row(line.y0)) for column, line in taken if column == what]
    for column, run in groups:
        middle = (run[0].y0 + run[-1].y1) / 2
        row = None
        if run[-1].y1 > tops[0] + TOLERANCE:
            near = bisect.bisect_left(middles, middle)
            row = rows[min((i for i in (near - 1, near) if 0 <= i < len(rows)),
                           key=lambda i: abs(middles[i] - middle))]
        placed.extend((column, line, row) for line in run)
    return placed


def _cells_by_gap(taken: list[tuple[int, _Line]]) -> list[tuple[int, list[_Line]]]:
    """Each column's lines in runs without a gap between them: a cell, or cells touching."""
    groups: list[tuple[int, list[_Line]]] = []
    for column in sorted({c for c, _line in taken}):
        run: list[_Line] = []
        for line in sorted((o for c, o in taken if c == column), key=lambda o: o.y0):
            if run and line.y0 - run[-1].y1 > CELL_GAP:
                groups.append((column, run))
                run = []
            run.append(line)
        if run:
            groups.append((column, run))
    return groups


def _merged(cells: list[list[list[_Line]]], what: int) -> list[list[list[_Line]]]:
    """A row with nothing beside its "what" cell goes on in the row above (a cell's second
    sentence on a line of its own), but for the rows at the end (text after the table)."""
    rows: list[list[list[_Line]]] = []
    lonely: list[list[list[_Line]]] = []
    for row in cells:
        if rows and all(not cell for i, cell in enumerate(row) if i != what):
            lonely.append(row)
            continue
        for waiting in lonely:
            rows[-1][what].extend(waiting[what])
        lonely = []
        rows.append(row)
    return rows + lonely


def _cell_text(lines: list[_Line]) -> str:
    text = ""
    for line in sorted(lines, key=lambda o: o.y0):
        if re.search(r"[a-zåäö]-$", text) and line.text[:1].islower():
            text = text[:-1] + line.text  # a word hyphenated at the cell's edge
        else:
            text = f"{text} {line.text}".strip()
    return text
