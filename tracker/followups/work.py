"""What was done for each commitment, from the SQL aggregates, as the templates' figures.

Who did the work follows the organisation of the people who logged it, not the commitment's
party: a joint promise whose dog searches the police logged reads "Polisen har genomfört".
How a measure is said comes from the type's data (phrases, totals, nouns), with a neutral
fallback for a type an admin added without them.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from tracker.followups import prose
from tracker.models import ActivityType, CommitmentKind, MeasureKind, Promise

ACTORS = (("polisen", "Polisen"), ("kommunen", "kommunen"))
OTHERS = "övriga"
MAX_PLACES = 5
MAX_LISTED = 6


@dataclass
class Work:
    """Per commitment: its text figures, and the numbers verdicts and charts need."""

    text: dict[int, prose.CommitmentWork] = field(default_factory=dict)
    occasions: dict[int, int] = field(default_factory=dict)         # in the year
    # from the period's start to the year's end: all, and those on activities with a target
    period_occasions: dict[int, int] = field(default_factory=dict)
    targeted: dict[int, int] = field(default_factory=dict)
    by_year: dict[int, dict[int, int]] = field(default_factory=dict)  # occasions per year
    period_places: dict[int, int] = field(default_factory=dict)  # different places, the period
    activity_count: dict[int, int] = field(default_factory=dict)
    all_done: dict[int, bool] = field(default_factory=dict)
    target_sum: dict[int, int | None] = field(default_factory=dict)  # of activities' targets
    month_counts: dict[int, dict[int, int]] = field(default_factory=dict)
    minutes_by_actor: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def commitment_work(promise: Promise, year: int, types: list[ActivityType], *, totals, values,
                    places, months, notes, summary, period, cancelled) -> Work:
    by_id = {t.id: t for t in types}
    place_lists, place_types = places
    grouped: dict[int, dict[int, dict[str, tuple]]] = defaultdict(lambda: defaultdict(dict))
    for (cid, tid, org), row in totals.items():
        grouped[cid][tid][org] = row
    work = Work()
    for c in promise.commitments:
        type_work = []
        for tid, by_org in grouped.get(c.id, {}).items():
            kind = by_id[tid]
            type_work.append((-sum(r[0] for r in by_org.values()), kind.name_sv, _type_work(
                kind, by_org, values, c.id, place_types.get((c.id, tid), 0), work)))
        type_work.sort(key=lambda item: (item[0], item[1]))
        activity_count, done, target_sum = summary.get(c.id, (0, 0, None))
        visited = place_lists.get(c.id, [])
        work.text[c.id] = prose.CommitmentWork(
            activity_count=activity_count, types=[t for _n, _name, t in type_work],
            places=_places(visited),
            notes=[prose.NoteLine(prose.day(day), title, note.strip())
                   for day, title, note in notes.get(c.id, [])],
            cancelled=[(title, reason.strip()) for title, reason in cancelled.get(c.id, [])],
            year=year,
            earlier=sorted((y, n) for y, n in period.get(c.id, (0, 0, {}, 0))[2].items()
                           if y < year and n),
            is_effect=c.kind is CommitmentKind.EFFEKT,
        )
        work.occasions[c.id] = sum(-n for n, _name, _t in type_work)
        (work.period_occasions[c.id], work.targeted[c.id], work.by_year[c.id],
         work.period_places[c.id]) = period.get(c.id, (0, 0, {}, 0))
        work.activity_count[c.id] = activity_count
        work.all_done[c.id] = activity_count > 0 and done == activity_count
        work.target_sum[c.id] = target_sum
        work.month_counts[c.id] = dict(months.get(c.id, {}))
    return work


def _places(visited: list[tuple[str, int]]) -> list[str]:
    """'Krogmiljön (80 tillfällen)', most visited first; the rest counted: '2 platser till'."""
    shown = [f"{name} ({prose.number(n)} {'tillfälle' if n == 1 else 'tillfällen'})"
             for name, n in visited[:MAX_PLACES]]
    rest = len(visited) - MAX_PLACES
    if rest > 0:
        shown.append(f"{prose.number(rest)} {'plats' if rest == 1 else 'platser'} till")
    return shown


def _type_work(kind: ActivityType, by_org: dict[str, tuple], values, cid: int, place_count: int,
               work: Work) -> prose.TypeWork:
    n = sum(row[0] for row in by_org.values())
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    yes: dict[str, int] = defaultdict(int)
    for org, (_count, minutes, _first, _last, numeric, booleans) in by_org.items():
        work.minutes_by_actor[_actor_key(org)] += minutes
        for key, (total, entries) in numeric.items():
            sums[key][0] += float(total or 0)
            sums[key][1] += int(entries or 0)
        for key, count_yes in booleans.items():
            yes[key] += count_yes
    actor, by_actor = _actors({org: row[0] for org, row in by_org.items()})
    result = prose.TypeWork(
        count_phrase=_count_phrase(kind, n), actor=actor, by_actor=by_actor,
        period=prose.period(min(row[2] for row in by_org.values()),
                            max(row[3] for row in by_org.values())),
        place_count=place_count,
    )
    yes_said: list[str] = []
    for measure in kind.measures or []:
        if measure.get("in_report") is False:
            continue
        key, label = measure["key"], measure.get("label") or measure["key"]
        measure_kind = measure.get("kind")
        if measure_kind == MeasureKind.CHOICE.value:
            counts = values.get((cid, kind.id, key), [])
            phrases = measure.get("choice_phrases") or {}
            phrases_one = measure.get("choice_phrases_one") or {}  # "1 hastighetskontroll"
            if len(counts) > 1 or (counts and counts[0][1] < n):
                result.breakdown.append([
                    prose.phrase(phrases_one[value] if count == 1 and value in phrases_one
                                 else phrases[value], count) if value in phrases
                    else f"{prose.number(count)} ({prose.lower_first(label)}: {value})"
                    for value, count in counts])
            elif counts and counts[0][0] in phrases:  # one value for every occasion
                said = _all_of(phrases[counts[0][0]], kind)
                if said:
                    result.qualifiers.append(said)
        elif measure_kind == MeasureKind.BOOLEAN.value and yes.get(key):
            template = measure.get("yes_phrase")
            if template and yes[key] == n and _all_of(template, kind):
                result.qualifiers.append(_all_of(template, kind))
            else:
                yes_said.append(prose.phrase(template, yes[key]) if template else
                                f"{prose.number(yes[key])} ({prose.lower_first(label)})")
        elif measure_kind == MeasureKind.TEXT.value:
            listed = [value for value, _count in values.get((cid, kind.id, key), [])]
            if listed:
                text = prose.quoted_list(listed[:MAX_LISTED])
                if len(listed) > MAX_LISTED:
                    text += f" med flera ({prose.number(len(listed))} olika)"
                # "Ämnen: …" for several values; one is said under the measure's own "Ämne"
                result.lists.append(((measure.get("list_label") if len(listed) > 1 else None)
                                     or label, text))
        elif key in sums:
            total, entries = sums[key]
            _number_measure(measure, label, total, int(entries), result)
    if yes_said:  # the yes/no measures read as one group: "12 oanmälda och 4 utanför skoltid"
        result.breakdown.insert(0, yes_said)
    return result


def _all_of(template: str, kind: ActivityType) -> str:
    """'i åk 7' (said as 'samtliga i åk 7') when every occasion had that value; '' when it would
    only repeat the type's own noun ('6 samverkansmöten, samtliga samverkansmöten')."""
    rest = template.replace("{n}", "").strip()
    return "" if rest == kind.noun_plural else rest


def _number_measure(measure: dict, label: str, total: float, entries: int,
                    result: prose.TypeWork) -> None:
    how = measure.get("total", "sum")
    template = measure.get("phrase")
    if how == "none" or not entries or not total:
        return
    if how == "average":
        value = total / entries
        result.averages.append(prose.phrase(template, value) if template else
                               f"i genomsnitt {prose.number(value)} ({prose.lower_first(label)})")
    else:
        if total == 1 and measure.get("phrase_one"):
            template = measure["phrase_one"]  # "1 klass", not "1 klasser"
        result.totals.append(prose.phrase(template, total) if template else
                             f"{prose.number(total)} ({prose.lower_first(label)})")


def _count_phrase(kind: ActivityType, n: int) -> str:
    """'1 trafikkontroll', '42 trafikkontroller'; without nouns, 'tillfällen med …'."""
    name = prose.lower_first(kind.name_sv.split(" / ")[0].strip())
    if n == 1:
        return f"1 {kind.noun_singular or 'tillfälle med ' + name}"
    return f"{prose.number(n)} {kind.noun_plural or 'tillfällen med ' + name}"


def _actor_key(org: str) -> str:
    return org if org in dict(ACTORS) else OTHERS


def _actors(counts: dict[str, int]) -> tuple[str, list[str]]:
    """Who did it, from the organisations of the people who logged: ('Polisen', []) or
    ('Polisen och kommunen', ['Polisen 8', 'kommunen 4']); ('', …) when no party is known."""
    merged: dict[str, int] = defaultdict(int)
    for org, n in counts.items():
        merged[_actor_key(org)] += n
    known = [(name, merged[key]) for key, name in ACTORS if merged.get(key)]
    others = merged.get(OTHERS, 0)
    parts = [f"{name} {prose.number(n)}" for name, n in known]
    if others:
        parts.append(f"{OTHERS} {prose.number(others)}")
    if len(known) == 1 and not others:
        return prose.capfirst(known[0][0]), []
    if len(known) == 2:
        return prose.capfirst(f"{known[0][0]} och {known[1][0]}"), [prose.capfirst(parts[0])]\
            + parts[1:]
    return "", ([prose.capfirst(parts[0])] + parts[1:]) if known else []


def hours_by_actor(minutes: dict[str, int]) -> tuple[str, list[str]]:
    """('900,8', ['Polisen 810,6', 'kommunen 90,2']): the total is the sum of the printed parts."""
    tenths = [(name, prose.tenths_of_hours(minutes.get(key, 0))) for key, name in
              (*ACTORS, (OTHERS, OTHERS))]
    tenths = [(name, t) for name, t in tenths if t]
    if not tenths:
        return "", []
    parts = [f"{name} {prose.hours(t)}" for name, t in tenths]
    parts[0] = prose.capfirst(parts[0])
    return prose.hours(sum(t for _name, t in tenths)), parts
