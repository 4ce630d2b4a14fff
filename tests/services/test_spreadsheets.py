"""Spreadsheet services without HTTP: the formula guard, CSV/XLSX cells, reading, all-or-nothing."""
from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa

from tests.factories import make_promise, make_type
from tracker.models import Commitment, Role
from tracker.services import DomainError, imports, spreadsheets
from tracker.services.imports.reading import read_table


@pytest.mark.parametrize("text", ["=1+1", "+46 70", "-x", "@SUM(A1)", "\tindrag", "\rretur"])
def test_text_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert spreadsheets.neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Kvällspatrull", "a=b", " =mellanslag först", -5, 1.5, None])
def test_other_values_are_left_alone(value):
    assert spreadsheets.neutralise(value) == value


def _sheet(rows):
    return spreadsheets.Sheet("Test", ["Text", "Tal", "Datum", "Ja/nej", "Tom"], rows)


def test_csv_is_utf8_with_bom_semicolons_and_decimal_comma():
    chunks = spreadsheets.csv_chunks(_sheet(iter([
        ["Möte; centrum\nkväll", 1.25, date(2026, 3, 1), True, None],
        ["=cmd|' /C calc'!A0", 3, None, False, ""],
    ])))
    text = "".join(chunks)
    assert text.startswith("\ufeffText;Tal;Datum;Ja/nej;Tom\r\n")
    assert '"Möte; centrum\nkväll";1,25;2026-03-01;ja;\r\n' in text
    assert "'=cmd|' /C calc'!A0;3;;nej;\r\n" in text


def test_xlsx_drops_control_characters_and_never_writes_a_formula():
    target = io.BytesIO()
    spreadsheets.write_xlsx(_sheet([["\x01=1+1\x0b", 2.5, date(2026, 3, 1), True, None]]), target)
    sheet = openpyxl.load_workbook(target).active
    text, number, day, flag, empty = sheet[2]
    assert text.value == "'=1+1" and text.data_type == "s"
    assert number.value == 2.5 and flag.value == "ja" and empty.value is None
    assert day.value.date() == date(2026, 3, 1) and sheet.freeze_panes == "A2"


def test_rows_are_numbered_as_a_spreadsheet_shows_them():
    content = 'Part,Åtagande\r\npolisen,"två\r\nrader"\r\n\r\nkommunen,x\r\n'.encode()
    table = read_table(content, "csv", max_rows=10)
    assert table.headers == ["Part", "Åtagande"]
    assert [number for number, _ in table.rows] == [2, 4]  # the blank row 3 is skipped


def test_a_file_with_too_many_rows_is_refused():
    content = ("Part;Åtagande\r\n" + "polisen;x\r\n" * 11).encode()
    with pytest.raises(DomainError, match="fler än 10 rader"):
        read_table(content, "csv", max_rows=10)


def test_a_preview_writes_nothing_and_an_import_with_one_bad_row_neither(session, town):
    promise = make_promise(town["m"], status="draft")
    make_type()
    rows = "Part;Åtagande;Aktivitet;Aktivitetstyp\r\n" \
           "polisen;Polisen lovar A.;;\r\n" \
           "kommunen;Kommunen lovar B.;Möte;okänd\r\n" \
           "tillsammans;Vi lovar C.;;\r\n"

    def run(keep):
        return imports.run_import("aktiviteter", town["coordinator"], town["m"],
                                  read_table(rows.encode(), "csv", max_rows=100),
                                  {"promise_id": promise.id}, keep=keep)

    def commitments():
        return session.scalar(sa.select(sa.func.count(Commitment.id))
                              .where(Commitment.promise_id == promise.id))

    preview = run(keep=False)
    assert [r.errors for r in preview.rows] == [
        [], ["Rad 3: Okänd aktivitetstyp ”okänd”"], []]
    assert preview.rows[2].summary == "Nytt åtagande"  # rows after a bad one are still checked
    assert commitments() == 0
    assert not run(keep=True).ok and commitments() == 0
    good = rows.replace("okänd", "patrullering")
    result = imports.run_import("aktiviteter", town["coordinator"], town["m"],
                                read_table(good.encode(), "csv", max_rows=100),
                                {"promise_id": promise.id}, keep=True)
    assert result.ok and commitments() == 3


def test_the_services_refuse_an_officer_even_without_the_route_check(session, town, make_user):
    promise = make_promise(town["m"], status="draft")
    officer = make_user(Role.OFFICER, town["m"])
    result = imports.run_import("aktiviteter", officer, town["m"],
                                read_table("Part;Åtagande\r\npolisen;Polisen lovar A.\r\n"
                                           .encode(), "csv", max_rows=10),
                                {"promise_id": promise.id}, keep=True)
    assert result.rows[0].errors == [
        "Rad 2: Du har inte behörighet att ändra det här medborgarlöftet."]


def test_the_rows_read_at_upload_keep_their_types_when_stored():
    from datetime import datetime

    from tracker.services.imports.reading import Table

    table = Table(["Startdatum", "Antal"], [
        (2, [date(2026, 3, 1), 5, 2.5, True, "text", ""]),
        (4, [datetime(2026, 3, 1, 14, 30), None, "19811218-9876", 0, False, "å\x00"]),
    ])
    again = Table.loads(table.dumps())
    assert again == table
    assert type(again.rows[0][1][0]) is date and type(again.rows[1][1][0]) is datetime
