"""The one migration path builds exactly the schema the models describe."""
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tests.conftest import fresh_database_url, make_test_app, upgrade
from tracker.extensions import db


def _diff_after_upgrade(url):
    app = make_test_app(url)
    upgrade(app)
    with app.app_context():
        engine = db.engine
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
            tables = set(sa.inspect(conn).get_table_names())
        engine.dispose()
    return diff, tables


def _check(url):
    diff, tables = _diff_after_upgrade(url)
    assert diff == []
    assert {"promise", "commitment", "activity", "log_entry", "follow_up", "job_run",
            "audit_event", "tip", "indicator_value", "membership"} <= tables


def test_upgrade_empty_sqlite_matches_models(workdir):
    _check(f"sqlite:///{workdir / 'migration-check.db'}")


@pytest.mark.postgres
def test_upgrade_empty_postgresql_matches_models(workdir):
    _check(fresh_database_url(workdir, "migration_check", postgres=True))


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(workdir):
    app = make_test_app(f"sqlite:///{workdir / 'pragmas.db'}")
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        db.engine.dispose()
