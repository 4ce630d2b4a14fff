"""Per-address limits (Flask-Limiter): login guessing is slowed down, with a Swedish page."""
from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, fresh_database_url, make_test_app, upgrade
from tracker.extensions import db, limiter
from tracker.ratelimit import post_limit
from tracker.services import accounts

WRONG = "fel-lösenord-helt-och-hållet"


@pytest.fixture(scope="module")
def strict_app(workdir):
    """An app of its own whose login allows three POSTs a minute per address."""
    app = make_test_app(fresh_database_url(workdir, "ratelimit"), LOGIN_RATE_LIMIT="3 per minute")
    upgrade(app)
    with app.app_context():
        accounts.create_user("gissad@example.se", "Gissad", PASSWORD)
        db.session.commit()
        db.session.remove()
    return app


@pytest.fixture
def fresh_counts(strict_app):
    limiter.reset()  # every test starts with no attempts counted (memory storage)
    yield strict_app
    limiter.reset()


def _post_login(client, password=WRONG, address="127.0.0.1"):
    return client.post("/login", data={"email": "gissad@example.se", "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_fourth_login_post_in_a_minute_gets_a_swedish_429_page(fresh_counts):
    client = fresh_counts.test_client()
    for _ in range(3):
        response = _post_login(client)
        assert response.status_code == 200 and "Inloggningen misslyckades" in response.text
    refused = _post_login(client, PASSWORD)  # even the right password waits
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "För många försök" in page and "Vänta en stund och försök igen." in page
    assert 'lang="sv"' in page and "Hoppa till innehållet" in page  # the base layout
    assert int(refused.headers["Retry-After"]) > 0
    assert client.get("/").status_code == 302  # not logged in
    assert client.get("/login").status_code == 200  # reading the form is not limited


def test_logins_that_succeed_are_not_counted_so_one_office_can_log_in(fresh_counts):
    """An office behind one address logs in at eight: right passwords are not guesses. The
    wrong ones still are, and the limit still stops them."""
    client = fresh_counts.test_client()
    for _ in range(5):
        assert _post_login(client, PASSWORD).status_code == 302
        client.post("/logout")
    for _ in range(3):
        assert _post_login(client).status_code == 200
    assert _post_login(client).status_code == 429


def test_a_refusal_by_the_limit_is_in_the_audit_trail(fresh_counts):
    """ASVS 5.0 16.3.3: reaching the limit is an attempt to get past a control; it is recorded
    with the path and the address."""
    import sqlalchemy as sa

    from tracker.models import AuditEvent

    def limited() -> list:
        with fresh_counts.app_context():
            return db.session.execute(sa.select(AuditEvent.changes, AuditEvent.remote_addr)
                                      .where(AuditEvent.action == "rate_limited")).all()

    before = len(limited())
    client = fresh_counts.test_client()
    for _ in range(3):
        _post_login(client, address="10.3.3.3")
    assert len(limited()) == before
    assert _post_login(client, address="10.3.3.3").status_code == 429
    events = limited()
    assert len(events) == before + 1
    changes, address = events[-1]
    assert changes["path"] == "/login" and changes["method"] == "POST" and address == "10.3.3.3"


def test_the_limit_counts_per_address(fresh_counts):
    client = fresh_counts.test_client()
    for _ in range(4):
        _post_login(client, address="10.1.1.1")
    assert _post_login(client, address="10.1.1.1").status_code == 429
    assert _post_login(client, PASSWORD, address="10.2.2.2").status_code == 302


def test_post_limit_serves_other_forms_such_as_the_public_tip_form(workdir):
    """The tip form's production default: five tips a minute per address."""
    from config import Config

    app = make_test_app(fresh_database_url(workdir, "ratelimit_tips"),
                        TIP_RATE_LIMIT=Config.TIP_RATE_LIMIT)

    @post_limit("TIP_RATE_LIMIT")
    def send_tip():
        return "Tack för tipset!"

    app.add_url_rule("/prov-tips", view_func=send_tip, methods=["GET", "POST"])
    limiter.reset()
    client = app.test_client()
    assert [client.post("/prov-tips").status_code for _ in range(6)] == [200] * 5 + [429]
    assert client.get("/prov-tips").status_code == 200
    limiter.reset()
