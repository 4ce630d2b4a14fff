"""Issue 7: every benchmarked page sends the same number of SQL statements on a small and a
much larger generated data set (the benchmark's own generator and requests, tiny scales)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bench import generator
from bench.pages import PAGES, count_statements, find_targets
from tests.conftest import count_queries, fresh_database_url, make_test_app, upgrade
from tracker.extensions import db
from tracker.formatting import local_today
from tracker.models import LogEntry, Municipality

# Enough rows that every list has a full second page; the large set has ten times the entries.
SMALL = generator.Scale(2, log_entries=150, commitments=6, activities=80, places=4, officers=2)
LARGE = generator.Scale(12, log_entries=250, commitments=12, activities=160, places=8)


def _statements(workdir, name: str,
                scale: generator.Scale) -> tuple[dict[str, int], dict[str, int], int, str]:
    """A database of its own (requests commit), generated, then each page requested: with the
    pages' kept parts (tracker/page_cache.py), and by an app that keeps none."""
    url = fresh_database_url(workdir, name)
    app = make_test_app(url)
    upgrade(app)
    with app.app_context():
        generator.generate(scale, generator.default_year())
        db.session.commit()
        targets = find_targets()
        entries = db.session.scalar(sa.select(sa.func.count()).select_from(LogEntry))
        today = local_today()
    keeping_none = make_test_app(url, PAGE_CACHE_ENTRIES=0)
    return (count_statements(app, targets, today), count_statements(keeping_none, targets, today),
            entries, url)


def test_statements_per_request_do_not_grow_with_the_data(workdir):
    small, small_unkept, small_entries, small_url = _statements(workdir, "scale_small", SMALL)
    large, large_unkept, large_entries, _url = _statements(workdir, "scale_large", LARGE)

    assert large_entries >= 10 * small_entries
    assert set(small) == {name for name, _method, _path in PAGES}
    assert large == small and large_unkept == small_unkept
    # The budgets bench/README.md records (PostgreSQL); SQLite sends its explicit BEGIN too.
    # A page that starts sending more fails here.
    # Without kept parts (the first request after a write): the logging POST 8 (the user, the
    # activity with its municipality's places version, its municipality's places, the
    # one-time key's INSERT, the entry, the audit row, the key's result, the municipality's
    # new data version); kept, the places are the list kept for their version (7). The activity page 9: the
    # user, its municipality's data version, the activity (with type, owner, places and
    # assignees), its log, its history, its files, its conversation, its action points and
    # the residents' tips tied to it (for those who may read tips). The dashboard 8 (user, municipality, promises, progress, recurring
    # targets, deadlines, their totals, latest entries). The list 3 (user, the municipality
    # with the filter choices, the page). Mina uppgifter 4 (user, the data versions of the
    # municipalities the user's tasks are in, the tasks, the open action points). Public pages
    # are read signed in (the session's user is one more statement): the promise page is its
    # municipality, the promise (3), its follow-ups and its progress (4); the municipality
    # page 5 with its published walk protocols; the public follow-up 5 (its heading, the
    # published versions, the version's sections and figures, the readers' approved
    # comments). The header's count of unread
    # notifications is read by the login's own statement: no page pays for it.
    # Kept (tracker/page_cache.py), every page but the logging POST reads the user and the
    # one row that carries the data version its parts are kept by (2): the municipality, the
    # activity's municipality, the follow-up's heading, or the versions of the
    # municipalities Mina uppgifter shows; the start page every municipality's version.
    unkept = {"dashboard": 8, "activity_list": 3, "my_tasks": 4, "activity": 9,
              "public_followup": 5, "public_index": 3, "public_municipality": 5,
              "public_promise": 10, "log_post": 8}
    budget = {**unkept, "dashboard": 2, "activity": 2, "activity_list": 2, "my_tasks": 2,
              "public_followup": 2, "public_municipality": 2, "public_promise": 2,
              "public_index": 2, "log_post": 7}
    if make_url(small_url).get_backend_name() == "sqlite":
        budget = {page: n + 1 for page, n in budget.items()}
        unkept = {page: n + 1 for page, n in unkept.items()}
    assert small == budget and small_unkept == unkept


def test_forget_load_removes_only_the_load_tests_entries(workdir):
    """`flask bench forget-load` deletes what the load test logged, on benchmark data only."""
    app = make_test_app(fresh_database_url(workdir, "scale_forget"))
    upgrade(app)
    runner = app.test_cli_runner()
    with app.app_context():
        generator.generate(SMALL, generator.default_year())
        db.session.commit()
        generated = db.session.scalar(sa.select(sa.func.max(LogEntry.id)))
        targets = find_targets()
        count_statements(app, targets, local_today())  # logs occasions, as the benchmark does
        db.session.expire_all()
        assert db.session.scalar(sa.select(sa.func.max(LogEntry.id))) > generated
    result = runner.invoke(args=["bench", "forget-load", "--after-id", str(generated)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.max(LogEntry.id))) == generated
        db.session.execute(sa.update(Municipality).where(Municipality.id == targets.municipality_id)
                           .values(slug="lidkoping"))
        db.session.commit()
    refused = runner.invoke(args=["bench", "forget-load", "--after-id", "0"])
    assert refused.exit_code != 0 and "benchmark" in refused.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.max(LogEntry.id))) == generated


def _requested(client, url: str) -> int:
    client.get(url)  # warm: the first request of a session may write its seen-at time
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_the_conversation_and_the_notification_list_do_not_grow_with_their_rows(
        client, session, make_municipality, make_user):
    """Aviseringar and an activity page with its comments: the same statements with 2 rows
    as with 60 (the list's page is 25), at the budgets below."""
    from tests.conftest import login
    from tests.factories import make_activity, make_commitment, make_promise, make_type
    from tracker.models import ActivityComment, Role
    from tracker.services import notifications

    m = make_municipality("Lidköping")
    officer = make_user(Role.OFFICER, m)
    activity = make_activity(make_commitment(make_promise(m, year=local_today().year)),
                             make_type(), owner=officer)
    login(client, officer.email)
    counts = []
    for rows in (2, 58):
        notifications.notify([officer], notifications.NotificationKind.ASSIGNED, "activity",
                             activity.id, "Kvällspatrull", actor=make_user())
        for n in range(rows):
            notifications.notify([officer], notifications.NotificationKind.MENTIONED,
                                 "activity", activity.id, f"Aktivitet {n}")
        session.add_all([ActivityComment(activity_id=activity.id, author_id=officer.id,
                                         text=f"Kommentar {n}") for n in range(rows)])
        session.commit()
        counts.append({"notifications": _requested(client, "/aviseringar"),
                       "activity": _requested(client, f"/aktiviteter/{activity.id}")})
    small, large = counts
    assert large == small
    # Inside the test's transaction no BEGIN is sent. Aviseringar: the login (with the unread
    # count) and the page of notifications with its total. The activity page: as counted above
    # with its log, history, files, conversation, action points and tips kept (2).
    assert small == {"notifications": 2, "activity": 2}


def _walk_world(session, municipality, owner, n: int) -> dict:
    """A walk occasion with a published protocol of n findings, each with an action point
    owned by `owner` and a photo row, plus n action points of a meeting: bulk, through Core."""
    from datetime import timedelta

    from tests.factories import make_activity, make_commitment, make_place, make_promise, make_type
    from tracker.models import (
        ActionPoint,
        Attachment,
        Finding,
        WalkProtocol,
    )
    from tracker.models.base import utcnow

    places = [make_place(municipality, f"Plats {i}") for i in range(3)]
    activity = make_activity(make_commitment(make_promise(municipality)), make_type(),
                             owner=owner, places=places[:1])
    entry = LogEntry(activity_id=activity.id, occurred_on=local_today(), measures={})
    session.add(entry)
    session.flush()
    protocol = WalkProtocol(log_entry_id=entry.id, activity_id=activity.id,
                            municipality_id=municipality.id, participants=[], summary="",
                            published_at=utcnow())
    session.add(protocol)
    session.flush()
    now, categories = utcnow(), ["belysning", "vegetation", "klotter"]
    session.execute(sa.insert(Finding.__table__), [
        dict(protocol_id=protocol.id, municipality_id=municipality.id, position=i + 1,
             place_id=places[i % 3].id, category=categories[i % 3], description=f"Brist {i}",
             created_at=now, updated_at=now) for i in range(n)])
    finding_ids = session.scalars(sa.select(Finding.id).where(
        Finding.protocol_id == protocol.id).order_by(Finding.id)).all()
    common = dict(municipality_id=municipality.id, activity_id=activity.id, party="kommunen",
                  party_name="", owner_id=owner.id, status="open", status_reason="",
                  due_date=local_today() + timedelta(days=3), version_id=1, created_at=now,
                  updated_at=now)
    session.execute(sa.insert(ActionPoint.__table__), [
        dict(common, log_entry_id=entry.id, finding_id=f, place_id=places[i % 3].id,
             category=categories[i % 3], text=f"Åtgärd {i}")
        for i, f in enumerate(finding_ids)] + [
        dict(common, log_entry_id=None, finding_id=None, place_id=None, category=None,
             text=f"Beslut {i}") for i in range(n)])
    session.execute(sa.insert(Attachment.__table__), [
        dict(municipality_id=municipality.id, activity_id=activity.id, log_entry_id=entry.id,
             finding_id=f, kind="image", content_type="image/jpeg", file_name="foto.jpg",
             stored_name=f"{f:032x}.jpg", thumb_name=f"{f:032x}-t.jpg", size_bytes=1,
             created_at=now) for f in finding_ids])
    session.flush()
    return {"municipality": municipality, "entry": entry.id, "protocol": protocol.id,
            "place": places[0].id}


def test_action_point_pages_send_as_many_statements_for_many_points_as_for_few(
        client, session, make_municipality, make_user):
    from tests.conftest import count_queries, login
    from tracker.models import Membership, Role

    coordinator = make_user()
    sides = []
    for name, n in (("Liten", 3), ("Stor", 120)):
        municipality = make_municipality(name)
        session.add(Membership(user_id=coordinator.id, municipality_id=municipality.id,
                               role=Role.COORDINATOR))
        sides.append(_walk_world(session, municipality, coordinator, n))
    session.commit()
    login(client, coordinator.email)
    pages = {
        "action_list": "/kommuner/{m}/atgardspunkter",
        "action_list_filtered": "/kommuner/{m}/atgardspunkter?part=kommunen&kategori=belysning"
                                "&plats={place}&status=oppna&sida=2",
        "protocol": "/genomforanden/{entry}/protokoll",
        "public_protocol": "/offentlig/{slug}/trygghetsvandringar/{protocol}",
        "place": "/platser/{place}",
    }
    measured = {}
    for page, template in pages.items():
        counts = []
        for side in sides:
            url = template.format(m=side["municipality"].id, place=side["place"],
                                  entry=side["entry"], protocol=side["protocol"],
                                  slug=side["municipality"].slug)
            with count_queries() as statements:
                response = client.get(url)
                assert response.status_code == 200, url
            counts.append(len(statements))
        measured[page] = counts
    # The action list: the user with roles, the municipality, its places (filter), the page
    # and its count. The protocol: user, entry, activity, protocol with its route, places,
    # findings, their actions, their photos. The public page (signed in here): the user,
    # municipality, protocol, entry, activity, protocol with its route, findings, actions,
    # photos.
    assert measured == {"action_list": [5, 5], "action_list_filtered": [5, 5],
                        "protocol": [9, 9], "public_protocol": [10, 10], "place": [5, 5]}
