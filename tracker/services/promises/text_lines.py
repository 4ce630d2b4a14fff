"""The lines of a pasted promise: the text normalised, each line classified (heading, paragraph,
bullet, quote, columns) and wrapped bullets joined (read by text_reader)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.services.promises.text_patterns import (
    _BULLET,
    _NAME_ONLY,
    _PARTY_LAST,
    _PROBLEM,
    _QUOTE_START,
    _SAYS,
    _SIGNED_HEADING,
    _SOURCES,
    _TABLE_WHAT,
    _TABLE_WHO,
    _TITLE,
    NUMBERED_ITEM,
    PAGE_MARK,
)
from tracker.services.promises.text_sentences import party_of_heading


@dataclass
class Line:
    kind: str  # heading, paragraph, bullet, quote
    text: str
    marker: str = ""  # sym / num for bullets
    columns: tuple[str, ...] = ()  # the parts of a line laid out in columns
    short: bool = False  # a numbered line without a full stop may head a focus area


COLUMN = "\u2003"  # a wide gap between two columns, as signatures side by side are laid out


def normalise(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace(COLUMN, " ")
    text = _plain_markdown(text)
    width = _table_width(text)
    lines = (_table_row(line, width) or
             re.sub(r"(?: {3,}|\t+)", COLUMN, line).strip(" \t" + COLUMN)
             for line in text.split("\n"))
    return "\n".join(re.sub(r" {2,}", " ", line) for line in lines)


_MD_HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$", re.M)
_MD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_RULE_ROW = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _plain_markdown(text: str) -> str:
    """A promise written in Markdown, as its text: "## Fokusområde 1: …" a heading, "**minst
    fyra**" its words, a pipe table's rows cells apart by tabs (its |---| row dropped)."""
    text = _MD_HEADING.sub(r"\1", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    lines = []
    for line in text.split("\n"):
        if _MD_RULE_ROW.match(line) and "|" in line:
            continue
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
            line = "\t".join(cell.strip() for cell in stripped[1:-1].split("|"))
        lines.append(line)
    return "\n".join(lines)


def _table_width(text: str) -> int:
    """The number of columns of a table pasted with tabs (its header names what and who), 0
    when there is none."""
    rows = ([cell.strip() for cell in line.split("\t")] for line in text.split("\n")
            if "\t" in line)
    return max((len(cells) for cells in rows if is_table_header([c for c in cells if c])),
               default=0)


def _table_row(line: str, width: int) -> str:
    """A row of a pasted table with its empty cells kept ("Trafikkontroller⇥Polisen⇥⇥Vid
    skolorna": the target is empty, not missing), "" for any other line."""
    if not width or "\t" not in line:
        return ""
    cells = [cell.strip() for cell in line.split("\t")]
    while len(cells) > width and not cells[-1]:
        cells.pop()
    if len(cells) != width or not any(cells):
        return ""
    return COLUMN.join(cell or EMPTY_CELL for cell in cells)


def _is_quote(text: str) -> bool:
    return bool(_QUOTE_START.match(text)) or bool(_SAYS.search(text))


def _classify(raw: str) -> Line:
    raw = re.sub(r"^\d{1,2}(?:\.\d{1,2})+\.? (?=\S)", "", raw)  # "1.1 Polisen lovar att"
    numbered = NUMBERED_ITEM.match(raw)
    if numbered and not _looks_like_heading(numbered["text"]):
        return Line("bullet", numbered["text"].strip(), "num")
    bullet = _BULLET.match(raw)
    if bullet:
        text = bullet["text"].strip()
        if _is_quote(text):
            return Line("quote", text)
        return Line("bullet", text, "num" if bullet["num"] else "sym",
                     short=bool(bullet["num"]) and _looks_like_heading(text))
    if _is_quote(raw):
        return Line("quote", raw)
    if _looks_like_heading(raw):
        return Line("heading", raw.rstrip(":").strip())
    return Line("paragraph", raw)


def _looks_like_heading(text: str) -> bool:
    return (len(text) <= 100 and len(text.split()) <= 12 and not text.endswith((".", ",", ";"))
            and not text[:1].islower()  # "erbjuda föräldrautbildning": an item of a list
            and not re.search(r"[.!?] [A-ZÅÄÖ]", text) and any(c.isalpha() for c in text))


MAX_WRAPPED = 6  # a bullet wrapped over more lines than this is taken as text below it


# Words a wrapped line may end on before a line that starts with a capital ("… vid" / "Resecentrum")
_WRAP_WORDS = frozenset("""och eller samt i på vid med för av till om som från mot under inom
    efter kring utan hos mellan den det de en ett""".split())


# A line shorter than this ended where its writer ended it, not the page (but for the title)
WRAPPED_WIDTH = 35


def _continues(before: str, last: str, line: str, *, in_list: bool) -> bool:
    """Whether `line` goes on with the sentence of the line before (`last` the physical line,
    `before` the first of the lines it continues): text copied out of a PDF arrives wrapped at
    the page's width. Not after a sentence's end, a colon, a party heading or a name alone (its
    title follows); not into a bullet or a table. In a list (under a party heading or a colon,
    until a blank line) a short line that starts in lower case is an item of its own."""
    if (last.endswith((".", "!", "?", ":", ";")) or COLUMN in last or COLUMN in line
            or _BULLET.match(before) or _BULLET.match(line)):
        return False
    if last.endswith(",") or last.rsplit(" ", 1)[-1].lower() in _WRAP_WORDS:
        return True  # no heading or name ends so
    if before is last and (_NAME_ONLY.match(last) or _party_heading(last)):
        return False
    return (line[:1].islower() or line[:1].isdigit()) and not in_list \
        and (len(last) >= WRAPPED_WIDTH or _TITLE.match(before) is not None)


def _party_heading(text: str) -> bool:
    """"Polisen lovar att", "Tillsammans ska vi": a list follows. A longer line that starts
    with a party ("Polisen ska genomföra minst tio …") is a sentence going on."""
    return len(text) <= 100 and party_of_heading(text) is not None \
        and (len(text.split()) <= 6 or _PARTY_LAST.search(text) is not None)


def unwrapped(raws: list[str]) -> list[str]:
    """The lines with the wrapped ones joined (pasted, or read out of a PDF by pdftotext):
    "trygghets-" and "vandringar" make one word; "polis-" and "och kommunen" do not."""
    out: list[list[str]] = []  # each line's physical lines and what joins them
    in_list = False
    for raw in raws:
        if not raw:
            in_list = False
        elif out and out[-1][0] and _continues(out[-1][0], out[-1][-1], raw, in_list=in_list):
            last = out[-1][-1]
            if re.search(r"[a-zåäö]-$", last) and raw[:1].islower() \
                    and raw.split(" ", 1)[0] not in ("och", "eller", "samt"):
                out[-1][-1:] = [last[:-1], ""]  # one word again
            else:
                out[-1].append(" ")
            out[-1].append(raw)
            continue
        out.append([raw])
        in_list = in_list or raw.endswith(":") or _party_heading(raw)
    return ["".join(parts) for parts in out]


EMPTY_CELL = "–"  # a table's empty cell, where a document gives its cells apart


def is_table_header(cells: list[str]) -> bool:
    """A table's header row: a column of what is done and one of who does it."""
    return any(_TABLE_WHAT.match(c) for c in cells) and any(_TABLE_WHO.match(c) for c in cells)


# A line drawn to sign on ("________", "..........") or to part sections: no text
_RULE = re.compile(rf"[_.\-–—=*\s{COLUMN}]*[_.\-–—=*]{{3}}[_.\-–—=*\s{COLUMN}]*")


def lines_of(text: str) -> list[Line]:
    lines: list[Line] = []
    wrapped = 0
    for raw in unwrapped(text.split("\n")):
        if not raw or _RULE.fullmatch(raw) or PAGE_MARK.fullmatch(raw):
            continue
        columns = tuple(part.strip() for part in raw.split(COLUMN) if part.strip())
        raw = " ".join(columns)
        if len(columns) > 1:
            lines.append(Line("columns", raw, columns=columns))
            continue
        previous = lines[-1] if lines else None
        if previous is not None and previous.kind == "bullet" and re.match(r"[a-zåäö]", raw) \
                and not _BULLET.match(raw) \
                and not previous.text.endswith((".", "!", "?", ":", ";")) \
                and wrapped < MAX_WRAPPED:
            previous.text = f"{previous.text} {raw}"  # a bullet wrapped onto the next line
            wrapped += 1
            continue
        wrapped = 0
        inline = re.match(r"^(?P<head>[^:]{3,40}):\s+(?P<rest>\S.*)$", raw)
        if inline and (_PROBLEM.match(inline["head"]) or _SOURCES.match(inline["head"])
                       or _SIGNED_HEADING.match(inline["head"])):
            lines.append(Line("heading", inline["head"].strip()))
            raw = inline["rest"].strip()
        lines.append(_classify(raw))
    return lines
