"""Login, lockout, logout that really ends the session, session fixation."""
from datetime import timedelta

import sqlalchemy as sa

from tests.conftest import PASSWORD, login
from tracker.models import AuditEvent, LoginAttempt, User
from tracker.models.base import utcnow

REFUSED = "Inloggningen misslyckades"


def test_login_page_is_swedish(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="sv"' in page
    assert "Logga in" in page and "E-postadress" in page and "Lösenord" in page
    assert "Hoppa till innehållet" in page


def test_login_and_start_page(client, make_user):
    user = make_user()
    response = login(client, user.email)
    assert response.status_code == 302
    assert f"Hej {user.name}" in client.get("/").get_data(as_text=True)


def test_wrong_password_and_unknown_email_give_the_same_message(client, make_user):
    user = make_user()
    wrong = login(client, user.email, "fel-lösenord-helt-och-hållet").get_data(as_text=True)
    unknown = login(client, "finns.inte@example.se", "fel-lösenord-helt-och-hållet").get_data(
        as_text=True
    )
    assert REFUSED in wrong and REFUSED in unknown
    strip = lambda html: html.replace("finns.inte@example.se", "").replace(user.email, "")  # noqa: E731
    assert strip(wrong).split("csrf")[0] == strip(unknown).split("csrf")[0]
    assert client.get("/").status_code == 302  # still anonymous


def test_ten_failures_lock_the_account_even_for_the_right_password(client, make_user, session):
    user = make_user()
    for _ in range(10):
        login(client, user.email, "fel-lösenord-helt-och-hållet")
    locked = session.get(User, user.id)
    assert locked.locked_until is not None and locked.locked_until > utcnow()
    page = login(client, user.email, PASSWORD).get_data(as_text=True)
    assert REFUSED in page
    assert client.get("/").status_code == 302
    actions = session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.entity == "login", AuditEvent.entity_id == user.id)
    ).all()
    assert "lockout" in actions and "login_refused_locked" in actions


def test_nine_failures_do_not_lock(client, make_user, session):
    user = make_user()
    for _ in range(9):
        login(client, user.email, "fel-lösenord-helt-och-hållet")
    assert login(client, user.email).status_code == 302
    assert session.get(User, user.id).locked_until is None


def test_lock_expires_after_fifteen_minutes(client, make_user, session):
    user = make_user()
    for _ in range(10):
        login(client, user.email, "fel-lösenord-helt-och-hållet")
    # Move the clock: the lock and the failures are now older than 15 minutes.
    past = utcnow() - timedelta(minutes=16)
    session.execute(sa.update(User).where(User.id == user.id).values(locked_until=past))
    session.execute(sa.update(LoginAttempt).where(LoginAttempt.user_id == user.id).values(at=past))
    session.expire_all()
    assert login(client, user.email).status_code == 302
    assert "Hej" in client.get("/").get_data(as_text=True)


def test_failures_outside_the_window_do_not_count(client, make_user, session):
    user = make_user()
    for _ in range(9):
        login(client, user.email, "fel-lösenord-helt-och-hållet")
    session.execute(
        sa.update(LoginAttempt).where(LoginAttempt.user_id == user.id)
        .values(at=utcnow() - timedelta(minutes=20))
    )
    login(client, user.email, "fel-lösenord-helt-och-hållet")
    session.expire_all()
    assert session.get(User, user.id).locked_until is None


def test_copied_cookie_stops_working_after_logout(app, client, make_user):
    user = make_user()
    login(client, user.email)
    cookie = client.get_cookie("session").value
    assert client.get("/").status_code == 200
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    response = thief.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_password_change_ends_other_sessions(app, client, make_user):
    user = make_user()
    login(client, user.email)
    other = app.test_client()
    login(other, user.email)
    assert other.get("/").status_code == 200
    response = client.post("/profile/password", data={
        "current_password": PASSWORD, "password": "ett-helt-nytt-lösenord", "confirm": "ett-helt-nytt-lösenord",
    })
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this session continues
    assert other.get("/").status_code == 302  # the other one is over
    assert login(app.test_client(), user.email, "ett-helt-nytt-lösenord").status_code == 302


def test_short_new_password_is_refused_in_swedish(client, make_user):
    user = make_user()
    login(client, user.email)
    page = client.post("/profile/password", data={
        "current_password": PASSWORD, "password": "kort", "confirm": "kort",
    }).get_data(as_text=True)
    assert "minst 12 tecken" in page


def test_session_is_cleared_before_login(app, client, make_user):
    user = make_user()
    with client.session_transaction() as s:
        s["planted"] = "by an attacker"
    login(client, user.email)
    with client.session_transaction() as s:
        assert "planted" not in s


def test_login_does_not_redirect_to_another_host(client, make_user):
    user = make_user()
    response = client.post("/login?next=https://evil.example/", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_idle_session_times_out(app, client, make_user):
    user = make_user()
    login(client, user.email)
    with client.session_transaction() as s:
        s["seen_at"] -= 31 * 60
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
