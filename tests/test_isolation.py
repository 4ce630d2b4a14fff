"""The suite's own isolation: a test's rolled-back session never reaches another app's request.

The browser tests' live server answers in threads of its own, and the browser may still send it
a request (a service worker's fetch) while a later, ordinary test holds its rolled-back
connection. That request must run on its own database and end its own session."""
from __future__ import annotations

import threading

import sqlalchemy as sa

from tests.conftest import fresh_database_url, make_test_app, rolled_back, upgrade
from tracker.extensions import db


def test_a_request_in_another_thread_keeps_its_own_session_across_a_tests_rollback(app, workdir):
    other = make_test_app(fresh_database_url(workdir, "isolation_other"))
    upgrade(other)
    with other.app_context():
        engine = db.engine
    begun, swapped = threading.Event(), threading.Event()
    used: list[str] = []
    failures: list[BaseException] = []

    def request() -> None:
        try:
            with other.app_context():
                db.session.execute(sa.select(1))  # the request began before the test did
                begun.set()
                swapped.wait(10)
                used.append(db.session.connection().engine.url.render_as_string())
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    thread = threading.Thread(target=request)
    thread.start()
    assert begun.wait(10)
    with rolled_back(app):  # an ordinary test starts while the request runs, and ends after it
        swapped.set()
        thread.join(10)
    assert failures == []
    assert used == [engine.url.render_as_string()]  # its own database, not the test's
    assert engine.pool.checkedout() == 0  # and its session was ended at its teardown
