"""A forgotten password: a link by e-mail (a real SMTP server on loopback), one answer for every
address, a link that works once and for an hour, every session ended, the second factor kept."""
from __future__ import annotations

import asyncio
import re
import threading
import time
from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD, login
from tests.test_reminders import SmtpInbox
from tracker.extensions import db
from tracker.models import AuditEvent, Invitation, Role, User
from tracker.models.base import utcnow
from tracker.services import DomainError, password_reset, user_admin

NEW_PASSWORD = "en-helt-ny-lång-lösenordsfras"
RESET_LINK = re.compile(r"https://lofteskollen\.example\.se/login/nytt-losenord/[A-Za-z0-9_-]+")
INVITE_LINK = re.compile(r"https://lofteskollen\.example\.se/inbjudan/[A-Za-z0-9_-]+")
SENT = "Om det finns ett konto för adressen har vi skickat"


@pytest.fixture
def mail_on(app, inbox, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_ENABLED", True)
    return inbox


def _ask(client, email: str):
    response = client.post("/login/glomt-losenord", data={"email": email})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    return client.get("/login").get_data(as_text=True)


def _mails(inbox, address: str, count: int):
    """The mails to `address` once `count` have come (they are sent from a thread)."""
    for _ in range(100):
        if len(inbox.to(address)) >= count:
            break
        time.sleep(0.05)
    return inbox.to(address)


class _HeldInbox(SmtpInbox):
    """A real SMTP server that holds each message until the test lets it through."""

    def __init__(self):
        super().__init__()
        self.let_through = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        await asyncio.to_thread(self.let_through.wait, 10)
        return await super().handle_DATA(server, session, envelope)


def _events(user: User, action: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.entity == "user_account", AuditEvent.entity_id == user.id,
        AuditEvent.action == action))


def _minutes_later(user: User) -> None:
    """As if the user's links were made a few minutes ago (one mail a minute per account)."""
    for link in db.session.scalars(sa.select(Invitation).where(Invitation.user_id == user.id)):
        link.created_at -= timedelta(minutes=2)
    db.session.flush()


def test_the_login_page_leads_to_a_mailed_link_that_sets_a_new_password(client, make_user,
                                                                          mail_on):
    user = make_user(email="Kim.Polis@Example.se")
    elsewhere = client.application.test_client()  # a session on another device
    assert login(elsewhere, user.email).status_code == 302
    login_page = client.get("/login").get_data(as_text=True)
    assert 'href="/login/glomt-losenord">Glömt lösenordet?</a>' in login_page
    assert "E-postadress" in client.get("/login/glomt-losenord").get_data(as_text=True)

    assert SENT in _ask(client, "  KIM.POLIS@example.se ")
    (mail,) = _mails(mail_on, "kim.polis@example.se", 1)
    assert mail.subject == "Nytt lösenord till Löfteskollen"
    assert "60 minuter" in mail.body and "bortse från det här meddelandet" in mail.body
    link = RESET_LINK.search(mail.body).group()
    token = link.rsplit("/", 1)[1]
    stored = db.session.scalar(sa.select(Invitation).where(Invitation.user_id == user.id))
    assert stored.purpose == "reset" and stored.token_hash == user_admin.token_hash(token)

    path = f"/login/nytt-losenord/{token}"
    opened = client.get(path)
    # The address carries the secret: kept by no cache, passed on to no other site.
    assert opened.headers["Cache-Control"] == "no-store"
    assert opened.headers["Referrer-Policy"] == "no-referrer"
    page = opened.get_data(as_text=True)
    assert "Välj ett nytt lösenord" in page and "kim.polis@example.se" in page
    short = client.post(path, data={"password": "kort", "confirm": "kort"})
    assert short.status_code == 200 and "minst 12 tecken" in short.get_data(as_text=True)
    differ = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert "Lösenorden är inte lika" in differ.get_data(as_text=True)
    done = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert "Ditt nya lösenord är sparat" in client.get("/login").get_data(as_text=True)

    # Not signed in by the link; every earlier session has ended; the old password is gone.
    assert client.get("/mina-uppgifter").status_code == 302
    assert elsewhere.get("/mina-uppgifter").status_code == 302
    assert login(client, user.email, PASSWORD).status_code == 200
    assert login(client, user.email, NEW_PASSWORD).status_code == 302
    assert client.get("/mina-uppgifter").status_code == 200
    # The link is used up.
    again = client.application.test_client().get(path)
    assert again.status_code == 404 and "Länken gäller inte" in again.get_data(as_text=True)
    assert _events(user, "password_reset_requested") == 1
    assert _events(user, "password_reset") == 1


def _enabled_and_disabled(make_user, enabled: str, disabled: str) -> tuple[User, User]:
    """Two accounts with a password: the first enabled, the second disabled."""
    accounts = make_user(email=enabled), make_user(email=disabled)
    accounts[1].is_enabled = False
    db.session.commit()
    return accounts


def test_every_address_gets_the_same_answer_and_only_an_account_gets_mail(client, make_user,
                                                                           mail_on):
    active, _off = _enabled_and_disabled(make_user, "aktiv@example.se", "avstangd@example.se")
    pages = {_ask(client.application.test_client(), address)
             for address in ("aktiv@example.se", "avstangd@example.se", "okand@example.se")}
    assert len(pages) == 1 and SENT in pages.pop()
    _mails(mail_on, "aktiv@example.se", 1)
    assert [m.recipients for m in mail_on.messages] == [["aktiv@example.se"]]
    assert login(client, active.email).status_code == 302  # asking changes nothing by itself

    refused = client.application.test_client().post("/login/glomt-losenord", data={"email": ""})
    assert refused.status_code == 200 and "Ange din e-postadress" in refused.get_data(as_text=True)

def _invited(town, email: str, name: str) -> user_admin.InviteResult:
    """Someone invited a few minutes ago who has not chosen a password; no mail yet."""
    result = user_admin.invite(town["admin"], user_admin.InviteInput(
        email=email, name=name, municipality_id=town["m"].id, role=Role.VIEWER))
    _minutes_later(result.user)
    db.session.commit()
    return result


def test_someone_still_invited_gets_a_new_invitation(client, town, mail_on):
    result = _invited(town, "ny@example.se", "Ny Person")
    mail_on.messages.clear()
    assert SENT in _ask(client, "ny@example.se")
    (mail,) = _mails(mail_on, "ny@example.se", 1)
    assert mail.subject == "Inbjudan till Löfteskollen"
    token = INVITE_LINK.search(mail.body).group().rsplit("/", 1)[1]
    assert token != result.token
    assert client.get(f"/inbjudan/{result.token}").status_code == 404  # the old one is replaced
    assert client.get(f"/inbjudan/{token}").status_code == 200
    assert client.get(f"/login/nytt-losenord/{token}").status_code == 404  # not a reset link

def test_a_used_an_expired_a_replaced_and_an_unknown_link_get_the_same_answer(client, make_user,
                                                                               mail_on):
    user = make_user(email="glomsk@example.se")
    used = password_reset.request_link(user.email).token
    password_reset.reset(password_reset.link_for(used), NEW_PASSWORD)
    _minutes_later(user)
    expired = password_reset.request_link(user.email).token
    link = db.session.scalar(sa.select(Invitation).where(
        Invitation.token_hash == user_admin.token_hash(expired)))
    link.expires_at -= timedelta(minutes=password_reset.RESET_MINUTES, seconds=1)
    _minutes_later(user)
    replaced = password_reset.request_link(user.email).token
    _minutes_later(user)
    password_reset.request_link(user.email)
    db.session.commit()
    answers = set()
    for token in (used, expired, replaced, "x" * 43, "kort"):
        for method in ("get", "post"):
            response = getattr(client, method)(f"/login/nytt-losenord/{token}", data={
                "password": "ett-helt-annat-lösenord", "confirm": "ett-helt-annat-lösenord"})
            answers.add((response.status_code,
                         response.get_data(as_text=True).replace(token, "TOKEN")))
    assert len(answers) == 1
    status, page = answers.pop()
    assert status == 404 and "Be om en ny länk på inloggningssidan" in page
    assert login(client, user.email, NEW_PASSWORD).status_code == 302  # unchanged

def test_a_reset_keeps_the_second_factor(client, make_user, mail_on):
    user = make_user(email="tva@example.se")
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled_at = utcnow()
    db.session.commit()
    token = password_reset.request_link(user.email).token
    db.session.commit()
    client.post(f"/login/nytt-losenord/{token}",
                data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    response = login(client, user.email, NEW_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/login/kod"
    assert client.get("/mina-uppgifter").status_code == 302  # not in before the code

def test_with_mail_off_the_page_says_to_ask_an_admin_and_sends_nothing(app, client, make_user,
                                                                       inbox, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_ENABLED", False)
    make_user(email="utan-post@example.se")
    page = client.get("/login/glomt-losenord").get_data(as_text=True)
    assert "Be en administratör om hjälp" in page and 'type="email"' not in page
    response = client.post("/login/glomt-losenord", data={"email": "utan-post@example.se"})
    assert response.status_code == 200 and inbox.messages == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0

def test_asking_again_and_again_sends_one_mail_a_minute(client, make_user, mail_on):
    user = make_user(email="oversvamning@example.se")
    for _ in range(3):
        assert SENT in _ask(client, user.email)
    assert len(_mails(mail_on, user.email, 1)) == 1
    _minutes_later(user)
    assert SENT in _ask(client, user.email)
    first, second = _mails(mail_on, user.email, 2)
    assert RESET_LINK.search(first.body).group() != RESET_LINK.search(second.body).group()
    old = RESET_LINK.search(first.body).group().rsplit("/", 1)[1]
    assert client.get(f"/login/nytt-losenord/{old}").status_code == 404  # replaced

def test_the_answer_does_not_wait_for_the_mail_server(app, client, make_user, monkeypatch):
    """Waiting for the SMTP server would tell by the time which addresses have accounts."""
    user = make_user(email="senare@example.se")
    with _HeldInbox() as held:
        monkeypatch.setitem(app.config, "SMTP_PORT", held.port)
        monkeypatch.setitem(app.config, "MAIL_ENABLED", True)
        assert SENT in _ask(client, user.email)  # answered while the server holds the mail
        assert held.messages == []
        held.let_through.set()
        assert [m.recipients for m in _mails(held, user.email, 1)] == [["senare@example.se"]]


# ---- an admin sends the link from the user's security page

BUTTON = "Skicka länk för nytt lösenord"


def _send(admin_client, user: User) -> str:
    """Press the button on the user's security page; the page it leads back to."""
    page = f"/admin/sakerhet/{user.id}"
    response = admin_client.post(f"{page}/losenordslank")
    assert response.status_code == 302 and response.headers["Location"] == page
    return admin_client.get(page).get_data(as_text=True)


def _admin_client(client, admin: User):
    assert login(client, admin.email).status_code == 302
    return client


def _links_of(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Invitation).where(
        Invitation.user_id == user.id))


def test_an_admin_sends_a_link_that_sets_a_new_password(client, town, mail_on):
    user, admin = town["viewer"], town["admin"]
    earlier = password_reset.request_link(user.email).token  # the user's own, from the form
    _minutes_later(user)
    db.session.commit()
    mail_on.messages.clear()
    admin_client = _admin_client(client, admin)
    assert BUTTON in admin_client.get(f"/admin/sakerhet/{user.id}").get_data(as_text=True)

    page = _send(admin_client, user)
    assert (f"En länk för nytt lösenord är skickad till {user.name} på {user.email}."
            in page)
    (mail,) = _mails(mail_on, user.email, 1)
    assert mail.subject == "Nytt lösenord till Löfteskollen"
    assert "En administratör har skickat dig en länk" in mail.body
    # Not the wording for a request the user may not have made: the admin sent it.
    assert "Vill du behålla ditt nuvarande lösenord" in mail.body
    assert "förhoppningsvis du" not in mail.body and "Har du inte bett" not in mail.body
    token = RESET_LINK.search(mail.body).group().rsplit("/", 1)[1]
    # The admin never sees the link: it is only in the user's mail.
    assert token not in page

    visitor = client.application.test_client()
    assert visitor.get(f"/login/nytt-losenord/{earlier}").status_code == 404  # replaced
    done = visitor.post(f"/login/nytt-losenord/{token}",
                        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert login(visitor, user.email, PASSWORD).status_code == 200
    assert login(visitor, user.email, NEW_PASSWORD).status_code == 302

    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "password_reset_sent"))
    assert (event.entity, event.entity_id, event.actor_id, event.changes) == (
        "user_account", user.id, admin.id, {"by": "admin"})
    link = db.session.scalar(sa.select(Invitation).where(
        Invitation.token_hash == user_admin.token_hash(token)))
    assert link.created_by_id == admin.id and link.used_at is not None


def test_a_second_press_within_the_minute_gets_a_message_and_no_second_mail(client, town,
                                                                             mail_on):
    user = town["viewer"]
    admin_client = _admin_client(client, town["admin"])
    _send(admin_client, user)
    _mails(mail_on, user.email, 1)
    again = _send(admin_client, user)
    assert f"En länk skickades till {user.email} för mindre än en minut sedan" in again
    assert _links_of(user) == 1  # no new link: nothing to mail
    _minutes_later(user)
    db.session.commit()
    _send(admin_client, user)
    assert len(_mails(mail_on, user.email, 2)) == 2
    time.sleep(0.3)  # a mail from the refused press would have come by now
    assert len(mail_on.to(user.email)) == 2


def test_an_invited_user_gets_a_new_invitation_from_the_admin(client, town, mail_on):
    result = _invited(town, "inbjuden@example.se", "Inbjuden Person")
    page = _send(_admin_client(client, town["admin"]), result.user)
    assert ("Inbjuden Person har inte valt något lösenord än och har fått en ny inbjudan till "
            "inbjuden@example.se.") in page
    (mail,) = _mails(mail_on, "inbjuden@example.se", 1)
    assert mail.subject == "Inbjudan till Löfteskollen"
    assert f"{town['admin'].name} har bjudit in dig till Löfteskollen" in mail.body
    token = INVITE_LINK.search(mail.body).group().rsplit("/", 1)[1]
    visitor = client.application.test_client()
    assert visitor.get(f"/inbjudan/{result.token}").status_code == 404  # the old one is replaced
    assert visitor.get(f"/inbjudan/{token}").status_code == 200
    assert _events(result.user, "invitation_resent") == 1
    assert _events(result.user, "password_reset_sent") == 0


def test_a_disabled_account_is_refused_and_gets_no_mail(client, town, mail_on):
    user = town["viewer"]
    user.is_enabled = False
    db.session.commit()
    page = _send(_admin_client(client, town["admin"]), user)
    assert (f"Kontot för {user.name} är avaktiverat, så ingen länk skickas. Aktivera kontot "
            "först.") in page
    assert _links_of(user) == 0 and _events(user, "password_reset_sent") == 0
    time.sleep(0.3)
    assert mail_on.messages == []


def test_only_an_admin_may_send_a_link(client, town, mail_on):
    user = town["viewer"]
    with pytest.raises(DomainError, match="Bara en administratör"):
        password_reset.send_link(town["coordinator"], user)
    assert login(client, town["coordinator"].email).status_code == 302
    assert client.post(f"/admin/sakerhet/{user.id}/losenordslank").status_code == 403
    assert _links_of(user) == 0


def test_with_mail_off_the_button_is_missing_and_a_press_writes_nothing(app, client, town,
                                                                        inbox, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_ENABLED", False)
    user = town["viewer"]
    admin_client = _admin_client(client, town["admin"])
    before = admin_client.get(f"/admin/sakerhet/{user.id}").get_data(as_text=True)
    assert BUTTON not in before and "losenordslank" not in before
    assert "E-post är avstängd i tjänsten" in before
    events = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    page = _send(admin_client, user)
    assert "E-post är avstängd i tjänsten, så ingen länk kan skickas." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == events
    assert _links_of(user) == 0 and inbox.messages == []


# ---- a request that sends nothing still leaves a trace, never the typed address

def _not_sent() -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "password_reset_not_sent").order_by(AuditEvent.id)))


def test_a_request_that_sends_nothing_leaves_one_event_without_the_address(client, make_user,
                                                                           mail_on):
    quiet, off = _enabled_and_disabled(make_user, "tyst@example.se", "av@example.se")
    first = _ask(client.application.test_client(), quiet.email)  # sent: no such event
    assert _not_sent() == []
    cases = (("Okänd.Person@Example.se", None, "unknown"), ("AV@example.se", off.id, "disabled"),
             ("tyst@example.se", quiet.id, "quiet"))
    for typed, account, reason in cases:
        newest = db.session.scalar(sa.select(sa.func.max(AuditEvent.id)))
        assert _ask(client.application.test_client(), typed) == first  # the same answer
        db.session.rollback()  # what a request's end does with work the view left uncommitted
        (event,) = [e for e in _not_sent() if e.id > newest]
        assert (event.entity, event.entity_id, event.changes) == (
            "user_account", account, {"reason": reason})
        written = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.id > newest))
        for row in written:
            text = f"{row.actor_label} {row.entity} {row.changes}".lower()
            assert typed.lower() not in text and "okänd" not in text
    assert len(_not_sent()) == 3
    assert [m.recipients for m in _mails(mail_on, quiet.email, 1)] == [["tyst@example.se"]]
