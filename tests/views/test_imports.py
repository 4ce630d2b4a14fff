"""Spreadsheet import over HTTP: upload → preview with row errors → confirm, all or nothing."""
from __future__ import annotations

import io
import re
import time
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa

from tests.conftest import login
from tests.factories import make_commitment, make_place, make_promise, make_type
from tracker.models import (
    Activity,
    Commitment,
    FocusArea,
    Indicator,
    IndicatorValue,
    Membership,
    Party,
    Role,
)
from tracker.services.imports.commitments import COLUMNS as ACTIVITY_COLUMNS

HEADERS = ["Fokusområde", "Part", "Åtagande", "Aktivitet", "Aktivitetstyp", "Ansvarig",
           "Utförare", "Platser", "Startdatum", "Slutdatum", "Upprepning", "Veckodagar",
           "Antal tillfällen", "Beskrivning"]
PERSONNUMMER = "19811218-9876"


@pytest.fixture
def world(session, town, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_DIR", str(tmp_path))
    draft = make_promise(town["m"], year=2026, status="draft")
    active = make_promise(town["m"], year=2025, status="active")
    existing = make_commitment(active, Party.POLISEN, "Polisen lovar att synas i centrum.")
    make_type("patrullering")
    make_type("skolbesok", measures=[])
    place = make_place(town["m"], "Stationsområdet")
    session.add_all([Indicator(key="otrygg_kvall", name="Otrygg ute sent på kvällen", unit="%"),
                     Indicator(key="anmalda_brott", name="Anmälda brott", unit="antal")])
    session.flush()
    return dict(town, draft=draft, active=active, existing=existing, place=place, dir=tmp_path)


def rows_for(world) -> list[list]:
    officer, coordinator = world["officer"].email, world["coordinator"].email
    return [
        ["Trygghet i centrum", "polisen", "Polisen lovar att patrullera vid stationen.",
         "Kvällspatrull", "patrullering", officer, f"{coordinator}, {officer}", "Stationsområdet",
         "2026-01-05", "2026-06-30", "veckovis", "mån, tor", "", "Fokus på helger"],
        ["Trygghet i centrum", "Polisen", "Polisen lovar att patrullera vid stationen.",
         "Skolbesök åk 8", "Trygghetsskapande patrullering", "", "", "", "2026-02-02", "",
         "månadsvis", "", "5", ""],
        ["Belysning", "kommunen", "Kommunen lovar att se över belysningen.", "", "", "", "", "",
         "", "", "", "", "", ""],
    ]


def as_csv(headers, rows) -> bytes:
    lines = [";".join(headers)] + [";".join(f'"{c}"' if ";" in str(c) else str(c) for c in r)
                                   for r in rows]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


def as_xlsx(headers, rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append([date.fromisoformat(c) if isinstance(c, str) and re.fullmatch(
            r"\d{4}-\d\d-\d\d", c) else (int(c) if isinstance(c, str) and c.isdigit() else c)
            for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, world, kind, content: bytes, filename: str, **extra):
    data = {f"{kind}-file": (io.BytesIO(content), filename), **extra}
    if kind == "aktiviteter":
        data.setdefault("aktiviteter-promise_id", str(world["draft"].id))
    return client.post(f"/kommuner/{world['m'].id}/import/{kind}", data=data,
                       content_type="multipart/form-data")


def preview_url(client, world, kind, content, filename="fil.csv", **extra) -> str:
    response = upload(client, world, kind, content, filename, **extra)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def count(session, model) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_valid_file_is_previewed_then_imported_in_full(client, world, session, fmt):
    login(client, world["coordinator"].email)
    content = (as_csv if fmt == "csv" else as_xlsx)(HEADERS, rows_for(world))
    url = preview_url(client, world, "aktiviteter", content, f"plan.{fmt}")
    before = (count(session, Commitment), count(session, Activity))
    page = client.get(url).get_data(as_text=True)
    assert "Alla 3 rader är giltiga" in page and "Importera 3 rader" in page
    assert "Åtagandet från rad 2" in page
    # the preview writes nothing
    assert (count(session, Commitment), count(session, Activity)) == before
    response = client.post(url)
    assert response.status_code == 302
    assert (count(session, Commitment), count(session, Activity)) == (before[0] + 2, before[1] + 2)
    patrol = session.scalar(sa.select(Activity).where(Activity.title == "Kvällspatrull"))
    assert patrol.recurrence == {"freq": "weekly", "interval": 1, "weekdays": [0, 3]}
    assert patrol.owner_id == world["officer"].id and patrol.due_date == date(2026, 6, 30)
    assert session.scalar(sa.select(FocusArea.id).where(FocusArea.title == "Belysning"))
    school = session.scalar(sa.select(Activity).where(Activity.title == "Skolbesök åk 8"))
    assert school.recurrence["count"] == 5 and school.commitment_id == patrol.commitment_id
    assert list(world["dir"].iterdir()) == []  # the stored upload is gone
    assert client.get(url).status_code == 404


def test_one_bad_row_writes_nothing_and_the_error_names_the_row(client, world, session):
    login(client, world["coordinator"].email)
    rows = rows_for(world)
    rows[1][4] = "patrull"
    url = preview_url(client, world, "aktiviteter", as_csv(HEADERS, rows))
    page = client.get(url).get_data(as_text=True)
    assert "Rad 3: Okänd aktivitetstyp ”patrull”" in page
    assert "Importera 3 rader" not in page and 'href="#rad-3"' in page
    before = (count(session, Commitment), count(session, Activity), count(session, FocusArea))
    response = client.post(url)
    assert response.status_code == 422
    assert "Ingenting importerades" in response.get_data(as_text=True)
    assert (count(session, Commitment), count(session, Activity),
            count(session, FocusArea)) == before


def test_every_bad_cell_of_every_row_is_reported(client, world):
    login(client, world["coordinator"].email)
    rows = rows_for(world)
    rows[0][5] = "okand@example.se"
    rows[0][9] = "30/6/2026"
    rows[1][1] = "regionen"
    rows[2][2] = ""
    page = client.get(preview_url(client, world, "aktiviteter", as_csv(HEADERS, rows))).get_data(
        as_text=True)
    assert "Rad 2: Ansvarig: ”okand@example.se” har ingen behörighet i kommunen." in page
    assert "Rad 2: Slutdatum: skriv datumet som ÅÅÅÅ-MM-DD" in page
    assert "Rad 3: Okänd part ”regionen”" in page
    assert "Rad 4: Åtagande: Skriv vad som lovas." in page


def test_a_personnummer_in_any_cell_refuses_the_row_and_is_not_shown(client, world, session):
    login(client, world["coordinator"].email)
    rows = rows_for(world)
    rows[2][0] = f"Belysning {PERSONNUMMER}"
    url = preview_url(client, world, "aktiviteter", as_xlsx(HEADERS, rows), "plan.xlsx")
    page = client.get(url).get_data(as_text=True)
    assert ("Rad 4: Fältet ”Fokusområde” innehåller något som ser ut som ett personnummer"
            in page)
    assert PERSONNUMMER not in page
    before = count(session, Commitment)
    assert client.post(url).status_code == 422
    assert count(session, Commitment) == before


def test_new_commitments_need_a_draft_but_activities_join_existing_ones(client, world, session):
    login(client, world["coordinator"].email)
    rows = [["", "polisen", world["existing"].text, "Patrull", "patrullering", "", "", "", "",
             "2025-05-01", "", "", "", ""],
            ["", "polisen", "Ett helt nytt löfte", "", "", "", "", "", "", "", "", "", "", ""]]
    url = preview_url(client, world, "aktiviteter", as_csv(HEADERS, rows),
                      **{"aktiviteter-promise_id": str(world["active"].id)})
    page = client.get(url).get_data(as_text=True)
    assert "Befintligt åtagande, ny aktivitet ”Patrull”" in page
    assert "Rad 3: Medborgarlöftet är undertecknat." in page
    del rows[1]
    url = preview_url(client, world, "aktiviteter", as_csv(HEADERS, rows),
                      **{"aktiviteter-promise_id": str(world["active"].id)})
    assert client.post(url).status_code == 302
    assert session.scalar(sa.select(Activity.commitment_id).where(Activity.title == "Patrull")) \
        == world["existing"].id


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_indicator_values_are_imported_and_replaced(client, world, session, fmt):
    session.add(IndicatorValue(indicator_id=session.scalar(sa.select(Indicator.id).where(
        Indicator.key == "anmalda_brott")), municipality_id=world["m"].id, year=2024, value=410))
    session.flush()
    login(client, world["coordinator"].email)
    headers = ["Indikator", "År", "Värde", "Riket", "Anmärkning"]
    rows = [["otrygg_kvall", "2025", "31,5" if fmt == "csv" else 31.5, "28",
             "Polisens trygghetsmätning"],
            ["Anmälda brott", "2024", "398", "", ""]]
    content = as_csv(headers, rows) if fmt == "csv" else as_xlsx(headers, rows)
    url = preview_url(client, world, "indikatorer", content, f"v.{fmt}")
    page = client.get(url).get_data(as_text=True)
    assert "Nytt värde för Otrygg ute sent på kvällen 2025" in page
    assert "Ersätter värdet 410" in page
    assert client.post(url).status_code == 302
    values = dict(session.execute(sa.select(IndicatorValue.year, IndicatorValue.value)
                                  .where(IndicatorValue.municipality_id == world["m"].id)).all())
    assert Decimal(str(values[2025])) == Decimal("31.5") and Decimal(str(values[2024])) == 398


def test_a_percentage_is_imported_as_the_sheet_shows_it(client, world, session):
    """A cell formatted as a percentage shows "31,5 %" and holds 0.315; a written "28 %" is 28."""
    login(client, world["coordinator"].email)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Indikator", "År", "Värde", "Riket"])
    sheet.append(["otrygg_kvall", 2025, 0.315, "28 %"])
    sheet["C2"].number_format = "0.0%"
    sheet.append(["otrygg_kvall", 2024, 33, 0.3])  # a plain number stays as it is
    buffer = io.BytesIO()
    book.save(buffer)
    url = preview_url(client, world, "indikatorer", buffer.getvalue(), "v.xlsx")
    assert client.post(url).status_code == 302
    values = {year: (Decimal(str(value)), Decimal(str(national))) for year, value, national in
              session.execute(sa.select(IndicatorValue.year, IndicatorValue.value,
                                        IndicatorValue.national_value)
                              .where(IndicatorValue.municipality_id == world["m"].id))}
    assert values == {2025: (Decimal("31.5"), Decimal("28")),
                      2024: (Decimal("33"), Decimal("0.3"))}


def test_duplicate_and_unknown_indicators_are_row_errors(client, world):
    login(client, world["coordinator"].email)
    content = as_csv(["Indikator", "År", "Värde"], [["otrygg_kvall", "2025", "30"],
                                                    ["otrygg_kvall", "2025", "31"],
                                                    ["trygghet", "2025", "tre"]])
    page = client.get(preview_url(client, world, "indikatorer", content)).get_data(as_text=True)
    assert ("Rad 3: Indikatorn ”Otrygg ute sent på kvällen” för år 2025 finns redan på rad 2."
            in page)
    assert "Rad 4: Okänd indikator ”trygghet”" in page
    assert "Rad 4: Värde ska vara ett tal" in page


def test_a_year_is_refused_in_the_words_the_web_and_the_api_use(client, world, session):
    login(client, world["coordinator"].email)
    content = as_csv(["Indikator", "År", "Värde"], [["otrygg_kvall", "1985", "30"],
                                                    ["otrygg_kvall", "tjugo", "31"]])
    url = preview_url(client, world, "indikatorer", content)
    page = client.get(url).get_data(as_text=True)
    assert "Rad 2: År: Året ska vara mellan 1990 och 2100." in page
    assert "Rad 3: År ska vara ett heltal som är 0 eller större." in page
    assert client.post(url).status_code == 422
    assert session.scalar(sa.select(sa.func.count()).select_from(IndicatorValue).where(
        IndicatorValue.municipality_id == world["m"].id)) == 0


def test_the_confirmation_checks_the_file_again(client, world, session):
    login(client, world["coordinator"].email)
    url = preview_url(client, world, "aktiviteter", as_csv(HEADERS, rows_for(world)))
    assert "Alla 3 rader är giltiga" in client.get(url).get_data(as_text=True)
    session.execute(sa.delete(Membership).where(Membership.user_id == world["officer"].id))
    session.flush()
    before = count(session, Activity)
    response = client.post(url)
    assert response.status_code == 422
    assert "Rad 2: Ansvarig: ”" in response.get_data(as_text=True)
    assert count(session, Activity) == before


@pytest.mark.parametrize("content,filename,message", [
    (b"Part;\xc5tagande\r\n", "plan.txt", "Välj en fil av typen .csv eller .xlsx."),
    (b"PK\x03\x04 trasig", "plan.xlsx", "inte en giltig Excel-fil"),
    ("Part;Åtagande;Ansvarg\r\npolisen;x;y\r\n".encode(), "plan.csv",
     "Okänd kolumn ”Ansvarg”"),
    (b"Part;Aktivitet\r\npolisen;x\r\n", "plan.csv", "Kolumnen ”Åtagande” saknas."),
    ("Part;Åtagande\r\n".encode(), "plan.csv", "Filen har inga rader att importera."),
])
def test_files_that_cannot_be_read_are_refused_with_a_reason(client, world, content, filename,
                                                             message):
    login(client, world["coordinator"].email)
    response = upload(client, world, "aktiviteter", content, filename)
    if response.status_code == 302:
        response = client.get(response.headers["Location"])
    assert message in response.get_data(as_text=True)


def test_a_csv_from_swedish_excel_in_windows_1252_is_read(client, world):
    login(client, world["coordinator"].email)
    content = "Part;Åtagande\r\nkommunen;Kommunen lovar fler trygghetsvandringar.\r\n".encode(
        "cp1252")
    page = client.get(preview_url(client, world, "aktiviteter", content)).get_data(as_text=True)
    assert "Alla 1 rader är giltiga" in page or "Raden är giltig" in page


def test_a_file_over_the_size_limit_is_refused(client, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 100)
    login(client, world["coordinator"].email)
    response = upload(client, world, "aktiviteter", as_csv(HEADERS, rows_for(world)), "plan.csv")
    assert response.status_code == 400
    assert "Filen är för stor" in response.get_data(as_text=True)
    assert list(world["dir"].iterdir()) == []


@pytest.mark.parametrize("who,expected", [
    ("coordinator", 200), ("admin", 200), ("officer", 403), ("viewer", 403), ("stranger", 403),
])
def test_only_coordinators_may_import(client, world, who, expected):
    login(client, world[who].email)
    assert client.get(f"/kommuner/{world['m'].id}/import").status_code == expected
    response = upload(client, world, "aktiviteter", as_csv(HEADERS, rows_for(world)), "plan.csv")
    assert response.status_code == (302 if expected == 200 else 403)


def test_an_upload_belongs_to_the_user_who_made_it(app, client, world, make_user):
    login(client, world["coordinator"].email)
    url = preview_url(client, world, "aktiviteter", as_csv(HEADERS, rows_for(world)))
    colleague = make_user(Role.COORDINATOR, world["m"])
    other = app.test_client()
    login(other, colleague.email)
    assert other.get(url).status_code == 404
    assert other.post(url).status_code == 404
    assert client.get(url.replace("/aktiviteter/", "/indikatorer/")).status_code == 404
    assert client.get(url.rsplit("/", 1)[0] + "/..%2F..%2Fsecret_key").status_code == 404


def test_cancel_and_expiry_delete_the_stored_file(client, world, app, monkeypatch):
    login(client, world["coordinator"].email)
    url = preview_url(client, world, "aktiviteter", as_csv(HEADERS, rows_for(world)))
    assert client.post(url + "/avbryt").status_code == 302
    assert list(world["dir"].iterdir()) == [] and client.get(url).status_code == 404
    url = preview_url(client, world, "aktiviteter", as_csv(HEADERS, rows_for(world)))
    monkeypatch.setitem(app.config, "IMPORT_MAX_AGE_MINUTES", 0)
    time.sleep(0.01)
    assert client.get(url).status_code == 404
    assert list(world["dir"].iterdir()) == []


def test_the_downloaded_template_imports_once_filled_in(client, world, session):
    login(client, world["coordinator"].email)
    page = client.get(f"/kommuner/{world['m'].id}/import").get_data(as_text=True)
    assert "/import/mallar/aktiviteter.csv" in page and "/import/mallar/indikatorer.csv" in page
    # the columns' hints name the bounds the rows are checked against
    assert "Var n:te vecka eller månad, 1–52" in page and "Heltal, 1–1\u00a0000" in page
    template = client.get("/import/mallar/aktiviteter.csv").data
    assert template.startswith(b"\xef\xbb\xbf")
    headers = template.decode("utf-8-sig").strip().split(";")
    assert headers == [c.header for c in ACTIVITY_COLUMNS]
    row = {h: "" for h in headers}
    row.update({"Part": "tillsammans", "Åtagande": "Vi lovar nattvandringar.",
                "Aktivitet": "Nattvandring",
                "Aktivitetstyp": "skolbesok", "Slutdatum": "2026-10-31", "Intervall": "2",
                "Upprepning": "veckovis", "Veckodagar": "fre", "Startdatum": "2026-09-04"})
    url = preview_url(client, world, "aktiviteter", as_csv(headers, [list(row.values())]))
    assert client.post(url).status_code == 302
    walk = session.scalar(sa.select(Activity).where(Activity.title == "Nattvandring"))
    assert walk.recurrence == {"freq": "weekly", "interval": 2, "weekdays": [4]}


def test_the_upload_form_needs_its_csrf_token(client, world, app, monkeypatch):
    login(client, world["coordinator"].email)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    refused = upload(client, world, "aktiviteter", as_csv(HEADERS, rows_for(world)), "plan.csv")
    assert refused.status_code == 400
    page = client.get(f"/kommuner/{world['m'].id}/import").get_data(as_text=True)
    token = re.search(r'id="aktiviteter-csrf_token" name="aktiviteter-csrf_token" type="hidden" '
                      r'value="([^"]+)"', page)[1]
    accepted = upload(client, world, "aktiviteter", as_csv(HEADERS, rows_for(world)), "plan.csv",
                      **{"aktiviteter-csrf_token": token})
    assert accepted.status_code == 302
    preview = client.get(accepted.headers["Location"]).get_data(as_text=True)
    confirm_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', preview)[1]
    assert client.post(accepted.headers["Location"]).status_code == 400
    assert client.post(accepted.headers["Location"],
                       data={"csrf_token": confirm_token}).status_code == 302


def test_the_import_page_is_linked_for_coordinators_only(client, world):
    link = f"/kommuner/{world['m'].id}/import"
    login(client, world["coordinator"].email)
    assert link in client.get(f"/kommuner/{world['m'].id}").get_data(as_text=True)
    assert f"{link}?lofte={world['draft'].id}" in client.get(
        f"/loften/{world['draft'].id}").get_data(as_text=True)
    client.post("/logout")
    login(client, world["viewer"].email)
    assert link not in client.get(f"/kommuner/{world['m'].id}").get_data(as_text=True)


def test_a_nul_or_control_character_in_a_csv_cell_refuses_the_row(client, world, session):
    """PostgreSQL cannot store NUL: the preview names the row and column, never a 500."""
    login(client, world["coordinator"].email)
    rows = rows_for(world)
    rows[1][0] = "Belysning\x00 i parken\x85"
    url = preview_url(client, world, "aktiviteter", as_csv(HEADERS, rows))
    response = client.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Rad 3: Kolumnen ”Fokusområde” innehåller tecken som inte kan sparas" in page
    assert "\x00" not in page and "Belysning i parken" in page
    before = count(session, Commitment)
    assert client.post(url).status_code == 422
    assert count(session, Commitment) == before


def test_an_activity_title_over_200_characters_is_a_row_error(client, world, session):
    login(client, world["coordinator"].email)
    rows = rows_for(world)
    rows[0][3] = "Kvällspatrull " + "x" * 200
    url = preview_url(client, world, "aktiviteter", as_csv(HEADERS, rows))
    page = client.get(url).get_data(as_text=True)
    assert "Rad 2: Aktivitet: Rubrik får vara högst 200 tecken." in page
    assert client.post(url).status_code == 422
    assert session.scalar(sa.select(sa.func.count()).select_from(Activity).where(
        Activity.title.like("Kvällspatrull x%"))) == 0



def test_a_number_past_its_bound_names_the_bound_as_the_page_writes_numbers(client, world,
                                                                              session):
    login(client, world["coordinator"].email)
    rows = rows_for(world)
    rows[1][12] = "5000"  # occasions of a recurrence: at most limits.OCCASIONS_MAX
    url = preview_url(client, world, "aktiviteter", as_csv(HEADERS, rows))
    page = client.get(url).get_data(as_text=True)
    assert "Antal tillfällen ska vara ett heltal från 1 till 1\u00a0000." in page
    assert client.post(url).status_code == 422
    assert session.scalar(sa.select(sa.func.count()).select_from(Activity).where(
        Activity.title == "Skolbesök åk 8")) == 0


def test_nothing_is_imported_under_a_concluded_promise(client, world, session):
    from tracker.models import PromiseStatus

    login(client, world["coordinator"].email)
    rows = rows_for(world)[:1]
    rows[0][2] = world["existing"].text
    url = preview_url(client, world, "aktiviteter", as_csv(HEADERS, rows),
                      **{"aktiviteter-promise_id": str(world["active"].id)})
    world["active"].status = PromiseStatus.CONCLUDED
    session.commit()
    response = client.post(url)
    assert response.status_code == 422
    assert "avslutat" in response.get_data(as_text=True)
    assert session.scalar(sa.select(Activity).where(Activity.title == "Kvällspatrull")) is None

def one_row_of(cells: int) -> bytes:
    """An .xlsx whose sheet is the header row and then one row of `cells` number cells: about
    200 KB zipped for a million cells, far under the size limit."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(as_xlsx(["Part", "Åtagande"], [])))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                end = text.index("</sheetData>")
                row = '<row r="2">' + "".join(f"<c><v>{i % 997}</v></c>"
                                               for i in range(cells)) + "</row>"
                data = (text[:end] + row + text[end:]).encode()
            archive.writestr(info, data)
    return target.getvalue()


def test_a_row_of_a_million_cells_is_refused_at_once(client, world, app):
    content = one_row_of(1_100_000)
    assert len(content) < app.config["IMPORT_MAX_BYTES"]
    login(client, world["coordinator"].email)
    started = time.monotonic()
    response = upload(client, world, "aktiviteter", content, "plan.xlsx")
    elapsed = time.monotonic() - started
    assert response.status_code == 400
    assert "Filen har för många celler. Högst 200\u00a0000 celler kan läsas" in (
        response.get_data(as_text=True))
    assert elapsed < 3, elapsed  # it took 17–24 s when every cell was parsed
    assert list(world["dir"].iterdir()) == []


def test_a_csv_with_too_many_cells_is_refused(client, world):
    login(client, world["coordinator"].email)
    content = ("Part;Åtagande\r\npolisen;" + ";" * 250_000 + "\r\n").encode()
    response = upload(client, world, "aktiviteter", content, "plan.csv")
    assert response.status_code == 400
    assert "Filen har för många celler" in response.get_data(as_text=True)
    assert list(world["dir"].iterdir()) == []


def test_a_sheet_just_under_the_bound_is_still_read(client, world):
    login(client, world["coordinator"].email)
    content = one_row_of(150_000)
    response = upload(client, world, "aktiviteter", content, "plan.xlsx")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "för många celler" not in page


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_file_is_read_once_for_its_preview_and_confirmation(client, world, session, monkeypatch,
                                                             fmt):
    from tracker.services.imports import reading

    reads = []
    real = getattr(reading, f"_read_{fmt}")
    monkeypatch.setattr(reading, f"_read_{fmt}",
                        lambda *args: reads.append(args) or real(*args))
    login(client, world["coordinator"].email)
    content = (as_csv if fmt == "csv" else as_xlsx)(HEADERS, rows_for(world))
    url = preview_url(client, world, "aktiviteter", content, f"plan.{fmt}")
    for _ in range(3):
        assert "Alla 3 rader är giltiga" in client.get(url).get_data(as_text=True)
    before = count(session, Activity)
    assert client.post(url).status_code == 302
    assert count(session, Activity) == before + 2
    assert len(reads) == 1
    # what waited on the server was the rows, not the uploaded file
    assert not any(path.read_bytes() == content for path in world["dir"].iterdir())


def test_the_same_file_uploaded_again_adds_no_second_copy_of_its_activities(client, world,
                                                                             session):
    """A re-upload of a file already imported: the preview says each activity is there, and
    importing it adds none (an activity can be cancelled, not removed: a copy would stay)."""
    login(client, world["coordinator"].email)
    content = as_csv(HEADERS, rows_for(world))
    assert client.post(preview_url(client, world, "aktiviteter", content)).status_code == 302
    activities = count(session, Activity)
    url = preview_url(client, world, "aktiviteter", content)
    page = client.get(url).get_data(as_text=True)
    assert "aktiviteten ”Kvällspatrull” finns redan med samma startdatum och läggs inte till " \
           "igen" in page
    assert client.post(url).status_code == 302
    assert count(session, Activity) == activities


def test_a_second_confirm_of_an_imported_file_leads_to_the_result(client, world, session):
    """A double click or back-and-send-again on Importera: the file is imported once, and the
    second confirm leads where the first did, saying so, instead of "Sidan hittades inte"."""
    login(client, world["coordinator"].email)
    url = preview_url(client, world, "aktiviteter", as_csv(HEADERS, rows_for(world)))
    key = re.search(r'name="once_key" type="hidden" value="([^"]+)"',
                    client.get(url).get_data(as_text=True))[1]
    first = client.post(url, data={"once_key": key})
    assert first.status_code == 302
    activities = count(session, Activity)
    again = client.post(url, data={"once_key": key})
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    assert count(session, Activity) == activities
    assert "Filen är redan importerad." in client.get(again.headers["Location"]).get_data(
        as_text=True)
