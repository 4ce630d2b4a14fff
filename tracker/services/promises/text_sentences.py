"""What one heading or sentence of a pasted promise says: the party it names, the commitments
in running text ("Polisen ska …"), a goal (read by text_reader)."""
from __future__ import annotations

import re
from typing import NamedTuple

from tracker.services.promises.drafts import (
    MUNICIPALITY,
    POLICE,
    TOGETHER,
    CommitmentDraft,
)
from tracker.services.promises.text_patterns import (
    _AND_THEN,
    _BARE_COUNT,
    _COUNT,
    _COUNT_PER_PART,
    _COUNT_PER_YEAR,
    _GOAL,
    _INLINE,
    _INLINE_INVERTED,
    _INLINE_TIME_FIRST,
    _INLINE_TOGETHER_FIRST,
    _INLINE_WE_LAST,
    _LED_BY_PARTY,
    _NAMING_NUMBER,
    _NOT_A_VERB,
    _NOT_COUNTED,
    _ON_DAYS,
    _PART_OF_YEAR,
    _PARTY,
    _PARTY_HEADING,
    _PARTY_LAST,
    _PARTY_SWITCH,
    _PARTY_THEN_VERB,
    _PROMISE_WORDS,
    _RATE,
    _SENTENCE_END,
    _TARGET_COLUMN,
    _TOGETHER_PRESENT,
    _YEARLY,
    ABOUT_WORDS,
    NUMBER_WORDS,
    PER_PART_OF_YEAR,
)

# "Vad gör polisen?", "Vad ska kommunen göra?": a question naming the party that heads its list
_WHAT_PARTY_DOES = re.compile(r"^vad (?:gör|ska|lovar|kommer) (?P<who>vi(?: tillsammans| gemensamt)?|"
                              rf"{_PARTY})(?: att)?(?: göra)?\s*\??$", re.I)


def party_of_heading(text: str) -> str | None:
    question = _WHAT_PARTY_DOES.match(text)
    if question:
        return party_in(question["who"])
    last = _PARTY_LAST.search(text)
    if last and len(text) <= 100:  # "Under samma tidsperiod lovar kommunerna att"
        return party_in(last["who"])
    named = _PARTY_THEN_VERB.match(text)
    if named:  # "Nyköpingshem ska", "Polisen och socialtjänsten ska"
        return party_in(text)
    match = _PARTY_HEADING.match(text)
    if not match or len(text) > 60 or text.endswith("."):
        return None
    rest = match["rest"].strip(" :")
    if (rest or match["town"]) and not _PROMISE_WORDS.search(rest) \
            and not re.fullmatch(r"(?i)lovar vi", rest):
        return None  # "Skara kommun" alone names no party block
    return party_in(text)


def party_in(text: str) -> str:
    """The party a subject names ("Polisen", "Socialtjänsten", "Region Gotland och Polisen"),
    read from a heading or a sentence up to its verb."""
    lowered = text.lower()
    # "tillsammans med Botkyrkabyggen" is the party's own promise, with a partner
    if re.search(r"tillsammans(?! med (?!polis|kommun|staden)\w)|gemensam|\bvi\b", lowered):
        return TOGETHER
    subject = _AFTER_SUBJECT.split(lowered, maxsplit=1)[0]
    parts = [p for p in re.split(r"\s*(?:,|/|&|\+|\boch\b)\s*", subject) if p.strip(" -")]
    police = [p for p in parts if "polis" in p]
    if police and len(police) < len(parts):
        return TOGETHER  # "Polisen och socialtjänsten", "Region Gotland och Polisen"
    return POLICE if police or not parts else MUNICIPALITY


# "… lovar att under 2026 arbeta med följande.": a sentence that leads in to the list below
_LEADS_IN = re.compile(r"\bföljande\b|\bnedan(?:stående)?\W*$", re.I)
# Where a heading's subject ends: "Kommunen lovar att samarbeta med polisen" is the municipality's
_AFTER_SUBJECT = re.compile(r"\b(?:lovar|åtar|ska|skall|kommer|har|gör|vill|genomför|arbetar|"
                            r"åtaganden|löften|insatser)\b")


def party_of_cell(cell: str) -> str:
    """The party a table's "Ansvarig" cell names: the police where it names only police, the
    municipality where it names only its own (förvaltningar, skolor, bolag), else both (and
    where it names no one)."""
    lowered = cell.lower()
    parts = [p for p in re.split(r"\s*(?:,|/|&|\+|\boch\b)\s*", lowered) if p.strip()]
    if not parts or re.search(r"tillsammans|gemensam|\bbåda\b|\balla\b|\bvi\b", lowered):
        return TOGETHER
    police = [p for p in parts if "polis" in p]
    if police and len(police) < len(parts):
        return TOGETHER
    return POLICE if police else MUNICIPALITY


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def capitalised(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def inline_commitments(sentence: str) -> list[CommitmentDraft]:
    """The promises a sentence in running text makes: "Polisen ska …", "… lovade polisen att A
    samt öka B" (two, when both parts start with a verb)."""
    present = _TOGETHER_PRESENT.match(sentence)
    if present:  # "Tillsammans genomför vi A" → "Genomför A", as a list item led by its party
        return [CommitmentDraft(TOGETHER, capitalised(part))
                for part in _clauses(f"{present['verb']} {present['rest']}")]
    match = (_INLINE.match(sentence) or _INLINE_TOGETHER_FIRST.match(sentence)
             or _INLINE_TIME_FIRST.match(sentence) or _INLINE_INVERTED.search(sentence)
             or _INLINE_WE_LAST.match(sentence))
    if not match or _LEADS_IN.search(match["rest"]):
        return []
    found = []
    for who, rest in _by_party(match["who"], match["rest"]):
        party = party_in(who)
        found += [CommitmentDraft(party, capitalised(part)) for part in _clauses(rest)]
    return found


def _by_party(who: str, rest: str) -> list[tuple[str, str]]:
    """"polisen", "göra A och kommunen ska göra B" → [("polisen", "göra A"), ("kommunen",
    "göra B")]."""
    parts, start = [], 0
    for switch in _PARTY_SWITCH.finditer(rest):
        parts.append((who, rest[start:switch.start()]))
        who, start = switch["who"], switch.end()
    return [*parts, (who, rest[start:])]


def led_by_party(item: str) -> CommitmentDraft | None:
    """A list item whose party is its subject: "Polisen genomför minst 20 kontroller" → the
    police's "Genomför minst 20 kontroller."."""
    match = _LED_BY_PARTY.match(item)
    if not match:
        return None
    return CommitmentDraft(party_in(match["who"]), capitalised(match["rest"]))


def _clauses(text: str) -> list[str]:
    """"öka A; genomföra B" and "jobba med A samt öka B" → both; "genomföra A samt andra
    insatser" stays one."""
    items = [item.strip() for item in text.split(";") if item.strip()]
    if len(items) > 1 and all(starts_with_a_verb(item) for item in items):
        return [part for item in items for part in _clauses(item)]
    if not starts_with_a_verb(text):
        return [text]
    parts, start = [], 0
    for match in _AND_THEN.finditer(text):
        if (match["next"] or match["verb"] or match["plain"]).lower() in _NOT_A_VERB:
            continue
        if match["plain"] and len(text[start:match.start()].split()) < 3:
            continue  # "informera och utbilda personal": one promise with two verbs
        parts.append(text[start:match.start()])
        start = match.end()
        if len(parts) >= 10:
            break  # more than ten promises in one sentence: the rest stays as written
    parts.append(text[start:])
    return [part.strip().rstrip(",").rstrip() for part in parts if part.strip(" ,")]


def starts_with_a_verb(text: str) -> bool:
    """"genomföra …", "öka …" (an infinitive); not "detta sker …"."""
    word = text.split(" ", 1)[0].lower()
    return word.endswith("a") and word not in _NOT_A_VERB


class Count(NamedTuple):
    """A number of occasions a text names: `number` (per year when `yearly`); `said` is how
    the text put it when that was not one exact number ("3–5 per termin", "ett tiotal")."""
    number: int
    yearly: bool
    said: str = ""
    noun: str = ""  # what is counted, when the text says: "platser" in "minst 10 platser"


def unread_count(text: str) -> str | None:
    """A number of things the text names that named_count could not take as the commitment's
    target ("2 extra patruller fredag och lördag natt", "20 kontroller och 5 vandringar"):
    a count that is there but could not be read, so any number of occasions cannot be said to
    meet it. None when the text names no count, or one that named_count reads."""
    if named_count(text) is not None:
        return None
    match = next(_counts(text), None)
    if match is None:
        return None
    clause = _CLAUSE_END.split(text[match.start():], maxsplit=1)[0].split()
    return " ".join(clause[:8]) + (" …" if len(clause) > 8 else "")


def _counts(text: str):
    """The "N things" of a text that count something: not a year, a unit ("20 procent"), a
    number that names ("årskurs 8"), nor "en"/"ett" as an article."""
    for match in _COUNT.finditer(text):
        number = _amount(match)
        if (number is None or _NOT_COUNTED.match(match["noun"])
                or _NAMING_NUMBER.search(text[:match.start()])
                or (number == 1 and not match["least"] and not match["most"]
                    and not match["n"].isdigit())):
            continue
        yield match


def named_count(text: str) -> Count | None:
    """The one number of occasions a commitment's text names, and whether it is per year:
    "genomföra minst fyra trygghetsvandringar" → 4; "minst 30 kontroller per år" → 30 per
    year; "3–5 trygghetsvandringar" → 3 (the least promised). None when it names none or
    several. Not a year, a unit ("20 procent"), a number that names something ("årskurs 8") or
    another rate ("två kvällar i veckan"); "en"/"ett" only after "minst"."""
    found = set()
    for match in _counts(text):
        number = _amount(match) or 0
        clause = _CLAUSE_END.split(text[match.end():], maxsplit=1)[0]
        yearly = bool(_YEARLY.search(clause))
        part = _PART_OF_YEAR.search(clause)
        if (yearly or part) and _EACH_THING.search(text[:match.start()]):
            continue  # "besöka samtliga skolor två gånger per termin": per school, no total
        if part and not yearly:  # "3 nattvandringar per termin": 6 a year
            found.add(Count(number * _times_a_year(part), True, _said(match, part)))
            continue
        if not yearly and (_RATE.search(clause)
                           or (_ON_DAYS.search(clause) and not match["least"])):
            continue
        found.add(Count(number, yearly, _said(match, "per år" if yearly else ""),
                        match["noun"].lower()))
    found |= {Count(n, True, _said(m, "per år")) for m in _COUNT_PER_YEAR.finditer(text)
              if (n := _amount(m)) and _a_total(text, m)}
    found |= {Count(n * _times_a_year(m), True, _said(m, m)) for m in _COUNT_PER_PART.finditer(text)
              if (n := _amount(m)) and _a_total(text, m)}
    if len({(c.number, c.yearly) for c in found}) != 1:
        return None
    return max(found, key=lambda c: (len(c.said), len(c.noun)))  # the one that says the most


def _said(match: re.Match, per: re.Match | str) -> str:
    """How a count that is not one exact number was put: "3–5 per termin", "ett tiotal"."""
    if match["about"]:
        said = f"ett {match['about'].lower()}tal"
    elif match["most"]:
        low, high = match["n"], match["most"]
        said = f"{low}–{high}" if low.isdigit() and high.isdigit() else f"{low} till {high}"
    else:
        return ""
    if not isinstance(per, str):
        per = f"per {_part_of_year(per)}"
    return f"{said} {per}".strip()


# Every one of some things, before a count per year or term: the count is per thing
_EACH_THING = re.compile(r"\b(?:samtliga|alla|varje|vart|vartenda)\b(?! (?:år|månad|vecka|"
                         r"kvartal|termin|halvår|helg|dag)\b)", re.I)


def _a_total(text: str, match: re.Match) -> bool:
    """A rate's number counts occasions in all: not one that names ("väg 70 varje månad") or
    is per thing ("samtliga skolor två gånger per år")."""
    before = text[:match.start()]
    return not _NAMING_NUMBER.search(before) and not _EACH_THING.search(before)


def _times_a_year(match: re.Match) -> int:
    """4 for "per kvartal", 12 for "i månaden", 2 for "per termin" (text_patterns._PER_PART)."""
    return PER_PART_OF_YEAR[_part_of_year(match)]


def _part_of_year(match: re.Match) -> str:
    """"månad" for "i månaden" (text_patterns._PER_PART)."""
    unit = match["unit"].lower()
    return next(stem for stem in PER_PART_OF_YEAR if unit.startswith(stem))


def target_in(text: str, years: int | None = 1) -> tuple[int | None, str]:
    """The number of occasions a commitment promises over its period of `years` years, and a
    note on how it was counted (named_count): "minst 30 kontroller per år" over two years →
    (60, "30 per år under periodens två år"); "3–5 trygghetsvandringar" → (3, "Det lägsta
    antalet i löftets 3–5"); a yearly count not when the period is unknown (`years` None)."""
    named = named_count(text)
    if named is None or (named.yearly and years is None):
        return None, ""
    note = ""
    if named.yearly and years and years > 1:
        spoken = {2: "två", 3: "tre"}.get(years, str(years))  # a promise runs one to three years
        note = f"{named.number} per år under periodens {spoken} år"
    if named.said.startswith("ett "):
        about, _, per = named.said.partition(" per ")
        counted = f"{ABOUT_WORDS[about.split()[1].removesuffix('tal')]}{' per ' if per else ''}{per}"
        how = f"löftets {named.said} räknat som {counted}"
    else:
        how = f"det lägsta antalet i löftets {named.said}" if named.said else ""
    note = f"{note}, {how}" if note and how else note or how[:1].upper() + how[1:]
    return named.number * (years if named.yearly and years else 1), note


def target_for_period(text: str, target: int | None, note: str, years: int | None,
                      new_years: int | None) -> tuple[int | None, str]:
    """A target the reader took from the text follows a change of the period's length: when
    the text read for `years` years gives exactly (`target`, `note`), it is read again for
    `new_years` ("30 kontroller per år": 60 over two years, 90 over three). A target set or
    changed by hand is kept, and so is one when the new length is unknown."""
    if new_years is None or years == new_years or (target, note) != target_in(text, years):
        return target, note
    return target_in(text, new_years)


# Where what a count says ends: "20 kontroller vid skolor per år, varav …", "tre
# trygghetsvandringar, en i varje tätort" (how the count is shared, not a rate)
_CLAUSE_END = re.compile(r"[.;:]|, (?:varav|och|samt|men|där|en|ett)\b")


def count_in_cell(column: str, cell: str) -> int | None:
    """A target column's cell that is a count alone ("Mål: minst fyra" → 4); not a year."""
    match = _BARE_COUNT.match(cell.strip()) if _TARGET_COLUMN.match(column.strip()) else None
    if match is None:
        return None
    return _amount(match) or None  # 0 is no target


def _amount(match: re.Match) -> int | None:
    """The number of an _AMOUNT match ("fyra" → 4, "3–5" → 3, "ett tiotal" → 10); None for a
    year ("2025", "2025–2026")."""
    if match["about"]:
        return ABOUT_WORDS[match["about"].lower()]
    word = match["n"].lower()
    number = int(word) if word.isdigit() else NUMBER_WORDS[word]
    return None if len(word) == 4 and 1900 <= number <= 2100 else number


def goal_in(sentence: str) -> str:
    match = _GOAL.match(sentence)
    return match["rest"] if match else ""
