"""Golden files: each section template of the follow-up, on a small fixed set of figures.

A change of wording shows up here as a diff a reader can judge. After an intended change,
write the files again with `TRACKER_UPDATE_GOLDEN=1 make test PYTEST_ARGS=tests/services/test_followup_texts.py`
and read the diff before committing it.
"""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from tracker.followups import prose, queries
from tracker.followups.assess import period_points

GOLDEN = Path(__file__).parent / "golden"
WALKS = prose.TypeWork(
    count_phrase="2 trygghetsvandringar", actor="Kommunen", period="maj–juli 2023",
    totals=["9 deltagare från kommunen", "21 iakttagelser"], place_count=1)
CONTROLS = prose.TypeWork(
    count_phrase="35 trafikkontroller", actor="Polisen och kommunen",
    by_actor=["Polisen 30", "kommunen 5"], period="januari–november 2023",
    breakdown=[["20 hastighetskontroller", "15 nykterhetskontroller"]], place_count=3,
    totals=["3 747 kontrollerade fordon"], averages=["i genomsnitt 2,5 poliser per kontroll"])
TALKS = prose.TypeWork(
    count_phrase="26 orossamtal", qualifiers=["tillsammans med socialtjänsten"],
    period="januari–december 2023", lists=[("Åldrar", "under 15 och 15–17")])
SERIES = prose.IndicatorSeries("Andel som känner oro", "procent", "SCB", False,
                               [(2021, 18.0, 24.0), (2022, 16.5, None), (2023, 15.0, 24.0)])
ONE_YEAR = prose.IndicatorSeries("Anmälda brott", "antal", "Polisen", False,
                                 [(2023, 1034.0, None)])



def _period(series: prose.IndicatorSeries, first_year: int) -> dict:
    """What the verdict passes the line: the period's baseline and latest, and the newest."""
    baseline, latest = period_points(series.points, first_year)
    return dict(s=series, baseline=baseline, latest=latest, last=series.points[-1])


CASES = {
    "summary": ("summary.md.j2", dict(
        counts=[("uppfyllt", 1), ("delvis_uppfyllt", 0), ("ej_uppfyllt", 0), ("pagar", 0),
                ("genomfort", 3), ("kan_inte_bedomas", 2)], total=6, year=2023)),
    "introduction": ("introduction.md.j2", dict(
        official_name="Lidköpings kommun", police_area="Västra Skaraborg", start_year=2022,
        end_year=2023, year=2023, title="Medborgarlöfte 2022–2023",
        sources=["medborgardialoger", "medarbetardialoger"],
        sources_note="Medborgardialoger med boende samt Polisens medarbetarenkät.",
        signed_on=date(2022, 2, 4), signatories=["Eva Ek (KSO)", "Per Berg (LPO-chef)"],
        agreement_url="https://example.se/lofte.pdf", problem_picture="Oron för droger ökar.")),
    "situation": ("situation.md.j2", dict(
        rows=[prose.IndicatorRow("Andel som känner oro", "procent", "SCB", False, 15, 16.5, 24)],
        official_name="Skara kommun", year=2023, sources=["SCB"])),
    "focus_area": ("focus_area.md.j2", dict(description="Hög synlighet i krogmiljön.")),
    "commitment": ("commitment.md.j2", dict(work=prose.CommitmentWork(
        activity_count=4, types=[CONTROLS, TALKS, WALKS],
        places=["Krogmiljön (90 tillfällen)", "Torget (2 tillfällen)", "3 platser till"],
        notes=[prose.NoteLine("30 maj 2023", "Trygghetsvandring i centrum",
                              "Belysningen vid torget brister.")],
        cancelled=[("Temakväll för vårdnadshavare", "Flyttas till 2024.")], year=2023))),
    "commitment_without_work": ("commitment.md.j2", dict(work=prose.CommitmentWork(
        activity_count=1, types=[], places=[], notes=[], cancelled=[], year=2023))),
    # the work was done earlier in the period: said, not "nothing registered" alone
    "commitment_done_earlier": ("commitment.md.j2", dict(work=prose.CommitmentWork(
        activity_count=1, types=[], places=[], notes=[], cancelled=[], year=2025,
        earlier=[(2024, 5)]))),
    # an effect is followed up by its measures, not by occasions of its own
    "commitment_effect": ("commitment.md.j2", dict(work=prose.CommitmentWork(
        activity_count=0, types=[], places=[], notes=[], cancelled=[], year=2025,
        is_effect=True))),
    "verdict_count_unread": ("verdict.md.j2", dict(
        case="count_unread", occasions=3, target=None, all_done=False, year="2024–2025",
        lines=[], said="2 extra patruller fredag och lördag natt")),
    "verdict_target_missed": ("verdict.md.j2", dict(
        case="target_missed", occasions=33, target=40, all_done=True, year=2023, lines=[])),
    "verdict_no_indicator": ("verdict.md.j2", dict(
        case="no_indicator", occasions=20, target=None, all_done=False, year=2023, lines=[])),
    "indicator_line": ("indicator_line.md.j2", dict(
        **_period(SERIES, 2022), higher_is_better=False, target=12.0, target_met=False)),
    "indicator_line_one_year": ("indicator_line.md.j2", dict(
        **_period(ONE_YEAR, 2023), higher_is_better=False, target=None, target_met=False)),
    "indicator_line_before_period": ("indicator_line.md.j2", dict(
        **_period(SERIES, 2024), higher_is_better=False, target=12.0, target_met=False)),
    "effect": ("effect.md.j2", dict(
        official_name="Götene kommun", year=2023, series=[SERIES, ONE_YEAR],
        effect_commitments=[{"text": "Tryggheten ska öka.", "measures": ["Andel som känner oro"]},
                            {"text": "Skolorna ska vara drogfria.", "measures": []}])),
    "effect_reported_crimes": ("effect.md.j2", dict(  # counted, not sampled: no survey caveat
        official_name="Götene kommun", year=2023, series=[ONE_YEAR], effect_commitments=[])),
    "lessons": ("lessons.md.j2", dict(total="900,8", parts=["Polisen 810,6", "kommunen 90,2"])),
    "next_steps": ("next_steps.md.j2", {}),
    "walks": ("walks.md.j2", dict(w=queries.WalkCounts(
        walks=2, findings=14, done=11, in_progress=2, closed=1))),
    "walks_one_open": ("walks.md.j2", dict(w=queries.WalkCounts(
        walks=1, findings=3, done=1, open=1, no_action=1))),
    "contact": ("contact.md.j2", dict(
        people=[("Kim Kommunpolis", "Kommunpolis"), ("Sara Samordnare", "Säkerhetssamordnare")],
        official_name="Lidköpings kommun", municipality_contact="",
        police_contact="Polisen i lokalpolisområde Västra Skaraborg: telefon 114 14.")),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_section_template_reads_as_its_golden_file(name):
    template, context = CASES[name]
    text = prose.render(template, **context) + "\n"
    path = GOLDEN / f"{name}.md"
    if os.environ.get("TRACKER_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path.name} is missing: write it with TRACKER_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


def test_babel_formats_numbers_dates_periods_and_lists_in_swedish():
    assert prose.number(1034) == "1\u00a0034" and prose.number(2.55) == "2,6"
    assert prose.day(date(2023, 2, 4)) == "4 februari 2023"
    assert prose.period(date(2023, 2, 1), date(2023, 12, 9)) == "februari–december 2023"
    assert prose.period(date(2022, 11, 1), date(2023, 2, 9)) == "november 2022–februari 2023"
    assert prose.join(["a", "b", "c"]) == "a, b och c"
    assert prose.quoted_list(["Trafik, droger", "Nätet"]) == "”Trafik, droger” och ”Nätet”"
    assert prose.quoted_list(["Kommunen, Polisen och Trelleborgshem"]) == \
        "Kommunen, Polisen och Trelleborgshem"  # one value: no list to misread
    assert sum((prose.tenths_of_hours(m) for m in (48633, 5415))) == \
        prose.tenths_of_hours(48633) + prose.tenths_of_hours(5415)
