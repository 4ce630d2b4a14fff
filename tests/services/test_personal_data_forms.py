"""The personnummer guard, broadened: generated numbers in every way people write them (grouped,
spaced, dotted, slashed, with Unicode digits, dashes and invisible characters) are refused, and
phone numbers written without separators are not (hypothesis, 1,000 examples each: one test
mixing every form, then 1,000 in each form the review named, and 1,000 phone numbers).
The whole file runs in about 20 s."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.services import DomainError
from tracker.services.personal_data import check_text, find_identity_numbers, luhn_check_digit

EXAMPLES = 1000
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
DASHES = ["-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212", "\ufe63", "\uff0d"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff", "\u200e", "\u202c"]
SPACES = [" ", "\u00a0", "\u202f", "\u2009", "\u3000"]
SENTENCES = ["Samtal med pojke, pnr {n}, om skolan.", "{n}", "Flickan ({n}) berättade.",
             "Personnummer:{n}.", "Rad ett\nNummer {n}\nRad tre"]


@st.composite
def identity_numbers(draw):
    """(the ten digits, how they are written): a real date, a valid check digit."""
    born = draw(st.dates(date(1925, 1, 1), date(2024, 12, 31)))
    samordning = draw(st.booleans())
    day = born.day + (60 if samordning else 0)
    nine = f"{born:%y%m}{day:02d}{draw(st.integers(0, 999)):03d}"
    ten = nine + str(luhn_check_digit(nine))
    century = draw(st.sampled_from(["", str(born.year // 100)]))
    yy, mm, dd, tail = ten[:2], ten[2:4], ten[4:6], ten[6:]
    sep = draw(st.sampled_from(
        ["-", " ", " - ", ".", "/", *DASHES[1:], *SPACES[1:], " \u2013 "]
        + ([""] if century else [])))  # without a separator: the 12-digit form (10: below)
    grouped = draw(st.sampled_from(["", " ", "."]))
    written = f"{century}{yy}{grouped}{mm}{grouped}{dd}{sep}{tail}"
    digits = draw(st.sampled_from([None, FULL_WIDTH, ARABIC_INDIC]))
    if digits:
        written = written.translate(digits)
    if draw(st.booleans()):  # an invisible character somewhere inside
        at = draw(st.integers(1, len(written) - 1))
        written = written[:at] + draw(st.sampled_from(INVISIBLE)) + written[at:]
    return written


@settings(max_examples=EXAMPLES, deadline=None, database=None)
@given(number=identity_numbers(), sentence=st.sampled_from(SENTENCES))
def test_every_written_form_of_an_identity_number_is_refused(number, sentence):
    text = sentence.format(n=number)
    assert find_identity_numbers(text) == [number], text
    with pytest.raises(DomainError):
        check_text(text, "Anteckning")


@st.composite
def ten_digits(draw, *, samordning: bool = False):
    """(the date's century, the ten digits): a real date, a valid check digit."""
    born = draw(st.dates(date(1925, 1, 1), date(2024, 12, 31)))
    day = born.day + (60 if samordning else 0)
    nine = f"{born:%y%m}{day:02d}{draw(st.integers(0, 999)):03d}"
    return str(born.year // 100), nine + str(luhn_check_digit(nine))


def _written(century_and_ten, write):
    century, ten = century_and_ten
    return write(century, ten[:2], ten[2:4], ten[4:6], ten[6:])


def _with_zero_width_space(draw, written: str) -> str:
    at = draw(st.integers(1, len(written) - 1))
    return written[:at] + "\u200b" + written[at:]


# Each way of writing a number the review found passing, with one generated number per example.
FORMATS = {
    "space": lambda c, y, m, d, t: f"{y}{m}{d} {t}",  # 850709 2388
    "twelve-digits-space": lambda c, y, m, d, t: f"{c}{y}{m}{d} {t}",  # 19850709 2388
    "space-dash-space": lambda c, y, m, d, t: f"{y}{m}{d} - {t}",  # 850709 - 2388
    "em-dash": lambda c, y, m, d, t: f"{y}{m}{d}\u2014{t}",  # 850709—2388
    "full-width-digits": lambda c, y, m, d, t: f"{y}{m}{d}-{t}".translate(FULL_WIDTH),
    "dotted-date": lambda c, y, m, d, t: f"{y}.{m}.{d}-{t}",  # 85.07.09-2388
    "dot": lambda c, y, m, d, t: f"{y}{m}{d}.{t}",  # 850709.2388
    "slash": lambda c, y, m, d, t: f"{y}{m}{d}/{t}",  # 850709/2388
    "grouped": lambda c, y, m, d, t: f"{c}{y} {m} {d}-{t}",  # 1985 07 09-2388
}


@st.composite
def written_as(draw, form: str):
    if form == "zero-width-space":  # 850709-2388 or 198507092388 with U+200B somewhere inside
        century, ten = draw(ten_digits())
        plain = draw(st.sampled_from([f"{ten[:6]}-{ten[6:]}", f"{century}{ten}"]))
        return _with_zero_width_space(draw, plain)
    if form == "samordningsnummer":  # day + 60, as 10 digits with dash or as 12 digits
        century, ten = draw(ten_digits(samordning=True))
        return draw(st.sampled_from([f"{ten[:6]}-{ten[6:]}", f"{century}{ten}",
                                     f"{century}{ten[:6]}-{ten[6:]}"]))
    return _written(draw(ten_digits()), FORMATS[form])


@pytest.mark.parametrize("form", [*FORMATS, "zero-width-space", "samordningsnummer"])
@settings(max_examples=EXAMPLES, deadline=None, database=None)
@given(data=st.data())
def test_a_thousand_numbers_in_each_written_form_are_refused(form, data):
    number = data.draw(written_as(form), label="number")
    text = data.draw(st.sampled_from(SENTENCES), label="sentence").format(n=number)
    assert find_identity_numbers(text) == [number], text
    with pytest.raises(DomainError):
        check_text(text, "Anteckning")


# Area codes: mobile 07x, Stockholm 08, and the two- to four-digit codes of the rest.
AREA_CODES = ["70", "72", "73", "76", "79", "8", "10", "11", "13", "16", "18", "19", "21", "23",
              "26", "31", "33", "35", "36", "40", "42", "44", "46", "54", "60", "63", "90",
              "120", "121", "140", "141", "150", "155", "156", "157", "158", "159", "171",
              "173", "174", "175", "176", "220", "221", "222", "223", "224", "225", "226",
              "240", "241", "243", "246", "247", "248", "250", "251", "253", "258", "270",
              "271", "278", "280", "281", "290", "291", "292", "293", "294", "295", "297",
              "300", "301", "302", "303", "304", "320", "321", "322", "325", "340", "345",
              "346", "370", "371", "372", "380", "381", "382", "383", "390", "392", "393",
              "410", "411", "413", "414", "415", "416", "417", "418", "430", "431", "433",
              "435", "451", "454", "455", "456", "457", "459", "470", "471", "472", "474",
              "476", "477", "478", "479", "480", "481", "485", "486", "490", "491", "492",
              "493", "494", "495", "496", "498", "499", "500", "501", "502", "503", "504",
              "505", "506", "510", "511", "512", "513", "514", "515", "520", "521", "522",
              "523", "524", "525", "526", "528", "530", "531", "532", "533", "534", "550",
              "551", "552", "553", "554", "555", "560", "563", "564", "565", "570", "571",
              "573", "580", "581", "582", "583", "584", "585", "586", "587", "589", "590",
              "591", "611", "612", "613", "620", "621", "622", "623", "624", "640", "642",
              "643", "644", "645", "647", "650", "651", "652", "653", "657", "660", "661",
              "662", "663", "670", "671", "672", "680", "682", "684", "687", "690", "691",
              "692", "693", "695", "696", "910", "911", "912", "913", "914", "915", "916",
              "918", "920", "921", "922", "923", "924", "925", "926", "927", "928", "929",
              "930", "932", "933", "934", "935", "940", "941", "942", "943", "950", "951",
              "952", "953", "954", "960", "961", "969", "970", "971", "973", "975", "976",
              "977", "978", "980", "981"]


@st.composite
def phone_numbers(draw):
    """A Swedish number of ten digits written together: 0, the area code, the subscriber."""
    code = draw(st.sampled_from(AREA_CODES))
    rest = draw(st.text("0123456789", min_size=9 - len(code), max_size=9 - len(code)))
    return f"0{code}{rest}"


@settings(max_examples=EXAMPLES, deadline=None, database=None)
@given(number=phone_numbers(), sentence=st.sampled_from(
    ["Ring {n} efter kl. 15.", "Kontakt: {n}", "Mamman ({n}) vill bli kontaktad.", "{n}",
     "Ring {n}"]))
def test_a_phone_number_without_separators_is_accepted(number, sentence):
    assert len(number) == 10
    text = sentence.format(n=number)
    assert find_identity_numbers(text) == [], text
    check_text(text, "Anteckning")


def test_the_same_ten_digits_with_a_separator_before_the_last_four_are_refused():
    nine = "070123456"
    ten = nine + str(luhn_check_digit(nine))
    assert find_identity_numbers(f"Ring {ten}") == []
    for written in (f"{ten[:6]}-{ten[6:]}", f"{ten[:6]} {ten[6:]}", f"20{ten}"):
        assert find_identity_numbers(f"Gäller {written}") == [written]


@pytest.mark.parametrize("written", [
    "850709 2388", "19850709 2388", "850709 - 2388", "850709—2388", "８５０７０９-２３８８",
    "850709\u200b-2388", "85.07.09-2388", "850709/2388", "1985 07 09-2388", "850709.2388",
])
def test_the_reviewers_examples_are_refused(written):
    assert find_identity_numbers(f"Anteckning: {written}.") == [written]
