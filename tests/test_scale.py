"""Issue 7: every benchmarked page sends the same number of SQL statements on a small and a
much larger generated data set (the benchmark's own generator and requests, tiny scales)."""
from __future__ import annotations

import sqlalchemy as sa

from tests.conftest import fresh_database_url, make_test_app, upgrade
from tracker.bench import generator
from tracker.bench.pages import PAGES, count_statements, find_targets
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
    # The logging POST: 5, plus the one-time key's INSERT and its result's UPDATE.
    # Public pages here are read signed in (the session's user is one more statement): the
    # promise page is its municipality, the promise (3), its follow-ups and its progress (4).
    # The activity page: 7 with the residents' tips tied to it (those who may read tips); the
    # public follow-up: 4 with the readers' approved comments.
    budget = {"dashboard": 8, "activity_list": 3, "my_tasks": 2, "activity": 7,
              "public_followup": 4, "public_index": 2, "public_municipality": 4,
              "public_promise": 10, "log_post": 7}
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
