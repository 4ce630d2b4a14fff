"""The lines of a pasted promise: the text normalised, each line classified (heading, paragraph,
bullet, quote, columns) and wrapped bullets joined (read by text_reader)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.services.promises.text_patterns import (
    _BULLET,
    _PROBLEM,
    _QUOTE_START,
    _SAYS,
    _SIGNED_HEADING,
    _SOURCES,
)


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
    lines = (re.sub(r"(?: {3,}|\t+)", COLUMN, line).strip(" \t" + COLUMN)
             for line in text.split("\n"))
    return "\n".join(re.sub(r" {2,}", " ", line) for line in lines)


def _is_quote(text: str) -> bool:
    return bool(_QUOTE_START.match(text)) or bool(_SAYS.search(text))


def _classify(raw: str) -> Line:
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
            and not re.search(r"[.!?] [A-ZÅÄÖ]", text) and any(c.isalpha() for c in text))


MAX_WRAPPED = 6  # a bullet wrapped over more lines than this is taken as text below it


def lines_of(text: str) -> list[Line]:
    lines: list[Line] = []
    wrapped = 0
    for raw in text.split("\n"):
        if not raw:
            continue
        columns = tuple(part.strip() for part in raw.split(COLUMN) if part.strip())
        raw = " ".join(columns)
        if len(columns) > 1:
            lines.append(Line("columns", raw, columns=columns))
            continue
        previous = lines[-1] if lines else None
        if previous is not None and previous.kind == "bullet" and re.match(r"[a-zåäö]", raw) \
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
