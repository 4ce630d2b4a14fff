"""Fixtures of the browser tests on a phone: a logged-in phone, and an activity of their own in
the demo data for the tests of one module."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest
import sqlalchemy as sa

from tests.e2e.phone import PHONE
from tests.e2e.test_working_year import _login
from tracker.extensions import db
from tracker.formatting import local_today


@pytest.fixture
def phone_login(browser, live_server):
    """phone_login(email, **context options) → (context, page): a phone's browser (PHONE, with
    the options over it) logged in as the demo user; closed after the test if the test did not."""
    contexts = []

    def log_in(email: str, **options):
        context = browser.new_context(**{**PHONE, **options})
        contexts.append(context)
        page = context.new_page()
        _login(page, live_server, email)
        return context, page

    yield log_in
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def new_activity(demo_app):
    """`with new_activity(officer, town, promise_title, kind_key, title, …) as made:` an activity
    of the officer's in that municipality, in a promise of this year made for it with one
    commitment, on the first `places` places by name; the promise, with all under it, is removed
    when the block ends. `made` holds the ids of the activity and the promise and the names of
    the places."""
    from tests.factories import make_commitment, make_promise
    from tracker.models import (
        Activity,
        ActivityType,
        Membership,
        Municipality,
        Party,
        Place,
        Promise,
        User,
    )

    @contextmanager
    def make(officer: str, town: str, promise_title: str, kind: str, title: str, *,
             party: Party = Party.POLISEN, places: int = 1, target_count: int | None = None,
             due_date: date | None = None):
        with demo_app.app_context():
            owner = db.session.scalar(sa.select(User).where(User.email == officer))
            municipality = db.session.scalar(sa.select(Municipality).join(
                Membership, Membership.municipality_id == Municipality.id).where(
                Membership.user_id == owner.id, Municipality.name == town))
            promise = make_promise(municipality, year=local_today().year)
            promise.title = promise_title
            commitment = make_commitment(promise, party)
            chosen = db.session.scalars(sa.select(Place).where(
                Place.municipality_id == municipality.id).order_by(Place.name)).all()[:places]
            activity_type = db.session.scalar(sa.select(ActivityType).where(
                ActivityType.key == kind))
            activity = Activity(commitment_id=commitment.id, municipality_id=municipality.id,
                                type_id=activity_type.id, title=title, owner_id=owner.id,
                                target_count=target_count, due_date=due_date or local_today())
            activity.assignees, activity.places = [], chosen[:1]
            db.session.add(activity)
            db.session.commit()
            made = {"activity": activity.id, "promise": promise.id,
                    "places": [place.name for place in chosen]}
        try:
            yield made
        finally:
            with demo_app.app_context():
                db.session.execute(sa.delete(Promise).where(Promise.id == made["promise"]))
                db.session.commit()

    return make
