"""The message catalogues: extract, merge, check and compile (used by `make translations` and tests).

    python -m tracker.catalogues update   # extract every message, merge into sv and en
    python -m tracker.catalogues check    # list what is missing, untranslated or broken
    python -m tracker.catalogues current  # fail when `update` would change a committed file

The source text is Swedish, so the sv catalogue copies each msgid; en is translated by hand.
"""
from __future__ import annotations

import copy
import io
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import cast

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "tracker" / "translations"
SOURCE_LANGUAGE = "sv"
LANGUAGES = ("sv", "en")
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}
HEADER = """\
# Löfteskollen's interface text in {language}. Source text is Swedish: sv copies each msgid.
# Regenerate with `make translations`; the .mo files are compiled by `make install`.
#"""
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([diouxXeEfFgGcrsa%])")


def extract(root: Path = ROOT) -> Catalog:
    """Every message in the code and templates, as babel.cfg maps them (pybabel extract)."""
    with open(root / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    template = Catalog(project="Löfteskollen", version="", fuzzy=False,
                       header_comment=HEADER.format(language="any language (the template)"))
    for filename, lineno, message, comments, context in extract_from_dir(
        root, method_map, options_map, keywords=KEYWORDS
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def catalogue_path(language: str, directory: Path = TRANSLATIONS) -> Path:
    return directory / language / "LC_MESSAGES" / "messages.po"


def read(language: str, directory: Path = TRANSLATIONS) -> Catalog:
    with open(catalogue_path(language, directory), "rb") as po:
        return read_po(po, locale=language)


# Header lines that change on every run although no message did (the time of extraction) or
# with the tool's version; a file that differs only in these is left as it is.
VOLATILE_HEADER = re.compile(rb'^"(?:POT-Creation-Date|PO-Revision-Date|Generated-By): .*\\n"$',
                             re.MULTILINE)


def write(catalog: Catalog, path: Path) -> bool:
    """Write the catalogue unless only its volatile header lines would change; True if written.

    So `make translations` on a clean checkout changes nothing, and a real change still shows."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=True, ignore_obsolete=True,
             include_lineno=False)
    content = buffer.getvalue()
    if path.exists() and VOLATILE_HEADER.sub(b"", path.read_bytes()) == VOLATILE_HEADER.sub(
            b"", content):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return True


def copy_source(catalog: Catalog) -> None:
    """The source language translates each message to itself."""
    for message in catalog:
        if message.id:
            message.string = message.id
            message.flags.discard("fuzzy")


def update(directory: Path = TRANSLATIONS) -> dict[str, int]:
    """Extract, write messages.pot, merge into every catalogue; returns the messages per language."""
    template = extract()
    write(template, directory / "messages.pot")
    counts = {}
    for language in LANGUAGES:
        path = catalogue_path(language, directory)
        catalog = read(language, directory) if path.exists() else Catalog(
            locale=language, project="Löfteskollen", version="", fuzzy=False,
            header_comment=HEADER.format(language=language),
        )
        # A changed msgid keeps its old translation, marked fuzzy for a translator to check.
        catalog.update(copy.deepcopy(template), update_creation_date=False)  # messages are shared
        if language == SOURCE_LANGUAGE:
            copy_source(catalog)
        write(catalog, path)
        counts[language] = sum(1 for m in catalog if m.id)
    return counts


def stale(directory: Path = TRANSLATIONS) -> list[str]:
    """The committed catalogue files that `update` would change (merged in a scratch copy)."""
    with tempfile.TemporaryDirectory() as scratch:
        copy_dir = Path(scratch) / "translations"
        shutil.copytree(directory, copy_dir, ignore=shutil.ignore_patterns("*.mo"))
        update(copy_dir)
        changed = [
            str(path.relative_to(copy_dir)) for path in sorted(copy_dir.rglob("*.po*"))
            if not (directory / path.relative_to(copy_dir)).exists()
            or (directory / path.relative_to(copy_dir)).read_bytes() != path.read_bytes()
        ]
    return changed


def placeholders(text: str) -> list[str]:
    """'%(name)s' and '%d' style placeholders, sorted; '%%' is no placeholder."""
    return sorted(f"{name or ''}{kind}" for name, kind in PLACEHOLDER.findall(text) if kind != "%")


def _strings(message: Message) -> list[str]:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return [text or "" for text in strings]


def _placeholder_errors(message: Message) -> list[str]:
    ids: list[str] = list(message.id) if message.pluralizable else [cast(str, message.id)]
    errors = []
    for index, text in enumerate(_strings(message)):
        source = ids[min(index, len(ids) - 1)]  # the first form is the singular, the rest plural
        if text and placeholders(text) != placeholders(source):
            errors.append(f"placeholders {placeholders(text)} ≠ {placeholders(source)} in {text!r}")
    return errors


def problems(template: Catalog, catalog: Catalog) -> list[str]:
    """What stops the catalogue from translating the template completely and safely."""
    found = []
    for message in template:
        if not message.id:
            continue
        entry = catalog.get(message.id, message.context)
        label = repr(message.id if not message.pluralizable else message.id[0])
        if entry is None or entry.pluralizable != message.pluralizable or entry.id != message.id:
            found.append(f"missing: {label}")
        elif entry.fuzzy:
            found.append(f"fuzzy: {label}")
        elif not all(_strings(entry)):
            found.append(f"untranslated: {label}")
    for entry in catalog:
        if entry.id:
            label = repr(entry.id if not entry.pluralizable else entry.id[0])
            found.extend(f"{label}: {error}" for error in _placeholder_errors(entry))
    return found


def compile_all(source: Path = TRANSLATIONS, target: Path = TRANSLATIONS) -> None:
    """pybabel compile in Python: every .po under source as a .mo under target (fuzzy left out)."""
    for language in LANGUAGES:
        mo_path = target / language / "LC_MESSAGES" / "messages.mo"
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with open(mo_path, "wb") as mo:
            write_mo(mo, read(language, source))


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else ""
    if command == "update":
        for language, count in update().items():
            print(f"{language}: {count} messages")
        return 0
    if command == "check":
        template = extract()
        failures = [f"{language}: {problem}" for language in LANGUAGES
                    for problem in problems(template, read(language))]
        print("\n".join(failures) or "Every message is translated.")
        return 1 if failures else 0
    if command == "current":
        changed = stale()
        for name in changed:
            print(f"out of date: {TRANSLATIONS.relative_to(ROOT) / name}")
        if changed:
            print("Run `make translations`, translate what it lists and commit the catalogues.")
        else:
            print("The catalogues are up to date.")
        return 1 if changed else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
