"""How the lines of a published promise are read: the reader that walks them once keeping the
section and party it is in (used by from_text; lines: text_lines, sentences: text_sentences,
patterns: text_patterns)."""
from __future__ import annotations

import re

from tracker.services.promises.drafts import (
    MAX_SIGNATORIES,
    TOGETHER,
    CommitmentDraft,
    FocusAreaDraft,
    PromiseDraft,
    SignatoryDraft,
)
from tracker.services.promises.text_lines import Line
from tracker.services.promises.text_patterns import (
    _CONTACTS,
    _FOCUS,
    _HAS_ROLE,
    _MEANING,
    _MEANS,
    _NAME_ONLY,
    _NAME_THEN_ROLE,
    _NAME_TITLE_LINE,
    _OUTCOME,
    _OVERALL_GOAL,
    _PARTY_MARKED,
    _PLACE_AND_DATE,
    _PLACE_AND_MONTH,
    _PROBLEM,
    _PROMISE_VERB,
    _PROMISES_HEADING,
    _PROMISES_INTRO,
    _QUESTION,
    _ROLE,
    _ROLE_THEN_NAME,
    _SIGNED_HEADING,
    _SIGNING,
    _SIGNS_FOR,
    _SOURCES,
    _TITLE,
    DOING,
    FOLLOW_UP,
    ORGANISATION_LINE,
    TITLE_PARTIES,
    YEARS_ALONE,
)
from tracker.services.promises.text_sentences import (
    capitalised,
    goal_in,
    inline_commitments,
    led_by_party,
    party_of_cell,
    party_of_heading,
    sentences,
)
from tracker.services.promises.text_tables import CommitmentTables


class Reader(CommitmentTables):
    """Walks the lines once, keeping the section and party it is in."""

    def __init__(self, *, narrative: bool = False, article: bool = False) -> None:
        # narrative: a news article or a follow-up telling of the promise, no party headings;
        # there a goal ("Målet är att …") is one of the promise's commitments. article: a news
        # article, whose sub-headings are the journalist's, not focus areas.
        self.narrative, self.article = narrative, article
        self.draft = PromiseDraft()
        self.candidates: list[FocusAreaDraft] = []  # every heading that may head a focus area
        self.order: dict[int, int] = {}  # id(commitment) → its place in the text
        self.section = ""  # problem / sources / signatories / promises / ""
        self.party: str | None = None
        self.block_marker = ""  # the bullet style of the current party block, once it has items
        self.area: FocusAreaDraft | None = None
        self.pending: FocusAreaDraft | None = None  # a heading that heads commitments if any follow
        self.describing: FocusAreaDraft | None = None  # takes the sentences under its heading
        self.titles: dict[str, FocusAreaDraft] = {}  # lower-case title → focus area
        self.focus_list = False
        self.problem: list[str] = []
        self.background: list[str] = []  # under "Bakgrund": the problem picture if none else
        self.problem_target = self.problem
        self.notes: list[str] = []
        self.overall_goal = ""
        self.name_waiting = ""  # a signatory's name, its title on the next line
        self.names_waiting: list[str] = []  # names side by side, their titles below
        self.table = None  # a table's header and columns (text_tables)
        self.item = None  # a commitment given as lines of "field: value" (text_tables)
        self.signing_next = False  # a place and a month: signatures if a name follows

    # -- commitments and focus areas

    def _open_pending(self) -> None:
        if self.pending is not None:
            key = self.pending.title.lower()
            same = self.titles.get(key) if key else None
            if same is None:  # a list of focus areas may have named it already
                self.draft.focus_areas.append(self.pending)
                self.titles.setdefault(key, self.pending)
            else:
                same.description = same.description or self.pending.description
            self.area, self.pending = same or self.pending, None
        self.describing = None

    def _add(self, commitment: CommitmentDraft) -> None:
        marked = _PARTY_MARKED.search(commitment.text)
        if marked and marked.start() > 0:  # "Grannsamverkan i två områden (Kommunen)"
            letters = (marked["letters"] or "").upper()
            commitment.party = party_of_cell(marked["who"] or " och ".join(
                {"K": "kommunen", "P": "polisen"}[letter] for letter in letters if letter in "KP"))
            end = "." if commitment.text.endswith(".") else ""
            commitment.text = commitment.text[:marked.start()].rstrip(" ,.–-") + end
        self._open_pending()
        self.order[id(commitment)] = len(self.order)
        (self.area.commitments if self.area else self.draft.other_commitments).append(commitment)

    def _end_party_block(self) -> None:
        self.party, self.block_marker = None, ""

    def _focus_list_item(self, text: str) -> None:
        """One bullet of a list of focus areas: "Rubrik. Åtagande." or "Rubrik: åtagande"."""
        head, sep, rest = text.partition(":")
        if sep and len(head.split()) <= 8:
            parts = [head.strip() + "."] + sentences(rest)
        else:
            parts = sentences(text)
        first = parts[0]
        if len(first.split()) <= 8:
            title, description, rest_sentences = first.rstrip(".!? "), first, parts[1:]
        else:
            title, description, rest_sentences = "", "", parts
        means = _MEANS.match(first) if not title else None
        if means and len(means["goal"].split()) <= 8:  # "Tryggheten ska öka genom att …"
            title, rest_sentences = means["goal"], parts
        if description.rstrip(".!? ") == title:
            description = ""  # "Trafiksäkerhet." says no more than its title
        area = FocusAreaDraft(title=title, description=description if rest_sentences else "")
        self.draft.focus_areas.append(area)
        self.candidates.append(area)
        self.area, self.pending = area, None
        if rest_sentences:
            text = " ".join(rest_sentences)
            for found in inline_commitments(text) or [CommitmentDraft(TOGETHER,
                                                                       capitalised(text))]:
                self._add(found)
        self.titles.setdefault(title.lower(), area)

    # -- one line

    title_open = False  # a title without its years: the lines under it may complete it

    def _completes_title(self, text: str) -> bool:
        """"Medborgarlöfte" / "Nyköpings kommun och Polisen" / "2025–2026": a title set over
        lines, whose parties and years are the title's (not a focus area and its text)."""
        if not self.title_open:
            return False
        if TITLE_PARTIES.fullmatch(text) or YEARS_ALONE.fullmatch(text):
            self.draft.title = f"{self.draft.title} {text}"
            self.title_open = not YEARS_ALONE.fullmatch(text)
            return True
        self.title_open = False
        return False

    def heading(self, text: str) -> None:
        if self._field_line(text) or self._completes_title(text):
            return
        signed = _SIGNS_FOR.sub("", text)
        if self.signing_next:  # after "Grästorp i januari 2026", a name begins the signatures
            self.signing_next = False
            if _NAME_ONLY.match(signed) or _NAME_TITLE_LINE.match(signed):
                self.section, self.pending = "signatories", None
        if self.section == "signatories" and (not signed or ORGANISATION_LINE.match(signed)):
            return  # "För Polisen:" above the name, "Gällivare kommun" under the title
        if (self.section == "signatories" and self.name_waiting and not _NAME_ONLY.match(signed)) \
                or _NAME_TITLE_LINE.match(signed):
            if self.signatory_line(signed):
                return
        self.name_waiting, self.names_waiting = "", []
        self.describing = None
        party = party_of_heading(text)
        if party:
            self.party, self.block_marker, self.focus_list = party, "", False
            self.section = "promises"
            self._open_pending()
            return
        self._end_party_block()
        self.focus_list = False
        focus = _FOCUS.match(text)
        if not self.draft.title and _TITLE.match(text) and not FOLLOW_UP.search(text):
            self.draft.title = text
            self.title_open = not re.search(r"\b20\d\d\b", text)
            if self.section == "":
                self.section = "promises"  # a list right under the title is what it promises
        elif _OUTCOME.match(text):
            self.section, self.pending, self.area = "", None, None
        elif _PROMISES_INTRO.search(text) and not FOLLOW_UP.search(text):
            self.section, self.pending, self.area = "promises", None, None
        elif focus:
            self.section = "promises"
            if focus["plural"] or not focus["title"]:
                self.focus_list = True
            else:
                self.pending = FocusAreaDraft(title=focus["title"].strip())
                self.candidates.append(self.pending)
                self._open_pending()
                self.describing = self.area
        elif _PROBLEM.match(text):
            self.section, self.pending = "problem", None
            self.problem_target = self.background if re.match(r"(?i)bakgrund", text) \
                else self.problem
        elif _SOURCES.match(text):
            self.section, self.pending = "sources", None
        elif _SIGNED_HEADING.match(text) or _PLACE_AND_DATE.match(text):
            self.section, self.pending = "signatories", None
        elif _CONTACTS.match(text):
            self.section, self.pending = "", None
        elif _PROMISES_HEADING.match(text):
            self.section, self.pending = "promises", None
        elif re.search(r"(?i)medborgarlöfte|uppföljning", text):
            self.pending = None  # "Uppföljning medborgarlöfte 2023" names no focus area
        elif self.section == "signatories" and _NAME_ONLY.match(text):
            self.name_waiting = text  # its title is on the next line
        elif self.article or _QUESTION.search(text):
            self.section = "" if self.section in ("problem", "sources", "signatories") else \
                self.section
            self.pending = self.area = None  # what follows belongs to no focus area named yet
        else:
            self.section = "" if self.section in ("problem", "sources", "signatories") else \
                self.section
            self.signing_next = bool(_PLACE_AND_MONTH.match(text))
            self.pending = FocusAreaDraft(title=text)
            self.candidates.append(self.pending)
            self.describing = self.pending

    def bullet(self, line: Line) -> None:
        self.item, self.signing_next = None, False
        if self.focus_list:
            self._focus_list_item(line.text)
        elif line.short and (not self.party or self.block_marker == "sym"):
            self.heading(line.text)  # "1. Trygg skolväg" heads a focus area
        elif self.party:
            self.block_marker = self.block_marker or line.marker
            self._add(CommitmentDraft(self.party, line.text))
        elif self.section == "problem":
            self.problem_target.append(f"• {line.text}")
        elif self.section == "signatories":
            self.signatory_line(line.text)
        else:
            found = inline_commitments(line.text)
            under_heading = self.pending is not None and not self.narrative
            if not found and (self.section == "promises" or under_heading):
                # a list in the promises, or right under a heading (and the paragraphs that
                # describe it): what the focus area it heads promises
                found = [led_by_party(line.text) or CommitmentDraft(TOGETHER, line.text)]
                self.section = "promises"
            for commitment in found:
                self._add(commitment)

    def paragraph(self, text: str) -> None:
        self.table, self.signing_next = None, False
        if self._field_line(text) or self._completes_title(text):
            return
        if self.party and not self.block_marker and self.section == "promises":
            self._add(CommitmentDraft(self.party, text))  # plain lines under a party heading
            return
        self._end_party_block()
        signed = _SIGNS_FOR.sub("", text)
        if self.section == "signatories" or _NAME_TITLE_LINE.match(signed):
            if self.signatory_line(signed):
                return
        if self.section == "problem":
            self.problem_target.append(text)
            return
        if self.section == "sources":
            self.notes.append(text)
            return
        if text.endswith(":") and "fokusområde" in text.lower():  # "… tre fokusområden. Dessa är:"
            self.focus_list, self.section = True, "promises"
            return
        self.focus_list = False
        meaning = _MEANING.match(text)
        if meaning and len(meaning["title"].split()) <= 6 and self.section == "promises":
            self._meaning(meaning["title"], meaning["rest"])
            return
        describing = self.describing
        for sentence in sentences(text):
            found = inline_commitments(sentence)
            if not found and self.section == "promises" and not self.narrative:
                led = led_by_party(sentence)  # "Kommunen ordnar nattvandringar varje fredag."
                found = [led] if led and DOING.match(led.text) else []
            goal = goal_in(sentence) if self.narrative and not found else ""
            if goal:
                found = [CommitmentDraft(TOGETHER, capitalised(goal))]  # a goal is both parties'
            for commitment in found:
                self._add(commitment)
            if not found and self.describing is not None:
                self.describing.description = " ".join(
                    filter(None, [self.describing.description, sentence]))
            if not self.overall_goal and _OVERALL_GOAL.match(sentence):
                self.overall_goal = sentence
        if describing is not None and describing is self.describing:
            self.describing = None  # a focus area's description is the paragraph under it
        if text.endswith(":") and (_PROMISES_INTRO.search(text) or self.last_in(text)):
            # "Där lovar polisen att … Bland annat:" — the list below is that party's
            self.section = "promises"
            self.party = self.last_in(text)
            self.block_marker = ""

    def last_in(self, text: str) -> str | None:
        """The party of the last commitment read from this paragraph, if any."""
        found = [c for s in sentences(text) for c in inline_commitments(s)]
        return found[-1].party if found else None

    def _meaning(self, title: str, rest: str) -> None:
        """"Narkotika innebär att minst två insatser genomförs. Polisen kommer även att …"."""
        self.pending = FocusAreaDraft(title=title)
        self.candidates.append(self.pending)
        first, *others = sentences(rest)
        self._add(CommitmentDraft(TOGETHER, capitalised(first)))
        for sentence in others:
            found = inline_commitments(sentence)
            if not found and _PROMISE_VERB.search(sentence):
                found = [CommitmentDraft(TOGETHER, capitalised(sentence))]
            for commitment in found:
                self._add(commitment)

    def columns(self, line: Line) -> None:
        """A table of commitments; names side by side, their titles on the line below;
        elsewhere, plain text."""
        self.item = None
        if self._table_line(line.columns):
            return
        if self.section == "signatories" and all(_NAME_ONLY.match(c) for c in line.columns):
            self.names_waiting = list(line.columns)
        elif self.section == "signatories" and len(line.columns) == len(self.names_waiting):
            for name, title in zip(self.names_waiting, line.columns):
                name, _sep, party = name.partition(" (")
                self._add_signatory(name, title, party.rstrip(")") or None)
            self.names_waiting = []
        else:
            self.paragraph(line.text) if line.text.endswith(".") else self.heading(line.text)

    def signatory_line(self, text: str) -> bool:
        match = _NAME_TITLE_LINE.match(text)
        if match and (self.section == "signatories" or _HAS_ROLE.search(match["title"])):
            self._add_signatory(match["name"], match["title"], match["party"])
            return True
        if self.section != "signatories":
            return False
        if _NAME_ONLY.match(text):
            self.name_waiting = text
            return True
        if self.name_waiting:  # "Namn" on one line, "titel" on the next
            name, _sep, party = self.name_waiting.partition(" (")
            self._add_signatory(name, text, party.rstrip(")") or None)
            self.name_waiting = ""
            return True
        return False

    def _add_signatory(self, name: str, title: str, party: str | None) -> None:
        title = title.strip().rstrip(".")
        if re.fullmatch(_ROLE, title):  # "polischefen Anders Wiss" signs as Polischef
            title = re.sub(r"(?i)(chef|polis|direktör)en$|(råd)et$", r"\1\2", title)
        title = title[:1].upper() + title[1:] + (f" ({party})" if party else "")
        known = next((s for s in self.draft.signatories if s.name == name.strip()), None)
        if known is not None:
            if party and "(" not in known.title:  # a later mention adds the political party
                known.title = title
        elif len(self.draft.signatories) < MAX_SIGNATORIES:
            self.draft.signatories.append(SignatoryDraft(name.strip(), title))

    def signing_sentences(self, lines: list[Line]) -> None:
        """"… undertecknades av Anna Ek (S), kommunstyrelsens ordförande, och …"."""
        for line in lines:
            if line.kind not in ("paragraph", "heading"):
                continue
            for sentence in sentences(line.text):
                if not _SIGNING.search(sentence):
                    continue
                found = [(m.start(), m["name"], m["role"], m["p1"])
                         for m in _ROLE_THEN_NAME.finditer(sentence)]
                found += [(m.start(), m["name"], m["role"], m["p2"])
                          for m in _NAME_THEN_ROLE.finditer(sentence)]
                for _start, name, role, party in sorted(found):
                    self._add_signatory(name, role, party)
