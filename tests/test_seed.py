"""The demo data: built from the public pages, complete, and loaded only once."""
import re
import stat
from pathlib import Path

import sqlalchemy as sa

from tracker.demo import loader
from tracker.models import (
    Activity,
    ActivityType,
    Commitment,
    IndicatorValue,
    LogEntry,
    Membership,
    Municipality,
    Party,
    Place,
    Promise,
    Role,
    User,
)

PAGES = Path(loader.__file__).with_name("pages")


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def _counts(session):
    models = [Municipality, Promise, Commitment, Activity, LogEntry, User, Membership, Place,
              ActivityType, IndicatorValue]
    return {m.__name__: session.scalar(sa.select(sa.func.count()).select_from(m)) for m in models}


def test_seeding_twice_adds_nothing(session):
    first = loader.load_demo()
    before = _counts(session)
    second = loader.load_demo()
    assert _counts(session) == before
    assert first.logins and not second.logins
    assert "ingenting lades till" in second.summary()


HEADINGS = {"Kommunen lovar": Party.KOMMUNEN, "Polisen lovar": Party.POLISEN,
            "Tillsammans lovar": Party.TILLSAMMANS}


def _promises_on_page(path: Path) -> list[tuple[Party, str]]:
    """The bullet points under each 'X lovar' heading of a published page."""
    found, party = [], None
    for line in path.read_text(encoding="utf-8").splitlines():
        heading = next((p for h, p in HEADINGS.items() if line.startswith(h)), None)
        if heading:
            party = heading
        elif party and line.strip().startswith("•"):
            found.append((party, _normalise(line.strip().lstrip("•"))))
        elif party and line.strip() and not line.startswith(" "):
            party = None
    return found


def test_every_gotene_2019_commitment_is_verbatim_with_its_party(session):
    loader.load_demo()
    expected = _promises_on_page(PAGES / "001_eb89380561d4d2aa.txt")
    assert len(expected) == 9
    promise = session.scalar(
        sa.select(Promise).join(Municipality).where(Municipality.name == "Götene",
                                                    Promise.start_year == 2019)
    )
    stored = session.execute(
        sa.select(Commitment.party, Commitment.text)
        .where(Commitment.promise_id == promise.id).order_by(Commitment.position)
    ).all()
    assert [(party, _normalise(text)) for party, text in stored] == expected


def test_skara_2019_commitments_are_verbatim_with_their_party(session):
    loader.load_demo()
    expected = _promises_on_page(PAGES / "002_2feda3c715ef061f.txt")
    promise = session.scalar(
        sa.select(Promise).join(Municipality).where(Municipality.name == "Skara",
                                                    Promise.start_year == 2019)
    )
    stored = session.execute(
        sa.select(Commitment.party, Commitment.text)
        .where(Commitment.promise_id == promise.id).order_by(Commitment.position)
    ).all()
    assert [(party, _normalise(text)) for party, text in stored] == expected


def test_demo_content_matches_the_pages(session):
    loader.load_demo()
    names = set(session.scalars(sa.select(Municipality.name)))
    assert {"Lidköping", "Götene", "Skara", "Exempelkommun"} <= names
    example = session.scalar(sa.select(Municipality).where(Municipality.name == "Exempelkommun"))
    assert example.is_example
    lidkoping = session.scalar(sa.select(Municipality).where(Municipality.name == "Lidköping"))
    unsafe = session.scalar(sa.select(IndicatorValue).where(
        IndicatorValue.municipality_id == lidkoping.id, IndicatorValue.year == 2023))
    assert float(unsafe.value) == 15.0 and float(unsafe.national_value) == 24.0
    place_names = set(session.scalars(sa.select(Place.name)))
    assert {"Skara centrum", "De la Gardieskolan"} <= place_names
    assert session.scalar(sa.select(sa.func.count()).select_from(ActivityType)) == 15
    entries = session.scalar(sa.select(sa.func.count()).select_from(LogEntry)
                             .where(LogEntry.is_demo.is_(True)))
    assert entries > 200
    assert session.scalar(sa.select(sa.func.count()).select_from(LogEntry)
                          .where(LogEntry.is_demo.is_(False))) == 0


def test_orossamtal_are_counts_only(session):
    loader.load_demo()
    kind = session.scalar(sa.select(ActivityType).where(ActivityType.key.like("%oros%")))
    assert kind is not None
    assert all(m["kind"] != "text" for m in kind.measures)


def test_kommunpolis_covers_skara_and_gotene(session):
    result = loader.load_demo()
    emails = [e for e, _, _ in result.logins]
    officer = session.scalar(sa.select(User).where(User.email.like("kommunpolis.skara@%")))
    roles = session.execute(
        sa.select(Municipality.name, Membership.role).join(Membership)
        .where(Membership.user_id == officer.id)
    ).all()
    assert sorted(roles) == [("Götene", Role.OFFICER), ("Skara", Role.OFFICER)]
    assert len(emails) == 7


def test_logins_file_is_private(tmp_path):
    target = tmp_path / "demo-logins.txt"
    loader.write_logins([("a@b.se", "hemligt-lösen", "samordnare")], str(target))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "a@b.se  hemligt-lösen" in target.read_text()
