"""Swedish Markdown for the yearly follow-up, rendered from the compiler's aggregates.

Pure functions of plain data: the same figures always give the same text (no dates of today,
no set iteration), so a recompile only changes what the data changed.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date

from tracker.formatting import MONTHS_SV, date_sv, number_sv
from tracker.labels import SOURCE
from tracker.models import Party, Verdict

CAVEAT = (
    "Observera att förändringen i en enkätundersökning från ett år till nästa säger lite; "
    "det är utvecklingen över flera år som visar om brottsligheten och tryggheten förändras."
)
PARTY_ACTOR = {
    Party.POLISEN: "Polisen har genomfört",
    Party.KOMMUNEN: "Kommunen har genomfört",
    Party.TILLSAMMANS: "Polisen och kommunen har tillsammans genomfört",
}
PARTY_PROMISES = {
    Party.POLISEN: "Polisen lovar",
    Party.KOMMUNEN: "Kommunen lovar",
    Party.TILLSAMMANS: "Tillsammans lovar vi",
}
VERDICT_TEXT = {
    Verdict.FULFILLED: "uppfyllt",
    Verdict.PARTLY: "delvis uppfyllt",
    Verdict.NOT_FULFILLED: "ej uppfyllt",
    Verdict.ONGOING: "pågår",
}
PERIOD_WORD = {1: "ettårigt", 2: "tvåårigt", 3: "treårigt"}
# Head noun → plural; None: say "tillfällen med …" (no natural plural).
NOUN_PLURALS = (
    ("kontroll", "kontroller"), ("besök", "besök"), ("vandring", "vandringar"),
    ("patrullering", "patrulleringar"), ("insats", "insatser"), ("samtal", "samtal"),
    ("möte", "möten"), ("dialog", "dialoger"), ("åtgärd", "åtgärder"),
    ("aktivitet", "aktiviteter"), ("sök", "sök"), ("tillsyn", None), ("samverkan", None),
    ("kommunikation", None),
)


@dataclass
class TypeFigures:
    """What one activity type added up to for one commitment in the year."""

    name: str
    occasions: int
    minutes: int
    place_count: int
    first: date | None
    last: date | None
    sums: list[tuple[str, float]] = field(default_factory=list)  # (label, total)
    choices: list[tuple[str, list[tuple[str, int]]]] = field(default_factory=list)


@dataclass
class CommitmentFigures:
    text: str
    party: Party
    activity_count: int
    types: list[TypeFigures]
    places: list[tuple[str, int]]  # (name, occasions), most visited first
    months: list[int]
    notes: list[tuple[date, str]]
    verdict: Verdict
    reason: str
    month_counts: dict[int, int] = field(default_factory=dict)  # month → occasions

    @property
    def occasions(self) -> int:
        return sum(t.occasions for t in self.types)


@dataclass
class IndicatorRow:
    name: str
    unit: str
    source: str
    higher_is_better: bool
    this_year: float | None
    last_year: float | None
    national: float | None


def genitive(name: str) -> str:
    return name if name[-1:].lower() in "sxz" else f"{name}s"


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _plural_adjective(word: str) -> str:
    if word.endswith(("ande", "ende", "a")):
        return word
    if word.endswith("ad"):
        return word + "e"
    return word + "a"


def occasions_phrase(count: int, type_name: str) -> str:
    """'42 trafikkontroller', '1 skolbesök', '3 tillfällen med krogtillsyn'."""
    singular, plural = _type_nouns(type_name)
    return f"1 {singular}" if count == 1 else f"{number_sv(count)} {plural}"


@functools.lru_cache(maxsize=256)
def _type_nouns(type_name: str) -> tuple[str, str]:
    """A type's name as a noun phrase after 1 and after other counts (a few hundred a text)."""
    name = _lower_first(type_name.split(" / ")[0].strip())
    words = name.split(" ")
    for i, word in enumerate(words):
        for singular, plural in NOUN_PLURALS:
            if word.lower().endswith(singular):
                if plural is None:
                    break
                words[i] = word[: len(word) - len(singular)] + plural
                words[:i] = [_plural_adjective(w) for w in words[:i]]
                return name, " ".join(words)
        else:
            continue
        break
    return name, f"tillfällen med {name}"


def join_sv(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} och {items[-1]}"


def _hours(minutes: int) -> str:
    return number_sv(round(minutes / 60, 1))


# --- inledning -------------------------------------------------------------------------------


def introduction(*, municipality: str, police_area: str, start_year: int, end_year: int,
                 year: int, title: str, sources: list[str], sources_note: str,
                 signed_on: date | None, signatories: list[dict], agreement_url: str | None,
                 problem_picture: str) -> str:
    years = end_year - start_year + 1
    span = (f"för {start_year}" if years == 1 else
            f"för åren {start_year} och {end_year}" if years == 2 else
            f"för åren {start_year}–{end_year}")
    parts = [
        f"{genitive(municipality)} kommun och Polisen i lokalpolisområde {police_area} har "
        f"tecknat ett {PERIOD_WORD.get(years, f'{years}-årigt')} medborgarlöfte "
        f"som löper {span}. "
        f"Det här är uppföljningen av medborgarlöftet för {year}."
    ]
    how = [_lower_first(str(SOURCE.get(key, key))) for key in sources]
    if how:
        parts.append(f"Medborgarlöftet har tagits fram utifrån {join_sv(how)}.")
    if sources_note.strip():
        parts.append(sources_note.strip())
    if problem_picture.strip():
        parts.append(problem_picture.strip())
    names = [f"{s['name']} ({s['title']})" if s.get("title") else s["name"]
             for s in signatories if s.get("name")]
    if signed_on or names:
        when = f" {date_sv(signed_on)}" if signed_on else ""
        by = f" av {join_sv(names)}" if names else ""
        parts.append(f"Medborgarlöftet undertecknades{when}{by}.")
    if agreement_url:
        parts.append(f"Läs hela överenskommelsen: [{title}]({agreement_url})")
    return "\n\n".join(parts)


# --- lägesbild och effekt ----------------------------------------------------------------------


def indicator_value(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "procent":
        return f"{number_sv(value)} %"
    return f"{number_sv(value)} {unit}".strip()


def indicator_table(rows: list[IndicatorRow], year: int) -> str:
    lines = [
        f"| Indikator | {year} | {year - 1} | Riket {year} |",
        "|---|---|---|---|",
    ]
    for row in rows:
        cells = [indicator_value(v, row.unit)
                 for v in (row.this_year, row.last_year, row.national)]
        lines.append(f"| {row.name} | {' | '.join(cells)} |")
    sources = sorted({row.source for row in rows if row.source})
    table = "\n".join(lines)
    return f"{table}\n\nKälla: {join_sv(sources)}." if sources else table


def situation(rows: list[IndicatorRow], year: int, municipality: str) -> str:
    if not rows:
        return (f"Det finns inga indikatorer registrerade för {genitive(municipality)} kommun "
                f"för {year - 1}–{year}.\n\n{CAVEAT}")
    return (f"Lägesbilden för {genitive(municipality)} kommun {year}, jämfört med året innan "
            f"och med riket:\n\n{indicator_table(rows, year)}\n\n{CAVEAT}")


def _change(row: IndicatorRow, year: int) -> str | None:
    if row.this_year is None or row.last_year is None:
        return None
    now = indicator_value(row.this_year, row.unit)
    before = indicator_value(row.last_year, row.unit)
    if row.this_year == row.last_year:
        return f"{row.name}: oförändrat {now} jämfört med {year - 1}."
    rose = row.this_year > row.last_year
    better = rose == row.higher_is_better
    return (f"{row.name}: {'ökade' if rose else 'minskade'} från {before} till {now}, "
            f"en {'förbättring' if better else 'försämring'}.")


def effect(rows: list[IndicatorRow], year: int) -> str:
    if not rows:
        return f"Det finns inga indikatorer att jämföra för {year}.\n\n{CAVEAT}"
    changes = [c for c in (_change(row, year) for row in rows) if c]
    text = indicator_table(rows, year)
    if changes:
        text += "\n\n" + "\n".join(f"- {c}" for c in changes)
    return f"{text}\n\n{CAVEAT}"


# --- fokusområden ----------------------------------------------------------------------------


def _type_sentence(party: Party, figures: TypeFigures) -> str:
    text = f"{PARTY_ACTOR[party]} {occasions_phrase(figures.occasions, figures.name)}"
    for label, counts in figures.choices:
        parts = [f"{number_sv(n)} med {_lower_first(label)} {value}" for value, n in counts]
        text += f", varav {join_sv(parts)}"
    if figures.place_count:
        plural = "er" if figures.place_count > 1 else ""
        text += f", på {number_sv(figures.place_count)} plats{plural}"
    if figures.first and figures.last:
        text += (f", {date_sv(figures.first)}" if figures.first == figures.last
                 else f", mellan {date_sv(figures.first)} och {date_sv(figures.last)}")
    text += "."
    extra = [f"{_lower_first(label)} {number_sv(round(total, 1))}"
             for label, total in figures.sums if total]
    if figures.minutes:
        extra.append(f"nedlagd tid {_hours(figures.minutes)} timmar")
    if extra:
        text += f" Sammanlagt: {', '.join(extra)}."
    return text


def commitment_text(c: CommitmentFigures, year: int) -> str:
    quote = f"> **{PARTY_PROMISES[c.party]}:** {c.text.strip()}"
    parts = [quote]
    if not c.activity_count and not c.types:
        parts.append(f"Inga aktiviteter har registrerats för löftet under {year}.")
    elif not c.types:
        parts.append("Aktiviteter är planerade för löftet, men inga genomförda tillfällen "
                     f"har registrerats under {year}.")
    else:
        parts.extend(_type_sentence(c.party, t) for t in c.types)
        if c.places:
            parts.append("Platser: " + ", ".join(f"{name} ({number_sv(n)})" for name, n in c.places)
                         + ".")
        if c.months:
            names = [MONTHS_SV[m - 1] for m in c.months]
            parts.append(f"Aktivitet registrerades under {len(names)} av årets 12 månader "
                         f"({join_sv(names)}).")
    if c.notes:
        parts.append("Från loggboken:\n\n" + "\n>\n".join(
            f"> *{date_sv(day)}:* {note.strip()}" for day, note in c.notes))
    return "\n\n".join(parts)


def focus_area(description: str, commitments: list[CommitmentFigures], year: int) -> str:
    parts = [description.strip()] if description.strip() else []
    parts.extend(commitment_text(c, year) for c in commitments)
    if not commitments:
        parts.append("Fokusområdet har inga löften.")
    return "\n\n".join(parts)


# --- verdict reasons -------------------------------------------------------------------------


def verdict_reason(verdict: Verdict, occasions: int, target: int | None, all_done: bool,
                   year: int) -> str:
    done = f"{number_sv(occasions)} genomförda tillfällen"
    goal = f" av målet {number_sv(target)}" if target else ""
    if verdict is Verdict.FULFILLED:
        if target and occasions >= target:
            return f"{done}{goal} under {year}."
        return f"Alla aktiviteter för löftet är genomförda ({done} under {year})."
    if verdict is Verdict.ONGOING:
        return f"Perioden pågår; hittills {done}{goal} under {year}."
    if verdict is Verdict.PARTLY:
        return f"Endast {done}{goal} under {year}; alla aktiviteter är inte klara."
    return f"Inga genomförda tillfällen har registrerats för löftet under {year}."


# --- the rest --------------------------------------------------------------------------------


def lessons(minutes_by_party: list[tuple[Party, int]]) -> str:
    text = ("*Skriv här vad ni har lärt er under året, hur arbetet har kommunicerats till "
            "invånarna och vad som fungerat mindre bra.*")
    spent = [(party, minutes) for party, minutes in minutes_by_party if minutes]
    if spent:
        total = sum(minutes for _, minutes in spent)
        per = ", ".join(f"{PARTY_PROMISES[p].split()[0]} {_hours(m)}" for p, m in spent)
        text += f"\n\nRegistrerad tid under året: {_hours(total)} timmar ({per})."
    return text


NEXT_STEPS = ("*Skriv här vad parterna planerar att göra härnäst: vad fortsätter, vad ändras "
              "och vad ska följas upp nästa år.*")


def contacts(people: list[tuple[str, str, str]], municipality: str) -> str:
    """people: (name, title, role label)."""
    if not people:
        return (f"Kontakta {genitive(municipality)} kommun eller Polisen på 114 14 för frågor "
                f"om medborgarlöftet.")
    lines = [f"- {name}, {title or role}" for name, title, role in people]
    return "Frågor om medborgarlöftet besvaras av:\n\n" + "\n".join(lines)
