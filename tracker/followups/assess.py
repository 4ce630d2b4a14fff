"""The suggested verdict of each commitment, by its kind (docs/domain.md, "Kinds of promise").

A prestation is judged by occasions against its target, and finishing the activities never
overrides a missed target; without a target, occasions fulfil it unless it promises every one
of something ("samtliga klasser"), which a count cannot show. An effekt is judged only by its
linked indicators, over the promise's period; without one it cannot be assessed. An arbetssätt
is "pågår" or "genomfört", never an automatic "uppfyllt". While the period runs, nothing
registered yet is "ej påbörjat", not "pågår"; and an effekt is "pågår" whichever way its
indicators point (a state reached can be lost again before the period ends, as one missed
can still be reached), with the direction said in its basis.
Counting activities shows that work was done; only an indicator shows a state in the world.
"""
from __future__ import annotations

from tracker.followups import prose
from tracker.models import Commitment, CommitmentKind, Verdict, VerdictReason
from tracker.models.promise import word_for_every, year_span
from tracker.services.promises.text_sentences import named_count, unread_count


def assess(commitment: Commitment, work, links, series: dict, year: int, running: bool, *,
           first_year: int, last_year: int, year_over: bool = True) -> dict:
    """{"suggested", "reason" (the basis a reader can check), "auto_reason" (code, text) or None}.

    A prestation counts its occasions from the period's first year (`first_year`) to this one:
    a two-year promise's "minst åtta trygghetsvandringar" is met by four a year, and its
    activities' targets are summed over the period too. Without a target of its own or of its
    activities, the number its text names is the target; a number per year ("minst 30
    kontroller per år") is judged year by year: a year that is over and fell short cannot be
    made good later, so it decides the verdict even while the period runs (`year_over`: the
    follow-up's year has ended)."""
    cid = commitment.id
    occasions = work.occasions.get(cid, 0)
    if commitment.kind is CommitmentKind.EFFEKT:
        return _effect(links, series, occasions, year, running, first_year)
    if commitment.kind is CommitmentKind.ARBETSSATT:
        return _way(work.period_occasions.get(cid, 0), occasions, first_year, year, running)
    span = year_span(first_year, year)
    occasions = work.period_occasions.get(cid, 0)
    target, counted, named, said = commitment.target_count, occasions, False, ""
    if not target and work.target_sum.get(cid):
        target, counted = work.target_sum[cid], work.targeted.get(cid, 0)
    else:
        count = named_count(commitment.text)
        if count is not None and count.yearly and target in (
                None, count.number * (last_year - first_year + 1)):
            return _per_year(count.number, work.by_year.get(cid, {}), first_year, year, running,
                             named=target is None, year_over=year_over, said=count.said)
        if not target and count is not None:
            target, named = count.number, True
        if count is not None and target == count.number:
            said = count.said  # "3–5": the lower end is the target
            if count.noun in PLACE_NOUNS:  # "minst 10 platser": places, not occasions
                verdict = suggest_verdict(work.period_places.get(cid, 0), target, running)
                return _result(verdict, "places", places=work.period_places.get(cid, 0),
                               target=target, year=span, running=running, said=said)
    verdict = suggest_verdict(counted, target, running)
    if target:
        case = ("target_met" if verdict is Verdict.FULFILLED else
                "target_running" if verdict in (Verdict.ONGOING, Verdict.NOT_STARTED) else
                "target_missed")
        return _result(verdict, case, occasions=counted, target=target, year=span,
                       all_done=work.all_done.get(cid, False), named=named, said=said)
    if verdict is Verdict.FULFILLED and (word := needs_target(commitment,
                                                              work.target_sum.get(cid))):
        return _result(Verdict.CANNOT_ASSESS, "every_no_target", occasions=occasions, year=span,
                       word=word, auto=(VerdictReason.OTHER, "inget antal att nå"))
    if verdict is Verdict.FULFILLED and not work.target_sum.get(cid) \
            and (unread := unread_count(commitment.text)):
        # "2 extra patruller fredag och lördag natt": a number the text names but that is no
        # target for the period; any number of occasions would not show it met
        return _result(Verdict.CANNOT_ASSESS, "count_unread", occasions=occasions, year=span,
                       said=unread, auto=(VerdictReason.OTHER, "antalet i löftet är inget mål"))
    case = {Verdict.FULFILLED: "done_no_target", Verdict.ONGOING: "running",
            Verdict.NOT_STARTED: "nothing_yet"}.get(verdict, "nothing")
    return _result(verdict, case, occasions=occasions, year=span)


# What a count of places promises: different places, however many occasions at each
PLACE_NOUNS = frozenset({"platser", "plats"})


def _way(period_occasions: int, occasions: int, first_year: int, year: int,
         running: bool) -> dict:
    """An arbetssätt: pågår while the period runs (ej påbörjat before it is first used); at its
    end genomfört if it was used this year, or earlier in the period (a way of working used in
    its first year is done)."""
    if running and not period_occasions:
        return _result(Verdict.NOT_STARTED, "nothing_yet", year=year_span(first_year, year))
    if running:
        return _result(Verdict.ONGOING, "running", occasions=occasions, year=year)
    if occasions:
        return _result(Verdict.DONE, "way_done", occasions=occasions, year=year)
    if period_occasions:
        return _result(Verdict.DONE, "way_done", occasions=period_occasions,
                       year=year_span(first_year, year - 1))
    return _result(Verdict.NOT_FULFILLED, "nothing", year=year_span(first_year, year))


def _per_year(per_year: int, by_year: dict[int, int], first_year: int, year: int,
              running: bool, *, named: bool, year_over: bool, said: str = "") -> dict:
    """A number per year is met when each year of the period reached it; a year that is over
    and fell short is short for good."""
    counts = [(y, by_year.get(y, 0)) for y in range(first_year, year + 1)]
    over = counts if year_over else counts[:-1]
    short = [y for y, n in over if n < per_year]
    if short:
        verdict = Verdict.PARTLY if any(n for _y, n in counts) else Verdict.NOT_FULFILLED
    elif running:
        verdict = Verdict.ONGOING if any(n for _y, n in counts) else Verdict.NOT_STARTED
    else:
        verdict = Verdict.FULFILLED
    reached = [y for y, n in over if n >= per_year]
    return _result(verdict, "per_year", per_year=per_year, counts=counts, short=short,
                   running=running and not short, named=named, said=said,
                   reached=reached if running and not short else [])


def needs_target(commitment: Commitment, activity_targets: int | None) -> str | None:
    """The word by which a prestation promises every one of something ("besöka samtliga
    klasser") when neither it nor its activities (`activity_targets`, their summed targets)
    set a number to reach: one visit does not show them all, so a count cannot judge it."""
    if commitment.kind is not CommitmentKind.PRESTATION or commitment.target_count \
            or activity_targets:
        return None
    return word_for_every(commitment.text)


def suggest_verdict(occasions: int, target: int | None, running: bool) -> Verdict:
    """A prestation: the target met → uppfyllt; otherwise pågår while the period runs (ej
    påbörjat while nothing is registered), then delvis (some work) or ej uppfyllt. Without a target, any occasion fulfils it."""
    if (target and occasions >= target) or (not target and occasions and not running):
        return Verdict.FULFILLED
    if running:
        return Verdict.ONGOING if occasions else Verdict.NOT_STARTED
    return Verdict.PARTLY if occasions else Verdict.NOT_FULFILLED


def _effect(links, series: dict, occasions: int, year: int, running: bool,
            first_year: int) -> dict:
    if not links:
        return _result(Verdict.CANNOT_ASSESS, "no_indicator", occasions=occasions, year=year,
                       auto=(VerdictReason.OTHER, "inget mått är kopplat till löftet"))
    states, lines = [], []
    for indicator_id, higher, target in links:
        found = series.get(indicator_id)
        if found is None or not found.points:
            states.append("unknown")
            continue
        baseline, latest = period_points(found.points, first_year)
        state, met = _indicator_state(baseline, latest, higher, target)
        states.append(state)
        lines.append(prose.render("indicator_line.md.j2", s=found, higher_is_better=higher,
                                  target=target, target_met=met, baseline=baseline,
                                  latest=latest, last=found.points[-1]))
    # While the period runs a missing value may still come; after it, it will not
    too_few = (VerdictReason.TOO_EARLY, "") if running else (
        VerdictReason.OTHER, "måtten har för få värden från löftets period för att visa en "
                             "förändring")
    if not lines:
        return _result(Verdict.CANNOT_ASSESS, "no_values", year=year, auto=too_few)
    if all(state == "unknown" for state in states):
        verdict, auto = Verdict.CANNOT_ASSESS, too_few
    elif running:  # either way: what the values show so far is in the lines
        verdict, auto = Verdict.ONGOING, (VerdictReason.TOO_EARLY, "")
    elif all(state == "met" for state in states):
        verdict, auto = Verdict.FULFILLED, None
    elif any(state in ("met", "improved") for state in states):
        verdict, auto = Verdict.PARTLY, None
    else:
        verdict, auto = Verdict.NOT_FULFILLED, None
    return _result(verdict, "indicators", lines=lines, auto=auto)


def period_points(points, first_year: int) -> tuple[tuple | None, tuple | None]:
    """(baseline, latest) of an indicator for a promise whose period began `first_year`.

    The latest value must be from the period: one from before says nothing of what the
    promise did. The baseline is the last value before the period or, without one, the
    period's first; a change from years before the promise was made is not its effect."""
    before = [p for p in points if p[0] < first_year]
    during = [p for p in points if p[0] >= first_year]
    if not during:
        return None, None
    baseline = before[-1] if before else (during[0] if len(during) > 1 else None)
    return baseline, during[-1]


def _small_change(baseline, latest) -> bool:
    """A change too small to call an improvement or a worsening (prose.small_change); a target,
    where one is set, still judges the value."""
    if baseline is None or latest is None:
        return False
    return prose.small_change(baseline[1], latest[1])


def _indicator_state(baseline, latest, higher: bool, target: float | None) -> tuple[str, bool]:
    """'met', 'improved', 'not' or 'unknown' (no value from the period, or one value and no
    target), and the target met. Points are (year, value, …)."""
    if latest is None:
        return "unknown", False
    value = latest[1]
    met = target is not None and (value >= target if higher else value <= target)
    improved = baseline is not None and not _small_change(baseline, latest) \
        and (value > baseline[1]) == higher
    if met:
        return "met", True
    if target is None and baseline is None:
        return "unknown", False
    if target is None and improved:
        return "met", False
    return ("improved" if improved else "not"), False


def _result(verdict: Verdict, case: str, *, auto=None, **context) -> dict:
    context = {"occasions": 0, "target": None, "all_done": False, "lines": [], "year": None,
               "named": False, "said": "",
               **context}
    if auto is None and verdict in (Verdict.ONGOING, Verdict.NOT_STARTED):
        auto = (VerdictReason.TOO_EARLY, "")
    return {"suggested": verdict.value, "reason": prose.render("verdict.md.j2", case=case,
                                                                 **context),
            "auto_reason": {"code": auto[0].value, "text": auto[1]} if auto else None}


def indicator_rows(series, year: int) -> list[prose.IndicatorRow]:
    """The Lägesbild table: this year, last year and the national figure of each indicator."""
    rows = []
    for s in series:
        values = {point[0]: point for point in s.points}
        now, before = values.get(year), values.get(year - 1)
        if now is None and before is None:
            continue
        rows.append(prose.IndicatorRow(
            s.name, s.unit, s.source, s.higher_is_better,
            now[1] if now else None, before[1] if before else None,
            now[2] if now else None))
    return rows
