"""Commitments given as a table (cells apart by tabs: a header naming what is done and who does
it, a row a commitment) or as lines of "field: value" ("Aktivitet: …", "Ansvar: Polisen"):
the part of the reader (text_reader.Reader) that reads them."""
from __future__ import annotations

from tracker.services.promises.drafts import TOGETHER, CommitmentDraft
from tracker.services.promises.text_lines import EMPTY_CELL, is_table_header
from tracker.services.promises.text_patterns import (
    _FIELD,
    _FIELD_DETAIL,
    _FIELD_EFFECT,
    _FIELD_WHAT,
    _TABLE_AREA,
    _TABLE_WHAT,
    _TABLE_WHO,
)
from tracker.services.promises.text_sentences import capitalised, count_in_cell, party_of_cell

_PROMISED = {"åtagande"}  # a field naming the commitment itself, not how it is kept


class CommitmentTables:
    """Mixed into the Reader, whose section, focus areas and `_add` it uses."""

    section: str
    # a table's header and its columns: what, who, the focus area (if any)
    table: tuple[tuple[str, ...], int, int, int | None] | None
    item: CommitmentDraft | None  # described by "Ansvar: …" lines below it

    def _add(self, commitment: CommitmentDraft) -> None:
        raise NotImplementedError

    def _end_party_block(self) -> None:
        raise NotImplementedError

    def heading(self, text: str) -> None:
        raise NotImplementedError

    def _table_line(self, cells: tuple[str, ...]) -> bool:
        """A table's header row starts it; each row of as many cells is a commitment: the
        "what" cell, then every other cell but the party's and the focus area's, with its
        column's name. A focus area column heads a focus area; a row without that first cell
        (merged in the document) stays in the one above."""
        if is_table_header(list(cells)):
            what, who = (next(i for i, c in enumerate(cells) if pattern.match(c))
                         for pattern in (_TABLE_WHAT, _TABLE_WHO))
            area = next((i for i, c in enumerate(cells) if _TABLE_AREA.match(c)), None)
            self.table, self.section = (cells, what, who, area), "promises"
            self._end_party_block()
            return True
        if self.table is None:
            return False
        header, what, who, area = self.table
        if area == 0 and len(cells) == len(header) - 1:
            cells = ("", *cells)  # the focus area cell merged with the row above
        if len(cells) != len(header):
            self.table = None
            return False
        cells = tuple("" if cell == EMPTY_CELL else cell for cell in cells)
        if not cells[what]:
            return True  # a row that promises nothing
        if area is not None and cells[area]:
            self.heading(cells[area])
            self.section = "promises"
        text = " ".join([capitalised(cells[what])] + [
            capitalised(f"{header[i].rstrip(':')}: {cell}")
            for i, cell in enumerate(cells) if i not in (what, who, area) and cell])
        target = next((n for i, cell in enumerate(cells) if i not in (what, who, area)
                       and (n := count_in_cell(header[i], cell)) is not None), None)
        self._add(CommitmentDraft(party_of_cell(cells[who]), text, target_count=target))
        return True

    item_promised = False  # the field-line commitment was given as "Åtagande:"

    def _field_line(self, text: str) -> bool:
        """A commitment given as lines of "field: value": "Aktivitet: …" adds it (both
        parties' until told), "Ansvar: Polisen" gives its party (as a table's "Ansvarig" cell),
        and "Mål: 20 kontroller", "När: …" below it go into its text."""
        field = _FIELD.match(text)
        if field is None:
            self.item = None
            return False
        key, value = field["key"].strip(), field["value"].strip()
        what = _FIELD_WHAT.match(key)
        if what and self.item is not None and self.item_promised \
                and what["what"].lower() not in _PROMISED:
            # "Åtagande 1: Öka närvaron" then "Aktivitet: Fotpatrullering …": how it is kept
            self.item.text = f"{self.item.text.rstrip('.')}. {capitalised(f'{key}: {value}')}"
        elif _FIELD_EFFECT.match(key):
            self.item = None
            self.section = "promises"
            self._add(CommitmentDraft(TOGETHER, capitalised(value)))
        elif what:
            self.item = CommitmentDraft(TOGETHER, capitalised(value))
            self.item_promised = what["what"].lower() in _PROMISED
            self.section = "promises"
            self._add(self.item)
        elif self.item is not None and _TABLE_WHO.match(key):
            self.item.party = party_of_cell(value)
        elif self.item is not None and _FIELD_DETAIL.match(key):
            self.item.text = f"{self.item.text} {capitalised(f'{key}: {value}')}"
            self.item.target_count = count_in_cell(key, value) or self.item.target_count
        else:
            self.item = None
            return False
        return True
