"""Reading an uploaded CSV or XLSX file into rows of cells, with Swedish refusals."""
from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from xml.parsers import expat

from tracker.formatting import megabytes, number_local
from tracker.services import DomainError
from tracker.translation import gettext as _

EXTENSIONS = ("csv", "xlsx")
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # an .xlsx is a zip: refuse a zip bomb before parsing
MAX_COLUMNS = 60
# Cells read from one file, blank ones included. An .xlsx of one row with a million cells is
# small once zipped; its XML is counted in a streaming pass that stops at the bound, before
# openpyxl builds anything, so such a file is refused in a fraction of a second.
MAX_CELLS = 200_000
MAX_XML_ELEMENTS = 5 * MAX_CELLS  # every element of every part (styles, shared strings…)


@dataclass
class Table:
    """A file read once at upload; the preview and the confirmation use these rows."""

    headers: list[str]
    rows: list[tuple[int, list]]  # (spreadsheet row number, cells); header row is row 1

    def dumps(self) -> bytes:
        return json.dumps({"headers": self.headers,
                           "rows": [[number, [_dump_cell(c) for c in cells]]
                                    for number, cells in self.rows]},
                          ensure_ascii=False).encode()

    @classmethod
    def loads(cls, data: bytes) -> Table:
        parsed = json.loads(data)
        return cls(list(parsed["headers"]),
                   [(int(number), [_load_cell(c) for c in cells])
                    for number, cells in parsed["rows"]])


def _dump_cell(value):
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return value


def _load_cell(value):
    if isinstance(value, dict):
        if "datetime" in value:
            return datetime.fromisoformat(value["datetime"])
        return date.fromisoformat(value["date"])
    return value


def _too_many_cells() -> DomainError:
    return DomainError(_("Filen har för många celler. Högst %(max)s celler kan läsas: ta bort "
                         "tomma rader och kolumner eller dela upp filen.",
                         max=number_local(MAX_CELLS)), "file")


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
                            mb=megabytes(max_bytes)), "file")
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
    _count_xml(content)


class _TooMany(Exception):
    pass


def _count_xml(content: bytes) -> None:
    """Stream every part of the archive through expat, counting cells and elements, and stop
    at the first bound: nothing is built, so a huge sheet costs only what is read up to there.
    A part that is not XML (an image) is passed over; a DTD, never part of an .xlsx, is
    refused as it could expand entities."""
    counts = {"c": 0, "all": 0}

    def start(name: str, _attributes) -> None:
        counts["all"] += 1
        if name == "c" or name.endswith(":c"):
            counts["c"] += 1
        if counts["c"] > MAX_CELLS or counts["all"] > MAX_XML_ELEMENTS:
            raise _TooMany

    def doctype(*_args) -> None:
        raise expat.ExpatError("DTD")

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for info in archive.infolist():
            parser = expat.ParserCreate()
            parser.StartElementHandler = start
            parser.StartDoctypeDeclHandler = doctype
            try:
                with archive.open(info) as part:
                    while chunk := part.read(64 * 1024):
                        parser.Parse(chunk, False)
                    parser.Parse(b"", True)
            except _TooMany:
                raise _too_many_cells() from None
            except expat.ExpatError:
                if info.filename.endswith((".xml", ".rels")):
                    raise DomainError(_("Filen är inte en giltig Excel-fil (.xlsx)."),
                                      "file") from None
            except (zipfile.BadZipFile, OSError, EOFError, ValueError):
                raise DomainError(_("Filen är inte en giltig Excel-fil (.xlsx)."),
                                  "file") from None


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
        raise DomainError(_("Filen har fler än %(max)s rader. Dela upp den i flera filer.",
                            max=number_local(max_rows)), "file")
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
    read = 0
    try:
        for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            read += len(cells)
            if read > MAX_CELLS:
                raise _too_many_cells()
            # numbered by position, as a spreadsheet shows it (a quoted line break stays one row)
            rows.append((len(rows) + 1, cells[:MAX_COLUMNS]))
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
        for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
            rows.append((number, [_xlsx_value(c.value, getattr(c, "number_format", ""))
                                  for c in cells]))
            if len(rows) >= limit:
                break
        return rows
    finally:
        workbook.close()


def _xlsx_value(value, number_format: str | None = ""):
    """A cell as the sheet shows it: a number formatted as a percentage ("15 %", stored as
    0.15) is 15, the figure a "procent" indicator holds."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) \
            and "%" in (number_format or "").replace("\\%", "").replace('"%"', ""):
        return float(Decimal(str(value)) * 100)
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float, date, bool)):
        return value
    return str(value)
