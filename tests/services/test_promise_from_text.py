"""Reading a published promise's text into a preview, without HTTP: the five demo pages against
what the demo holds, texts written in other ways, and the personnummer guard."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tracker.services import DomainError
from tracker.services.promises.from_text import PromiseDraft, parse_promise_text

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "tracker" / "demo" / "pages"
TEXTS = Path(__file__).parent / "promise_texts"
SEED = {p["source_page"]: p for p in json.loads(
    (ROOT / "tracker" / "demo" / "seed_data.json").read_text(encoding="utf-8"))["promises"]}
PERSONNUMMER = "19811218-9876"  # the Skatteverket test number: real date, valid check digit
PERSONNUMMER_MESSAGE = "innehåller något som ser ut som ett personnummer"


@pytest.fixture(autouse=True)
def _context(app):
    """Messages are translated, so the parser runs inside a request (as it does in the app)."""
    with app.test_request_context():
        yield


def _fields_of_seed(promise: dict) -> dict:
    return {
        "title": promise["title"],
        "period": (promise["start_year"], promise["end_year"]),
        "signatories": [(s["name"], s["title"]) for s in promise["signatories"]],
        "problem_picture": promise["problem_picture"],
        "sources": sorted(promise["sources"]),
        "sources_note": promise["sources_note"],
        "focus_area_titles": [a["title"] for a in promise["focus_areas"]],
        "focus_area_descriptions": [a["description"] for a in promise["focus_areas"]],
        "commitments": [(index, c["party"], c["text"], c["target_count"], c["target_note"])
                        for index, a in enumerate(promise["focus_areas"])
                        for c in a["commitments"]],
    }


def _fields_of_draft(draft: PromiseDraft) -> dict:
    return {
        "title": draft.title,
        "period": (draft.start_year, draft.end_year),
        "signatories": [(s.name, s.title) for s in draft.signatories],
        "problem_picture": draft.problem_picture,
        "sources": sorted(draft.sources),
        "sources_note": draft.sources_note,
        "focus_area_titles": [a.title for a in draft.focus_areas],
        "focus_area_descriptions": [a.description for a in draft.focus_areas],
        "commitments": [(index, c.party, c.text, c.target_count, c.target_note)
                        for index, a in enumerate(draft.focus_areas) for c in a.commitments],
    }


GOTENE, SKARA, LIDKOPING_2024, EXEMPEL, LIDKOPING_2022 = (
    "001_eb89380561d4d2aa.txt", "002_2feda3c715ef061f.txt", "000_1e2500db9b85e675.txt",
    "003_4109c600ce9fa24a.txt", "004_5d20074ec328ced9.txt")


def _mismatches(page: str) -> list[tuple[str, object, object]]:
    """(field, what the parser gives, what the demo holds) for every field that differs; the
    commitments one by one, so a report names the one that is off."""
    parsed = _fields_of_draft(parse_promise_text((PAGES / page).read_text(encoding="utf-8")))
    seed = _fields_of_seed(SEED[page])
    found = [(name, parsed[name], expected) for name, expected in seed.items()
             if name != "commitments" and parsed[name] != expected]
    got, held = parsed["commitments"], seed["commitments"]
    found += [(f"commitments[{i}]", g, h) for i, (g, h) in enumerate(zip(got, held)) if g != h]
    found += [(f"commitments[{i}]", g, None) for i, g in enumerate(got[len(held):], len(held))]
    found += [(f"commitments[{i}]", None, h) for i, h in enumerate(held[len(got):], len(got))]
    return found


def _report(found: list[tuple[str, object, object]]) -> str:
    return "\n".join(f"  {name}:\n    parsed: {got!r}\n    demo:   {held!r}"
                     for name, got, held in found)


@pytest.mark.parametrize("page", sorted(SEED))
def test_a_demo_page_gives_exactly_what_the_demo_holds_field_by_field(page):
    """Title, period, signatories, problem picture, sources and their note, focus areas with
    their descriptions, and every commitment's focus area, party, text and target."""
    found = _mismatches(page)
    print(f"{page}: {len(_fields_of_seed(SEED[page])) - len({n.split('[')[0] for n, *_ in found})}"
          f"/{len(_fields_of_seed(SEED[page]))} fields match")
    assert not found, f"{page} differs from the demo:\n{_report(found)}"


def test_every_demo_promise_comes_from_a_page():
    assert set(SEED) == {path.name for path in PAGES.glob("*.txt")}
    assert len(SEED) == 5


def test_the_demo_pages_keep_every_party_block_in_order():
    draft = parse_promise_text((PAGES / GOTENE).read_text(encoding="utf-8"))
    assert [c.party for c in draft.focus_areas[0].commitments] == (
        ["kommunen"] * 4 + ["polisen"] * 2 + ["tillsammans"] * 3)


# ---------------------------------------------------------------- texts written differently

def _parse(name: str) -> PromiseDraft:
    return parse_promise_text((TEXTS / name).read_text(encoding="utf-8"))


def _areas(draft: PromiseDraft) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(a.title, [(c.party, c.text) for c in a.commitments]) for a in draft.focus_areas]


def test_colon_headings_dash_bullets_numbered_focus_areas_and_name_title_lines():
    draft = _parse("vanersborg_kolon_streck.txt")
    assert (draft.title, draft.start_year, draft.end_year) == (
        "Medborgarlöfte för Vänersborg 2024–2025", 2024, 2025)
    assert draft.problem_picture.startswith("Invånarna upplever otrygghet i centrum")
    assert draft.sources == ["trygghetsmatning"]
    assert _areas(draft) == [
        ("Trygg stadskärna", [
            ("kommunen", "Förbättra belysningen i Skräcklebyparken."),
            ("kommunen", "Genomföra två trygghetsvandringar per år i centrum."),
            ("polisen", "Öka den synliga närvaron i centrum fredag och lördag kväll."),
            ("tillsammans", "Ta fram en gemensam lägesbild varje vecka enligt EST."),
        ]),
        ("Narkotika bland unga", [
            ("kommunen", "Erbjuda föräldrautbildning om droger i alla högstadieskolor."),
            ("polisen", "Genomföra riktade insatser mot narkotikaförsäljning till unga."),
        ]),
    ]
    assert [(s.name, s.title) for s in draft.signatories] == [
        ("Anna Lindqvist", "Kommunstyrelsens ordförande (S)"),
        ("Peter Holm", "Lokalpolisområdeschef"),
    ]
    assert draft.missing == []


def test_round_bullets_party_commitment_headings_one_year_in_running_text_and_names_over_titles():
    draft = _parse("alingsas_punkter_namn_under.txt")
    assert (draft.title, draft.start_year, draft.end_year) == (
        "Trygghetslöfte för Alingsås", 2025, 2025)
    assert draft.problem_picture == (
        "Skadegörelse och nedskräpning i bostadsområdena Noltorp och Brogården har ökat. "
        "Många äldre känner oro för bedrägerier via telefon.")
    assert draft.sources == ["medborgardialog", "enkat", "brottsstatistik"]
    assert draft.sources_note == ("Löftet bygger på medborgardialoger, SCB:s "
                                  "medborgarundersökning och polisens brottsstatistik.")
    assert _areas(draft) == [
        ("Trygga bostadsområden", [
            ("kommunen", "Anordna fritidsaktiviteter för unga i Noltorp tre kvällar i veckan."),
            ("kommunen", "Laga trasig belysning inom en vecka efter anmälan."),
            ("polisen", "Patrullera till fots i Noltorp och Brogården minst en kväll per vecka."),
        ]),
        ("Äldre och bedrägerier", [
            ("tillsammans",
             "Hålla informationsträffar om bedrägerier på kommunens träffpunkter för äldre."),
        ]),
    ]
    assert [(s.name, s.title) for s in draft.signatories] == [
        ("Maria Sjöberg", "Kommunstyrelsens ordförande"),
        ("Johan Ek", "Lokalpolisområdeschef Alingsås"),
    ]


def test_numbered_focus_areas_with_the_parties_in_running_text_and_a_slash_period():
    draft = _parse("trelleborg_numrerat_lopande.txt")
    assert (draft.title, draft.start_year, draft.end_year) == ("Medborgarlöfte 2024/25", 2024, 2025)
    assert draft.problem_picture.startswith("Under 2023 ökade antalet anmälda inbrott")
    assert _areas(draft) == [
        ("Inbrott i villaområden", [
            ("polisen", "Genomföra riktade kontroller i villaområdena under sommarmånaderna."),
            ("kommunen", "Starta grannsamverkan i minst fem nya områden."),
        ]),
        ("Trafiken vid skolorna", [
            ("polisen", "Göra hastighetskontroller vid skolorna minst en gång i månaden."),
            ("tillsammans", "Bjuda in föräldrar till en trafikdag varje höst."),
        ]),
    ]
    assert [(s.name, s.title) for s in draft.signatories] == [
        ("Ulf Andersson", "Kommunstyrelsens ordförande"),
        ("Lena Persson", "Lokalpolisområdeschef"),
    ]


def test_a_signatory_line_with_the_police_area_after_the_title_is_read():
    """"Peter Nilsson, lokalpolisområdeschef, lokalpolisområde Trelleborg": two commas."""
    draft = parse_promise_text(
        "Medborgarlöfte 2026–2027\nTrafik\nPolisen lovar att:\n- Genomföra kontroller.\n\n"
        "Trelleborg den 20 januari 2026\nAnna Jönsson (S), kommunstyrelsens ordförande\n"
        "Peter Nilsson, lokalpolisområdeschef, lokalpolisområde Trelleborg\n")
    assert [(s.name, s.title) for s in draft.signatories] == [
        ("Anna Jönsson", "Kommunstyrelsens ordförande (S)"),
        ("Peter Nilsson", "Lokalpolisområdeschef, lokalpolisområde Trelleborg")]


def test_a_list_of_focus_areas_then_each_with_parenthesis_numbers_and_en_dash_bullets():
    draft = _parse("boras_fokuslista_parenteser.txt")
    assert (draft.title, draft.start_year, draft.end_year) == (
        "Medborgarlöfte Borås 2025-2026", 2025, 2026)
    assert draft.sources == ["medborgardialog", "handelserapporter"]
    assert _areas(draft) == [
        ("Unga som riskerar att hamna i kriminalitet", [
            ("kommunen", "Starta ett SSPF-team med skola, socialtjänst, polis och fritid."),
            ("kommunen", "Erbjuda sommarjobb till alla 16-åringar i utsatta områden."),
            ("polisen", "Ha regelbundna orossamtal tillsammans med socialtjänsten."),
        ]),
        ("Trygghet i centrum", [
            ("tillsammans", "Genomföra en trygghetsvandring i centrum varje vår och höst."),
            ("tillsammans", "Införa kameraövervakning på Stora torget."),
        ]),
    ]
    assert draft.signatories == [] and "signatories" in draft.missing


def test_a_press_release_with_the_signing_quotes_and_commitments_in_running_text():
    draft = _parse("falkoping_pressmeddelande.txt")
    assert (draft.title, draft.start_year, draft.end_year) == ("Medborgarlöfte 2026", 2026, 2026)
    assert [(s.name, s.title) for s in draft.signatories] == [
        ("Adam Johansson", "Kommunstyrelsens ordförande (M)"),
        ("Maria Svensson", "Lokalpolisområdeschef"),
    ]
    assert draft.problem_picture == (
        "Enligt polisens trygghetsmätning känner 31 procent av invånarna oro för att vistas i "
        "centrum efter mörkrets inbrott.")  # the quote is left out
    assert _areas(draft) == [("", [
        ("polisen", "Vara på plats vid busstationen fredag och lördag kväll."),
        ("kommunen", "Anställa två nattvandrare."),  # "och" + a promise's verb: two
        ("kommunen", "Förbättra belysningen vid busstationen."),
        ("tillsammans", "Följa upp lägesbilden varje vecka."),
    ])]
    assert draft.missing == ["focus_titles"]


def test_focus_areas_with_descriptions_plain_lines_under_party_names_and_a_signed_by_heading():
    draft = _parse("kungalv_rader_utan_punkter.txt")
    assert (draft.title, draft.start_year, draft.end_year) == (
        "Medborgarlöfte 2023–2024", 2023, 2024)
    assert [(a.title, a.description) for a in draft.focus_areas] == [
        ("Trafiksäkerhet kring skolor", "Föräldrar och skolpersonal oroar sig för höga "
                                        "hastigheter vid skolorna i Ytterby och Kode."),
        ("Narkotika", "Polisen och kommunen ser en ökad narkotikaanvändning bland unga vuxna."),
    ]
    assert _areas(draft) == [
        ("Trafiksäkerhet kring skolor", [
            ("kommunen", "Sätta upp hastighetsdisplayer vid tre skolor."),
            ("kommunen", "Bygga om övergångsstället vid Ytterbyskolan."),
            ("polisen", "Genomföra hastighetskontroller vid skolorna under skolstarten."),
        ]),
        ("Narkotika", [
            ("tillsammans", "Arbeta enligt modellen Effektiv samordning för trygghet (EST)."),
        ]),
    ]
    assert [(s.name, s.title) for s in draft.signatories] == [
        ("Miriam Ek", "Kommunstyrelsens ordförande (KD)"),
        ("Tomas Berg", "Lokalpolisområdeschef"),
    ]


def test_a_half_page_without_structure_gives_an_empty_preview_that_says_what_is_missing():
    draft = parse_promise_text("Vi har haft ett möte om tryggheten i kommunen.\n\nTack!")
    assert draft.commitment_count == 0 and draft.focus_areas == []
    assert (draft.title, draft.start_year) == ("Medborgarlöfte", None)
    assert {"period", "commitments", "signatories"} <= set(draft.missing)


# ---------------------------------------------------------------- refusals

@pytest.mark.parametrize("where", ["start", "commitment", "contact"])
def test_a_personnummer_anywhere_refuses_the_whole_text(where):
    text = (TEXTS / "vanersborg_kolon_streck.txt").read_text(encoding="utf-8")
    if where == "start":
        text = f"Diarienummer {PERSONNUMMER}\n" + text
    elif where == "commitment":
        text = text.replace("Skräcklebyparken.", f"Skräcklebyparken ({PERSONNUMMER}).")
    else:
        text += f"\nKontakt\nAnna Lindqvist {PERSONNUMMER.replace('-', '')}\n"
    with pytest.raises(DomainError) as refused:
        parse_promise_text(text)
    assert PERSONNUMMER_MESSAGE in refused.value.message
    assert PERSONNUMMER not in refused.value.message


def test_an_empty_or_too_long_text_is_refused_in_swedish():
    with pytest.raises(DomainError, match="Klistra in texten"):
        parse_promise_text(" \n\t\n")
    with pytest.raises(DomainError, match="för lång"):
        parse_promise_text("Kommunen lovar att synas. " * 10_000)


def test_a_text_with_more_commitments_than_a_preview_holds_is_refused():
    lines = ["Medborgarlöfte 2026", "Polisen lovar att"] + [
        f"- Genomföra insats nummer {n}." for n in range(201)]
    with pytest.raises(DomainError, match="fler än 200 åtaganden"):
        parse_promise_text("\n".join(lines))
    assert parse_promise_text("\n".join(lines[:-1])).commitment_count == 200


def test_a_named_municipality_as_party_a_date_span_and_signatures_side_by_side():
    draft = _parse("mjolby_kommunnamn_datum_kolumner.txt")
    assert (draft.title, draft.start_year, draft.end_year) == ("Medborgarlöfte Mjölby", 2025, 2026)
    assert draft.sources == ["medborgardialog", "trygghetsmatning"]
    assert _areas(draft) == [("", [
        ("polisen", "Genomföra riktade trafikkontroller på Burensvägen under våren."),
        ("kommunen", "Rusta upp belysningen i gångtunneln vid stationen."),
        ("tillsammans", "Hålla två öppna trygghetsmöten per år i Mantorp."),
    ])]
    assert [(s.name, s.title) for s in draft.signatories] == [
        ("Karin Holm", "Kommunstyrelsens ordförande"), ("Erik Lund", "Lokalpolisområdeschef")]


def test_a_signing_sentence_gives_the_title_in_its_base_form():
    draft = parse_promise_text(
        "Medborgarlöftet för 2027 undertecknades i går av polischefen Sara Holm och "
        "kommunalrådet Olof Berg (C).")
    assert [(s.name, s.title) for s in draft.signatories] == [
        ("Sara Holm", "Polischef"), ("Olof Berg", "Kommunalråd (C)")]
    assert (draft.start_year, draft.end_year) == (2027, 2027)


def test_a_promise_told_in_the_past_tense_of_a_news_article():
    draft = parse_promise_text(
        "I medborgarlöftet för 2026 lovade kommunen och polisen att hålla öppet hus på "
        "stationen varje månad. Sedan dess har mycket hänt.")
    assert [(c.party, c.text) for a in draft.focus_areas for c in a.commitments] == [
        ("tillsammans", "Hålla öppet hus på stationen varje månad.")]


def test_numbered_and_bulleted_lines_under_one_party_are_all_its_commitments():
    draft = parse_promise_text("Medborgarlöfte 2026\nPolisen lovar:\n1. Synas i centrum.\n"
                               "• Besöka skolorna.\n2) Hålla medborgarmöten.\n\nTrygg trafik\n"
                               "Kommunen lovar:\n1. Sänka hastigheten vid skolorna.")
    assert _areas(draft) == [("Trygg trafik", [("kommunen", "Sänka hastigheten vid skolorna.")])]
    # before the first focus area: "Övriga löften", for the coordinator to place
    assert [(c.party, c.text) for c in draft.other_commitments] == [
        ("polisen", "Synas i centrum."), ("polisen", "Besöka skolorna."),
        ("polisen", "Hålla medborgarmöten.")]


# ---------------------------------------------------------------- the rules the demo pages needed

def test_two_promises_in_one_sentence_split_only_where_both_start_with_a_verb():
    draft = parse_promise_text(
        "I medborgarlöftet för 2026 lovade polisen att patrullera i centrum samt öka närvaron "
        "vid skolorna. Kommunen ska genomföra trygghetsvandringar samt andra insatser i "
        "bostadsområdena.")
    assert [(c.party, c.text) for c in draft.focus_areas[0].commitments] == [
        ("polisen", "Patrullera i centrum."), ("polisen", "Öka närvaron vid skolorna."),
        ("kommunen", "Genomföra trygghetsvandringar samt andra insatser i bostadsområdena.")]
    many = parse_promise_text("Polisen ska öka närvaron " + "samt öka " * 30 + "tryggheten.")
    assert many.commitment_count == 11  # ten splits at most; the rest stays as written


def test_a_goal_is_a_commitment_in_a_follow_up_but_a_description_in_the_promise_itself():
    promise = parse_promise_text(
        "Medborgarlöfte 2026\nFokusområde: Trygg trafik\nMålet är att färre ska köra för fort "
        "vid skolorna.\nPolisen lovar att:\n- Göra hastighetskontroller varje vecka.")
    assert [(a.title, a.description, [(c.party, c.text) for c in a.commitments])
            for a in promise.focus_areas] == [
        ("Trygg trafik", "Målet är att färre ska köra för fort vid skolorna.",
         [("polisen", "Göra hastighetskontroller varje vecka.")])]
    follow_up = parse_promise_text(
        "Uppföljning medborgarlöfte 2026\nTrygg trafik\nPolisen har gjort 40 kontroller. "
        "Målet är att färre ska köra för fort vid skolorna.")
    assert [(a.title, a.description, [(c.party, c.text) for c in a.commitments])
            for a in follow_up.focus_areas] == [
        ("Trygg trafik", "Polisen har gjort 40 kontroller.",
         [("tillsammans", "Färre ska köra för fort vid skolorna.")])]


def test_a_heading_that_asks_names_no_focus_area_and_a_commitment_finds_its_area_by_stem():
    draft = parse_promise_text(
        "Uppföljning medborgarlöfte 2026\nI löftet lovade polisen att minska narkotikan bland "
        "unga.\nNarkotikabrott\nMålet är att skolorna ska vara drogfria.\nTrafik\nVi har gjort "
        "kontroller.\nVad har vi lärt oss?\nMålet är att trafiken ska bli lugnare.")
    assert _areas(draft) == [
        ("Narkotikabrott", [("polisen", "Minska narkotikan bland unga."),
                            ("tillsammans", "Skolorna ska vara drogfria.")]),
        ("Trafik", [("tillsammans", "Trafiken ska bli lugnare.")]),
    ]


def test_a_news_article_on_a_new_promise_for_the_coming_year():
    draft = parse_promise_text(
        "Nytt medborgarlöfte för Ort\nNu har ett nytt medborgarlöfte undertecknats. Enkäten "
        "gjordes i maj 2025. Polisen ska synas mer det kommande året.\n\"Det är bra\", säger "
        "Anna Ek.")
    assert (draft.title, draft.start_year, draft.end_year) == ("Medborgarlöfte 2026", 2026, 2026)
    assert parse_promise_text("Medborgarlöfte\nPolisen ska synas mer nästa år.").start_year is None


def test_lists_under_plain_headings_name_their_party_as_the_subject_in_the_present_tense():
    draft = parse_promise_text(
        "MEDBORGARLÖFTE 2024\nBakgrund\nLöftet bygger på medborgardialoger.\nTrafiksäkerhet\n"
        "Många kör för fort vid skolorna.\n"
        "- Polisen genomför minst 20 hastighetskontroller vid skolor.\n"
        "- Kommunen ser över hastighetsgränserna kring skolorna.\n"
        "- Polisen och kommunen genomför tillsammans en kampanj om trafik.\n"
        "- Skyltar om skolväg sätts upp.\n"
        "Ungdomar i centrum\n- Kommunen öppnar fritidsgården även på fredagar.")
    assert [(a.title, a.description) for a in draft.focus_areas] == [
        ("Trafiksäkerhet", "Många kör för fort vid skolorna."), ("Ungdomar i centrum", "")]
    assert _areas(draft) == [
        ("Trafiksäkerhet", [
            ("polisen", "Genomför minst 20 hastighetskontroller vid skolor."),
            ("kommunen", "Ser över hastighetsgränserna kring skolorna."),
            ("tillsammans", "Genomför tillsammans en kampanj om trafik."),
            ("tillsammans", "Skyltar om skolväg sätts upp.")]),
        ("Ungdomar i centrum", [("kommunen", "Öppnar fritidsgården även på fredagar.")])]
    assert draft.problem_picture == "Löftet bygger på medborgardialoger."


def test_a_list_under_a_heading_of_a_follow_up_is_no_promise():
    draft = parse_promise_text(
        "Uppföljning medborgarlöfte 2024\nTrafiksäkerhet\n"
        "- Polisen genomförde 25 hastighetskontroller.\n- Kommunen satte upp skyltar.")
    assert draft.commitment_count == 0


def test_a_table_pasted_from_a_document_gives_a_commitment_a_row():
    """Cells apart by tabs, as a table copied out of Word or a PDF reader arrives."""
    draft = parse_promise_text(
        "Medborgarlöfte Partille 2025\n\n"
        "Fokusområde\tAktivitet\tAnsvarig\tMål\n"
        "Trygg trafikmiljö\tHastighetskontroller vid skolor\tPolisen\t20 kontroller\n"
        "\tSkolvägsinventering\tKommunen\tEn per skola\n"
        "Narkotika\tFöräldramöten om droger\tSocialtjänsten, kommunpolisen\tAlla högstadieskolor\n"
        "\tTrygghetsvandring\tTillsammans\t2 vandringar\n"
        "\tFältarbete kvällstid\tFritidsförvaltningen\tVarje fredag\n"
        "Löftet följs upp varje halvår.")
    assert _areas(draft) == [
        ("Trygg trafikmiljö", [
            ("polisen", "Hastighetskontroller vid skolor. Mål: 20 kontroller."),
            ("kommunen", "Skolvägsinventering. Mål: En per skola.")]),
        ("Narkotika", [
            ("tillsammans", "Föräldramöten om droger. Mål: Alla högstadieskolor."),
            ("tillsammans", "Trygghetsvandring. Mål: 2 vandringar."),
            ("kommunen", "Fältarbete kvällstid. Mål: Varje fredag.")])]
    without_areas = parse_promise_text(
        "Medborgarlöfte 2025\nÅtgärd\tAnsvarig part\tNär\n"
        "Trafikkontroller\tPolisen\tVåren\nBelysning i parken\tKommunen\tHösten\n"
        "Skolmöten\t–\tHösten")
    assert [(c.party, c.text) for a in without_areas.focus_areas for c in a.commitments] == [
        ("polisen", "Trafikkontroller. När: Våren."),
        ("kommunen", "Belysning i parken. När: Hösten."),
        ("tillsammans", "Skolmöten. När: Hösten.")]


def test_a_text_copied_out_of_a_pdf_is_read_with_its_lines_unwrapped():
    draft = parse_promise_text(
        "Medborgarlöfte för Mariestads kommun\n2025–2026\n\nProblembild\n"
        "Invånarna i Mariestad upplever otrygghet i centrum under\nkvällstid, särskilt kring "
        "resecentrum och\nEsplanaden. Många unga säger att narkotika är lätt att få tag på.\n\n"
        "Fokusområde 1: Trygg stadskärna\n"
        "Polisen ska genomföra minst tio fotpatruller i centrum under\nhelgkvällar varje "
        "månad. Kommunen ska förbättra belysningen\nkring resecentrum och genomföra trygg-\n"
        "hetsvandringar med polis- och\nräddningstjänst.\n\n"
        "Fokusområde 2: Narkotika\nTillsammans ska vi genomföra föräldramöten i alla\n"
        "högstadieskolor.\nKommunen lovar att\nerbjuda föräldrautbildning\nöppna fritidsgården "
        "på fredagar\n\nMariestad den 3 februari 2025\nKarin Holm\nkommunstyrelsens ordförande\nJonas Ek\nlokalpolisområdeschef")
    assert (draft.title, draft.start_year, draft.end_year) == (
        "Medborgarlöfte för Mariestads kommun 2025–2026", 2025, 2026)
    assert draft.problem_picture == (
        "Invånarna i Mariestad upplever otrygghet i centrum under kvällstid, särskilt kring "
        "resecentrum och Esplanaden. Många unga säger att narkotika är lätt att få tag på.")
    assert _areas(draft) == [
        ("Trygg stadskärna", [
            ("polisen", "Genomföra minst tio fotpatruller i centrum under helgkvällar varje "
                        "månad."),
            ("kommunen", "Förbättra belysningen kring resecentrum."),  # two promises
            ("kommunen", "Genomföra trygghetsvandringar med polis- och räddningstjänst.")]),
        ("Narkotika", [
            ("tillsammans", "Genomföra föräldramöten i alla högstadieskolor."),
            ("kommunen", "erbjuda föräldrautbildning"),
            ("kommunen", "öppna fritidsgården på fredagar")])]
    assert [(s.name, s.title) for s in draft.signatories] == [
        ("Karin Holm", "Kommunstyrelsens ordförande"), ("Jonas Ek", "Lokalpolisområdeschef")]


def test_a_sentence_that_turns_to_the_other_party_gives_each_party_its_promise():
    draft = parse_promise_text(
        "Medborgarlöfte för Hjo\nkommun 2025\nNarkotika\nPolisen ska genomföra riktade insatser "
        "mot langning och kommunen ska erbjuda föräldrar kunskap om droger, medan polisen och "
        "kommunen kommer att ordna två föräldramöten samt öka närvaron i skolorna.")
    assert (draft.title, draft.start_year) == ("Medborgarlöfte för Hjo kommun 2025", 2025)
    assert _areas(draft) == [("Narkotika", [
        ("polisen", "Genomföra riktade insatser mot langning."),
        ("kommunen", "Erbjuda föräldrar kunskap om droger."),
        ("tillsammans", "Ordna två föräldramöten."),
        ("tillsammans", "Öka närvaron i skolorna.")])]


def test_promises_apart_by_semicolons_are_one_each_but_a_clause_that_explains_is_not():
    draft = parse_promise_text(
        "Medborgarlöfte 2025\nTrafik\nPolisen lovar att: öka närvaron vid skolorna; genomföra "
        "20 kontroller; delta i föräldramöten.\nKommunen ska bygga farthinder vid skolorna; "
        "detta sker under hösten.")
    assert _areas(draft) == [("Trafik", [
        ("polisen", "Öka närvaron vid skolorna."), ("polisen", "Genomföra 20 kontroller."),
        ("polisen", "Delta i föräldramöten."),
        ("kommunen", "Bygga farthinder vid skolorna; detta sker under hösten.")])]


def test_numbered_promises_and_outline_numbered_party_headings():
    numbered = parse_promise_text(
        "Medborgarlöfte Vara kommun 2025\nLöfte 1: Ökad trygghet i centrum\nPolisen ska göra "
        "fotpatruller varje fredag.\nInsatsområde 2 – Unga och droger\nKommunen ska ordna "
        "föräldramöten.")
    assert _areas(numbered) == [
        ("Ökad trygghet i centrum", [("polisen", "Göra fotpatruller varje fredag.")]),
        ("Unga och droger", [("kommunen", "Ordna föräldramöten.")])]
    outline = parse_promise_text(
        "Medborgarlöfte Grästorp 2024–2025\n1. Trygghet i centrum\n1.1 Polisen lovar att\n"
        "- vara synliga i centrum på helgkvällar\n1.2 Kommunen lovar att\n"
        "- utöka antalet fältassistenter\n2. Unga och droger\n2.1 Tillsammans lovar vi att\n"
        "- genomföra minst fyra föräldraträffar")
    assert _areas(outline) == [
        ("Trygghet i centrum", [("polisen", "vara synliga i centrum på helgkvällar"),
                                ("kommunen", "utöka antalet fältassistenter")]),
        ("Unga och droger", [("tillsammans", "genomföra minst fyra föräldraträffar")])]


def test_signatures_under_lines_drawn_to_sign_on_and_after_a_place_and_date_field():
    drawn = parse_promise_text(
        "Medborgarlöfte Tibro 2025\nTrafik\nPolisen ska göra kontroller.\n\nTibro 2025-01-15\n\n"
        "_______________________          _______________________\n"
        "Anna Svensson                    Per Olsson\n"
        "Kommunstyrelsens ordförande      Lokalpolisområdeschef\n")
    assert [(s.name, s.title) for s in drawn.signatories] == [
        ("Anna Svensson", "Kommunstyrelsens ordförande"), ("Per Olsson", "Lokalpolisområdeschef")]
    field = parse_promise_text(
        "Medborgarlöfte Töreboda 2025\nTrafik\nPolisen ska göra kontroller.\n\nUnderskrifter\n"
        "Ort och datum: Töreboda 2025-02-01\n..........................\nMaria Lind\n"
        "Kommunstyrelsens ordförande, Töreboda kommun\n")
    assert [(s.name, s.title) for s in field.signatories] == [
        ("Maria Lind", "Kommunstyrelsens ordförande, Töreboda kommun")]
    assert _areas(field) == [("Trafik", [("polisen", "Göra kontroller.")])]


def test_a_commitment_given_as_lines_of_field_and_value():
    draft = parse_promise_text(
        "Medborgarlöfte 2025 – Essunga kommun\nTrafiksäkerhet\n"
        "Aktivitet: Hastighetskontroller vid skolor\nAnsvar: Polisen\nMål: 20 kontroller\n"
        "Aktivitet: Trafikvandring med elever\nAnsvarig: Kommunen och polisen\n"
        "Fokusområde 2: Narkotika\nÅtgärd: föräldramöten\nNär: hösten 2025\n"
        "Essunga den 3 mars 2025\nAnna Ek, kommunstyrelsens ordförande")
    assert _areas(draft) == [
        ("Trafiksäkerhet", [("polisen", "Hastighetskontroller vid skolor. Mål: 20 kontroller."),
                            ("tillsammans", "Trafikvandring med elever.")]),
        ("Narkotika", [("tillsammans", "Föräldramöten. När: hösten 2025.")])]
    assert [s.name for s in draft.signatories] == ["Anna Ek"]


@pytest.mark.parametrize("text, target", [
    ("Genomföra minst fyra trygghetsvandringar.", 4),
    ("Genomföra 20 hastighetskontroller vid skolor.", 20),
    ("Ordna 12 föräldramöten under året.", 12),
    ("Genomföra minst en trygghetsvandring.", 1),
    ("Hastighetskontroller vid skolor. Mål: 20 kontroller.", 20),
    ("Genomföra en trygghetsvandring.", None),          # "en" is an article here
    ("Vara synliga två kvällar i veckan.", None),       # a rate, not a total
    ("Genomföra 2 lektionstimmar per klass.", None),
    ("Genomföra sex insatser om året.", 6),              # a one-year promise
    ("Besöka samtliga klasser i årskurs 8 med information.", None),  # names, not counts
    ("Besöka 12 skolor i åk 7 och 8.", 12),
    ("Genomföra en trygghetsenkät i årskurs 7–9.", None),
    ("Ordna informationsträffar vid minst sex tillfällen.", 6),
    ("Vara synliga i centrum tre gånger i veckan.", None),
    ("Genomföra 20 kontroller vid skolor och i bostadsområden varje vecka.", None),
    ("Minska oron med 15 procent.", None),              # a unit
    ("Under 2025 synas mer i centrum.", None),          # a year
    ("Genomföra 20 kontroller och 5 vandringar.", None),  # two numbers: which?
    ("Genomföra 2 extra patruller fredag och lördag natt.", None),  # on given days: a rate
    # a least or a total on given days is a total: when, not how often
    ("Genomföra minst 40 patrulleringar i centrum under kvällar och helger.", 40),
    ("Genomföra totalt 12 trafikkontroller på vardagar.", 12),
    ("Vara 3 fältassistenter ute på helgerna.", None),
    ("Genomföra 10 kontroller på fredagskvällar.", None),
    ("Ordna fyra trygghetsvandringar, varav en på en lördag.", 4),
    # a count per quarter, month or term is a count per year (a one-year promise here)
    ("Informera i lokaltidningen minst en gång per kvartal.", 4),
    ("Hålla föräldramöten två gånger per termin.", 4),
    ("Träffas en gång i månaden.", 12),
    ("Genomföra hastighetskontroller på väg 70 varje månad.", None),  # väg 70 names a road
    ("Besöka samtliga skolor två gånger per termin.", None),  # per school: no total
    ("Genomföra tre trygghetsvandringar, en i varje tätort.", 3),  # shared out, not a rate
    ("Genomföra minst tio fotpatruller varje månad.", 120),  # 10 a month, over one year
    ("Genomföra minst sex trygghetsvandringar i de tre centralorterna.", 6),  # known places
    # a range promises its lower end; "ett tiotal" is about ten
    ("Genomföra 3–5 trygghetsvandringar.", 3),
    ("Ordna fyra till sex föräldramöten.", 4),
    ("Hålla 1-2 föräldramöten per termin.", 2),
    ("Genomföra ett tiotal trygghetsvandringar.", 10),
    ("Genomföra en trygghetsenkät i årskurs 7–9.", None),  # a range of school years names
])
def test_a_commitment_naming_one_number_of_occasions_gets_it_as_its_target(text, target):
    draft = parse_promise_text(f"Medborgarlöfte 2025\nTrafik\nPolisen lovar att:\n- {text}")
    assert [c.target_count for c in draft.focus_areas[0].commitments] == [target]


@pytest.mark.parametrize("period, text, target, note", [
    ("2025–2026", "Genomföra minst 30 hastighetskontroller vid skolor och i bostadsområden per år.",
     60, "30 per år under periodens två år"),
    ("2025–2027", "Anordna två föräldraträffar årligen.", 6, "2 per år under periodens tre år"),
    ("2025–2026", "Trygghetsvandringar i centrum. Mål: 2 per år.", 4,
     "2 per år under periodens två år"),
    ("2025–2026", "Genomföra minst fyra trygghetsvandringar per år, varav en i Floby.", 8,
     "4 per år under periodens två år"),
    ("2025–2026", "Genomföra 20 kontroller under 2025.", 20, ""),
    ("2025–2026", "Genomföra 20 kontroller i år.", 20, ""),               # this year
    ("2025–2026", "Ordna två föräldraträffar i året.", 4, "2 per år under periodens två år"),
    ("2025–2026", "Trygghetsvandringar i centrum. Mål: 2 ggr/år.", 4,
     "2 per år under periodens två år"),
    ("2025–2026", "Nattvandring med föreningar. Mål: 3 ggr/månad.", None, ""),
    ("2025–2026", "Belysningsinventering. Mål: 1 gång.", 1, ""),
    ("", "Genomföra minst fyra trygghetsvandringar per år.", None, ""),  # how many years?
    ("2025", "Genomföra 3–5 trygghetsvandringar.", 3, "Det lägsta antalet i löftets 3–5"),
    ("2025–2026", "Genomföra 3–5 trygghetsvandringar per år.", 6,
     "3 per år under periodens två år, det lägsta antalet i löftets 3–5 per år"),
    ("2025", "Genomföra ett tiotal trygghetsvandringar.", 10, "Löftets ett tiotal räknat som 10"),
])
def test_a_count_per_year_is_the_target_for_each_year_of_the_period(period, text, target, note):
    draft = parse_promise_text(f"Medborgarlöfte {period}\nTrafik\nPolisen lovar att:\n- {text}")
    commitment = draft.focus_areas[0].commitments[0]
    assert (commitment.target_count, commitment.target_note) == (target, note)


def test_a_commitment_outside_the_focus_areas_gets_its_target_too():
    draft = parse_promise_text("Medborgarlöfte 2025\nPolisen ska göra 20 trafikkontroller.\n"
                               "Fokusområde: Narkotika\nKommunen ska ordna möten.")
    assert [(c.text, c.target_count) for c in draft.other_commitments] == [
        ("Göra 20 trafikkontroller.", 20)]


def test_a_target_column_holding_a_count_alone_gives_the_target():
    """"Mål: Minst fyra" in a table or a field line is four occasions, "2 gånger per månad" 24
    in a year; a rate per week, a unit, a year or words are not a count."""
    table = "\n".join("\t".join(row) for row in [
        ("Aktivitet", "Ansvarig", "Mål"),
        ("Trygghetsvandringar i centrum", "Kommunen", "Minst fyra"),
        ("Hastighetskontroller vid skolor", "Polisen", "20 st"),
        ("Föräldramöten", "Kommunen", "6 tillfällen"),
        ("Helgpatruller", "Polisen", "2 gånger per månad"),
        ("Skolbesök", "Polisen", "2026"),
        ("Minska oron", "Kommunen", "15 procent"),
        ("Lägesbild", "Polisen", "Varje vecka"),
    ])
    fields = "Aktivitet: Nattvandringar\nAnsvar: Kommunen\nMål: 12\nNär: Hösten 2025"
    draft = parse_promise_text(f"Medborgarlöfte 2025\nTrafik\n{table}\nUnga\n{fields}")
    assert [(c.text.split(".")[0], c.target_count) for a in draft.focus_areas
            for c in a.commitments] == [
        ("Trygghetsvandringar i centrum", 4), ("Hastighetskontroller vid skolor", 20),
        ("Föräldramöten", 6), ("Helgpatruller", 24), ("Skolbesök", None),
        ("Minska oron", None), ("Lägesbild", None), ("Nattvandringar", 12)]


def test_the_basis_note_says_what_was_held_not_what_a_promise_is_or_what_was_found():
    draft = parse_promise_text(
        "Medborgarlöfte 2025–2026\n"
        "Ett medborgarlöfte är ett åtagande som bygger på en gemensam lägesbild.\n\n"
        "Under hösten 2024 genomfördes medborgardialoger i Stenstorp och Floby. Enligt "
        "trygghetsmätningen känner 31 procent oro i centrum. Polisens enkät har också legat "
        "till grund.\n\n"
        "Trafik\nPolisen lovar att:\n- Genomföra hastighetskontroller.")
    assert draft.sources_note == (
        "Under hösten 2024 genomfördes medborgardialoger i Stenstorp och Floby. Polisens enkät "
        "har också legat till grund.")


def test_a_together_promise_in_the_present_tense_and_signatories_who_sign_for_a_party():
    draft = parse_promise_text(
        "Medborgarlöfte för Piteå 2026\n"
        "Löfte 1 – Tryggare Stadsfjärden\n"
        "Boende beskriver otrygghet kvällstid kring centrumhuset. Tillsammans skapar vi ett "
        "tryggare Piteå.\n"
        "Polisen åtar sig att patrullera i Stadsfjärden två kvällar i veckan.\n"
        "Tillsammans genomför vi tre trygghetsvandringar i området under året.\n\n"
        "Piteå 2026-01-15\n\n"
        "För Piteå kommun: Helena Stenberg, kommunstyrelsens ordförande\n"
        "För Polisen:\nJohan Nilsson\nLokalpolisområdeschef Piteå\n")
    assert _areas(draft) == [("Tryggare Stadsfjärden", [
        ("polisen", "Patrullera i Stadsfjärden två kvällar i veckan."),
        ("tillsammans", "Genomför tre trygghetsvandringar i området under året.")])]
    assert draft.focus_areas[0].commitments[1].target_count == 3
    assert [(s.name, s.title) for s in draft.signatories] == [
        ("Helena Stenberg", "Kommunstyrelsens ordförande"),
        ("Johan Nilsson", "Lokalpolisområdeschef Piteå")]


def test_numbered_commitments_as_field_lines_with_the_activity_that_keeps_each():
    draft = parse_promise_text(
        "Medborgarlöfte 2025–2027\nUnder 2024 hölls dialogmöten med boende i Orminge.\n\n"
        "Fokusområde: Trygg offentlig miljö\n"
        "Åtagande 1: Öka polisens närvaro i Orminge centrum\nAnsvarig: Polisen\n"
        "Aktivitet: Fotpatrullering fredag och lördag kväll, minst 40 gånger per år.\n\n"
        "Åtagande 2: Förbättra belysningen i gångtunnlar\nAnsvarig: Kommunen\n"
        "Aktivitet: Se över belysningen i fem gångtunnlar.\n")
    assert _areas(draft) == [("Trygg offentlig miljö", [
        ("polisen", "Öka polisens närvaro i Orminge centrum. Aktivitet: Fotpatrullering fredag "
                    "och lördag kväll, minst 40 gånger per år."),
        ("kommunen", "Förbättra belysningen i gångtunnlar. Aktivitet: Se över belysningen i fem "
                     "gångtunnlar.")])]
    assert [c.target_count for c in draft.focus_areas[0].commitments] == [120, 5]
    assert "medborgardialog" in draft.sources


def test_a_web_page_with_question_headings_and_tillsammans_kommer_vi_att():
    draft = parse_promise_text(
        "Meny\nSök\nMedborgarlöfte i Kungälv 2026\n\nVad har vi sett?\n"
        "Många invånare känner sig otrygga i centrala Kungälv på kvällar.\n\nVad lovar vi?\n"
        "Polisen kommer att:\n- öka närvaron i centrala Kungälv fredag och lördag kväll\n"
        "Kommunen kommer att:\n- utöka antalet fältsekreterare med två tjänster\n"
        "Tillsammans kommer vi att:\n- genomföra fyra trygghetsvandringar\n")
    assert draft.problem_picture == "Många invånare känner sig otrygga i centrala Kungälv på kvällar."
    commitments = [(c.party, c.text, c.target_count) for a in draft.focus_areas
                   for c in a.commitments]
    assert commitments == [
        ("polisen", "öka närvaron i centrala Kungälv fredag och lördag kväll", None),
        ("kommunen", "utöka antalet fältsekreterare med två tjänster", None),  # no occasions
        ("tillsammans", "genomföra fyra trygghetsvandringar", 4)]
    assert "Tillsammans kommer vi att" not in [a.title for a in draft.focus_areas]


def test_promises_with_a_time_or_two_adverbs_before_them_and_a_month_for_the_signing():
    draft = parse_promise_text(
        "Medborgarlöfte 2026–2027\n1. Trafiksäkerhet i tätorten\n"
        "Polisen kommer under perioden att genomföra trafikkontroller på Storgatan. Kommunen "
        "ska i sin tur se över farthinder vid skolan. Vi ska också tillsammans genomföra minst "
        "två trafikvandringar per år.\n\n"
        "Medborgardialog i oktober 2025\nDialogen hölls på torget.\n\n"
        "Grästorp i januari 2026\n\nPeter Larsson (S)\nKommunstyrelsens ordförande\n\n"
        "Anna Berg\nLokalpolisområdeschef\n")
    assert _areas(draft) == [("Trafiksäkerhet i tätorten", [
        ("polisen", "Genomföra trafikkontroller på Storgatan."),
        ("kommunen", "Se över farthinder vid skolan."),
        ("tillsammans", "Genomföra minst två trafikvandringar per år.")])]
    assert [(s.name, s.title) for s in draft.signatories] == [
        ("Peter Larsson", "Kommunstyrelsens ordförande (S)"),
        ("Anna Berg", "Lokalpolisområdeschef")]


def test_a_heading_with_a_month_is_no_signing_when_no_name_follows():
    draft = parse_promise_text(
        "Medborgarlöfte 2026\nMedborgardialog i oktober 2025\n"
        "Polisen lovar att:\n- genomföra trafikkontroller\n")
    assert draft.signatories == []
    assert [c.text for a in draft.focus_areas for c in a.commitments] == [
        "genomföra trafikkontroller"]


def test_an_item_s_party_in_brackets_at_its_end():
    draft = parse_promise_text(
        "Medborgarlöfte 2026\nFokusområde: Inbrott\nÅtaganden:\n"
        "• Informationsträffar för äldre, minst sex tillfällen (Kommunen och Polisen)\n"
        "• Grannsamverkan startas i två nya områden (Kommunen)\n"
        "• Riktade patruller i Gråbo under mörka månader [Ansvarig: Polisen].\n"
        "• Samarbete med föreningar (se bilaga)\n")
    assert [(c.party, c.text, c.target_count) for c in draft.focus_areas[0].commitments] == [
        ("tillsammans", "Informationsträffar för äldre, minst sex tillfällen", 6),
        ("kommunen", "Grannsamverkan startas i två nya områden", 2),
        ("polisen", "Riktade patruller i Gråbo under mörka månader.", None),
        ("tillsammans", "Samarbete med föreningar (se bilaga)", None)]


def test_word_s_second_level_bullet_copied_as_the_letter_o():
    draft = parse_promise_text(
        "MEDBORGARLÖFTE 2026\nFOKUSOMRÅDE 1: BUSKÖRNING\nPOLISEN LOVAR ATT\n"
        "o Genomföra minst 12 trafikkontroller riktade mot mopeder.\n"
        "o Delta vid föräldramöten i årskurs 9.\n")
    assert [(c.party, c.text, c.target_count) for c in draft.focus_areas[0].commitments] == [
        ("polisen", "Genomföra minst 12 trafikkontroller riktade mot mopeder.", 12),
        ("polisen", "Delta vid föräldramöten i årskurs 9.", None)]


def test_an_effect_goal_is_a_commitment_of_both_parties_judged_as_an_effect():
    from tracker.models import CommitmentKind
    from tracker.models.promise import suggest_kind

    draft = parse_promise_text(
        "Medborgarlöfte 2025–2026\nFokusområde: Trygg skolmiljö\n"
        "Effektmål: Andelen elever i årskurs 9 som känner sig trygga i skolan ska öka.\n"
        "Aktiviteter:\n- Polisen besöker samtliga högstadieskolor minst en gång per termin.\n")
    commitments = draft.focus_areas[0].commitments
    assert [(c.party, c.text) for c in commitments] == [
        ("tillsammans", "Andelen elever i årskurs 9 som känner sig trygga i skolan ska öka."),
        ("polisen", "Besöker samtliga högstadieskolor minst en gång per termin.")]
    assert suggest_kind(commitments[0].text) is CommitmentKind.EFFEKT
