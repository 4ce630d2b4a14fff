"""Reading an uploaded CSV or XLSX file into rows of cells, with Swedish refusals."""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from tracker.services import DomainError
from tracker.translation import gettext as _

EXTENSIONS = ("csv", "xlsx")
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # an .xlsx is a zip: refuse a zip bomb before parsing
MAX_COLUMNS = 60


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list]]  # (spreadsheet row number, cells); header row is row 1


def extension_of(filename: str) -> str | None:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return ext if ext in EXTENSIONS else None


def check_upload(filename: str, content: bytes, max_bytes: int) -> str:
    """The file's extension, or DomainError saying what is wrong with the file."""
    ext = extension_of(filename or "")
    if ext is None:
        raise DomainError(_("Välj en fil av typen .csv eller .xlsx."), "file")
    if not content:
        raise DomainError(_("Filen är tom."), "file")
    if len(content) > max_bytes:
        raise DomainError(_("Filen är för stor. Den får vara högst %(mb)s MB.",
                            mb=f"{max_bytes / 1024 / 1024:g}"), "file")
    if ext == "xlsx":
        _check_xlsx(content)
    return ext


def _check_xlsx(content: bytes) -> None:
    bad = DomainError(_("Filen är inte en giltig Excel-fil (.xlsx). Spara den som "
                        "Excel-arbetsbok eller som CSV och försök igen."), "file")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise bad from None
    if "xl/workbook.xml" not in names or unpacked > MAX_UNPACKED_BYTES:
        raise bad


def read_table(content: bytes, ext: str, max_rows: int) -> Table:
    """Header row and non-empty data rows; DomainError for an unreadable or too long file."""
    raw_limit = max_rows * 5 + 2  # blank rows are skipped, but not without end
    read = _read_xlsx if ext == "xlsx" else _read_csv
    raw_rows = read(content, raw_limit)
    if not raw_rows or not any(_text(c) for c in raw_rows[0][1]):
        raise DomainError(_("Filen saknar rubrikrad. Utgå från mallen."), "file")
    headers = [_text(c) for c in raw_rows[0][1][:MAX_COLUMNS]]
    rows = [(number, list(cells[:len(headers)]) + [""] * (len(headers) - len(cells)))
            for number, cells in raw_rows[1:] if any(_text(c) for c in cells)]
    if len(rows) > max_rows or len(raw_rows) >= raw_limit:
        raise DomainError(_("Filen har fler än %(max)d rader. Dela upp den i flera filer.",
                            max=max_rows), "file")
    return Table(headers, rows)


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _decode(content: bytes) -> str:
    """UTF-8 (with or without BOM); else Windows-1252, what Swedish Excel's 'CSV' writes."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _read_csv(content: bytes, limit: int) -> list[tuple[int, list]]:
    text = _decode(content)
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            # numbered by position, as a spreadsheet shows it (a quoted line break stays one row)
            rows.append((len(rows) + 1, cells))
            if len(rows) >= limit:
                break
    except csv.Error:
        raise DomainError(_("Filen kunde inte läsas som CSV. Kontrollera citattecknen."),
                          "file") from None
    return rows


def _read_xlsx(content: bytes, limit: int) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 (openpyxl raises many kinds for a damaged file)
        raise DomainError(_("Filen är inte en giltig Excel-fil (.xlsx)."), "file") from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for number, cells in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS),
                                       start=1):
            rows.append((number, [_xlsx_value(c) for c in cells]))
            if len(rows) >= limit:
                break
        return rows
    finally:
        workbook.close()


def _xlsx_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float, date, bool)):
        return value
    return str(value)
