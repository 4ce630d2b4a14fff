"""A request that only read ends with COMMIT; one that wrote or failed ends with ROLLBACK.

The suite's `client` fixture shares one app context across requests, so the teardown never
runs there: these tests use their own committed database and let each request push and pop
its own app context, as in production.
"""
from __future__ import annotations

from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD, fresh_database_url, login, make_test_app, upgrade
from tests.factories import make_commitment, make_promise
from tracker.database import end_read_only_transaction
from tracker.extensions import db
from tracker.models import Membership, Municipality, PoliceArea, Promise, Role
from tracker.services import accounts

EMAIL = "samordnare@lasning.example.se"


def _seeded_app(url: str):
    """A migrated app with one coordinator of one municipality that has one promise, plus
    throwaway routes that write without committing (registered before the first request)."""
    app = make_test_app(url)
    upgrade(app)
    with app.app_context():
        area = PoliceArea(name="Läsområdet")
        db.session.add(area)
        db.session.flush()
        town = Municipality(name="Läsby", slug="lasby", police_area_id=area.id)
        db.session.add(town)
        db.session.flush()
        make_commitment(make_promise(town))
        user = accounts.create_user(EMAIL, "Läs Samordnare", PASSWORD)
        db.session.add(Membership(user_id=user.id, municipality_id=town.id, role=Role.COORDINATOR))
        db.session.commit()
        app.config["TEST_TOWN_ID"] = town.id

    @app.route("/_test/flush-then-fail")
    def flush_then_fail():
        db.session.add(PoliceArea(name="Flushat och misslyckat"))
        db.session.flush()
        raise RuntimeError("fails after the flush")

    @app.route("/_test/flushed-insert")
    def flushed_insert():
        db.session.add(PoliceArea(name="Flushat utan commit"))
        db.session.flush()
        return "ok"

    @app.route("/_test/unflushed-insert")
    def unflushed_insert():
        db.session.add(PoliceArea(name="Aldrig flushat"))
        return "ok"

    @app.route("/_test/executed-update")
    def executed_update():
        db.session.execute(sa.update(PoliceArea).where(PoliceArea.name == "Läsområdet")
                           .values(name="Ändrad utan commit"))
        return "ok"

    return app


@pytest.fixture(scope="module")
def own_app(workdir):
    return _seeded_app(fresh_database_url(workdir, "read_only_commit"))


@pytest.fixture
def logged_in(own_app):
    client = own_app.test_client()
    assert login(client, EMAIL).status_code == 302
    return client


@contextmanager
def transaction_ends(app):
    """The engine's COMMITs and ROLLBACKs inside the block, in order."""
    ends: list[str] = []
    with app.app_context():
        engine = db.engine
    listeners = {name: (lambda _conn, name=name: ends.append(name))
                 for name in ("commit", "rollback")}
    for name, listener in listeners.items():
        sa.event.listen(engine, name, listener)
    try:
        yield ends
    finally:
        for name, listener in listeners.items():
            sa.event.remove(engine, name, listener)


def _area_names(app) -> set[str]:
    with app.app_context():
        names = set(db.session.scalars(sa.select(PoliceArea.name)))
        db.session.remove()
        return names


def test_a_logged_in_get_of_an_ordinary_page_ends_with_commit(own_app, logged_in):
    town_id = own_app.config["TEST_TOWN_ID"]
    with transaction_ends(own_app) as ends:
        page = logged_in.get(f"/kommuner/{town_id}/loften")
    assert page.status_code == 200 and "Medborgarlöfte 2026" in page.get_data(as_text=True)
    assert ends == ["commit"]


def test_a_post_that_saves_commits_its_work_and_never_rolls_back(own_app, logged_in):
    town_id = own_app.config["TEST_TOWN_ID"]
    with transaction_ends(own_app) as ends:
        response = logged_in.post(f"/kommuner/{town_id}/loften/nytt", data={
            "title": "Sparat i en POST", "start_year": "2027", "end_year": "2027"})
    assert response.status_code == 302
    assert "commit" in ends and "rollback" not in ends
    with own_app.app_context():
        saved = db.session.scalar(sa.select(Promise).where(Promise.title == "Sparat i en POST"))
        assert saved is not None and saved.municipality_id == town_id
        db.session.delete(saved)
        db.session.commit()


def test_a_request_that_flushes_then_fails_rolls_back_and_writes_nothing(own_app, logged_in):
    with transaction_ends(own_app) as ends:
        response = logged_in.get("/_test/flush-then-fail")
    assert response.status_code == 500
    # The error handler rolls the write back; the error page may then read (and COMMIT that).
    assert ends[:1] == ["rollback"]
    assert "Flushat och misslyckat" not in _area_names(own_app)


@pytest.mark.parametrize("route, name", [
    ("/_test/flushed-insert", "Flushat utan commit"),
    ("/_test/unflushed-insert", "Aldrig flushat"),
    ("/_test/executed-update", "Ändrad utan commit"),
])
def test_a_request_that_wrote_without_committing_ends_with_rollback(own_app, logged_in,
                                                                    route, name):
    before = _area_names(own_app)
    with transaction_ends(own_app) as ends:
        response = logged_in.get(route)
    assert response.status_code == 200
    assert ends == ["rollback"]
    assert _area_names(own_app) == before and name not in before


def test_the_teardown_leaves_a_failed_request_to_the_rollback(own_app):
    """Flask passes the error to the teardown when nothing handled it: no COMMIT then."""
    with own_app.app_context():
        db.session.scalar(sa.select(PoliceArea.id).limit(1))
        with transaction_ends(own_app) as ends:
            end_read_only_transaction(db, RuntimeError("unhandled"))
            assert ends == [] and db.session().get_transaction() is not None
            end_read_only_transaction(db, None)
            assert ends == ["commit"] and db.session().get_transaction() is None


# --- PostgreSQL: the point of the COMMIT is that psycopg keeps its prepared statements -----

PREPARED = ("SELECT name, prepare_time, generic_plans + custom_plans "
            "FROM pg_prepared_statements ORDER BY name")


@pytest.mark.postgres
def test_read_only_requests_keep_psycopg_prepared_statements(workdir):
    app = _seeded_app(fresh_database_url(workdir, "read_only_prepared", postgres=True))
    with app.app_context():
        engine = db.engine
        engine.dispose()  # start from an empty pool: the requests below share one connection
    with engine.connect() as conn:
        threshold = conn.connection.dbapi_connection.prepare_threshold  # psycopg's default, 5
    used = set()
    sa.event.listen(engine.pool, "checkout", lambda dbapi, *_: used.add(id(dbapi)))
    client = app.test_client()
    assert login(client, EMAIL).status_code == 302
    page = f"/kommuner/{app.config['TEST_TOWN_ID']}/loften"

    def prepared():
        """The server's prepared statements on the requests' connection (ended with COMMIT,
        so that looking does not deallocate them)."""
        with engine.connect() as conn:
            assert used == {id(conn.connection.dbapi_connection)}
            rows = {name: (prepared_at, plans) for name, prepared_at, plans
                    in conn.exec_driver_sql(PREPARED)}
            conn.commit()
            return rows

    for _ in range(threshold + 1):
        assert client.get(page).status_code == 200
    first = prepared()
    # A ROLLBACK at the end of each request would have deallocated them all, every time.
    assert first, "no statement of the page survived its requests as a prepared statement"

    assert client.get(page).status_code == 200
    second = prepared()
    assert set(first) <= set(second)
    for name, (prepared_at, plans) in first.items():
        # Still the statement prepared before (not prepared again), executed again by the page.
        assert second[name][0] == prepared_at and second[name][1] > plans
