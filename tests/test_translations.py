"""Both catalogues cover every message in the source, and English can be chosen and left again."""
from __future__ import annotations

import shutil
from datetime import UTC, date, datetime

import pytest
from babel.messages.catalog import Catalog
from flask_babel import get_babel

from tests.conftest import login
from tracker import catalogues
from tracker.extensions import babel
from tracker.formatting import date_local, number_local


@pytest.fixture(scope="module")
def extracted() -> Catalog:
    """The messages as they are in the source right now, not as the last `make translations` saw."""
    return catalogues.extract()


@pytest.mark.parametrize("language", catalogues.LANGUAGES)
def test_every_message_is_translated(extracted, language):
    problems = catalogues.problems(extracted, catalogues.read(language))
    assert not problems, (
        f"{len(problems)} problem(s) in the {language} catalogue; run `make translations` and "
        "translate what is listed:\n" + "\n".join(problems)
    )


def test_the_check_catches_a_broken_or_missing_translation():
    template = Catalog()
    template.add("Hej %(name)s!")
    template.add("Spara")
    template.add("Avbryt")
    catalog = Catalog(locale="en")
    catalog.add("Hej %(name)s!", "Hello %(namn)s!")
    catalog.add("Spara", "Save", flags=["fuzzy"])
    assert catalogues.problems(template, catalog) == [
        "fuzzy: 'Spara'",
        "missing: 'Avbryt'",
        "'Hej %(name)s!': placeholders ['namns'] ≠ ['names'] in 'Hello %(namn)s!'",
    ]


def test_a_rewrite_with_no_new_message_leaves_the_file_alone(tmp_path):
    """`make translations` on a clean checkout changes nothing: the extraction time is no change."""
    path = tmp_path / "messages.pot"
    catalog = Catalog(creation_date=datetime(2025, 1, 1, tzinfo=UTC))
    catalog.add("Spara")
    assert catalogues.write(catalog, path)
    written = path.read_bytes()

    catalog.creation_date = datetime(2026, 6, 1, 12, 30, tzinfo=UTC)
    assert not catalogues.write(catalog, path)
    assert path.read_bytes() == written

    catalog.add("Avbryt")
    assert catalogues.write(catalog, path)
    assert b'msgid "Avbryt"' in path.read_bytes()
    assert b"POT-Creation-Date: 2026-06-01 12:30" in path.read_bytes()


def test_the_committed_catalogues_are_current_and_a_stale_one_is_named(tmp_path):
    """`make translations-check`: nothing to do on a clean checkout; a catalogue that lacks a
    message of the code is listed."""
    assert catalogues.stale() == []
    copy = tmp_path / "translations"
    shutil.copytree(catalogues.TRANSLATIONS, copy)
    english = catalogues.read("en", copy)
    removed = next(message.id for message in english if message.id)
    del english[removed]
    catalogues.write(english, catalogues.catalogue_path("en", copy))
    assert catalogues.stale(copy) == ["en/LC_MESSAGES/messages.po"]


@pytest.fixture
def compiled(app, tmp_path_factory):
    """The app reads catalogues compiled from the .po files now, not whatever .mo is on disk."""
    directory = tmp_path_factory.mktemp("translations")
    catalogues.compile_all(target=directory)
    config = get_babel(app)
    original = config.translation_directories
    with app.app_context():
        cache = babel.domain_instance.cache  # Flask-Babel's, per locale and process-wide
    config.translation_directories = [str(directory)]
    cache.clear()
    yield
    config.translation_directories = original
    cache.clear()


def test_the_app_reads_the_committed_catalogues(app):
    assert get_babel(app).translation_directories == [str(catalogues.TRANSLATIONS)]
    assert catalogues.catalogue_path("en").exists()


def _page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status
    return response.get_data(as_text=True)


def test_swedish_by_default_english_when_chosen_and_back(compiled, client, make_user):
    page = _page(client, "/login")
    assert '<html lang="sv">' in page and "Logga in" in page and "In English" in page

    switched = client.get("/sprak/en?next=/login")
    assert switched.status_code == 302 and switched.headers["Location"] == "/login"
    page = _page(client, "/login")
    assert '<html lang="en">' in page
    assert "Log in with your user account" in page and "På svenska" in page
    assert "Logga in med ditt" not in page
    assert "Page not found" in _page(client, "/finns-inte", 404)

    login(client, make_user().email)
    page = _page(client, "/mina-uppgifter")
    assert "<h1>My tasks</h1>" in page and "Log out" in page

    client.get("/sprak/sv?next=/mina-uppgifter")
    page = _page(client, "/mina-uppgifter")
    assert '<html lang="sv">' in page and "<h1>Mina uppgifter</h1>" in page


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/", "/\\evil.example"])
def test_the_switch_only_returns_to_this_site(client, target):
    response = client.get("/sprak/en", query_string={"next": target})
    assert response.status_code == 302 and "evil" not in response.headers["Location"]


def test_an_unknown_language_is_not_remembered(client):
    assert client.get("/sprak/de").status_code == 404
    client.set_cookie("lang", "de")
    assert '<html lang="sv">' in _page(client, "/login")


def test_dates_and_numbers_follow_the_page_language(app):
    at = datetime(2025, 6, 30, 22, 30, tzinfo=UTC)  # 1 July, 00:30 in Stockholm
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert date_local(at) == "1 July 2025 00:30"
        assert date_local(date(2019, 2, 4)) == "4 February 2019"
        assert number_local(12345.5) == "12,345.5"
    with app.test_request_context():
        assert date_local(at) == "1 juli 2025 00:30"
        assert number_local(12345.5) == "12\u00a0345,5"
