"""The municipality dashboard: progress, deadlines, latest log, permissions, statement count."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import count_queries, login
from tracker.extensions import db
from tracker.formatting import date_sv
from tracker.formatting import local_today as dashboard_today
from tracker.models import (
    Activity,
    ActivityStatus,
    ActivityType,
    Commitment,
    FocusArea,
    LogEntry,
    Membership,
    Party,
    Place,
    Promise,
    PromiseStatus,
    Role,
)

# --- small local factories -------------------------------------------------------------

def make_promise(m, *, status=PromiseStatus.ACTIVE, year=None, title=None) -> Promise:
    year = year or date.today().year
    promise = Promise(municipality_id=m.id, title=title or f"Medborgarlöfte {m.name} {year}",
                      start_year=year, end_year=year, status=status)
    db.session.add(promise)
    db.session.flush()
    return promise


def make_area(promise, title, position=0) -> FocusArea:
    area = FocusArea(promise_id=promise.id, title=title, position=position)
    db.session.add(area)
    db.session.flush()
    return area


def make_commitment(promise, area=None, party=Party.POLISEN) -> Commitment:
    commitment = Commitment(promise_id=promise.id, focus_area_id=area.id if area else None,
                            party=party, text=f"{party.value} lovar något.")
    db.session.add(commitment)
    db.session.flush()
    return commitment


def make_type(key="dash_patrull") -> ActivityType:
    kind = db.session.scalar(sa.select(ActivityType).where(ActivityType.key == key))
    if kind is None:
        kind = ActivityType(key=key, name_sv="Patrullering", measures=[])
        db.session.add(kind)
        db.session.flush()
    return kind


def make_activity(commitment, title, *, due=None, target=None, status=ActivityStatus.PLANNED,
                  owner=None, recurrence=None, start=None, places=()) -> Activity:
    promise = db.session.get(Promise, commitment.promise_id)
    activity = Activity(
        commitment_id=commitment.id, municipality_id=promise.municipality_id,
        type_id=make_type().id, title=title, due_date=due, target_count=target, status=status,
        owner_id=owner.id if owner else None, recurrence=recurrence, start_date=start,
        status_reason="Inställd av test" if status == ActivityStatus.CANCELLED else "",
    )
    activity.places = list(places)
    activity.assignees = []
    db.session.add(activity)
    db.session.flush()
    return activity


def add_logs(activity, count, *, on=None, place=None, author=None) -> None:
    """Bulk insert: `count` occasions on consecutive days ending `on`."""
    end = on or date.today() - timedelta(days=1)
    db.session.execute(sa.insert(LogEntry), [
        {"activity_id": activity.id, "occurred_on": end - timedelta(days=i),
         "place_id": place.id if place else None, "author_id": author.id if author else None,
         "measures": {}}
        for i in range(count)
    ])


def section(page: str, heading_id: str) -> str:
    """The HTML of one dashboard section, from its heading to the section's end."""
    return page.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- tests --------------------------------------------------------------------------------

def test_progress_per_focus_area_and_party(client, town):
    today = dashboard_today()
    promise = make_promise(town["m"])
    drugs = make_area(promise, "Narkotika bland unga", 0)
    traffic = make_area(promise, "Trafiksäkerhet", 1)
    police = make_commitment(promise, drugs, Party.POLISEN)
    municipal = make_commitment(promise, drugs, Party.KOMMUNEN)
    together = make_commitment(promise, traffic, Party.TILLSAMMANS)
    add_logs(make_activity(police, "Skolbesök åk 8", target=20), 12)
    add_logs(make_activity(police, "Extra närvaro"), 3)            # no target: logged only
    add_logs(make_activity(municipal, "Föräldramöten", target=4), 6)  # over target: capped
    add_logs(make_activity(together, "Inställd kontroll", target=10,
                           status=ActivityStatus.CANCELLED), 1)
    weekly = {"freq": "weekly", "interval": 1, "count": 5}
    add_logs(make_activity(together, "Veckovis hastighetskontroll", recurrence=weekly,
                           start=today - timedelta(days=60)), 2)
    old = make_promise(town["m"], status=PromiseStatus.CONCLUDED, year=today.year - 2,
                       title="Förra löftet")
    add_logs(make_activity(make_commitment(old), "Gammal aktivitet", target=3), 3)

    login(client, town["viewer"].email)
    response = client.get(f"/kommuner/{town['m'].id}")
    assert response.status_code == 200
    progress = section(response.get_data(as_text=True), "framsteg")
    assert "Förra löftet" not in progress
    table = progress.split("</table>", 1)[0]
    rows = [visible_text(r) for r in table.split("<tr>")[2:]]
    assert rows == [
        " Narkotika bland unga Kommunen 1 6 4 av 4 ",
        " Narkotika bland unga Polisen 2 15 12 av 20 ",
        " Trafiksäkerhet Tillsammans 2 3 2 av 5 ",
    ]
    assert '<progress id="p' in progress and 'max="20" value="12"' in progress


def test_latest_promise_is_shown_when_none_is_signed_or_active(client, town):
    make_promise(town["m"], status=PromiseStatus.CONCLUDED, year=2022, title="Löftet 2022")
    latest = make_promise(town["m"], status=PromiseStatus.DRAFT, year=2024, title="Utkast 2024")
    make_activity(make_commitment(latest), "Planerad dialog", target=2)
    login(client, town["coordinator"].email)
    progress = section(client.get(f"/kommuner/{town['m'].id}").get_data(as_text=True), "framsteg")
    assert "Utkast 2024" in progress and "Löftet 2022" not in progress
    assert "Utan fokusområde" in progress and "0 av 2" in progress


def test_overdue_and_due_soon_activities(client, town):
    today = dashboard_today()
    commitment = make_commitment(make_promise(town["m"]))
    owner = town["officer"]
    late = make_activity(commitment, "Sen trygghetsvandring", due=today - timedelta(days=1),
                         owner=owner, target=3)
    make_activity(commitment, "Pågående men sen", due=today - timedelta(days=5),
                  status=ActivityStatus.IN_PROGRESS)
    make_activity(commitment, "Klar i går", due=today - timedelta(days=1),
                  status=ActivityStatus.DONE)
    make_activity(commitment, "Inställd i går", due=today - timedelta(days=1),
                  status=ActivityStatus.CANCELLED)
    make_activity(commitment, "Ska klaras i dag", due=today)
    make_activity(commitment, "Om fjorton dagar", due=today + timedelta(days=14))
    make_activity(commitment, "Om femton dagar", due=today + timedelta(days=15))
    make_activity(commitment, "Utan datum")
    add_logs(late, 1)

    login(client, town["officer"].email)
    page = client.get(f"/kommuner/{town['m'].id}").get_data(as_text=True)
    overdue, soon = section(page, "forsenade"), section(page, "snart")
    assert "(2)" in overdue and "(2)" in soon
    assert "Ska vara klara inom 14 dagar" in soon  # the words name the window the list keeps
    for title in ("Sen trygghetsvandring", "Pågående men sen"):
        assert title in overdue and title not in soon
    for title in ("Ska klaras i dag", "Om fjorton dagar"):
        assert title in soon and title not in overdue
    for title in ("Klar i går", "Inställd i går", "Om femton dagar", "Utan datum"):
        assert title not in overdue and title not in soon
    assert f'href="/aktiviteter/{late.id}"' in overdue
    assert owner.name in overdue and "1 av 3" in overdue and "Försenad" in overdue
    assert f'href="/kommuner/{town["m"].id}/aktiviteter"' in page


def test_latest_ten_log_entries_with_title_author_place_and_date(client, town):
    commitment = make_commitment(make_promise(town["m"]))
    activity = make_activity(commitment, "Kvällspatrull vid resecentrum")
    place = Place(municipality_id=town["m"].id, name="Resecentrum", kind="station")
    db.session.add(place)
    db.session.flush()
    first = date(2021, 3, 1)
    add_logs(activity, 12, on=first + timedelta(days=11), place=place, author=town["officer"])

    login(client, town["viewer"].email)
    latest = section(client.get(f"/kommuner/{town['m'].id}").get_data(as_text=True), "senaste")
    assert latest.count("<tr>") == 11  # header + 10
    shown = lambda day: f">{date_sv(first + timedelta(days=day))}<" in latest  # noqa: E731
    assert shown(11) and shown(2) and not shown(1) and not shown(0)
    assert "Kvällspatrull vid resecentrum" in latest and town["officer"].name in latest
    assert f'href="/platser/{place.id}"' in latest and "Resecentrum" in latest
    assert f'href="/aktiviteter/{activity.id}"' in latest


@pytest.mark.parametrize("who, expected", [
    ("coordinator", 200), ("officer", 200), ("viewer", 200), ("admin", 200), ("stranger", 403),
])
def test_who_may_see_the_dashboard(client, town, who, expected):
    login(client, town[who].email)
    assert client.get(f"/kommuner/{town['m'].id}").status_code == expected


def test_unknown_municipality_is_404_and_anonymous_is_sent_to_login(client, town):
    response = client.get(f"/kommuner/{town['m'].id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(client, town["admin"].email)
    assert client.get("/kommuner/999999").status_code == 404


def test_page_is_swedish_accessible_markup_without_inline_style_or_script(client, town):
    promise = make_promise(town["m"])
    add_logs(make_activity(make_commitment(promise, make_area(promise, "Trygghet")), "Patrull",
                           target=5, due=dashboard_today()), 2)
    login(client, town["viewer"].email)
    page = client.get(f"/kommuner/{town['m'].id}").get_data(as_text=True)
    assert re.search(r"<script(?![^>]*\ssrc=)", page) is None and " style=" not in page
    assert "dashboard.css" in page
    assert "2 av 5" in page and 'scope="col"' in page and 'scope="row"' in page
    headings = [int(level) for level in re.findall(r"<h([1-6])", page)]
    assert headings[0] == 1 and all(b - a <= 1 for a, b in zip(headings, headings[1:]))


def _fill(municipality, officer, activities: int, logs: int) -> None:
    """A promise with overdue, due-soon and logged work at a place, of the given size."""
    today = dashboard_today()
    promise = make_promise(municipality)
    areas = [make_area(promise, f"Område {i}", i) for i in range(2)]
    commitments = [make_commitment(promise, area, party) for area in areas
                   for party in (Party.KOMMUNEN, Party.POLISEN)]
    place = Place(municipality_id=municipality.id, name=f"Torget {municipality.name}",
                  kind="centrum")
    db.session.add(place)
    db.session.flush()
    created = [
        make_activity(commitments[i % len(commitments)], f"Aktivitet {i}", owner=officer,
                      target=10, due=today + timedelta(days=(i * 7) % 20 - 5), places=[place],
                      recurrence={"freq": "weekly", "count": 4} if i % 7 == 0 else None,
                      start=today - timedelta(days=30))
        for i in range(activities)
    ]
    per_activity, extra = divmod(logs, activities)
    for i, activity in enumerate(created):
        add_logs(activity, per_activity + (1 if i < extra else 0), place=place, author=officer)


def test_statement_count_does_not_grow_with_the_data(client, make_municipality, make_user):
    small, large = make_municipality("Götene"), make_municipality("Skövde")
    viewer = make_user(Role.VIEWER, small)
    db.session.add(Membership(user_id=viewer.id, municipality_id=large.id, role=Role.VIEWER))
    officer = make_user(Role.OFFICER, small)
    _fill(small, officer, activities=2, logs=5)
    _fill(large, officer, activities=30, logs=300)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LogEntry)) == 305

    login(client, viewer.email)
    counts = []
    for url in [f"/kommuner/{m.id}" for m in (small, large)]:
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(statements))
    # user with roles, municipality, promises with their focus areas, progress, recurring
    # targets, overdue and due soon (with their logged counts), their totals, latest entries
    assert counts == [8, 8]
