"""CSV and Excel exports of the activity list and the log: filters, formats, formula guard."""
from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest

from tests.conftest import count_queries, login
from tests.factories import (
    bulk_activities,
    make_activity,
    make_commitment,
    make_place,
    make_promise,
    make_type,
)
from tracker.formatting import local_today
from tracker.models import LogEntry, Party, Promise

HOSTILE = ["=HYPERLINK(\"http://evil\")", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR"]


@pytest.fixture
def world(session, town):
    year = local_today().year
    promise = make_promise(town["m"], year=year)
    police = make_commitment(promise, Party.POLISEN, "Polisen lovar att synas i centrum.")
    municipal = make_commitment(promise, Party.KOMMUNEN, "Kommunen lovar bättre belysning.",
                                focus_title="Belysning")
    kind = make_type()
    place = make_place(town["m"], "Stationsområdet")
    patrol = make_activity(police, kind, owner=town["officer"], assignees=[town["coordinator"]],
                           places=[place], title="Kvällspatrull", start=date(year, 1, 5),
                           due=date(year, 3, 30),
                           recurrence={"freq": "weekly", "weekdays": [0, 2], "interval": 2})
    lights = make_activity(municipal, kind, owner=town["coordinator"], title="Ny belysning",
                           due=date(year, 9, 1), target=4)
    session.add_all([
        LogEntry(activity_id=patrol.id, occurred_on=date(year, 1, 5), duration_minutes=90,
                 place_id=place.id, note="Lugnt", author_id=town["officer"].id,
                 measures={"antal_poliser": 2, "timmar": 1.5, "typ": "hastighet",
                           "med_kommunen": True}),
        LogEntry(activity_id=lights.id, occurred_on=date(year, 2, 1), note=HOSTILE[0],
                 measures={"antal_poliser": 1, "med_kommunen": False}),
    ])
    session.flush()
    return dict(town, year=year, patrol=patrol, lights=lights, place=place, kind=kind,
                police=police)


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM that tells Excel it is UTF-8
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))


def _xlsx(response):
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return openpyxl.load_workbook(io.BytesIO(response.data)).active


def test_activity_csv_has_swedish_columns_iso_dates_and_decimal_comma(client, world):
    login(client, world["viewer"].email)
    rows = _csv(client.get(f"/kommuner/{world['m'].id}/export/aktiviteter.csv"))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["ID", "Aktivitet", "Aktivitetstyp", "Status"]
    by_title = {r[header.index("Aktivitet")]: dict(zip(header, r)) for r in body}
    patrol = by_title["Kvällspatrull"]
    assert patrol["Part"] == "Polisen" and patrol["Ansvarig"] == world["officer"].name
    assert patrol["Utförare"] == world["coordinator"].name
    assert patrol["Platser"] == "Stationsområdet"
    assert patrol["Slutdatum"] == f"{world['year']}-03-30"
    assert patrol["Upprepning"] == "veckovis" and patrol["Veckodagar"] == "mån, ons"
    assert patrol["Intervall"] == "2" and patrol["Loggade tillfällen"] == "1"
    assert by_title["Ny belysning"]["Mål (antal tillfällen)"] == "4"


def test_log_csv_has_one_column_per_measure_and_decimal_comma(client, world):
    login(client, world["officer"].email)
    rows = _csv(client.get(f"/kommuner/{world['m'].id}/export/genomforanden.csv"))
    header = rows[0]
    assert header[-4:] == ["Antal poliser", "Kontrolltyp", "Tillsammans med kommunen",
                           "EST-referens"]
    first = dict(zip(header, rows[1]))
    assert first["Datum"] == f"{world['year']}-01-05" and first["Tid (timmar)"] == "1,5"
    assert first["Antal poliser"] == "2"
    assert first["Tillsammans med kommunen"] == "ja" and first["Plats"] == "Stationsområdet"


def test_exports_apply_the_list_pages_filters(client, world):
    login(client, world["viewer"].email)
    query = "?part=polisen&sida=2"
    list_page = client.get(f"/kommuner/{world['m'].id}/aktiviteter?part=polisen").get_data(
        as_text=True)
    assert "Kvällspatrull" in list_page and "Ny belysning" not in list_page
    assert f"/kommuner/{world['m'].id}/export/aktiviteter.csv?part=polisen" in list_page
    rows = _csv(client.get(f"/kommuner/{world['m'].id}/export/aktiviteter.csv{query}"))
    assert [r[1] for r in rows[1:]] == ["Kvällspatrull"]
    log = _csv(client.get(f"/kommuner/{world['m'].id}/export/genomforanden.csv?part=kommunen"))
    assert [r[3] for r in log[1:]] == ["Ny belysning"]
    dated = _csv(client.get(f"/kommuner/{world['m'].id}/export/genomforanden.csv"
                            f"?fran={world['year']}-01-20"))
    assert [r[3] for r in dated[1:]] == ["Ny belysning"]


def test_xlsx_keeps_numbers_as_numbers_and_dates_as_dates(client, world):
    login(client, world["viewer"].email)
    sheet = _xlsx(client.get(f"/kommuner/{world['m'].id}/export/genomforanden.xlsx"))
    header = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(header, sheet[2])}
    assert row["Tid (timmar)"].value == 1.5 and row["Tid (timmar)"].data_type == "n"
    assert row["Antal poliser"].value == 2
    assert row["Datum"].is_date and row["Datum"].value.date() == date(world["year"], 1, 5)
    assert row["Datum"].number_format == "yyyy-mm-dd"
    activities = _xlsx(client.get(
        f"/kommuner/{world['m'].id}/export/aktiviteter.xlsx?part=kommunen"))
    assert [c.value for c in activities[2]][1] == "Ny belysning"
    assert activities.max_row == 2


def test_formula_looking_cells_are_neutralised_in_both_formats(client, world, session):
    for text in HOSTILE:
        make_activity(world["police"], world["kind"], title=text, due=date(world["year"], 5, 1))
    login(client, world["viewer"].email)
    url = f"/kommuner/{world['m'].id}/export/aktiviteter"
    titles = [r[1] for r in _csv(client.get(url + ".csv"))[1:]]
    for text in HOSTILE:
        assert "'" + text in titles
    assert not any(t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in titles)
    sheet = _xlsx(client.get(url + ".xlsx"))
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in cells)  # text, never a formula
    assert {"'" + t for t in HOSTILE} <= {c.value for c in cells}
    log = _csv(client.get(f"/kommuner/{world['m'].id}/export/genomforanden.csv"))
    note = log[0].index("Anteckning")
    assert "'" + HOSTILE[0] in [r[note] for r in log[1:]]


TRAFFIC_MEASURES = [
    {"key": "plats", "label": "Plats", "kind": "place", "required": True},
    {"key": "timmar", "label": "Timmar", "kind": "decimal", "required": False},
    {"key": "fordon", "label": "Kontrollerade fordon", "kind": "integer", "required": False},
]
WALK_MEASURES = [  # "Timmar" here is no duration: whole hours of preparation, say
    {"key": "forberedelse", "label": "Timmar", "kind": "integer", "required": False},
    {"key": "omrade", "label": "Område", "kind": "place", "required": False},
]


def _types(session):
    traffic = make_type("trafikkontroll", TRAFFIC_MEASURES)
    traffic.name_sv = "Trafikkontroll"
    walk = make_type("trygghetsvandring", WALK_MEASURES)
    walk.name_sv = "Trygghetsvandring"
    session.flush()
    return traffic, walk


def test_log_export_has_one_place_and_one_hours_column_and_no_header_twice(client, world,
                                                                            session):
    traffic, walk = _types(session)
    square = make_place(world["m"], "Stortorget")
    year = world["year"]
    control = make_activity(world["police"], traffic, title="Hastighetskontroll")
    walking = make_activity(world["police"], walk, title="Vandring i centrum")
    session.add_all([
        LogEntry(activity_id=control.id, occurred_on=date(year, 1, 10), duration_minutes=120,
                 place_id=square.id, measures={"plats": square.id, "timmar": 2, "fordon": 40}),
        LogEntry(activity_id=control.id, occurred_on=date(year, 1, 11), duration_minutes=None,
                 place_id=None, measures={"plats": world["place"].id, "timmar": 3}),
        LogEntry(activity_id=walking.id, occurred_on=date(year, 1, 12), place_id=square.id,
                 measures={"forberedelse": 4, "omrade": world["place"].id}),
    ])
    session.flush()
    login(client, world["viewer"].email)
    rows = _csv(client.get(f"/kommuner/{world['m'].id}/export/genomforanden.csv"))
    header = rows[0]
    assert len(header) == len(set(header))
    assert header.count("Plats") == 1 and "Timmar" not in header
    assert "Timmar (Trygghetsvandring)" in header
    by_date = {r[header.index("Datum")]: dict(zip(header, r)) for r in rows[1:]}
    first, second, walked = (by_date[f"{year}-01-{day}"] for day in (10, 11, 12))
    assert first["Plats"] == "Stortorget" and first["Tid (timmar)"] == "2"
    assert first["Kontrollerade fordon"] == "40"
    assert second["Plats"] == "Stationsområdet" and second["Tid (timmar)"] == "3"
    assert walked["Plats"] == "Stortorget, Stationsområdet"
    assert walked["Timmar (Trygghetsvandring)"] == "4" and walked["Tid (timmar)"] == ""
    hours = sum(float(r.replace(",", ".")) for row in rows[1:] for h, r in zip(header, row)
                if h == "Tid (timmar)" and r)
    assert hours == 1.5 + 2 + 3  # the patrol's, the control's two: each counted once


def test_every_export_names_the_promise_of_its_rows(client, world, session):
    """Two promises with a focus area of the same name: the rows still say which is which."""
    year = world["year"]
    session.get(Promise, world["police"].promise_id).title = "Tryggare tillsammans"
    later = make_promise(world["m"], year=year + 1)
    later.title, later.end_year = "Trygg i Lidköping", year + 2
    again = make_commitment(later, Party.POLISEN, "Polisen lovar att synas i centrum.")
    repeat = make_activity(again, world["kind"], title="Kvällspatrull")
    session.add(LogEntry(activity_id=repeat.id, occurred_on=date(year, 6, 1),
                         measures={"antal_poliser": 3}))
    session.flush()
    login(client, world["viewer"].email)
    expected = {"Tryggare tillsammans " + str(year), f"Trygg i Lidköping {year + 1}–{year + 2}"}
    for what in ("aktiviteter", "genomforanden"):
        url = f"/kommuner/{world['m'].id}/export/{what}"
        rows = _csv(client.get(url + ".csv"))
        named = {(r[rows[0].index("Medborgarlöfte")], r[rows[0].index("Fokusområde")])
                 for r in rows[1:] if r[rows[0].index("Aktivitet")] == "Kvällspatrull"}
        assert {promise for promise, _area in named} == expected, what
        assert len({area for _promise, area in named}) == 1
        sheet = _xlsx(client.get(url + ".xlsx"))
        column = [c.value for c in sheet[1]].index("Medborgarlöfte")
        assert {row[column].value for row in sheet.iter_rows(min_row=2)} >= expected


@pytest.mark.parametrize("who,expected", [
    ("viewer", 200), ("officer", 200), ("coordinator", 200), ("admin", 200), ("stranger", 403),
])
def test_who_may_export(client, world, who, expected):
    login(client, world[who].email)
    for what in ("aktiviteter", "genomforanden"):
        for fmt in ("csv", "xlsx"):
            response = client.get(f"/kommuner/{world['m'].id}/export/{what}.{fmt}")
            assert response.status_code == expected, (what, fmt)


def test_export_needs_a_login_and_a_known_format(app, client, world):
    anonymous = app.test_client().get(f"/kommuner/{world['m'].id}/export/aktiviteter.csv")
    assert anonymous.status_code == 302
    login(client, world["viewer"].email)
    assert client.get(f"/kommuner/{world['m'].id}/export/aktiviteter.pdf").status_code == 404
    assert client.get(f"/kommuner/{world['m'].id}/export/allt.csv").status_code == 404


@pytest.mark.parametrize("what", ["aktiviteter", "genomforanden"])
def test_exports_use_the_same_statements_for_10_and_150_activities(client, world, session, what):
    login(client, world["viewer"].email)
    url = f"/kommuner/{world['m'].id}/export/{what}"
    bulk_activities(world["police"], world["kind"], 10, owner=world["officer"], entries_each=1)
    with count_queries() as few:
        _csv(client.get(url + ".csv"))
    bulk_activities(world["police"], world["kind"], 140, owner=world["officer"], entries_each=2)
    with count_queries() as many:
        rows = _csv(client.get(url + ".csv"))
    assert len(rows) > 150
    assert len(many) == len(few)
    with count_queries() as xlsx:
        _xlsx(client.get(url + ".xlsx"))
    assert len(xlsx) == len(few)
