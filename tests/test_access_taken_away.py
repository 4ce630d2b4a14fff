"""Access that can be taken away: a disabled user's cookie, API token and calendar address all
stop at once; a removed membership ends that municipality for all three; sessions are rows on
the server, listed on the account page and ended one by one."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from tests.conftest import login
from tests.factories import make_activity, make_commitment, make_promise, make_type
from tracker.extensions import db
from tracker.models import ApiScope, AuditEvent, Membership, UserSession
from tracker.services import api_tokens, calendar_feed

CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/131.0 Safari/537.36")
PHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 "
         "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1")


def _browser(app, user_agent: str):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    return client


def _credentials(app, client, user, municipality):
    """A signed-in browser, an API token and the two calendar addresses of `user`."""
    login(client, user.email)
    secret = api_tokens.create_token(user, "Integration", ApiScope.READ, 30).secret
    feed = calendar_feed.new_calendar_token(user)
    db.session.flush()
    return {
        "cookie": lambda: client.get(f"/kommuner/{municipality.id}").status_code,
        "token": lambda: app.test_client().get(
            f"/api/v1/municipalities/{municipality.id}",
            headers={"Authorization": f"Bearer {secret}"}).status_code,
        "my_feed": lambda: app.test_client().get(
            f"/kalender/{feed}/mina-aktiviteter.ics").status_code,
        "town_feed": lambda: app.test_client().get(
            f"/kalender/{feed}/kommuner/{municipality.id}.ics").status_code,
    }


def test_a_disabled_user_is_refused_everywhere_at_once(app, client, town, session):
    user = town["coordinator"]
    check = _credentials(app, client, user, town["m"])
    assert {k: f() for k, f in check.items()} == {
        "cookie": 200, "token": 200, "my_feed": 200, "town_feed": 200}
    user.is_enabled = False  # what deactivation does, whoever does it
    session.flush()
    assert check["cookie"]() == 302
    assert check["token"]() == 401
    assert check["my_feed"]() == 404 and check["town_feed"]() == 404


def test_a_removed_membership_ends_that_municipality_for_cookie_token_and_calendar(
        app, client, town, session):
    user = town["officer"]
    kind = make_type()
    commitment = make_commitment(make_promise(town["m"], year=date.today().year))
    make_activity(commitment, kind, owner=user, title="Skolpatrull",
                  due=date(date.today().year, 12, 1))
    check = _credentials(app, client, user, town["m"])
    assert check["cookie"]() == 200 and check["token"]() == 200 and check["town_feed"]() == 200
    session.execute(sa.delete(Membership).where(Membership.user_id == user.id))
    session.commit()  # a savepoint: the refusal below rolls back what was not committed
    assert check["cookie"]() == 403
    assert check["token"]() == 404  # the API does not tell a non-member the municipality exists
    assert check["town_feed"]() == 404
    assert check["my_feed"]() == 200  # still a valid address, but without the old municipality
    feed = app.test_client().get(f"/kalender/{calendar_feed.new_calendar_token(user)}"
                                 "/mina-aktiviteter.ics").get_data(as_text=True)
    assert "Skolpatrull" not in feed


def test_logout_ends_this_session_only_and_the_account_page_lists_the_others(
        app, make_user, session):
    user = make_user()
    desktop = _browser(app, CHROME)
    phone = _browser(app, PHONE)
    login(desktop, user.email)
    login(phone, user.email)
    page = desktop.get("/konto").get_data(as_text=True)
    assert "Chrome på Windows" in page and "Safari på iPhone" in page
    rows = session.scalars(sa.select(UserSession).where(UserSession.user_id == user.id)).all()
    assert len(rows) == 2 and all(len(r.secret_hash) == 64 for r in rows)
    desktop.post("/logout")
    assert desktop.get("/").status_code == 302
    assert phone.get("/").status_code == 200  # the phone stays signed in
    assert "Chrome på Windows" not in phone.get("/konto").get_data(as_text=True)


def test_one_session_is_ended_from_another_device(app, make_user, session):
    user = make_user()
    desktop = _browser(app, CHROME)
    phone = _browser(app, PHONE)
    login(desktop, user.email)
    login(phone, user.email)
    phone_row = session.scalars(sa.select(UserSession).where(
        UserSession.user_id == user.id, UserSession.user_agent == PHONE)).one()
    page = desktop.get("/konto").get_data(as_text=True)
    assert f"/konto/inloggningar/{phone_row.id}/avsluta" in page
    assert desktop.post(f"/konto/inloggningar/{phone_row.id}/avsluta").status_code == 302
    assert phone.get("/").status_code == 302
    assert desktop.get("/").status_code == 200
    assert session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.entity == "user_session", AuditEvent.entity_id == phone_row.id)).all() == [
        "session_ended"]


def test_nobody_ends_someone_elses_session(app, make_user, session):
    owner, other = make_user(), make_user()
    mine = app.test_client()
    login(mine, owner.email)
    row = session.scalars(sa.select(UserSession).where(UserSession.user_id == owner.id)).one()
    intruder = app.test_client()
    login(intruder, other.email)
    intruder.post(f"/konto/inloggningar/{row.id}/avsluta")
    assert mine.get("/").status_code == 200


def test_a_cookie_without_its_session_row_is_refused(app, make_user, session):
    user = make_user()
    client = app.test_client()
    login(client, user.email)
    with client.session_transaction() as flask_session:
        flask_session["sid"] = "a-secret-nobody-was-given"
    assert client.get("/").status_code == 302


def test_log_out_everywhere_ends_every_row(app, make_user, session):
    user = make_user()
    one, two = app.test_client(), app.test_client()
    login(one, user.email)
    login(two, user.email)
    one.post("/profile/logga-ut-overallt")
    assert two.get("/").status_code == 302
    assert session.scalar(sa.select(sa.func.count()).select_from(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None))) == 0


def test_an_admin_lists_and_revokes_another_users_tokens(app, client, town, session):
    user = town["officer"]
    first = api_tokens.create_token(user, "Rapportverktyg", ApiScope.READ, 30)
    second = api_tokens.create_token(user, "Skript", ApiScope.READ_WRITE, 30)
    session.flush()
    login(client, town["admin"].email)
    found = client.get("/admin/sakerhet", query_string={"q": user.email}).get_data(as_text=True)
    assert f"/admin/sakerhet/{user.id}" in found
    page = client.get(f"/admin/sakerhet/{user.id}").get_data(as_text=True)
    assert "Rapportverktyg" in page and "Skript" in page and first.token.prefix in page
    client.post(f"/admin/sakerhet/{user.id}/api-nycklar/{first.token.id}/aterkalla")
    headers = {"Authorization": f"Bearer {first.secret}"}
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401
    assert app.test_client().get("/api/v1/me", headers={
        "Authorization": f"Bearer {second.secret}"}).status_code == 200
    client.post(f"/admin/sakerhet/{user.id}/api-nycklar/aterkalla-alla")
    assert app.test_client().get("/api/v1/me", headers={
        "Authorization": f"Bearer {second.secret}"}).status_code == 401
    revoked = session.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity == "api_token", AuditEvent.action == "update")).all()
    assert {e.entity_id for e in revoked} == {first.token.id, second.token.id}
    assert all(e.actor_id == town["admin"].id for e in revoked)
