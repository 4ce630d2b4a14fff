"""EXPLAIN ANALYZE of the slowest statements of each benchmarked page and of one compile.

`flask bench explain` prints the plans that bench/README.md records (PostgreSQL only)."""
from __future__ import annotations

import time
from datetime import date

import sqlalchemy as sa
from flask import Flask

from bench.pages import PAGES, Targets, first_sending, log_form_data
from tracker.extensions import db


class _Capture:
    """Statements with their parameters and wall time, while the block runs."""

    def __init__(self, engine):
        self.engine, self.statements = engine, []

    def _before(self, conn, cursor, statement, params, context, executemany):
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn, cursor, statement, params, context, executemany):
        elapsed = time.perf_counter() - conn.info.pop("bench_started", time.perf_counter())
        self.statements.append((elapsed, statement, params))

    def __enter__(self):
        self.statements.clear()
        sa.event.listen(self.engine, "before_cursor_execute", self._before)
        sa.event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._before)
        sa.event.remove(self.engine, "after_cursor_execute", self._after)


def _explain(connection, statement: str, params) -> list[str]:
    return [row[0] for row in connection.exec_driver_sql(
        "EXPLAIN (ANALYZE, BUFFERS) " + statement, params)]


def page_plans(app: Flask, targets: Targets, today: date, top: int) -> list[tuple[str, list]]:
    """(page, [(ms, statement, plan lines)]) for the `top` slowest SELECTs of each page."""
    client = app.test_client()
    client.post("/login", data={"email": targets.email, "password": targets.password})
    with app.app_context():
        engine = db.engine
        form = log_form_data(targets, today)
    capture = _Capture(engine)
    found = []
    for name, method, template in PAGES:
        path = targets.path(template)
        for _ in range(2):  # the second request is the one kept (warm caches)
            with capture:
                client.post(path, data=first_sending(form)) if method == "POST" else client.get(path)
        found.append((f"{name}: {method} {path}", _slowest(engine, capture.statements, top)))
    return found


def compile_plans(app: Flask, targets: Targets, top: int) -> list:
    """The first compile of the published year (its row removed inside a rolled-back
    transaction, as `flask bench compile-one` does)."""
    from tracker.followups.compiler import compile_followup
    from tracker.models import FollowUp, FollowUpVersion

    with app.app_context():
        promise_id = db.session.get(FollowUp, targets.followup_id).promise_id
        db.session.execute(sa.delete(FollowUpVersion).where(
            FollowUpVersion.follow_up_id == targets.followup_id))
        db.session.execute(sa.delete(FollowUp).where(FollowUp.id == targets.followup_id))
        capture = _Capture(db.engine)
        with capture:
            compile_followup(promise_id, targets.year, today=date(targets.year, 12, 1))
        statements = list(capture.statements)
        db.session.rollback()
        return _slowest(db.engine, statements, top)


def _slowest(engine, statements, top: int) -> list:
    selects = [s for s in statements if s[1].lstrip().upper().startswith("SELECT")]
    result = []
    with engine.connect() as connection:
        for elapsed, statement, params in sorted(selects, key=lambda s: -s[0])[:top]:
            result.append((elapsed * 1000, " ".join(statement.split()),
                           _explain(connection, statement, params)))
    return result
