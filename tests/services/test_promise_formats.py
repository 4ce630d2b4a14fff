"""Formats of published promises the reader learnt from texts written for the purpose: each
case is a few lines in the format, and what a careful reader takes from them."""
from __future__ import annotations

import pytest

from tracker.services.promises.from_text import PromiseDraft, parse_promise_text
from tracker.services.promises.text_sentences import party_in, target_in


@pytest.fixture(autouse=True)
def _context(app):
    with app.test_request_context():
        yield


def _parse(text: str) -> PromiseDraft:
    return parse_promise_text(text)


def _items(draft: PromiseDraft) -> list[tuple[str, str, str, int | None]]:
    return [(a.title, c.party, c.text, c.target_count)
            for a in [*draft.focus_areas] for c in a.commitments] + [
        ("", c.party, c.text, c.target_count) for c in draft.other_commitments]


def _said(draft: PromiseDraft) -> list[tuple[str, str]]:
    """(party, text) of every commitment, in order."""
    return [(party, text) for _a, party, text, _t in _items(draft)]


def test_numbered_promises_are_items_and_a_numbered_short_title_heads_a_focus_area():
    draft = _parse("Medborgarlöfte 2026–2027\n\nVad vi lovar\n"
                   "Löfte 1: Polisen lovar att patrullera i centrum varje helg.\n"
                   "Löfte 2: Kommunen lovar att genomföra 6 föräldravandringar.\n\n"
                   "Löfte 3: Trygg hamn\n- Polisen genomför fyra båtkontroller.\n")
    assert _items(draft) == [  # the focus area's, then those under none
        ("Trygg hamn", "polisen", "Genomför fyra båtkontroller.", 4),
        ("", "polisen", "Patrullera i centrum varje helg.", None),
        ("", "kommunen", "Genomföra 6 föräldravandringar.", 6)]


def test_a_lettered_list_under_numbered_headings_and_signatures_for_each_party():
    draft = _parse("Ystads kommun – Medborgarlöfte 2026\n\nMedborgardialogen visade\n"
                   "Många känner sig otrygga vid stationen.\n\n"
                   "1) Tryggare stationsområde\n"
                   "a) Polisen genomför riktade insatser vid stationen varje fredag.\n"
                   "b) Kommunen installerar ny belysning i parken.\n\n"
                   "Ystad den 15 december 2025\n\nFör Ystads kommun\nKristina Bendz\n"
                   "Kommunstyrelsens ordförande\nYstads kommun\n\nFör Polisen\nMats Jönsson\n"
                   "Lokalpolisområdeschef Ystad\nPolismyndigheten\n")
    assert _items(draft) == [
        ("Tryggare stationsområde", "polisen",
         "Genomför riktade insatser vid stationen varje fredag.", None),
        ("Tryggare stationsområde", "kommunen", "Installerar ny belysning i parken.", None)]
    assert draft.problem_picture == "Många känner sig otrygga vid stationen."
    assert [(s.name, s.title) for s in draft.signatories] == [
        ("Kristina Bendz", "Kommunstyrelsens ordförande"),
        ("Mats Jönsson", "Lokalpolisområdeschef Ystad")]


def test_tick_bullets_a_page_footer_a_numbered_problem_heading_and_a_joined_first_name():
    draft = _parse("Medborgarlöfte 2026\n\n2 Problembild\nStölder från gårdar ökar.\n\n"
                   "Fokusområde: Landsbygden\nPolisen lovar att:\n"
                   "✓ Genomföra 8 riktade kontroller på väg 56\n✔ Besöka lantbrukare\n"
                   "Sida 1 av 2\nKommunen lovar att:\n➤ Starta grannsamverkan i två nya byar\n\n"
                   "Sala den 3 augusti 2026\n"
                   "AnnSofie Andersson (S), kommunstyrelsens ordförande\n"
                   "Stefan Olsson, lokalpolisområdeschef\n")
    assert _items(draft) == [
        ("Landsbygden", "polisen", "Genomföra 8 riktade kontroller på väg 56", 8),
        ("Landsbygden", "polisen", "Besöka lantbrukare", None),
        ("Landsbygden", "kommunen", "Starta grannsamverkan i två nya byar", 2)]
    assert draft.problem_picture == "Stölder från gårdar ökar."
    assert [s.name for s in draft.signatories] == ["AnnSofie Andersson", "Stefan Olsson"]


def test_a_city_s_own_word_for_itself_and_questions_that_name_the_party():
    draft = _parse("Medborgarlöfte Helsingborg 2026\n\nFokusområde: Knutpunkten\n"
                   "Helsingborgs stad lovar att:\n- Förbättra belysningen.\n"
                   "Vad gör polisen?\n- Patrullerar varje fredag.\n"
                   "Staden ska dessutom öppna en fritidsgård.\n")
    assert _items(draft) == [
        ("Knutpunkten", "kommunen", "Förbättra belysningen.", None),
        ("Knutpunkten", "polisen", "Patrullerar varje fredag.", None),
        ("Knutpunkten", "kommunen", "Öppna en fritidsgård.", None)]


def test_party_letters_in_square_brackets():
    draft = _parse("Medborgarlöfte 2026\n\nFokusområde: Resecentrum\n"
                   "- Fotpatrullering fredag kväll [P]\n- Ljusare belysning i parken [K]\n"
                   "- Trygghetsvandring varje höst [K+P]\n")
    assert _items(draft) == [
        ("Resecentrum", "polisen", "Fotpatrullering fredag kväll", None),
        ("Resecentrum", "kommunen", "Ljusare belysning i parken", None),
        ("Resecentrum", "tillsammans", "Trygghetsvandring varje höst", None)]


@pytest.mark.parametrize("text, target", [
    ("Genomföra 10 st trafikkontroller vid E45 under 2026.", 10),
    ("Genomföra 10 st. kontroller.", 10),
    ("Informera om resultatet senast 31 januari 2027.", None),  # a date, not a count
])
def test_counts_with_st_and_days_of_dates(text, target):
    assert target_in(text, 1) == (target, "")


def test_together_with_a_partner_who_is_not_the_other_party_is_one_party_s_promise():
    assert party_in("Kommunen, tillsammans med Botkyrkabyggen") == "kommunen"
    assert party_in("Polisen tillsammans med kommunen") == "tillsammans"
    assert party_in("tillsammans") == "tillsammans"


@pytest.mark.parametrize("text", [
    "minska andelen invånare som känner sig otrygga i centrum på kvällen.",
    "Öka andelen elever som känner sig trygga i skolan.",
    "Andelen invånare som oroar sig för inbrott i bostaden ska minska.",
    "Minska otryggheten vid resecentrum.",
])
def test_a_share_or_a_feeling_to_change_is_an_effect_whichever_the_word_order(text):
    """"minska andelen …" is judged by its measures, as "andelen … ska minska" is; a way of
    working would be judged by occasions logged under it."""
    from tracker.models.promise import suggest_kind

    assert suggest_kind(text).value == "effekt"


@pytest.mark.parametrize("text, kind", [
    ("Kommunen genomför två trygghetsvandringar i centrum.", "prestation"),
    ("Polisen ska besöka skolorna i Götene.", "prestation"),
    ("Helsingborgs stad erbjuder föräldrautbildning.", "prestation"),
    ("Kommunen fortsätter att samverka i EST-gruppen.", "arbetssatt"),
    ("Vara ute två kvällar i veckan.", "arbetssatt"),
])
def test_a_sentence_that_names_its_party_first_suggests_the_kind_of_its_verb(text, kind):
    """A commitment added by hand as a whole sentence: "Kommunen genomför …" is counted work,
    as "Genomföra …" is."""
    from tracker.models.promise import suggest_kind

    assert suggest_kind(text).value == kind


def test_a_together_promise_after_a_word_that_orders_the_list_is_read():
    draft = _parse("MEDBORGARLÖFTE ÅR 2026\n\nVÅRA LÖFTEN\n"
                   "Polisen kommer under året att genomföra minst 15 trafikkontroller riktade "
                   "mot mopeder. Kommunen kommer att bjuda in vårdnadshavare till två "
                   "informationskvällar. Slutligen lovar vi att informera om arbetet minst en "
                   "gång per kvartal.\n")
    assert ("tillsammans", "Informera om arbetet minst en gång per kvartal.") in [
        (party, text) for _area, party, text, _target in _items(draft)]


def test_a_region_that_is_its_own_municipality_promises_as_the_municipality():
    """Region Gotland signs as the municipality: "Regionen åtar sig att" heads its list, and
    "Region Gotland och Polisen" is the together promise."""
    draft = _parse("MEDBORGARLÖFTE 2026–2027\nREGION GOTLAND OCH LOKALPOLISOMRÅDE GOTLAND\n\n"
                   "FOKUSOMRÅDE: SOMMAREN I VISBY\nREGIONEN ÅTAR SIG ATT:\n"
                   "1) Anordna nattvandringar varje helg.\nPOLISEN ÅTAR SIG ATT:\n"
                   "1) Genomföra minst 20 nykterhetskontroller i hamnen.\n"
                   "REGIONEN OCH POLISEN ÅTAR SIG GEMENSAMT ATT:\n"
                   "1) Starta grannsamverkan i 3 nya fritidshusområden.\n\n"
                   "Fokusområde: Narkotika\nRegion Gotland ska erbjuda föräldrastöd på alla "
                   "högstadieskolor.\n")
    assert _items(draft) == [
        ("SOMMAREN I VISBY", "kommunen", "Anordna nattvandringar varje helg.", None),
        ("SOMMAREN I VISBY", "polisen", "Genomföra minst 20 nykterhetskontroller i hamnen.", 20),
        ("SOMMAREN I VISBY", "tillsammans", "Starta grannsamverkan i 3 nya fritidshusområden.", 3),
        ("Narkotika", "kommunen", "Erbjuda föräldrastöd på alla högstadieskolor.", None)]


def test_a_table_pasted_with_tabs_keeps_its_empty_cells_and_every_row():
    """An empty target cell (two tabs) or an empty last cell (a trailing tab) is a cell: the
    rows after it were lost when tabs were merged."""
    draft = _parse("Medborgarlöfte 2026\n\nÅtgärd\tAnsvarig\tMål\tKommentar\n"
                   "Trygghetsvandringar\tKommunen\t4\tVår och höst\n"
                   "Trafikkontroller\tPolisen\t\tVid skolorna\n"
                   "Nattvandringar\tFritidsgårdarna\t10\t\n"
                   "Föräldramöten\tPolisen\t2\tI Norra skolan\n")
    assert [(party, text, target) for _a, party, text, target in _items(draft)] == [
        ("kommunen", "Trygghetsvandringar. Mål: 4. Kommentar: Vår och höst.", 4),
        ("polisen", "Trafikkontroller. Kommentar: Vid skolorna.", None),
        ("kommunen", "Nattvandringar. Mål: 10.", 10),
        ("polisen", "Föräldramöten. Mål: 2. Kommentar: I Norra skolan.", 2)]


def test_departments_companies_and_the_police_by_other_names_lead_their_promises():
    """A municipality's departments and companies promise for it, the police area and the
    kommunpolis for the police; a department with the police is both. None is lost, and a
    sentence that leads in to a list is no promise of its own."""
    draft = _parse("Medborgarlöfte Borlänge 2025–2026\n\n"
                   "Lokalpolisområde Borlänge och Borlänge kommun lovar invånarna följande.\n\n"
                   "Trygg offentlig miljö\n"
                   "Samhällsbyggnadsförvaltningen ska rusta upp belysningen på Stationsgatan.\n"
                   "Det kommunala bostadsbolaget Tunabyggen ska genomföra tre trygghetsvandringar.\n"
                   "Kommunens fältassistenter ska arbeta uppsökande varje fredag.\n"
                   "Kultur- och fritidsförvaltningen ska hålla fritidsgårdarna öppna.\n"
                   "Kommunpolisen ska delta i skolans temadagar.\n"
                   "Socialtjänsten och polisen ska hålla SSPF-möten.\n")
    assert _said(draft) == [
        ("kommunen", "Rusta upp belysningen på Stationsgatan."),
        ("kommunen", "Genomföra tre trygghetsvandringar."),
        ("kommunen", "Arbeta uppsökande varje fredag."),
        ("kommunen", "Hålla fritidsgårdarna öppna."),
        ("polisen", "Delta i skolans temadagar."),
        ("tillsammans", "Hålla SSPF-möten.")]


@pytest.mark.parametrize("heading, party", [
    ("Regionen ska", "kommunen"),
    ("Nyköpingshem ska", "kommunen"),
    ("Fritidsgårdarna ska", "kommunen"),
    ("Polisen och socialtjänsten ska", "tillsammans"),
    ("Lidköpings, Götene och Skara kommuner lovar att:", "kommunen"),
    ("Kommunerna lovar att:", "kommunen"),
    ("Lokalpolisområde Lidköping lovar att:", "polisen"),
    ("Kommunerna och polisen lovar tillsammans att:", "tillsammans"),
    ("Vad gör räddningstjänsten?", "kommunen"),
])
def test_a_heading_naming_a_department_or_several_municipalities_heads_their_list(heading, party):
    draft = _parse(f"Medborgarlöfte 2025–2026\n\nFokusområde: Trygg skolväg\n\n{heading}\n"
                   "• ha fältassistenter ute varje helg\n")
    assert _items(draft) == [("Trygg skolväg", party, "ha fältassistenter ute varje helg", None)]


def test_a_title_set_over_lines_keeps_its_parties_and_years():
    """"Medborgarlöfte" / "Nyköpings kommun och Polisen" / "2025–2026": the period is the
    title's, not the year of a survey further down, and the parties' line is no focus area."""
    draft = _parse("Medborgarlöfte\nNyköpings kommun och Polisen\n2025–2026\n\n"
                   "Löftet bygger på Polisens trygghetsmätning 2024.\n\n"
                   "Polisen lovar att\n• ha kontaktpolis i Brandkärr\n")
    assert draft.title == "Medborgarlöfte Nyköpings kommun och Polisen 2025–2026"
    assert (draft.start_year, draft.end_year) == (2025, 2026)
    assert [a.title for a in draft.focus_areas] == [""]
    assert _items(draft) == [("", "polisen", "ha kontaktpolis i Brandkärr", None)]


def test_sentences_led_by_a_party_in_the_present_tense_under_a_focus_area_are_promises():
    """Running text, not bullets: "Kommunen ordnar …" promises; "Polisen ser …" tells."""
    draft = _parse("Medborgarlöfte 2025–2026\n\nFokusområde: Trygga stråk\n"
                   "Polisen ser en ökning av ordningsstörningar.\n"
                   "Kommunen ordnar nattvandringar varje fredag.\n"
                   "Polisen genomför hastighetskontroller varje månad.\n")
    assert _items(draft) == [
        ("Trygga stråk", "kommunen", "Ordnar nattvandringar varje fredag.", None),
        ("Trygga stråk", "polisen", "Genomför hastighetskontroller varje månad.", None)]
    assert "ser en ökning" in draft.focus_areas[0].description


def test_a_promise_in_markdown_reads_as_its_text():
    draft = _parse("# Medborgarlöfte Haninge 2025–2026\n\n"
                   "## Fokusområde 1: Tryggare Handen centrum\n\n### Kommunen lovar att\n\n"
                   "* genomföra **minst fyra** trygghetsvandringar per år\n\n"
                   "| Åtgärd | Ansvarig | Mål |\n|---|---|---|\n"
                   "| Trafikkontroller | Polisen | 10 |\n")
    assert draft.title == "Medborgarlöfte Haninge 2025–2026"
    assert _items(draft) == [
        ("Tryggare Handen centrum", "kommunen",
         "genomföra minst fyra trygghetsvandringar per år", 8),
        ("Tryggare Handen centrum", "polisen", "Trafikkontroller. Mål: 10.", 10)]


def test_o_as_a_bullet_before_a_lower_case_item():
    """Word's round bullet pasted as the letter o."""
    draft = _parse("Medborgarlöfte 2025–2026\n\nFokusområde: Trygga bostadsområden\n"
                   "Polisen ska\no ha kontaktpolis i Brandkärr\no Genomföra dialogmöten\n")
    assert [text for _a, _p, text, _t in _items(draft)] == [
        "ha kontaktpolis i Brandkärr", "Genomföra dialogmöten"]


@pytest.mark.parametrize("text, said", [
    # an abbreviation with a full stop does not end the sentence
    ("Trygg stadskärna\nPolisen ska patrullera i centrum mellan kl. 22.00 och 03.00 varje "
     "helg. Kommunen ska ordna fler aktiviteter.",
     [("polisen", "Patrullera i centrum mellan kl. 22.00 och 03.00 varje helg."),
      ("kommunen", "Ordna fler aktiviteter.")]),
    # two promises joined by "och" and a verb of their own are two; two verbs of one are one
    ("Fokusområde: Unga\nKommunen ska anställa två fältassistenter och erbjuda drogfria "
     "aktiviteter varje fredag.\nPolisen ska informera och utbilda personal på fritidsgårdarna.",
     [("kommunen", "Anställa två fältassistenter."),
      ("kommunen", "Erbjuda drogfria aktiviteter varje fredag."),
      ("polisen", "Informera och utbilda personal på fritidsgårdarna.")]),
])
def test_sentences_in_running_text(text, said):
    assert _said(_parse(f"Medborgarlöfte 2025–2026\n\n{text}")) == said
