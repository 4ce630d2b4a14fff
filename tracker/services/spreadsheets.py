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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
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
    User,
    activity_assignee,
    activity_place,
)
from tracker.services.activities import is_overdue
from tracker.services.activity_read import ActivityFilters, filtered_query
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
    "ID", "Aktivitet", "Aktivitetstyp", "Status", "Försenad", "Fokusområde", "Part",
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
                  FocusArea.title, Commitment.party, Commitment.text, owner.name,
                  assignees, places, Activity.start_date, Activity.due_date,
                  Activity.recurrence, Activity.target_count, LOGGED_COUNT, Activity.description)
        .join(ActivityType, ActivityType.id == Activity.type_id)
        .join(Commitment, Commitment.id == Activity.commitment_id)
        .outerjoin(FocusArea, FocusArea.id == Commitment.focus_area_id)
        .outerjoin(owner, owner.id == Activity.owner_id)
        .where(Activity.id.in_(_ids(municipality_id, filters, today)))
        .order_by(Activity.due_date.is_(None), Activity.due_date, Activity.id)
    )
    return Sheet("Aktiviteter", ACTIVITY_HEADERS, _activity_rows(query, today))


def _activity_rows(query, today: date) -> Iterator[list]:
    for (activity_id, title, type_name, status, area, party, commitment, owner_name,
         assignees, places, start, due, rule, target_count, logged, description) in _stream(query):
        plain = SimpleNamespace(target_count=target_count, recurrence=rule, start_date=start,
                                due_date=due, status=status)
        rule = rule or {}
        yield [
            activity_id, title, type_name, STATUS_WORDS[status.value],
            YES if is_overdue(plain, today) else NO, area or "", PARTY_WORDS[party.value],  # type: ignore[arg-type]
            commitment, owner_name or "", _joined(assignees), _joined(places), start, due,
            FREQ_WORDS.get(rule.get("freq") or "", ""), rule.get("interval") if rule else None,
            ", ".join(WEEKDAY_WORDS[d] for d in sorted(rule.get("weekdays") or [])),
            date.fromisoformat(rule["until"]) if rule.get("until") else None,
            rule.get("count"), activity_target(target_count, rule or None, start, due), logged,
            description,
        ]


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
    "ID", "Datum", "Aktivitet-ID", "Aktivitet", "Aktivitetstyp", "Fokusområde", "Part",
    "Plats", "Tid (timmar)", "Anteckning", "Med i uppföljningen", "Rapporterad av",
]


def measure_columns(type_ids_query) -> list[dict]:
    """One column per measure key of the types in the export, in type-name order.

    A key shared by several types (e.g. ``timmar``) is one column, headed by its first label.
    """
    columns: dict[str, dict] = {}
    types = db.session.scalars(sa.select(ActivityType).where(ActivityType.id.in_(type_ids_query))
                               .order_by(ActivityType.name_sv, ActivityType.id))
    for activity_type in types:
        for spec in activity_type.measures or []:
            columns.setdefault(spec["key"], spec)
    return list(columns.values())


def log_entry_sheet(municipality_id: int, filters: ActivityFilters, today: date) -> Sheet:
    """Entries of the filtered activities; the from/to dates also bound the entry's date."""
    ids = _ids(municipality_id, filters, today)
    measures = measure_columns(sa.select(Activity.type_id).where(Activity.id.in_(ids)))
    place_names = dict(db.session.execute(
        sa.select(Place.id, Place.name).where(Place.municipality_id == municipality_id)).all())
    author = aliased(User)
    query = (
        sa.select(LogEntry.id, LogEntry.occurred_on, Activity.id, Activity.title,
                  ActivityType.name_sv, FocusArea.title, Commitment.party, Place.name,
                  LogEntry.duration_minutes, LogEntry.note, LogEntry.include_in_followup,
                  author.name, LogEntry.measures)
        .join(Activity, Activity.id == LogEntry.activity_id)
        .join(ActivityType, ActivityType.id == Activity.type_id)
        .join(Commitment, Commitment.id == Activity.commitment_id)
        .outerjoin(FocusArea, FocusArea.id == Commitment.focus_area_id)
        .outerjoin(Place, Place.id == LogEntry.place_id)
        .outerjoin(author, author.id == LogEntry.author_id)
        .where(LogEntry.activity_id.in_(ids))
        .order_by(LogEntry.occurred_on, LogEntry.id)
    )
    if filters.date_from:
        query = query.where(LogEntry.occurred_on >= filters.date_from)
    if filters.date_to:
        query = query.where(LogEntry.occurred_on <= filters.date_to)
    headers = LOG_HEADERS + [spec["label"] for spec in measures]
    return Sheet("Genomföranden", headers, _log_rows(query, measures, place_names))


def _log_rows(query, measures: list[dict], place_names: dict[int, str]) -> Iterator[list]:
    for (entry_id, occurred_on, activity_id, title, type_name, area, party, place, minutes,
         note, in_followup, author_name, values) in _stream(query):
        values = values or {}
        yield [
            entry_id, occurred_on, activity_id, title, type_name, area or "",
            PARTY_WORDS[party.value], place or "",
            round(minutes / 60, 2) if minutes is not None else None, note,
            YES if in_followup else NO, author_name or "",
        ] + [_measure_value(spec, values.get(spec["key"]), place_names) for spec in measures]


def _measure_value(spec: dict, value, place_names: dict[int, str]):
    if value is None:
        return None
    kind = spec.get("kind")
    if kind == MeasureKind.BOOLEAN.value:
        return YES if value else NO
    if kind == MeasureKind.PLACE.value:
        return place_names.get(value, "")
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
