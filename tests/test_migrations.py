"""The one migration path builds exactly the schema the models describe."""
import re

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from pytest_alembic.tests import (  # noqa: F401  (pytest-alembic's standard tests, run here)
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)

from tests.conftest import fresh_database_url, make_test_app, upgrade
from tracker.extensions import db, migrate


@pytest.fixture
def alembic_app(workdir, request):
    """An app on an empty database of the suite's kind, its context pushed for env.py."""
    name = "alembic_" + re.sub(r"\W", "_", request.node.name)
    app = make_test_app(fresh_database_url(workdir, name))
    with app.app_context():
        yield app
        db.engine.dispose()


@pytest.fixture
def alembic_engine(alembic_app):
    """migrations/env.py migrates current_app's engine; pytest-alembic inspects the same one."""
    return db.engine


@pytest.fixture
def alembic_config(alembic_app):
    """Flask-Migrate's own Alembic config (migrations/, its alembic.ini), as `flask db` uses."""
    return migrate.get_config()


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


def test_calendar_secrets_already_handed_out_keep_working_once_hashed(alembic_runner,
                                                                      alembic_engine):
    """The migration that hashes calendar secrets keeps the addresses people subscribed to."""
    from tracker.services.calendar_feed import hash_secret

    alembic_runner.migrate_up_to("a7c3e91d2b55")
    with alembic_engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO user_account (email, name, title, organisation, password_hash, "
            "is_admin, is_enabled, session_token, calendar_token, is_demo, created_at) VALUES "
            "('k@example.se', 'K', '', 'kommunen', 'x', false, true, 's', 'hemlig-adress', "
            "false, CURRENT_TIMESTAMP)"))
    alembic_runner.migrate_up_to("e5a1c7d93f20")
    with alembic_engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT calendar_token FROM user_account")).scalar_one()
    assert stored == hash_secret("hemlig-adress")
