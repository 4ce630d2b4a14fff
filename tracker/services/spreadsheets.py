"""Activities and log entries as spreadsheets (CSV for Swedish Excel, and XLSX).

Both formats come from one row generator per sheet, which streams the rows of one SQL
statement (plus one or two small look-ups), so the statement count does not grow with the
rows. Text that a spreadsheet would read as a formula is neutralised with a leading quote.

CSV is written the way Swedish Excel opens it with a double click: UTF-8 with a byte-order
mark, semicolon between fields, decimal comma, dates as ÅÅÅÅ-MM-DD.
"""
from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import IO

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from tracker.extensions import db
from tracker.models import (
    LOGGED_COUNT,
    Activity,
    ActivityType,
    Commitment,
    FocusArea,
    LogEntry,
    MeasureKind,
    Place,
    Promise,
    User,
    activity_assignee,
    activity_place,
)
from tracker.models.promise import year_span
from tracker.services.activities import is_overdue
from tracker.services.activity_read import ActivityFilters, filtered_query
from tracker.services.logbook import hours_measure
from tracker.services.recurrence import activity_target

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITER = ";"
STREAM_BATCH = 500

# The words of the spreadsheets, shared by the exports and the import template.
FREQ_WORDS = {"weekly": "veckovis", "monthly": "månadsvis"}
WEEKDAY_WORDS = ["mån", "tis", "ons", "tor", "fre", "lör", "sön"]
STATUS_WORDS = {"planned": "Planerad", "in_progress": "Pågår", "done": "Klar",
                "cancelled": "Inställd"}
PARTY_WORDS = {"kommunen": "Kommunen", "polisen": "Polisen", "tillsammans": "Tillsammans"}
YES, NO = "ja", "nej"
_LIST_SEPARATOR = "\x1f"  # between names aggregated in SQL; never typed by a person


def neutralise(value):
    """A text a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


@dataclass
class Sheet:
    """A named table: Swedish headers and a stream of typed rows (str, int, float, date…)."""

    title: str
    headers: list[str]
    rows: Iterable[list]


# ---------------------------------------------------------------- activities

ACTIVITY_HEADERS = [
    "ID", "Aktivitet", "Aktivitetstyp", "Status", "Försenad", "Medborgarlöfte", "Fokusområde",
    "Part",
    "Åtagande", "Ansvarig", "Utförare", "Platser", "Startdatum", "Slutdatum",
    "Upprepning", "Intervall", "Veckodagar", "Upprepa till och med", "Antal tillfällen",
    "Mål (antal tillfällen)", "Loggade tillfällen", "Beskrivning",
]


def _ids(municipality_id: int, filters: ActivityFilters, today: date):
    """The list page's own filter, reduced to the ids it selects."""
    return filtered_query(municipality_id, filters, today).with_only_columns(
        Activity.id).scalar_subquery()


def activity_sheet(municipality_id: int, filters: ActivityFilters, today: date) -> Sheet:
    owner = aliased(User)
    assignees = (sa.select(sa.func.aggregate_strings(User.name, _LIST_SEPARATOR))
                 .join(activity_assignee, activity_assignee.c.user_id == User.id)
                 .where(activity_assignee.c.activity_id == Activity.id).scalar_subquery())
    places = (sa.select(sa.func.aggregate_strings(Place.name, _LIST_SEPARATOR))
              .join(activity_place, activity_place.c.place_id == Place.id)
              .where(activity_place.c.activity_id == Activity.id).scalar_subquery())
    query = (
        sa.select(Activity.id, Activity.title, ActivityType.name_sv, Activity.status,
                  *_PROMISE_COLUMNS, FocusArea.title, Commitment.party, Commitment.text, owner.name,
                  assignees, places, Activity.start_date, Activity.due_date,
                  Activity.recurrence, Activity.target_count, LOGGED_COUNT, Activity.description)
        .join(ActivityType, ActivityType.id == Activity.type_id)
        .join(Commitment, Commitment.id == Activity.commitment_id)
        .join(Promise, Promise.id == Commitment.promise_id)
        .outerjoin(FocusArea, FocusArea.id == Commitment.focus_area_id)
        .outerjoin(owner, owner.id == Activity.owner_id)
        .where(Activity.id.in_(_ids(municipality_id, filters, today)))
        .order_by(Activity.due_date.is_(None), Activity.due_date, Activity.id)
    )
    return Sheet("Aktiviteter", ACTIVITY_HEADERS, _activity_rows(query, today))


def _activity_rows(query, today: date) -> Iterator[list]:
    for (activity_id, title, type_name, status, promise, first_year, last_year, area, party,
         commitment, owner_name, assignees, places, start, due, rule, target_count, logged,
         description) in _stream(query):
        plain = SimpleNamespace(target_count=target_count, recurrence=rule, start_date=start,
                                due_date=due, status=status)
        rule = rule or {}
        yield [
            activity_id, title, type_name, STATUS_WORDS[status.value],
            YES if is_overdue(plain, today) else NO,  # type: ignore[arg-type]
            _promise_label(promise, first_year, last_year), area or "", PARTY_WORDS[party.value],
            commitment, owner_name or "", _joined(assignees), _joined(places), start, due,
            FREQ_WORDS.get(rule.get("freq") or "", ""), rule.get("interval") if rule else None,
            ", ".join(WEEKDAY_WORDS[d] for d in sorted(rule.get("weekdays") or [])),
            date.fromisoformat(rule["until"]) if rule.get("until") else None,
            rule.get("count"), activity_target(target_count, rule or None, start, due), logged,
            description,
        ]


# The promise a row belongs to, as "Tryggare tillsammans 2025–2026": focus areas of different
# promises often share their names.
_PROMISE_COLUMNS = (Promise.title, Promise.start_year, Promise.end_year)


def _promise_label(title: str, first_year: int, last_year: int) -> str:
    return f"{title} {year_span(first_year, last_year)}"


def _joined(aggregated: str | None) -> str:
    return ", ".join(sorted((aggregated or "").split(_LIST_SEPARATOR))) if aggregated else ""


def _stream(query) -> Iterator[sa.Row]:
    """Rows in batches from one statement (a server-side cursor where the driver has one)."""
    result = db.session.execute(query.execution_options(yield_per=STREAM_BATCH))
    try:
        yield from result
    finally:
        result.close()


# ---------------------------------------------------------------- log entries

LOG_HEADERS = [
    "ID", "Datum", "Aktivitet-ID", "Aktivitet", "Aktivitetstyp", "Medborgarlöfte",
    "Fokusområde", "Part", "Plats", "Tid (timmar)", "Anteckning", "Med i uppföljningen",
    "Rapporterad av",
]


@dataclass
class MeasureColumn:
    """One measure column: a key and kind, shared by the types that have it."""

    label: str
    spec: dict
    type_names: list[str] = field(default_factory=list)
    header: str = ""


@dataclass
class MeasureLayout:
    """Where each type's measures go. A place measure names the occasion's place (the log
    form takes the place from it) and the hours measure is its duration, so neither gets a
    column of its own: they are shown in "Plats" and "Tid (timmar)", once."""

    columns: list[MeasureColumn] = field(default_factory=list)
    cells: dict[int, dict[str, int]] = field(default_factory=dict)  # type → key → column
    places: dict[int, list[str]] = field(default_factory=dict)  # type → its place measures
    hours: dict[int, str] = field(default_factory=dict)  # type → its hours measure


def measure_columns(type_ids_query) -> MeasureLayout:
    """One column per measure key and kind of the types in the export, in type-name order,
    each under a header no other column has ("Timmar (Trafikkontroll)" where labels meet)."""
    layout = MeasureLayout()
    found: dict[tuple[str, str], int] = {}
    shown_elsewhere = set()  # labels of the place and hours measures: "Plats", "Timmar"
    types = db.session.scalars(sa.select(ActivityType).where(ActivityType.id.in_(type_ids_query))
                               .order_by(ActivityType.name_sv, ActivityType.id))
    for activity_type in types:
        specs = activity_type.measures or []
        hours = hours_measure(specs)
        if hours is not None:
            layout.hours[activity_type.id] = hours["key"]
        layout.places[activity_type.id] = [s["key"] for s in specs
                                           if s["kind"] == MeasureKind.PLACE.value]
        cells = layout.cells.setdefault(activity_type.id, {})
        for spec in specs:
            if spec is hours or spec["kind"] == MeasureKind.PLACE.value:
                shown_elsewhere.add(spec["label"].casefold())
                continue
            position = found.setdefault((spec["key"], spec["kind"]), len(layout.columns))
            if position == len(layout.columns):
                layout.columns.append(MeasureColumn(spec["label"], spec))
            layout.columns[position].type_names.append(activity_type.name_sv)
            cells[spec["key"]] = position
    _name_columns(layout.columns, shown_elsewhere)
    return layout


def _name_columns(columns: list[MeasureColumn], shown_elsewhere: set[str]) -> None:
    """Each column's header: its label, with its types added where another column, a fixed
    header or a measure shown in one has the same label, and its key where even that is not
    enough."""
    labels = Counter(c.label.casefold() for c in columns)
    taken = {h.casefold() for h in LOG_HEADERS} | shown_elsewhere
    for column in columns:
        clash = labels[column.label.casefold()] > 1 or column.label.casefold() in taken
        column.header = (f"{column.label} ({', '.join(dict.fromkeys(column.type_names))})"
                         if clash else column.label)
    headers = Counter(c.header.casefold() for c in columns)
    for column in columns:
        if headers[column.header.casefold()] > 1 or column.header.casefold() in taken:
            column.header = f"{column.header} [{column.spec['key']}]"


def log_entry_sheet(municipality_id: int, filters: ActivityFilters, today: date) -> Sheet:
    """Entries of the filtered activities; the from/to dates also bound the entry's date."""
    ids = _ids(municipality_id, filters, today)
    layout = measure_columns(sa.select(Activity.type_id).where(Activity.id.in_(ids)))
    place_names = dict(db.session.execute(
        sa.select(Place.id, Place.name).where(Place.municipality_id == municipality_id)).all())
    author = aliased(User)
    query = (
        sa.select(LogEntry.id, LogEntry.occurred_on, Activity.id, Activity.title,
                  ActivityType.name_sv, *_PROMISE_COLUMNS, FocusArea.title, Commitment.party,
                  LogEntry.place_id, LogEntry.duration_minutes, LogEntry.note,
                  LogEntry.include_in_followup, author.name, Activity.type_id, LogEntry.measures)
        .join(Activity, Activity.id == LogEntry.activity_id)
        .join(ActivityType, ActivityType.id == Activity.type_id)
        .join(Commitment, Commitment.id == Activity.commitment_id)
        .join(Promise, Promise.id == Commitment.promise_id)
        .outerjoin(FocusArea, FocusArea.id == Commitment.focus_area_id)
        .outerjoin(author, author.id == LogEntry.author_id)
        .where(LogEntry.activity_id.in_(ids))
        .order_by(LogEntry.occurred_on, LogEntry.id)
    )
    if filters.date_from:
        query = query.where(LogEntry.occurred_on >= filters.date_from)
    if filters.date_to:
        query = query.where(LogEntry.occurred_on <= filters.date_to)
    headers = LOG_HEADERS + [column.header for column in layout.columns]
    return Sheet("Genomföranden", headers, _log_rows(query, layout, place_names))


def _log_rows(query, layout: MeasureLayout, place_names: dict[int, str]) -> Iterator[list]:
    for (entry_id, occurred_on, activity_id, title, type_name, promise, first_year, last_year,
         area, party, place_id, minutes, note, in_followup, author_name, type_id,
         values) in _stream(query):
        values = values or {}
        places = [place_names.get(i, "") for i in
                  (place_id, *(values.get(key) for key in layout.places.get(type_id, [])))
                  if i is not None]
        hours = round(minutes / 60, 2) if minutes is not None else None
        if hours is None and type_id in layout.hours:  # the hours were only kept as a measure
            hours = values.get(layout.hours[type_id])
        measures: list = [None] * len(layout.columns)
        for key, position in layout.cells.get(type_id, {}).items():
            measures[position] = _measure_value(layout.columns[position].spec, values.get(key))
        yield [
            entry_id, occurred_on, activity_id, title, type_name,
            _promise_label(promise, first_year, last_year), area or "",
            PARTY_WORDS[party.value], ", ".join(n for n in dict.fromkeys(places) if n), hours,
            note, YES if in_followup else NO, author_name or "",
        ] + measures


def _measure_value(spec: dict, value):
    if value is None:
        return None
    if spec.get("kind") == MeasureKind.BOOLEAN.value:
        return YES if value else NO
    return value


# ---------------------------------------------------------------- formats

def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, (float, Decimal)):
        return _decimal_comma(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return neutralise(str(value))


def _decimal_comma(value) -> str:
    text = format(Decimal(str(value)).normalize(), "f")
    return text.replace(".", ",")


def csv_chunks(sheet: Sheet) -> Iterator[str]:
    """The sheet as CSV text in chunks: BOM, header, then rows as they come from the database."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([neutralise(h) for h in sheet.headers])
    for number, row in enumerate(sheet.rows, start=1):
        writer.writerow([_csv_cell(v) for v in row])
        if number % STREAM_BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_xlsx(sheet: Sheet, target: IO[bytes]) -> None:
    """The sheet as an Excel workbook: numbers as numbers, dates as dates (ÅÅÅÅ-MM-DD)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet.title)
    worksheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in sheet.headers:
        cell = WriteOnlyCell(worksheet, value=_xlsx_value(title))
        cell.font = bold
        header.append(cell)
    worksheet.append(header)
    for row in sheet.rows:
        worksheet.append([_xlsx_cell(worksheet, v) for v in row])
    workbook.save(target)


def _xlsx_value(value):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        # control characters are not allowed in the file format; a formula start is neutralised
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _xlsx_cell(worksheet, value):
    if isinstance(value, date) and not isinstance(value, datetime):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(worksheet, value=value)  # type: ignore[arg-type]  # a date is written
        cell.number_format = "yyyy-mm-dd"
        return cell
    return _xlsx_value(value)
