"""The personnummer guard: every written form is refused, phone/order/date/amount text passes."""
from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from flask import Flask
from flask_babel import Babel
from wtforms import Form, StringField, TextAreaField
from wtforms.validators import ValidationError

from tracker.services import DomainError
from tracker.services.personal_data import check_fields, check_text, find_identity_numbers
from tracker.validators import NoIdentityNumber

COUNT = 1000

IDENTITY_SENTENCES = [
    "Samtal med pojke, pnr {n}, om situationen i skolan.",
    "Flickan ({n}) berättade om bråk hemma.",
    "Personnummer: {n}.",
    "pnr:{n}",
    "{n}",
    "{n} ringde igen och ville prata med socialtjänsten.",
    "Mamman uppgav sitt nummer {n}; hon vill bli kontaktad.",
    "Gäller barnet med nummer {n}, som tidigare anmälts.",
    "Anmälan gällde ”{n}” enligt skolkuratorn.",
    "Uppgifter: namn okänt/{n}/årskurs 8",
    "Eleven [{n}] har hög frånvaro sedan mars.",
    "Ring tillbaka ang. {n}!",
    "Rad ett\nNummer\t{n}\nRad tre",
]

OTHER_SENTENCES = [
    "Ring mamman på {x} efter kl. 15.",
    "Kontakt: {x}.",
    "Skolan ({x}) återkommer.",
    "{x}",
    "Uppgift om {x}, enligt anteckning från mötet.",
    "Se bilaga; {x}; inget mer att tillägga.",
    "Enligt kuratorn:{x}",
]


def luhn_valid(digits: str) -> bool:
    """The textbook Luhn test, doubling every second digit from the right."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def with_check_digit(nine: str) -> str:
    return nine + next(str(c) for c in range(10) if luhn_valid(nine + str(c)))


def random_date(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def identity_number(rng: random.Random, form: str, *, samordning: bool) -> str:
    """One valid number in a written form: 10/12 digits, separator '', '-' or '+'."""
    digits, sep = form[:2], form[2:]
    if sep == "+":
        born = random_date(rng, date(1890, 1, 1), date(1924, 12, 31))
    else:
        born = random_date(rng, date(1925, 1, 1), date(2024, 12, 31))
    day = born.day + (60 if samordning else 0)
    ten = with_check_digit(f"{born:%y%m}{day:02d}{rng.randint(0, 999):03d}")
    if form == "10" and ten[0] == "0" and ten[1] != "0":
        # written like that it reads as a phone number (0701234569): tested on its own below
        return identity_number(rng, form, samordning=samordning)
    prefix = f"{born.year // 100}" if digits == "12" else ""
    return f"{prefix}{ten[:6]}{sep}{ten[6:]}"


FORMS = ["10", "10-", "10+", "12", "12-"]


def identity_texts(seed: int, *, samordning: bool) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    texts = []
    for i in range(COUNT):
        number = identity_number(rng, FORMS[i % len(FORMS)], samordning=samordning)
        texts.append((number, rng.choice(IDENTITY_SENTENCES).format(n=number)))
    return texts


def digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(n))


def phone_number(rng: random.Random) -> str:
    mobile = rng.choice(["70", "72", "73", "76", "79"]) + digits(rng, 7)
    a, b = digits(rng, 6), digits(rng, 8)
    return rng.choice([
        f"0{mobile[:2]}-{mobile[2:5]} {mobile[5:7]} {mobile[7:]}",
        f"0{mobile[:3]}-{mobile[3:5]} {mobile[5:7]} {mobile[7:]}",
        f"0{mobile[:2]} {mobile[2:5]} {mobile[5:7]} {mobile[7:]}",
        f"+46 {mobile[:2]} {mobile[2:5]} {mobile[5:7]} {mobile[7:]}",
        f"+46 (0){mobile[:2]}-{mobile[2:5]} {mobile[5:7]} {mobile[7:]}",
        f"08-{b[:3]} {b[3:6]} {b[6:]}",
        f"08-{a[:2]} {a[2:4]} {a[4:]}",
        f"031-{a[:2]} {a[2:4]} {a[4:]}",
        f"031-{b[:3]} {b[3:5]} {b[5:7]}",
        f"0480-{a[:3]} {a[3:5]}",
    ])


def order_number(rng: random.Random) -> str:
    year = rng.randint(2015, 2025)
    return rng.choice([
        f"ordernr {year}-{digits(rng, 6)}",
        f"order #{digits(rng, 8)}",
        f"fakturanr {digits(rng, 7)}",
        f"dnr SOC {year}-{digits(rng, 4)}",
        f"ärende KS {year}/{digits(rng, 4)}",
    ])


def iso_date(rng: random.Random) -> str:
    start = random_date(rng, date(1990, 1, 1), date(2030, 12, 31))
    end = start + timedelta(days=rng.randint(1, 60))
    return rng.choice([
        f"{start:%Y-%m-%d}",
        f"den {start:%Y-%m-%d} kl. {rng.randint(8, 17)}.{rng.choice(['00', '15', '30'])}",
        f"{start:%Y%m%d}",
        f"{start:%Y-%m-%d}–{end:%Y-%m-%d}",
        f"{start.day}/{start.month}-{start.year}",
    ])


def amount(rng: random.Random) -> str:
    kronor = rng.randint(100, 9_999_999)
    spaced = f"{kronor:,}".replace(",", " ")
    return rng.choice([
        f"{spaced} kr",
        f"{spaced} kronor",
        f"{kronor}:-",
        f"{spaced},{rng.randint(0, 99):02d} kr",
        f"{spaced} SEK",
    ])


def other_texts(seed: int, make) -> list[str]:
    rng = random.Random(seed)
    return [rng.choice(OTHER_SENTENCES).format(x=make(rng)) for _ in range(COUNT)]


@pytest.fixture(scope="module")
def babel_app():
    app = Flask(__name__)
    app.config["BABEL_DEFAULT_LOCALE"] = "sv"
    Babel(app)
    return app


@pytest.mark.parametrize("samordning", [False, True], ids=["personnummer", "samordningsnummer"])
def test_every_written_form_is_found_and_refused(samordning):
    for number, text in identity_texts(seed=20240 + samordning, samordning=samordning):
        assert find_identity_numbers(text) == [number], text
        with pytest.raises(DomainError):
            check_text(text, "Anteckning")


@pytest.mark.parametrize(
    "make", [phone_number, order_number, iso_date, amount], ids=lambda f: f.__name__
)
def test_phone_order_date_and_amount_text_is_accepted(make):
    for text in other_texts(seed=7, make=make):
        assert find_identity_numbers(text) == [], text
        check_text(text, "Anteckning")


def test_wrong_check_digit_is_not_flagged():
    good = with_check_digit("050312456")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert find_identity_numbers(f"pnr {good[:6]}-{good[6:]}") == [f"{good[:6]}-{good[6:]}"]
    assert find_identity_numbers(f"pnr {bad[:6]}-{bad[6:]}") == []
    assert find_identity_numbers(f"pnr 20{bad}") == []


@pytest.mark.parametrize(
    "nine",
    ["990230123", "990431123", "991301123", "990100123", "990192123", "990160123"],
    ids=["30-feb", "31-apr", "month-13", "day-0", "samordning-day-92", "samordning-day-60"],
)
def test_impossible_date_is_not_flagged_even_with_good_check_digit(nine):
    number = with_check_digit(nine)
    assert find_identity_numbers(f"{number[:6]}-{number[6:]}") == []
    assert find_identity_numbers(f"19{number}") == []


def test_leap_day_depends_on_the_century():
    number = with_check_digit("000229123")
    assert find_identity_numbers(f"20{number}") == [f"20{number}"]
    assert find_identity_numbers(f"19{number}") == []  # 1900 was no leap year
    assert find_identity_numbers(number) == [number]  # born 2000-02-29


def test_twelve_digits_need_a_plausible_century():
    number = with_check_digit("050312456")
    assert find_identity_numbers(f"20{number}") == [f"20{number}"]
    assert find_identity_numbers(f"21{number}") == []
    assert find_identity_numbers(f"17{number}") == []


def test_number_inside_a_longer_digit_run_is_not_flagged():
    number = with_check_digit("050312456")
    assert find_identity_numbers(f"1{number}") == []
    assert find_identity_numbers(f"{number}2") == []
    assert find_identity_numbers("0701234567890123") == []


def test_dash_a_word_processor_substitutes_is_still_a_separator():
    number = with_check_digit("050312456")
    assert find_identity_numbers(f"pnr {number[:6]}\u2013{number[6:]}") != []
    assert find_identity_numbers(f"pnr {number[:6]}\u2011{number[6:]}") != []


def test_empty_values_pass():
    check_text(None, "Anteckning")
    check_text("", "Anteckning")


def _refusal(label: str) -> str:
    with pytest.raises(DomainError) as refused:
        number = with_check_digit('050312456')
        check_text(f"pnr {number[:6]}-{number[6:]}", label)
    return refused.value.message


def test_message_names_the_field_outside_an_app_context():
    message = _refusal("Beskrivning av oron")
    assert "”Beskrivning av oron”" in message
    assert "personnummer" in message


def test_message_names_the_field_inside_a_babel_app(babel_app):
    with babel_app.test_request_context():
        assert "”Beskrivning av oron”" in _refusal("Beskrivning av oron")


def test_check_fields_reports_every_offending_field():
    number = with_check_digit("711224123")
    errors = check_fields({
        "title": ("Rubrik", f"Samtal om {number}"),
        "body": ("Anteckning", "Ring 070-123 45 67 efter lunch."),
        "summary": ("Sammanfattning", f"({number[:6]}-{number[6:]})"),
        "empty": ("Övrigt", None),
    })
    assert set(errors) == {"title", "summary"}
    assert "”Rubrik”" in errors["title"]
    assert "”Sammanfattning”" in errors["summary"]


class NoteForm(Form):
    title = StringField("Rubrik", validators=[NoIdentityNumber()])
    body = TextAreaField("Anteckning", validators=[NoIdentityNumber()])


def test_form_validator_raises_validation_error_naming_the_label():
    number = with_check_digit("050312456")
    form = NoteForm(data={"title": "Orossamtal", "body": f"Pojken, {number[:6]}-{number[6:]}."})
    with pytest.raises(ValidationError, match="”Anteckning”"):
        NoIdentityNumber()(form, form.body)
    assert not form.validate()
    assert list(form.errors) == ["body"]
    assert "”Anteckning”" in form.errors["body"][0]


def test_form_validator_accepts_ordinary_text():
    body = "Ring 08-123 456 78, ordernr 2023-118877."
    form = NoteForm(data={"title": "Orossamtal", "body": body})
    assert form.validate()
