"""Importing spreadsheets: commitments with their activities, and indicator values.

A file is read once, at upload (reading.read_table, bounded in rows, columns and cells); the
preview and the confirmation run on those stored rows, never on the file again.

Every row goes through the same services as the forms (save_activity, add_commitment,
save_indicator_value), each in its own SAVEPOINT so one bad row cannot hide the errors of the
next. The whole run sits in an outer SAVEPOINT: a preview always rolls it back; an import
keeps it only when every row was valid, and the caller then commits once. So the preview and
the import are the same computation, and nothing is written unless everything can be.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from tracker.extensions import db
from tracker.models import Municipality, User
from tracker.services import DomainError, FieldErrors, personal_data
from tracker.services.imports.cells import CellError
from tracker.services.imports.reading import Table, check_upload, extension_of, read_table
from tracker.translation import gettext as _
from tracker.validators import clean_text, has_unstorable

__all__ = ["Column", "ImportResult", "RowErrors", "RowResult", "Table", "check_upload",
           "extension_of", "importer_for", "read_table", "run_import", "template_csv"]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False  # the column must be in the file (its cells may still be empty)
    hint: str = ""


class RowErrors(DomainError):
    """Several messages about one row (each without the "Rad N:" prefix)."""

    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages))
        self.messages = messages


@dataclass
class RowResult:
    number: int
    cells: list[str]
    errors: list[str] = field(default_factory=list)
    summary: str = ""


@dataclass
class ImportResult:
    kind: str
    columns: list[Column]
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    shown_columns: list[Column] = field(default_factory=list)  # the file's, in its order

    @property
    def errors(self) -> list[str]:
        return self.file_errors + [e for row in self.rows for e in row.errors]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors


class Importer(Protocol):
    kind: str
    columns: list[Column]

    def prepare(self, actor: User, municipality: Municipality, options: dict): ...

    def apply_row(self, context, values: dict, number: int) -> str: ...


def _importers() -> dict[str, Importer]:
    from tracker.services.imports.commitments import CommitmentImporter
    from tracker.services.imports.indicators import IndicatorImporter

    return {CommitmentImporter.kind: CommitmentImporter(),
            IndicatorImporter.kind: IndicatorImporter()}


def importer_for(kind: str) -> Importer | None:
    return _importers().get(kind)


def template_csv(importer: Importer) -> bytes:
    """The empty template: the header row as Swedish Excel reads it (BOM, semicolons)."""
    from tracker.services.spreadsheets import CSV_DELIMITER

    return ("\ufeff" + CSV_DELIMITER.join(c.header for c in importer.columns) + "\r\n").encode()


def _header_key(text: str) -> str:
    return " ".join(str(text).replace("*", "").split()).casefold()


def _map_headers(importer: Importer, headers: list[str]) -> tuple[dict[int, Column], list[str]]:
    by_header = {_header_key(c.header): c for c in importer.columns}
    mapping: dict[int, Column] = {}
    errors = []
    for index, header in enumerate(headers):
        if not header:
            continue
        column = by_header.get(_header_key(header))
        if column is None:
            errors.append(_("Okänd kolumn ”%(header)s”. Kolumnerna ska heta som i mallen.",
                            header=header))
        elif column in mapping.values():
            errors.append(_("Kolumnen ”%(header)s” finns två gånger.", header=column.header))
        else:
            mapping[index] = column
    for column in importer.columns:
        if column.required and column not in mapping.values():
            errors.append(_("Kolumnen ”%(header)s” saknas.", header=column.header))
    return mapping, errors


def _identity_errors(mapping: dict[int, Column], cells: list) -> list[str]:
    """Personnummer are refused in every cell, whatever the column."""
    errors = []
    for index, column in mapping.items():
        value = cells[index]
        if value not in (None, "") and personal_data.find_identity_numbers(str(value)):
            try:
                personal_data.check_text(str(value), column.header)
            except DomainError as error:
                errors.append(error.message)
    return errors


def _unstorable_errors(mapping: dict[int, Column], cells: list) -> list[str]:
    """NUL and other control characters cannot be stored (PostgreSQL refuses NUL): the row is
    refused with a message rather than cleaned, as a file may be damaged there."""
    return [_("Kolumnen ”%(header)s” innehåller tecken som inte kan sparas (till exempel "
              "NUL eller andra styrtecken). Kontrollera filen.", header=column.header)
            for index, column in mapping.items() if has_unstorable(cells[index])]


def _shown(value) -> str:
    """A cell as the preview shows it, with any identity number blanked out."""
    from tracker.services.imports.cells import text

    shown = clean_text(text(value))
    for found in personal_data.find_identity_numbers(shown):
        shown = shown.replace(found, "[personnummer]")
    return shown


def run_import(kind: str, actor: User, municipality: Municipality, table: Table,
               options: dict, *, keep: bool) -> ImportResult:
    """Check (keep=False) or write (keep=True) a file's rows; writes stay only if every row is
    valid."""
    importer = _importers()[kind]  # a kind of import_views.KINDS
    result = ImportResult(kind, importer.columns)
    try:
        mapping, result.file_errors = _map_headers(importer, table.headers)
        result.shown_columns = [mapping[i] for i in sorted(mapping)]
        if not table.rows:
            result.file_errors.append(_("Filen har inga rader att importera."))
        if result.file_errors:
            return result
        context = importer.prepare(actor, municipality, options)
    except DomainError as error:
        result.file_errors.append(error.message)
        return result
    run = db.session.begin_nested()
    try:
        for number, cells in table.rows:
            result.rows.append(_run_row(importer, context, mapping, number, cells))
    finally:
        if keep and result.ok:
            run.commit()
        else:
            run.rollback()
    return result


def _run_row(importer: Importer, context, mapping: dict[int, Column], number: int,
             cells: list) -> RowResult:
    row = RowResult(number, [_shown(cells[i]) for i in sorted(mapping)])
    messages = _unstorable_errors(mapping, cells) or _identity_errors(mapping, cells)
    if not messages:
        values = {column.key: cells[index] for index, column in mapping.items()}
        savepoint = db.session.begin_nested()
        try:
            row.summary = importer.apply_row(context, values, number)
        except (DomainError, CellError) as error:
            savepoint.rollback()
            messages = _messages(importer, error)
        else:
            savepoint.commit()
    row.errors = [_("Rad %(number)d: %(message)s", number=number, message=m) for m in messages]
    return row


def _messages(importer: Importer, error: DomainError | CellError) -> list[str]:
    if isinstance(error, RowErrors):
        return error.messages
    if isinstance(error, FieldErrors):
        headers = getattr(importer, "field_headers", {})
        return [f"{headers[name]}: {message}" if name in headers else message
                for name, message in error.errors.items()]
    return [error.message]
