"""A published medborgarlöfte as text → a preview of the promise, for the coordinator to correct.

Pure: no database, no request. The text is read line by line the way the published pages are
written: a "Medborgarlöfte 2025" heading, a problem picture under its heading, party headings
("Kommunen lovar att", "Polisen lovar:", "Tillsammans lovar vi") with bullets or numbered lines,
focus areas as headings or as a bulleted list, the parties named in running text ("Polisen
ska …", "Vi lovar gemensamt att …"), and who signed ("Namn, titel" lines or "undertecknades av
…"). What the text does not say stays empty and the preview says so; nothing is invented.
"""
from __future__ import annotations

import re

from tracker.formatting import number_local
from tracker.services import DomainError
from tracker.services.personal_data import check_text
from tracker.services.promises.drafts import (  # noqa: F401  (the preview's types, re-exported)
    MAX_COMMITMENTS,
    MAX_FOCUS_AREAS,
    MAX_SIGNATORIES,
    MAX_TEXT_CHARS,
    CommitmentDraft,
    FocusAreaDraft,
    PromiseDraft,
    SignatoryDraft,
)
from tracker.services.promises.text_lines import Line, lines_of, normalise
from tracker.services.promises.text_patterns import (
    _OVERALL_GOAL,
    BASIS,
    COMING_YEAR,
    DATE_SPAN,
    FIGURES,
    FOCUS_ON,
    FOLLOW_UP,
    FOLLOW_UP_TITLE,
    NEW_PROMISE,
    PERIOD_LINE,
    SOURCE_PATTERNS,
    YEAR,
)
from tracker.services.promises.text_reader import Reader
from tracker.services.promises.text_sentences import party_of_heading, sentences, target_in
from tracker.translation import gettext as _

# ---------------------------------------------------------------- the whole text

def check_promise_text(text: str) -> str:
    """The normalised text, or DomainError: empty, too long, or holding a personnummer."""
    text = normalise(text)
    if not text.strip():
        raise DomainError(_("Klistra in texten från ert publicerade medborgarlöfte."), "text")
    if len(text) > MAX_TEXT_CHARS:
        raise DomainError(_("Texten är för lång. Den får ha högst %(n)s tecken.",
                            n=number_local(MAX_TEXT_CHARS)), "text")
    check_text(text, _("Text från medborgarlöftet"))
    return text


def parse_promise_text(text: str) -> PromiseDraft:
    """The preview of a published promise; DomainError if the text is refused."""
    text = check_promise_text(text)
    lines = lines_of(text)
    reader = Reader(**_kind_of_text(lines))
    for line in lines:
        if line.kind == "heading":
            reader.heading(line.text)
        elif line.kind == "bullet":
            reader.bullet(line)
        elif line.kind == "paragraph":
            reader.paragraph(line.text)
        elif line.kind == "columns":
            reader.columns(line)
    reader.signing_sentences(lines)
    draft = reader.draft
    draft.start_year, draft.end_year = _period(lines, draft.title)
    if not draft.title:
        draft.title = "Medborgarlöfte" + (f" {_period_label(draft)}" if draft.start_year else "")
    readable = [line for line in lines if line.kind != "quote"]
    draft.problem_picture = ("\n\n".join(reader.problem or reader.background)
                             or _problem_fallback(readable))
    draft.sources = [key for key, pattern in SOURCE_PATTERNS.items()
                     if any(pattern.search(line.text) for line in readable)]
    draft.sources_note = _sources_note(reader.notes) or _basis_sentences(readable)
    _place_other_commitments(draft, reader)
    _settle_focus_areas(draft, reader, lines)
    years = draft.end_year - draft.start_year + 1 if draft.start_year and draft.end_year else None
    for commitment in [*draft.other_commitments,
                       *(c for a in draft.focus_areas for c in a.commitments)]:
        if commitment.target_count is None:  # "minst fyra trygghetsvandringar" → 4
            commitment.target_count, note = target_in(commitment.text, years)
            commitment.target_note = commitment.target_note or note
    if draft.commitment_count > MAX_COMMITMENTS or len(draft.focus_areas) > MAX_FOCUS_AREAS:
        raise DomainError(_(
            "Texten innehåller fler än %(commitments)d åtaganden eller %(areas)d fokusområden. "
            "Klistra in ett medborgarlöfte i taget.",
            commitments=MAX_COMMITMENTS, areas=MAX_FOCUS_AREAS), "text")
    draft.missing = [name for name, absent in (
        ("period", draft.start_year is None),
        ("commitments", draft.commitment_count == 0),
        ("signatories", not draft.signatories),
        ("problem_picture", not draft.problem_picture),
        ("focus_titles", any(not area.title for area in draft.focus_areas)),
    ) if absent]
    return draft


def _kind_of_text(lines: list[Line]) -> dict[str, bool]:
    """A news article (it quotes people) or a follow-up report ("Uppföljning …" heads it) that
    tells of the promise without party headings reads differently from the promise itself."""
    if any(line.kind == "heading" and party_of_heading(line.text) for line in lines):
        return {"narrative": False, "article": False}
    first = next((line.text for line in lines if line.kind == "heading"
                  and re.search(r"(?i)löfte|uppföljning", line.text)), "")
    follow_up = bool(FOLLOW_UP_TITLE.match(first))
    article = not follow_up and any(line.kind == "quote" for line in lines)
    return {"narrative": follow_up or article, "article": article}


def _period_label(draft: PromiseDraft) -> str:
    if draft.start_year == draft.end_year:
        return str(draft.start_year)
    return f"{draft.start_year}–{draft.end_year}"


def _period(lines: list[Line], title: str) -> tuple[int | None, int | None]:
    """The first year or span in the title or a line about the promise and its period."""
    candidates = [(title, True)] + [(line.text, False) for line in lines if line.kind != "quote"
                                    and PERIOD_LINE.search(line.text)
                                    and not FOLLOW_UP.search(line.text)]
    for text, is_title in candidates:
        for sentence in sentences(text):
            if not is_title and not PERIOD_LINE.search(sentence):
                continue
            match = DATE_SPAN.search(sentence) or YEAR.search(sentence)
            if match:
                found = match.groupdict()
                start = int(found.get("a") or found["a2"])
                end = found.get("b") or found.get("b2")
                if end is None:
                    return start, start
                end_year = int(end) if len(end) == 4 else start // 100 * 100 + int(end)
                return (start, end_year) if start < end_year <= start + 2 else (start, start)
    return _coming_year(lines)


def _coming_year(lines: list[Line]) -> tuple[int | None, int | None]:
    """A news article on a newly signed promise that names no period but "det kommande året":
    the year after the latest year it speaks of."""
    text = "\n".join(line.text for line in lines)
    years = [int(m["a"]) for m in YEAR.finditer(text)]
    if years and NEW_PROMISE.search(text) and COMING_YEAR.search(text):
        return max(years) + 1, max(years) + 1
    return None, None


def _sources_note(notes: list[str]) -> str:
    """Under a sources heading, the sentences that name a source or a basis; all of them when
    none does."""
    found = [s for note in notes for s in sentences(note)]
    naming = [s for s in found if BASIS.search(s)
              or any(pattern.search(s) for pattern in SOURCE_PATTERNS.values())]
    return " ".join(naming or found)


_COMMON_STEMS = frozenset({"kommu", "polis", "tills", "gemen", "arbet", "genom", "under",
                           "efter", "andra", "samma", "medbo", "invån", "skall", "utifr"})


_TELLING = 12  # at most this many headings share a stem that places a commitment


def _stems(text: str) -> set[str]:
    """The first five letters of each longer word, leaving out the words every promise has."""
    return {w[:5] for w in re.findall(r"[a-zåäöé]+", text.lower())
            if len(w) >= 5 and w[:5] not in _COMMON_STEMS}


def _place_other_commitments(draft: PromiseDraft, reader: Reader) -> None:
    """In a text with focus areas, a commitment outside them goes to the one heading whose title
    shares most word stems with it ("… förebygga missbruk" under "Drogförebyggande",
    "tryggheten" under "Trygghetsskapande insatser"); with none, or a tie, it stays among the
    other commitments, for the coordinator to place."""
    if not draft.other_commitments or not any(area.commitments for area in draft.focus_areas):
        return
    titled = [area for area in reader.candidates if area.title]
    by_piece: dict[str, set[int]] = {}  # every five letters inside a title word → its areas
    for index, area in enumerate(titled):
        for word in re.findall(r"[a-zåäöé]{5,}", area.title.lower()):
            for at in range(len(word) - 4):
                by_piece.setdefault(word[at:at + 5], set()).add(index)
    shown = {id(area) for area in draft.focus_areas}
    staying = []
    for commitment in draft.other_commitments:
        scores: dict[int, int] = {}
        for stem in _stems(commitment.text):
            areas = by_piece.get(stem, ())
            if len(areas) > _TELLING:
                continue  # a stem that many headings share tells none of them apart
            for index in areas:
                scores[index] = scores.get(index, 0) + 1
        best = max(scores.values(), default=0)
        chosen = [index for index, score in scores.items() if score == best]
        if best == 0 or len(chosen) != 1:
            staying.append(commitment)
            continue
        area = titled[chosen[0]]
        area.commitments.append(commitment)
        if id(area) not in shown:
            draft.focus_areas.append(area)
            shown.add(id(area))
    draft.other_commitments = staying
    position = {id(area): index for index, area in enumerate(reader.candidates)}
    draft.focus_areas.sort(key=lambda area: position.get(id(area), len(position)))
    for area in draft.focus_areas:
        area.commitments.sort(key=lambda c: reader.order.get(id(c), len(reader.order)))


def _problem_fallback(lines: list[Line]) -> str:
    """Without a problem-picture heading: the paragraphs that cite figures or surveys, not the
    ones that tell how the promise was made."""
    return "\n\n".join(line.text for line in lines if line.kind == "paragraph"
                       and FIGURES.search(line.text) and not BASIS.search(line.text))


def _basis_sentences(lines: list[Line]) -> str:
    """The sentences that say what the promise is based on, or that a source of it was held
    ("Under hösten genomfördes medborgardialoger i Floby"); not what a medborgarlöfte is, nor
    what a source found (that is the problem picture)."""
    found: dict[str, None] = {}  # in order, once each
    for line in lines:
        if line.kind == "paragraph":
            found.update((s, None) for s in sentences(line.text) if not _DEFINITION.match(s) and (
                BASIS.search(s) or (_HELD.search(s) and any(
                    pattern.search(s) for pattern in SOURCE_PATTERNS.values()))))
    return " ".join(found)


# "Ett medborgarlöfte är …", "Medborgarlöften bygger på …": what every promise is
_DEFINITION = re.compile(r"(?:ett )?medborgarlöften? (?:är|bygger|ska|handlar)\b", re.I)
# A source held: "genomfördes medborgardialoger", "har haft dialoger", "hölls möten"
_HELD = re.compile(r"\b(?:genomför(?:de|des|ts)|hölls|höll|hållits|har haft|hade|anordnade?s?|"
                   r"gjordes|gjorts)\b", re.I)


def _settle_focus_areas(draft: PromiseDraft, reader: Reader, lines: list[Line]) -> None:
    """Commitments outside every focus area make one when the text names none: its title is
    the "fokus på …" of the first headings, or the overall goal."""
    draft.focus_areas = [area for area in draft.focus_areas if area.commitments or area.title]
    if draft.other_commitments and not draft.focus_areas:
        title = ""
        for line in lines[:6]:
            match = FOCUS_ON.search(line.text) if line.kind == "heading" else None
            if match:
                title = match["what"].strip()
                break
        goal = re.match(r"(?i)^(?:det )?övergripande målet (?:med \w+ )?är att (?P<what>.+?)\.?$",
                        reader.overall_goal) if _OVERALL_GOAL.match(reader.overall_goal) else None
        if not title and goal:
            title = goal["what"]  # "att öka tryggheten och minska brotten" → its title
        title = title[:1].upper() + title[1:]
        draft.focus_areas.append(FocusAreaDraft(title=title, description=reader.overall_goal,
                                                commitments=draft.other_commitments))
        draft.other_commitments = []
