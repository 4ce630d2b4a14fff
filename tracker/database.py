"""Engine-level settings: SQLite pragmas and transaction handling."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session


@sa.event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_conn, _record) -> None:
    if not isinstance(dbapi_conn, sqlite3.Connection):
        return
    # Let SQLAlchemy emit BEGIN itself so SAVEPOINTs work (the documented pysqlite recipe).
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


@sa.event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN")


def prepare_sqlite_path(uri: str) -> None:
    """Create the directory of a file-backed SQLite database."""
    database = make_url(uri).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


# --- ending read-only requests with COMMIT ---------------------------------------------------
#
# psycopg forgets every prepared statement on ROLLBACK, and a request's session ends with one,
# so PostgreSQL planned each page's joined queries afresh on every request (up to ~10 ms per
# statement at national scale). A request that wrote nothing ends with COMMIT instead, which
# keeps the plans; anything that flushed, executed a write or failed still ends with ROLLBACK.

_WROTE = "tracker_wrote"


@sa.event.listens_for(Session, "after_flush")
def _flushed(session, _context) -> None:
    session.info[_WROTE] = True


@sa.event.listens_for(Session, "do_orm_execute")
def _executed(state) -> None:
    if not state.is_select:
        state.session.info[_WROTE] = True


@sa.event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)


def wrote(session) -> bool:
    """Whether the session's transaction has written (flushed or executed a write)."""
    return bool(session.info.get(_WROTE))


def execute_write(session, statement, parameters=None):
    """A Core INSERT/UPDATE on the session's connection, in its transaction, marked as a write.

    Cheaper than Session.execute, which prepares every statement for the ORM and runs its
    events: for the statements of the one-time key, sent on every form that creates something."""
    session.info[_WROTE] = True
    return session.connection().execute(statement, parameters)


def end_read_only_transaction(db, error: BaseException | None) -> None:
    """Teardown (before Flask-SQLAlchemy's): COMMIT the session's transaction if it only read."""
    if error is not None or not db.session.registry.has():
        return
    session = db.session()
    if (session.get_transaction() is None or wrote(session)
            or session.new or session.dirty or session.deleted):
        return
    try:
        session.commit()
    except sa.exc.SQLAlchemyError:
        session.rollback()
