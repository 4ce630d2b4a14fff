"""The patterns a published promise's lines are recognised by (used by text_lines,
text_sentences, text_reader and from_text): headings, bullets, parties, periods, signatories
and sources."""
from __future__ import annotations

import re

# A list's bullet symbols; Word's, in a PDF, are drawn from its Symbol and Wingdings fonts (letters
# of Unicode's private use area)
BULLET_SYMBOLS = "•·▪◦●○■□➢►➤✓✔☐☑→\uf0b7\uf0a7\uf0d8\uf076\uf0fc"
# Word's second-level bullet, an "o" in Courier New, arrives as a letter: "o Genomföra …"; a
# list lettered "a) …", "b) …" is numbered
_BULLET = re.compile(rf"^(?:(?P<sym>[{BULLET_SYMBOLS}*]|o(?= \S))|(?P<dash>[-–—])(?=\s)|"
                     r"(?P<num>\d{1,2}[.)]|[a-zåäö]\))(?=\s))\s*(?P<text>.+)$")
# "Löfte 1: Polisen lovar att …", "Åtagande 2. Kommunen ska …": a numbered item, not a heading
# (the same words before a short title head a focus area: "Löfte 1: Trygg stadskärna")
NUMBERED_ITEM = re.compile(r"^(?:löfte|åtagande|aktivitet|insats|åtgärd)\s*(?:nr\.?\s*)?"
                           r"\d{1,2}\s*[:.)–—-]\s*(?P<text>\S.*)$", re.I)
# A page's footer or header copied with the text: "Sida 1 av 2", "2 (5)", "Sida 3"
PAGE_MARK = re.compile(r"^(?:sida\s+\d{1,3}(?:\s*(?:av|/)\s*\d{1,3})?|\d{1,3}\s*\(\d{1,3}\)|"
                       r"\d{1,3}\s*/\s*\d{1,3})$", re.I)
_QUOTE_START = re.compile(r"^(?:[\"”“«»]|[-–—]\s?[A-ZÅÄÖ])")
_SAYS = re.compile(r"\b(?:säger|konstaterar|berättar|fortsätter)\b(?: [A-ZÅÄÖ]|[,.:]|$)")
YEAR = re.compile(r"(?<![\d\-/])(?P<a>20\d\d)(?:\s*(?:–|—|-|/|till|och|t\.\s?o\.\s?m\.)\s*"
                   r"(?P<b>20\d\d|\d\d))?(?![\d\-])")
_TITLE = re.compile(r"^(?:medborgar|trygghets)löfte\b(?![a-zåäö])", re.I)
# The lines that may complete a title given over lines: its years, and its parties
YEARS_ALONE = re.compile(r"(?:för )?20\d\d(?:\s*(?:–|—|-|och)\s*20\d\d)?")
PERIOD_LINE = re.compile(r"löfte|period|gäller|giltig|löp(?:er|a)\b|\blovar\b|under tiden|"
                         r"\b(?:kommer|ska) (?:polisen|kommunen|vi)\b", re.I)
_MONTH = (r"(?:januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|"
          r"december)")
DATE_SPAN = re.compile(rf"(?P<a>20\d\d)-\d\d-\d\d\s*(?:–|—|-|till)\s*(?P<b>20\d\d)-\d\d-\d\d|"
                       rf"\b\d{{1,2}} {_MONTH} (?P<a2>20\d\d)\s*(?:–|—|-|till)\s*"
                       rf"\d{{1,2}} {_MONTH} (?P<b2>20\d\d)")
FOLLOW_UP = re.compile(r"uppföljning", re.I)
# "Fokusområde 1: …", "Fokusområden", and with a number "Löfte 2: …", "Insatsområde 3 – …"
_FOCUS = re.compile(r"^(?:fokusområde(?P<plural>n|na)?\b\s*(?:\d{1,2})?|"
                    r"(?:löfte|insatsområde|prioriterat område|område) \d{1,2}\b)"
                    r"\s*[:.)–—-]?\s*(?P<title>.*)$", re.I)
_PROBLEM = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?\s+)?"  # "2 Problembild", "2.1 Bakgrund"
                      r"(?:problembild(?:en)?|lägesbild(?:en)?|bakgrund|problembeskrivning|"
                      r"medborgardialogen visade|"
                      r"nuläge(?:t)?|utgångsläge(?:t)?|områden i fokus|vad visar lägesbilden|"
                      r"problemområden(?:a)?|vad (?:har vi sett|ser vi|är problemet)|"
                      r"det här (?:har vi sett|ser vi))"
                      r"\b", re.I)
_SOURCES = re.compile(r"^(?:underlag(?:et)?|dialog och statistik|källor|så togs löftet fram|"
                      r"så har löftet tagits fram)\b", re.I)
_SIGNED_HEADING = re.compile(r"^(?:underskrift(?:er)?|undertecknat av|undertecknare|"
                             r"undertecknas av|signerat av)\b", re.I)
_PROMISES_HEADING = re.compile(r"^(?:(?:våra )?medborgarlöften(?: \d{4}(?:\W+\d{2,4})?)?|"
                               r"medborgarlöftet|våra löften|löftena|vårt löfte(?: till .+)?|"
                               r"våra åtaganden|åtaganden|(?:detta|det här) lovar vi|"
                               r"så här gör vi|(?:våra )?(?:aktiviteter|insatser|åtgärder))\W*$",
                               re.I)
# A line that introduces the list of what was promised ("Följande aktiviteter utlovades i 2018
# års medborgarlöfte:", "Medborgarlöftet ska uppfyllas genom följande aktiviteter:")
_PROMISES_INTRO = re.compile(r"\butlova(?:de|des|t)\b|\blovade\b|\bföljande "
                             r"(?:aktiviteter|åtgärder|insatser|löften)\b|\bbland annat:$", re.I)
# In a follow-up, the list of what came of it is no promise ("Utfallet blev:", "Resultat")
_OUTCOME = re.compile(r"^(?:utfallet|resultat(?:et)?|det här blev utfallet|så blev det|"
                      r"genomfört|genomförda aktiviteter)\b", re.I)
# "Narkotika innebär att …": a focus area and what is promised for it, in one sentence
_MEANING = re.compile(r"^(?P<title>[A-ZÅÄÖ][^.,:;]{2,60}?),? innebär att (?P<rest>.+)$")
_PROMISE_VERB = re.compile(r"\b(?:ska|skall|kommer (?:\w+ )?att)\b", re.I)
# "Skara den 3 mars 2025", "Ort och datum: Tibro 2025-01-15": where the signatures follow
_PLACE_AND_DATE = re.compile(r"^(?:[Oo]rt(?: och |, ?)datum:? ?)?"
                             r"[A-ZÅÄÖ][a-zåäö]+(?: [A-ZÅÄÖ][a-zåäö]+)?,? (?:den )?"
                             r"(?:\d{1,2} (?:januari|februari|mars|april|maj|juni|juli|augusti|"
                             r"september|oktober|november|december) 20\d\d|20\d\d-\d\d-\d\d)$")
# "Grästorp i januari 2026": a place and a month, where signatures follow only when a name
# comes next (a heading such as "Medborgardialog i oktober 2025" reads the same)
_PLACE_AND_MONTH = re.compile(r"^[A-ZÅÄÖ][a-zåäö]+(?: [A-ZÅÄÖ][a-zåäö]+)?,? (?:i )?"
                              r"(?:januari|februari|mars|april|maj|juni|juli|augusti|september|"
                              r"oktober|november|december) 20\d\d$")
_CONTACTS = re.compile(r"^kontakt", re.I)
_PARTY_HEADING = re.compile(r"^(?P<town>[A-ZÅÄÖ][a-zåäö]+ (?=kommun|stad))?"
                            r"(?P<who>kommunens?|stad(?:en)?|polisens?|tillsammans|gemensam\w*|vi|"
                            r"regionens?|region [a-zåäö]+)\b"
                            r"(?P<rest>.*)$", re.I)
_PROMISE_WORDS = re.compile(r"\b(?:lovar|åtar|åtaganden|löften|ska|skall|kommer(?: vi)? att)\b",
                            re.I)
# "Laxå kommun", "Helsingborgs stad", "Staden" (a city's own word for its municipality);
# "Region Gotland", "Regionen": the region that is its own municipality signs as one
_TOWN = (r"(?:Kommunen|Staden|Regionen|[A-ZÅÄÖ][a-zåäö]+(?:-[A-ZÅÄÖ][a-zåäö]+)? (?:kommun|stad)|"
         r"Region [A-ZÅÄÖ][a-zåäö]+)")
# The police by another name: "Kommunpolisen", "Lokalpolisområde Lidköping"
_POLICE_BODY = (r"(?:Polisen|Kommunpolis(?:en|erna)|Närpolisen|Polismyndigheten|Lokalpolisområdet|"
                r"(?:Lokalpolisområde|Polisområde) [A-ZÅÄÖ][\w-]+)")
# The municipality by its departments and companies ("Socialtjänsten", "Kultur- och
# fritidsförvaltningen", "Kommunens fältassistenter", "Det kommunala bostadsbolaget
# Tunabyggen", "Nyköpingshem"), and several that sign together ("Kommunerna", "Lidköpings,
# Götene och Skara kommuner")
_MUNICIPAL_BODY = (r"(?:Kommunerna|Kommunens [a-zåäö-]+|Skolan|Skolorna|Fritidsgård(?:en|arna)|"
                   r"Fältassistent(?:en|erna)|Fältarna|Fritidsledarna|"
                   r"(?:Det )?(?:kommunala|kommunägda) (?:bostads|fastighets)?bolaget"
                   r"(?: [A-ZÅÄÖ][\w-]+)?|"
                   r"[A-ZÅÄÖ][a-zåäö]*(?:- och [a-zåäö]+)?(?:förvaltningen|nämnden|tjänsten|kontoret)|"
                   r"[A-ZÅÄÖ][a-zåäö]+(?:hem|byggen|bostäder)|"
                   r"[A-ZÅÄÖ][a-zåäö]+(?:, [A-ZÅÄÖ][a-zåäö]+)* och [A-ZÅÄÖ][a-zåäö]+ kommuner)")
# "Nyköpings kommun och Polisen", "Region Gotland och lokalpolisområde Gotland": who signs,
# on a line of its own under a title
TITLE_PARTIES = re.compile(rf"(?:{_TOWN}|{_MUNICIPAL_BODY})(?:,? och (?i:polisen|{_POLICE_BODY})"
                           rf"(?: i [A-ZÅÄÖ][\w-]+)?)?", re.I)
# Any party that may lead a promise, the second of two in any case ("Polisen och socialtjänsten")
_PARTY = rf"(?:{_TOWN}|{_MUNICIPAL_BODY}|{_POLICE_BODY})"
_WHO = rf"(?:{_PARTY}(?: och (?i:{_PARTY}))?|Vi)"
_ADVERB = r"(?: (?:tillsammans|gemensamt|också|även|dessutom|i sin tur|vidare)){0,2}"
# "Polisen kommer under perioden att …": a time between the verb and "att"
_WHEN = r"(?: (?:under (?:perioden|året|\d{4})|i år|framöver|fortsatt))?"
_INLINE = re.compile(rf"^(?P<who>{_WHO}){_ADVERB} (?:ska|skall|kommer{_ADVERB}{_WHEN}{_ADVERB} att|"
                     rf"lovar|åtar sig){_ADVERB}(?: att)?:? (?P<rest>.+)$")
# A list item led by its party in the present tense: "Polisen genomför minst 20 kontroller",
# "Kommunen och polisen ordnar tillsammans …" (a verb ending in -r, not a state: "är", "har")
_LED_BY_PARTY = re.compile(rf"^(?P<who>{_WHO}){_ADVERB} (?P<rest>(?!(?:är|har|blir|var)\b)"
                           rf"[a-zåäö]{{2,}}r\b.*)$")
# The same in running text under a focus area, where a verb of something done is needed ("Polisen
# ser en ökning" tells, "Polisen genomför kontroller" promises)
DOING = re.compile(r"^(?:genomför|ordnar|anordnar|arrangerar|håller|besöker|erbjuder|bjuder|"
                   r"startar|deltar|informerar|utbildar|träffar|går|följer|patrullerar|inför|"
                   r"kartlägger|samverkar|finns|medverkar|gör|sätter|tar)\b", re.I)
# A table pasted from a document (cells apart by tabs): its header row names the column of what
# is done and the column of who does it ("Aktivitet | Ansvarig | Mål")
_TABLE_WHAT = re.compile(r"^(?:åtaganden?|aktivitet(?:er)?|insats(?:er)?|åtgärd(?:er)?|"
                         r"löften?|vad|vad gör vi|vi lovar att|beskrivning)\W*$", re.I)
_TABLE_WHO = re.compile(r"^(?:(?:huvud)?ansvarig(?:a)?(?: part| aktör)?|ansvar|part(?:er)?|"
                        r"vem|vem gör vad|utförare|aktör(?:er)?)\W*$", re.I)
# The same as lines of their own: "Aktivitet: Hastighetskontroller" then "Ansvar: Polisen", "Mål: 20"
_FIELD = re.compile(r"^(?P<key>[A-ZÅÄÖa-zåäö][^:]{1,29}):\s*(?P<value>\S.*)$")
_FIELD_WHAT = re.compile(r"^(?P<what>åtagande|aktivitet|insats|åtgärd)(?: (?:nr )?\d{1,2})?$",
                         re.I)
_FIELD_DETAIL = re.compile(r"^(?:mål(?:värde|sättning)?|antal|omfattning|när|tid(?:punkt|splan)?|"
                           r"period|plats(?:er)?|var|mätetal|indikator|uppföljning|kommentar)$",
                           re.I)
# "Effektmål: Andelen elever som känner sig trygga ska öka": what the focus area's work is to
# bring about, a commitment of both parties (an effekt, judged by indicators)
_FIELD_EFFECT = re.compile(r"^(?:effektmål|önskad effekt|förväntad effekt)$", re.I)
_TABLE_AREA = re.compile(r"^(?:fokusområden?|område|tema|problemområden?|prioriterat område)\W*$",
                         re.I)
# "Tillsammans ska vi …", "Gemensamt kommer polisen och kommunen att …"
# "Tillsammans genomför vi tre trygghetsvandringar": the together promise in the present tense,
# with a verb of something done (not a slogan: "Tillsammans skapar vi ett tryggare Mariestad")
_TOGETHER_PRESENT = re.compile(
    r"^(?:Tillsammans|Gemensamt) (?P<verb>genomför|ordnar|anordnar|arrangerar|håller|besöker|"
    r"erbjuder|bjuder in|startar|deltar i|informerar|utbildar|träffar|går) "
    rf"(?:vi|polisen och kommunen|kommunen och polisen|polisen och {_TOWN}|{_TOWN} och polisen) "
    rf"(?P<rest>.+)$")
_INLINE_TOGETHER_FIRST = re.compile(
    rf"^(?P<who>Tillsammans|Gemensamt) (?:ska|skall|kommer|lovar) (?:vi|polisen och kommunen|"
    rf"kommunen och polisen|polisen och {_TOWN}|{_TOWN} och polisen)(?: att)? (?P<rest>.+)$")
# "Polisen ska A och kommunen ska B": the other party's promise in the same sentence
_PARTY_SWITCH = re.compile(rf",? (?:och|medan|samtidigt som) (?P<who>(?:kommunen|polisen|{_TOWN})"
                           rf"(?: och (?:kommunen|polisen|{_TOWN}))?|vi(?: tillsammans)?) "
                           rf"(?:ska|skall|kommer{_ADVERB} att|lovar att){_ADVERB} ")
# A number of occasions a commitment names: "minst fyra trygghetsvandringar", "20 kontroller"
NUMBER_WORDS = {"en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7,
                "åtta": 8, "nio": 9, "tio": 10, "elva": 11, "tolv": 12, "femton": 15,
                "tjugo": 20, "trettio": 30, "fyrtio": 40, "femtio": 50, "hundra": 100}
# "ett tiotal", "ett tjugotal": about ten, about twenty
ABOUT_WORDS = {"tio": 10, "femton": 15, "tjugo": 20, "trettio": 30, "fyrtio": 40, "femtio": 50,
               "hundra": 100}
_NUMBER = rf"\d{{1,5}}|{'|'.join(NUMBER_WORDS)}"
# "minst fyra", "totalt 20": a count, in figures or in words; "3–5", "fyra till sex": a range,
# whose lower end is what is promised; "ett tiotal": about ten
_AMOUNT = (r"(?P<least>(?:minst|totalt|sammanlagt|åtminstone) )?"
           rf"(?:ett (?P<about>{'|'.join(ABOUT_WORDS)})tal|"
           rf"(?P<n>{_NUMBER})(?:(?: ?[–—-] ?| till )(?P<most>{_NUMBER})(?![\d,.]))?)")
_APART = r"(?<![\w,.–—-])"  # a number of its own: not "7–9", "1,5" or a word's digits
_TIMES = r"(?: (?:st|stycken|gånger|gång|ggr|tillfällen))?"  # "20 st", "6 tillfällen", "2 ggr"
_COUNT = re.compile(rf"{_APART}{_AMOUNT}(?: st\.?| stycken)? (?P<noun>[a-zåäö]{{3,}})\b", re.I)
# A table's target column ("Mål", "Antal") whose cell is a count alone: "4", "minst fyra",
# "20 st", "6 tillfällen" (a rate or a unit is more than a count alone)
_TARGET_COLUMN = re.compile(r"^(?:mål(?:värde|sättning)?|antal|omfattning)\W*$", re.I)
_BARE_COUNT = re.compile(rf"^{_AMOUNT}{_TIMES}\.?$", re.I)
# Not occasions: units, and a count per time or per place ("två kvällar i veckan", "två
# timmar per klass": a rate, not a total)
_NOT_COUNTED = re.compile(r"^(?:procent|kronor|miljoner|timmar|minuter|år|åren|månader|veckor|"
                          r"dagar|tjänster|heltidstjänster|årsarbetare|"
                          rf"{_MONTH}|"  # a date: "senast 31 januari"
                          # a number followed by a small word is no count of anything
                          r"med|och|som|för|till|från|per|vid|under|efter|inom|mot|samt|eller|"
                          r"där|när|att)$", re.I)
# A number that names something rather than counts it: "årskurs 8", "åk 7", "vecka 12",
# "väg 26", "kl. 22"
_NAMING_NUMBER = re.compile(r"(?:^|\W)(?:årskurs|åk|klass|vecka|v|nr|nummer|kapitel|sida|steg|"
                            r"väg|riksväg|länsväg|linje|buss|kl|område|zon|"
                            # "i de tre centralorterna", "våra fyra skolor": known things
                            r"de|dessa|våra)\.? ?$", re.I)
# (a count per year is a rate too, but _YEARLY reads it first)
_RATE = re.compile(r"(?:(?:per|varje|varannan|i varje) \w|(?:i|om|under en) "
                   r"(?:veckan?|månaden?|dygnet|termin(?:en)?|halvåret|kvartalet|helgen)\b|"
                   r"/ ?(?:vecka|veckan|månad(?:en)?|dag(?:en)?|dygn|termin(?:en)?|"
                   r"kvartal(?:et)?|helg(?:en)?)\b)", re.I)
# On given days: "2 extra patruller fredag och lördag natt", "på helgerna" (a rate), unless the
# count is said to be a least or a total: "minst 40 patrulleringar under kvällar och helger"
_ON_DAYS = re.compile(r"\b(?:mån|tis|ons|tors|fre|lör|sön)dag(?:ar(?:na)?|s\w+)?\b|"
                      r"\b(?:helger(?:na)?|helgnätter(?:na)?|vardagar(?:na)?)\b", re.I)
# A count per year: over a longer period, the target is the count for each of its years
# ("i år" is this year: a total)
_YEARLY = re.compile(r"(?:\b(?:per|varje) (?:år|kalenderår)\b|\b(?:om|i) året\b|\bårligen\b|"
                     r"/ ?år\b)", re.I)
# A count per quarter, month, term or half-year is a count per year too: "en gång per kvartal"
# is 4 a year, "minst två gånger per termin" 4, "varannan månad" 6 (not per week or day: those
# are seasonal as often as not, "varje vecka under sommarlovet")
_PER_PART = r"(?:(?:per|varje|i|om) (?P<unit>kvartal(?:et)?|månad(?:en)?|termin(?:en)?|halvår(?:et)?)\b)"
PER_PART_OF_YEAR = {"kvartal": 4, "månad": 12, "termin": 2, "halvår": 2}
_PART_OF_YEAR = re.compile(rf"\b{_PER_PART}", re.I)
_COUNT_PER_PART = re.compile(rf"{_APART}{_AMOUNT}{_TIMES} {_PER_PART}", re.I)
# "Mål: 2 per år": a count per year with no noun
_COUNT_PER_YEAR = re.compile(rf"{_APART}{_AMOUNT}{_TIMES}(?: (?:per år|om året|årligen)| ?/ ?år)\b",
                             re.I)
# "Under 2019 kommer polisen och Falköpings kommun att …": the time first, then the party
_INLINE_TIME_FIRST = re.compile(
    rf"^(?:Under|I|Från|Efter|Nästa|Varje)\b[^,.]{{0,40}}?,? (?:kommer|ska|skall|lovar) "
    rf"(?P<who>polisen(?: och (?:{_TOWN}|kommunen))?|kommunen(?: och polisen)?|vi|"
    rf"{_TOWN}(?: och polisen)?){_ADVERB}(?: särskilt)? att (?P<rest>.+)$", re.I)
# "Under tiden 1 januari 2023 – 31 december 2024 lovar polisen att": a party heading with the
# time first
_PARTY_LAST = re.compile(rf"\b(?:lovar|åtar sig) (?P<who>vi|{_PARTY}(?: och {_PARTY})?) att$", re.I)
# "Nyköpingshem ska", "Polisen och socialtjänsten ska", "Kommunerna lovar att:": a party heading
_PARTY_THEN_VERB = re.compile(rf"^(?P<who>{_PARTY}(?: och {_PARTY})?)(?: (?:tillsammans|gemensamt))? "
                              rf"(?:lovar|åtar sig|ska|skall|kommer)(?: (?:tillsammans|gemensamt))?"
                              rf"(?: att)?:?$", re.I)
_INLINE_INVERTED = re.compile(r"\b(?:lovar|lovade|åtar sig|åtog sig) (?:bland annat |både )?"
                              r"(?P<who>(?:polisen|kommunen)(?: och (?:polisen|kommunen))?) att "
                              r"(?:tillsammans |gemensamt )?(?P<rest>.+)$", re.I)
# "Slutligen lovar vi att B": the together promise after a word that orders the list (not
# "Om det kommer önskemål … lovar vi att bistå", whose condition is part of the promise)
_INLINE_WE_LAST = re.compile(r"^(?:Slutligen|Dessutom|Vidare|Därutöver|Till sist|Sist|Också),? "
                             r"(?:lovar|åtar sig) (?P<who>vi)(?: också| även| tillsammans| "
                             r"gemensamt)? att (?P<rest>.+)$")
# "Målet är att …", "Ett av målen är att …": in a news article or a follow-up, what the promise
# set out to reach (not "Det övergripande målet", which describes the promise as a whole)
_GOAL = re.compile(r"^(?:ett av målen|målet|ett (?:annat )?mål) (?:är|har varit|var) att "
                   r"(?P<rest>.+)$", re.I)
# A heading that asks ("Syns det någon effekt?", "Vad är ett medborgarlöfte") names no focus area
_QUESTION = re.compile(r"\?$|^(?:hur|vad|varför|vilka|vilken|vilket|när|vem|vems)\b|"
                       r"^[a-zåäö]+ (?:det|man|ni|du)\b", re.I)
# "att A samt öka B": two promises in one sentence when both parts start with a verb
# A promise's own verbs, after a plain "och": "anställa två fältassistenter och erbjuda
# drogfria aktiviteter" is two promises ("informera och utbilda personal" one: see _clauses)
PROMISE_VERBS = ("genomföra|erbjuda|anordna|arrangera|informera|utbilda|besöka|starta|öka|minska|"
                 "förbättra|skapa|arbeta|delta|hålla|träffa|följa|bjuda|sprida|stärka|utveckla|"
                 "inrätta|införa|samverka|anställa|ordna|patrullera|kartlägga|redovisa|åtgärda|"
                 "utöka|förstärka|fortsätta|genomföra|verka|ta|ge|se|ha")
_AND_THEN = re.compile(r",? (?:samt|och) att (?=(?P<next>[a-zåäö]+) \S)|"
                       r",? samt (?=(?P<verb>[a-zåäö]+a) \S)|"
                       rf" och (?=(?P<plain>{PROMISE_VERBS}) \S)")
# words ending in -a after "samt" that are no verb: "samt andra insatser"
_NOT_A_VERB = frozenset("""alla andra båda egna enda flera första gemensamma hela lokala nya
    olika samma sina stora trygga unga vissa våra övriga äldre bästa nästa detta denna dessa
    sista samtliga många""".split())
_MEANS = re.compile(r"^(?P<goal>.{3,60}?) genom att ")  # "Tryggheten ska öka genom att …"
FOLLOW_UP_TITLE = re.compile(r"^uppföljning\b", re.I)
COMING_YEAR = re.compile(r"\b(?:det |under )?(?:kommande året|kommande år|nästa år)\b", re.I)
NEW_PROMISE = re.compile(r"\bn(?:ytt|ya) (?:gemensamma? )?(?:medborgar|trygghets)?löfte|"
                         r"\bunderteckna(?:ts|t|des)\b|\bskrivit under\b", re.I)
# (not after an abbreviation: "mellan kl. 22.00 och 03.00", "ca. 20", "bl.a. Polisen")
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\bkl\.)(?<!\bca\.)(?<!\bnr\.)"
                           r"(?<!\bt\.ex\.)(?<!\bbl\.a\.)"
                           r"\s+(?=[\"”A-ZÅÄÖ0-9])")
_OVERALL_GOAL = re.compile(r"^(?:det )?övergripande målet\b", re.I)
FOCUS_ON = re.compile(r"\bfokus på (?P<what>[^.,:;!?]+)", re.I)
FIGURES = re.compile(r"(?<![\d,])\d+(?:,\d+)?\s*(?:procent|%)|medborgarundersökning|"
                      r"trygghetsmätning",
                      re.I)
BASIS = re.compile(r"tagits fram|tas fram|baseras på|bygger på|utgår från|identifierats genom|"
                    r"använts i underlaget|samlats in|grundar sig på|(?:legat|ligger) till grund",
                    re.I)

# "Anna", "Ann-Sofie", "AnnSofie", "McLean"
_NAME_WORD = r"[A-ZÅÄÖÉ][a-zåäöéüø]+(?:-?[A-ZÅÄÖÉ][a-zåäöéüø]+)?"
_NAME = rf"{_NAME_WORD}(?: (?:af |von |de )?{_NAME_WORD}){{1,2}}"
_ROLE = (r"(?i:kommunstyrelsens (?:1:e |2:e )?(?:vice )?ordförande|kommunalråd(?:et)?|"
         r"oppositionsråd(?:et)?|kommundirektör(?:en)?|kommunchef(?:en)?|stadsdirektör(?:en)?|"
         r"lokalpolisområdeschef(?:en)?|lokalpolischef(?:en)?|polisområdeschef(?:en)?|"
         r"lpo-chef(?:en)?|kommunpolis(?:en)?|polischef(?:en)?|lokalområdespolischef(?:en)?|"
         r"säkerhetssamordnare|ordförande i kommunstyrelsen|kso)")
_PARTY_MARK = r"(?: \((?P<{0}>[A-ZÅÄÖ]{{1,4}})\))?"
_ROLE_THEN_NAME = re.compile(rf"(?P<role>{_ROLE}) (?P<name>{_NAME}){_PARTY_MARK.format('p1')}")
_NAME_THEN_ROLE = re.compile(rf"(?P<name>{_NAME}){_PARTY_MARK.format('p2')},? (?P<role>{_ROLE})")
_SIGNING = re.compile(r"underteckna|skriv\w* under|skrev\b.*\bunder\b|signera", re.I)
# "Peter Nilsson, lokalpolisområdeschef" (and ", lokalpolisområde Trelleborg" after it)
_NAME_TITLE_LINE = re.compile(rf"^(?P<name>{_NAME}){_PARTY_MARK.format('party')},\s*"
                              r"(?P<title>[^,]{2,100}(?:,\s*[^,]{2,60})?)$")
# "… minst sex tillfällen (Kommunen och Polisen)": an item's party in brackets at its end
_PARTY_MARKED = re.compile(
    r"\s*[(\[](?:ansvar(?:ig)?:?\s*)?(?P<who>(?:[a-zåäö]+ )?(?:kommunen|kommun|polisen|polis)"
    r"(?:(?: och|,|/| &) (?:[a-zåäö]+ )?(?:kommunen|kommun|polisen|polis))*|tillsammans|"
    r"gemensamt)[)\]]\.?$|"
    # "[P]", "[K]", "[K+P]": the letters a promise's legend gives its parties
    r"\s*\[(?P<letters>[KP](?:\s*[+/&]\s*[KP])?)\]\.?$", re.I)
# "För Piteå kommun: Helena Stenberg, kommunstyrelsens ordförande": whom a signatory signs for
# "För Piteå kommun: Namn", or the line "För Ystads kommun" above a name; "Polismyndigheten",
# "Gällivare kommun" under a title: whom a signatory signs for
_ORGANISATION = (r"(?:polisen|polismyndigheten|lokalpolisområde [^,:]{2,40}|"
                 r"[A-ZÅÄÖ][\w-]+ (?:kommun|stad)|region [A-ZÅÄÖ][\w-]+)")
_SIGNS_FOR = re.compile(rf"^(?:för|på uppdrag av) (?:[^:]{{2,60}}:\s*|{_ORGANISATION}$)", re.I)
ORGANISATION_LINE = re.compile(rf"^{_ORGANISATION}$", re.I)
_NAME_ONLY = re.compile(rf"^(?!{_ROLE}){_NAME}(?: \([A-ZÅÄÖ]{{1,4}}\))?$")
_HAS_ROLE = re.compile(_ROLE)

SOURCE_PATTERNS = {
    "medborgardialog": re.compile(
        r"medborgardialog|dialog(?:er|en|möten?|träff\w*)? med (?:medborgar|invånar|kommuninvånar|"
        r"kommun invånar|boende|allmänhet|ungdomar)", re.I),
    "enkat": re.compile(r"(?<!medarbetar)enkät|medborgarundersökning|\bNTU\b", re.I),
    "trygghetsmatning": re.compile(r"trygghetsmätning|trygghetsundersökning", re.I),
    "brottsstatistik": re.compile(r"brottsstatistik|anmälningsstatistik|statistik över "
                                  r"(?:anmälda )?brott", re.I),
    "handelserapporter": re.compile(r"händelserapport", re.I),
    "medarbetardialog": re.compile(r"medarbetar(?:dialog|enkät|undersökning)|medarbetare inom",
                                   re.I),
}
