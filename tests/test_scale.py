"""Issue 7: every benchmarked page sends the same number of SQL statements on a small and a
much larger generated data set (the benchmark's own generator and requests, tiny scales)."""
from __future__ import annotations

import sqlalchemy as sa

from bench import generator
from bench.pages import PAGES, count_statements, find_targets
from tests.conftest import count_queries, fresh_database_url, make_test_app, upgrade
from tracker.extensions import db
from tracker.formatting import local_today
from tracker.models import LogEntry, Municipality

# Enough rows that every list has a full second page; the large set has ten times the entries.
SMALL = generator.Scale(2, log_entries=150, commitments=6, activities=80, places=4, officers=2)
LARGE = generator.Scale(12, log_entries=250, commitments=12, activities=160, places=8)


def _statements(workdir, name: str, scale: generator.Scale) -> tuple[dict[str, int], int]:
    """A database of its own (requests commit), generated, then each page requested."""
    app = make_test_app(fresh_database_url(workdir, name))
    upgrade(app)
    with app.app_context():
        generator.generate(scale, generator.default_year())
        db.session.commit()
        targets = find_targets()
        entries = db.session.scalar(sa.select(sa.func.count()).select_from(LogEntry))
        today = local_today()
    return count_statements(app, targets, today), entries


def test_statements_per_request_do_not_grow_with_the_data(workdir):
    small, small_entries = _statements(workdir, "scale_small", SMALL)
    large, large_entries = _statements(workdir, "scale_large", LARGE)

    assert large_entries >= 10 * small_entries
    assert set(small) == {name for name, _method, _path in PAGES}
    assert large == small
    # The budgets bench/README.md records (PostgreSQL); SQLite sends its explicit BEGIN too.
    # A page that starts sending more fails here.
    # The logging POST: 5, plus the one-time key's INSERT and its result's UPDATE. The activity
    # page: 6, plus its conversation (one statement). The header's count of unread
    # notifications is read by the login's own statement: no page pays for it.
    budget = {"dashboard": 8, "activity_list": 3, "my_tasks": 2, "activity": 7,
              "public_followup": 3, "log_post": 7}
    if fresh_database_url(workdir, "scale_small").startswith("sqlite"):
        budget = {page: n + 1 for page, n in budget.items()}
    assert small == budget


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
    # (6 + its conversation), and two more here, where its history names the people and the
    # activity type of the audit events this test's rows made.
    assert small == {"notifications": 2, "activity": 9}
