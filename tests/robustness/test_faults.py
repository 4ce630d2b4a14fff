"""Database faults: a Swedish 503 while the database is unreachable, recovery without a restart."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import PASSWORD, fresh_database_url, login, make_test_app, upgrade
from tests.robustness.tcp_proxy import TcpProxy
from tracker.extensions import db
from tracker.models import Membership, Municipality, PoliceArea, Promise, Role
from tracker.services import accounts

pytestmark = pytest.mark.postgres
EMAIL = "samordnare@fel.example.se"


def _seed(app) -> int:
    with app.app_context():
        area = PoliceArea(name="Felområdet")
        db.session.add(area)
        db.session.flush()
        town = Municipality(name="Felby", slug="felby", police_area_id=area.id)
        db.session.add(town)
        db.session.flush()
        user = accounts.create_user(EMAIL, "Fel Samordnare", PASSWORD)
        db.session.add(Membership(user_id=user.id, municipality_id=town.id, role=Role.COORDINATOR))
        db.session.commit()
        return town.id


def _assert_unavailable(response) -> None:
    text = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Databasen svarar inte" in text and 'lang="sv"' in text
    assert "Traceback" not in text and "psycopg" not in text and "OperationalError" not in text


def _promises(app) -> int:
    with app.app_context():
        return db.session.query(Promise).count()


def test_unreachable_postgres_answers_503_and_recovers_by_itself(workdir):
    url = make_url(fresh_database_url(workdir, "faults", postgres=True))
    direct = make_test_app(url.render_as_string(hide_password=False))
    upgrade(direct)
    town_id = _seed(direct)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
    try:
        app = make_test_app(url.set(host="127.0.0.1", port=proxy.port)
                            .render_as_string(hide_password=False))
        client = app.test_client()
        assert login(client, EMAIL).status_code == 302
        assert client.get(f"/kommuner/{town_id}/loften").status_code == 200

        proxy.stop()  # the fault: the database host disappears from the network
        _assert_unavailable(client.get(f"/kommuner/{town_id}/loften"))
        _assert_unavailable(client.post(f"/kommuner/{town_id}/loften/nytt", data={
            "title": "Skrivet under avbrottet", "start_year": "2026", "end_year": "2026"}))
        _assert_unavailable(client.get("/"))

        proxy = TcpProxy(proxy.target[0], proxy.target[1], port=proxy.port).start()
        page = client.get(f"/kommuner/{town_id}/loften")  # same app, same session cookie
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and "Medborgarlöften i Felby" in text and "Logga ut" in text
        response = client.post(f"/kommuner/{town_id}/loften/nytt", data={
            "title": "Skrivet efteråt", "start_year": "2026", "end_year": "2026"})
        assert response.status_code == 302
        assert _promises(direct) == 1  # nothing from the outage, the later save is there
    finally:
        proxy.stop()


def test_locked_sqlite_answers_503_and_recovers_when_the_lock_is_released(workdir):
    """SQLite has no server to lose; its real fault is another process holding the write lock."""
    path = workdir / "locked.db"
    app = make_test_app(f"sqlite:///{path}", SQLITE_BUSY_TIMEOUT_MS=200)
    upgrade(app)
    town_id = _seed(app)
    client = app.test_client()
    assert login(client, EMAIL).status_code == 302
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # e.g. a backup or a migration in another process
    try:
        _assert_unavailable(client.post(f"/kommuner/{town_id}/loften/nytt", data={
            "title": "Skrivet under låset", "start_year": "2026", "end_year": "2026"}))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    response = client.post(f"/kommuner/{town_id}/loften/nytt", data={
        "title": "Skrivet efteråt", "start_year": "2026", "end_year": "2026"})
    assert response.status_code == 302
    assert _promises(app) == 1
