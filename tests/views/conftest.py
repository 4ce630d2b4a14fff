"""Fixtures of the page tests: the public forms' rate limit, a real SMTP server on loopback, and
the two municipalities the activity pages are tested in."""
from __future__ import annotations

import pytest

from tests.factories import make_promise
from tests.test_reminders import SmtpInbox
from tracker.extensions import limiter
from tracker.formatting import local_today


@pytest.fixture
def no_earlier_posts():
    """The test starts with no posts counted against 127.0.0.1 (memory storage), and leaves none."""
    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture
def inbox(app, monkeypatch):
    """A real SMTP server on loopback that the app's mail goes to."""
    with SmtpInbox() as server:
        monkeypatch.setitem(app.config, "SMTP_PORT", server.port)
        yield server


@pytest.fixture
def lidkoping_and_skara(session, make_municipality):
    """(Lidköping, with a promise of this year; Skara beside it; that promise)."""
    home = make_municipality("Lidköping")
    other = make_municipality("Skara")
    return home, other, make_promise(home, year=local_today().year)
