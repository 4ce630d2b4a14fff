"""Reminders: what is due for whom, the Swedish digest, and mail through a real SMTP server."""
from __future__ import annotations

import email
import email.policy
import errno
import logging
import socket
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from tests.conftest import count_queries
from tracker.models import (
    Activity,
    ActivityStatus,
    ActivityType,
    Commitment,
    Municipality,
    Notification,
    Party,
    Promise,
    User,
)
from tracker.services import reminders
from tracker.services.mail import send_mail

TODAY = date(2026, 2, 10)


def free_port() -> int:
    """A loopback port free a moment ago (aiosmtpd's Controller cannot pick one itself)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def refused_port():
    """A loopback port that refuses every connection while the block runs: bound here and never
    listened on, so no other test process can start a server on it meanwhile."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@dataclass
class ReceivedMail:
    recipients: list[str]
    subject: str
    body: str


BIND_ATTEMPTS = 5


class SmtpInbox:
    """A real SMTP server on loopback that keeps every message it receives."""

    def __init__(self):
        self.messages: list[ReceivedMail] = []
        self.refused: set[str] = set()
        self.port = 0
        self.controller: Controller | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(
            ReceivedMail(list(envelope.rcpt_tos), str(message["Subject"]),
                         message.get_content().replace("\r\n", "\n"))
        )
        return "250 Message accepted"

    def to(self, address: str) -> list[ReceivedMail]:
        return [m for m in self.messages if address in m.recipients]

    def __enter__(self):
        for attempt in range(BIND_ATTEMPTS):
            self.port = free_port()
            self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
            try:
                self.controller.start()
            except OSError as error:
                # Another test process took the port between free_port() and the bind.
                if error.errno == errno.EADDRINUSE and attempt + 1 < BIND_ATTEMPTS:
                    continue
                raise
            return self

    def __exit__(self, *exc):
        assert self.controller is not None
        self.controller.stop()


@pytest.fixture
def inbox():
    with SmtpInbox() as server:
        yield server


class Plan:
    """A promise with one commitment in a municipality, to hang test activities on."""

    def __init__(self, session, municipality: Municipality):
        self.session = session
        self.municipality = municipality
        promise = Promise(municipality_id=municipality.id, title="Medborgarlöfte",
                          start_year=2026, end_year=2026)
        session.add(promise)
        session.flush()
        self.commitment = Commitment(promise_id=promise.id, party=Party.TILLSAMMANS,
                                     text="Vi lovar att synas.")
        self.type = ActivityType(key=f"vandring-{municipality.slug}", name_sv="Trygghetsvandring")
        session.add_all([self.commitment, self.type])
        session.flush()

    def activity(self, title: str, due: date | None, *, owner: User | None = None,
                 assignees: tuple[User, ...] = (), status=ActivityStatus.PLANNED) -> Activity:
        activity = Activity(
            commitment_id=self.commitment.id, municipality_id=self.municipality.id,
            type_id=self.type.id, title=title, due_date=due, status=status,
            owner_id=owner.id if owner else None,
            status_reason="Inställd" if status is ActivityStatus.CANCELLED else "",
        )
        activity.assignees = list(assignees)
        self.session.add(activity)
        self.session.flush()
        return activity


@pytest.fixture
def plan(session, make_municipality):
    return Plan(session, make_municipality("Skövde"))


def test_due_items_are_the_users_open_activities_overdue_first(plan, make_user):
    anna, bo = make_user(), make_user()
    plan.activity("Upcoming assigned", TODAY + timedelta(days=5), owner=bo, assignees=(anna,))
    plan.activity("Due today", TODAY, owner=anna)
    plan.activity("Overdue", TODAY - timedelta(days=3), owner=anna)
    plan.activity("At the horizon", TODAY + timedelta(days=14), owner=anna)
    plan.activity("Beyond the horizon", TODAY + timedelta(days=15), owner=anna)
    plan.activity("No due date", None, owner=anna)
    plan.activity("Done", TODAY - timedelta(days=1), owner=anna, status=ActivityStatus.DONE)
    plan.activity("Cancelled", TODAY, owner=anna, status=ActivityStatus.CANCELLED)
    plan.activity("Someone else's", TODAY - timedelta(days=1), owner=bo)

    titles = [a.title for a in reminders.due_items(anna.id, TODAY)]

    assert titles == ["Overdue", "Due today", "Upcoming assigned", "At the horizon"]
    assert [a.title for a in reminders.due_items(anna.id, TODAY, horizon_days=0)] == [
        "Overdue", "Due today"]


@pytest.mark.parametrize("count", [2, 20])
def test_due_items_and_what_the_digest_shows_take_one_statement(
        session, make_municipality, make_user, count):
    anna = make_user()
    plans = [Plan(session, make_municipality(f"Kommun{i}")) for i in range(3)]
    for i in range(count):
        plans[i % 3].activity(f"Aktivitet {i}", TODAY + timedelta(days=i % 10 - 5), owner=anna)
    session.expire_all()  # as in a fresh request: nothing loaded yet but the user
    session.refresh(anna)

    with count_queries() as statements:
        items = reminders.due_items(anna.id, TODAY)
        reminders.render_digest(anna, items, TODAY)

    assert len(items) == count
    assert len(statements) == 1


def test_digest_recipients_are_enabled_users_with_something_due(session, plan, make_user):
    owner, assignee, idle, finished, disabled = (make_user() for _ in range(5))
    plan.activity("Owned", TODAY - timedelta(days=1), owner=owner)
    plan.activity("Assigned", TODAY + timedelta(days=2), assignees=(assignee,))
    plan.activity("Far away", TODAY + timedelta(days=60), owner=idle)
    plan.activity("Finished", TODAY, owner=finished, status=ActivityStatus.DONE)
    plan.activity("Disabled's", TODAY, owner=disabled)
    disabled.is_enabled = False
    session.flush()

    with count_queries() as statements:
        recipients = reminders.digest_recipients(TODAY)

    assert recipients == [owner, assignee]
    assert len(statements) == 1


def test_the_digest_says_what_is_late_and_what_is_coming_in_swedish(plan, make_user):
    anna = make_user()
    for title, days in [("Trygghetsvandring i centrum", -3), ("Nattvandring", -1),
                        ("Möte med skolan", 0), ("Föräldramöte", 1), ("Klotterinventering", 7)]:
        plan.activity(title, TODAY + timedelta(days=days), owner=anna)

    subject, body = reminders.render_digest(anna, reminders.due_items(anna.id, TODAY), TODAY)

    assert subject == "Påminnelse: 2 försenade och 3 kommande aktiviteter"
    assert body.startswith(f"Hej {anna.name}!")
    late, coming = body.split("Kommande:")
    assert "Försenade:" in late
    assert "- Trygghetsvandring i centrum\n  Skövde · Trygghetsvandring · " \
           "skulle vara klar 7 februari 2026, 3 dagar försenad" in late
    assert "skulle vara klar 9 februari 2026, 1 dag försenad" in late
    assert "Klotterinventering" not in late
    assert "Möte med skolan\n  Skövde · Trygghetsvandring · ska vara klar i dag" in coming
    assert "ska vara klar i morgon, 11 februari 2026" in coming
    assert "ska vara klar 17 februari 2026, om 7 dagar" in coming


@pytest.mark.parametrize("overdue, upcoming, subject", [
    (1, 0, "Påminnelse: 1 försenad aktivitet"),
    (0, 1, "Påminnelse: 1 kommande aktivitet"),
    (0, 4, "Påminnelse: 4 kommande aktiviteter"),
    (3, 1, "Påminnelse: 3 försenade och 1 kommande aktivitet"),
    (1, 2, "Påminnelse: 1 försenad och 2 kommande aktiviteter"),
])
def test_digest_subject_counts_in_swedish(overdue, upcoming, subject):
    assert reminders.digest_subject(overdue, upcoming) == subject


def test_send_mail_delivers_utf8_swedish_text(app, inbox):
    config = {**app.config, "SMTP_PORT": inbox.port, "MAIL_FROM": "noreply@lofteskollen.se"}

    send_mail(config, ["a@example.se", "b@example.se"], "Läget i Åmål", "Hej Örjan!\nVälkommen.")

    assert len(inbox.messages) == 1
    received = inbox.messages[0]
    assert received.recipients == ["a@example.se", "b@example.se"]
    assert received.subject == "Läget i Åmål"
    assert received.body == "Hej Örjan!\nVälkommen.\n"


def test_send_mail_sends_nothing_when_mail_is_disabled(app, inbox):
    send_mail({**app.config, "SMTP_PORT": inbox.port, "MAIL_ENABLED": False},
              "a@example.se", "Ämne", "Text")
    assert inbox.messages == []


def test_assignment_notice_reaches_each_assigned_user(app, plan, make_user, inbox):
    anna, bo = make_user(), make_user()
    activity = plan.activity("Kvällspatrull vid stationen", date(2026, 3, 4))

    sent = reminders.send_assignment_notice({**app.config, "SMTP_PORT": inbox.port},
                                            activity, [anna, bo])

    assert sent == 2
    assert sorted(r for m in inbox.messages for r in m.recipients) == sorted([anna.email, bo.email])
    (to_anna,) = inbox.to(anna.email)
    assert to_anna.subject == "Du har tilldelats aktiviteten Kvällspatrull vid stationen"
    assert f"Hej {anna.name}!" in to_anna.body
    assert "”Kvällspatrull vid stationen” i Skövde" in to_anna.body
    assert "Den ska vara klar 4 mars 2026." in to_anna.body


def test_assignment_notice_only_warns_when_the_mail_server_is_down(app, plan, make_user, caplog):
    activity = plan.activity("Kvällspatrull", None)
    with refused_port() as port, caplog.at_level(logging.WARNING,
                                                  logger="tracker.services.reminders"):
        config = {**app.config, "SMTP_PORT": port}
        sent = reminders.send_assignment_notice(config, activity, [make_user()])

    assert sent == 0
    assert "kunde inte skickas" in caplog.text


def test_the_digest_links_each_activity_at_the_services_address(
        app, plan, make_user, inbox, monkeypatch, client):
    """TRACKER_BASE_URL (here with a path prefix), not any request's host: the digest is sent
    by a job, outside any request."""
    from flask import has_request_context

    from tests.conftest import login

    monkeypatch.setitem(app.config, "BASE_URL", "https://trygg.example.se/lofteskollen/")
    anna = make_user()
    late = plan.activity("Trygghetsvandring i parken", TODAY - timedelta(days=2), owner=anna)
    soon = plan.activity("Möte med fastighetsägarna", TODAY + timedelta(days=3), owner=anna)
    assert not has_request_context()

    assert reminders.send_digest({**app.config, "SMTP_PORT": inbox.port}, anna, TODAY)

    (mail,) = inbox.to(anna.email)
    lines = mail.body.splitlines()
    for activity in (late, soon):
        at = lines.index(f"- {activity.title}")
        assert lines[at + 2] == (
            f"  https://trygg.example.se/lofteskollen/aktiviteter/{activity.id}")
    assert "Alla dina påminnelser: https://trygg.example.se/lofteskollen/paminnelser" in mail.body
    # the same page a notification about the activity opens in the app
    from tracker.models import Membership, Role

    plan.session.add(Membership(user_id=anna.id, municipality_id=plan.municipality.id,
                                role=Role.OFFICER))
    plan.session.commit()
    login(client, anna.email)
    path = f"/aktiviteter/{late.id}"
    assert client.get(path).status_code == 200


def test_the_assignment_notice_links_the_activity(app, plan, make_user, inbox):
    activity = plan.activity("Kvällspatrull vid stationen", date(2026, 3, 4))
    reminders.send_assignment_notice({**app.config, "SMTP_PORT": inbox.port}, activity,
                                     [make_user()])
    (mail,) = inbox.messages
    assert (f"Du hittar den här: https://lofteskollen.example.se/aktiviteter/{activity.id}"
            in mail.body)


def test_the_digest_reaches_the_owner_of_a_due_action_point(app, session, plan, make_user,
                                                            inbox):
    from tracker.models import ActionPoint, ActionStatus, Membership, ResponsibleParty, Role
    from tracker.services import action_points

    owner = make_user()
    session.add(Membership(user_id=owner.id, municipality_id=plan.municipality.id,
                           role=Role.COORDINATOR))
    walk = plan.activity("Trygghetsvandring i centrum", None)
    today = date(2026, 5, 10)
    for text, due, status in [("Byt lampan i gångtunneln.", date(2026, 5, 8), ActionStatus.OPEN),
                              ("Klipp buskarna vid torget.", date(2026, 5, 20),
                               ActionStatus.IN_PROGRESS),
                              ("Sanera klottret.", date(2026, 5, 9), ActionStatus.DONE),
                              ("Flytta bänken.", date(2026, 7, 1), ActionStatus.OPEN)]:
        session.add(ActionPoint(municipality_id=plan.municipality.id, activity_id=walk.id,
                                text=text, party=ResponsibleParty.KOMMUNEN, owner_id=owner.id,
                                due_date=due, status=status))
    session.flush()
    assert [a.text for a in action_points.due_for_owner(owner.id, today)] == [
        "Byt lampan i gångtunneln.", "Klipp buskarna vid torget."]
    assert owner in reminders.digest_recipients(today)

    assert reminders.send_digest({**app.config, "SMTP_PORT": inbox.port}, owner, today)
    (mail,) = inbox.to(owner.email)
    assert mail.subject == "Påminnelse: 2 åtgärdspunkter"
    assert "Åtgärdspunkter som du ansvarar för:" in mail.body
    assert "Byt lampan i gångtunneln." in mail.body and "2 dagar försenad" in mail.body
    assert "Klipp buskarna vid torget." in mail.body
    assert "Sanera klottret." not in mail.body and "Flytta bänken." not in mail.body


def test_the_daily_digest_job_notifies_the_owner_of_a_due_action_point_once(
        app, session, plan, make_user, monkeypatch):
    """In the app too, mail on or off: one notification per due point, not one per day."""
    from tracker.jobs.tasks import send_digests
    from tracker.models import ActionPoint, ActionStatus, Membership, ResponsibleParty, Role
    from tracker.services import notifications

    owner = make_user()
    session.add(Membership(user_id=owner.id, municipality_id=plan.municipality.id,
                           role=Role.COORDINATOR))
    walk = plan.activity("Trygghetsvandring i centrum", None)
    today = date(2026, 5, 10)
    due = ActionPoint(municipality_id=plan.municipality.id, activity_id=walk.id,
                      text="Byt lampan i gångtunneln.", party=ResponsibleParty.KOMMUNEN,
                      owner_id=owner.id, due_date=date(2026, 5, 12), status=ActionStatus.OPEN)
    later = ActionPoint(municipality_id=plan.municipality.id, activity_id=walk.id,
                        text="Flytta bänken.", party=ResponsibleParty.KOMMUNEN,
                        owner_id=owner.id, due_date=date(2026, 8, 1), status=ActionStatus.OPEN)
    session.add_all([due, later])
    session.commit()
    monkeypatch.setitem(app.config, "MAIL_ENABLED", False)
    with app.test_request_context():
        assert "1 nya aviseringar om åtgärdspunkter" in send_digests(today)
        assert "0 nya aviseringar om åtgärdspunkter" in send_digests(today + timedelta(days=1))
        assert notifications.path_of("action_point", due.id) == f"/atgardspunkter/{due.id}"
    mine = session.scalars(sa.select(Notification).where(Notification.user_id == owner.id)).all()
    assert [(n.target_type, n.target_id) for n in mine] == [("action_point", due.id)]
    assert "Byt lampan i gångtunneln." in mine[0].text
