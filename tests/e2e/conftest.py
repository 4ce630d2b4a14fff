"""Fixtures of the browser tests: a logged-in phone, an activity of their own in the demo data for
the tests of one module, and a published follow-up and a walk protocol for the crawls."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest
import sqlalchemy as sa

from tests.e2e.phone import PHONE
from tests.e2e.test_working_year import _login
from tests.factories import make_ready
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


@pytest.fixture(scope="module")
def published_followup(demo_app):
    """A published follow-up and an open draft in the demo, so their pages are crawled too."""
    from tracker.followups import workflow as followups
    from tracker.followups.compiler import compile_followup
    from tracker.models import FollowUp, Notification, Promise, Tip, User

    with demo_app.app_context():
        promise = db.session.scalar(sa.select(Promise).where(
            Promise.title == "Medborgarlöfte 2022–2023"))
        published = compile_followup(promise.id, 2022, today=date(2024, 2, 1))
        draft = compile_followup(promise.id, 2023, today=date(2024, 2, 1))
        db.session.flush()
        published = followups.load(published.id)
        published = make_ready(published, db.session.scalar(sa.select(User).where(
            User.email == "samordnare@demo.lofteskollen.se")))
        for email in ("lpo@demo.lofteskollen.se", "samordnare@demo.lofteskollen.se"):
            user = db.session.scalar(sa.select(User).where(User.email == email))
            followups.approve(user, published, None)
        followups.publish(user, published, None)
        tip = Tip(municipality_id=promise.municipality_id,
                  text="Gatlampan vid busshållplatsen är trasig.")
        db.session.add(tip)
        db.session.commit()
        draft_id, promise_id, tip_id = draft.id, promise.id, tip.id
    yield draft_id
    with demo_app.app_context():  # the other browser tests start from the plain demo
        db.session.execute(sa.delete(Tip).where(Tip.id == tip_id))
        db.session.execute(sa.delete(Notification).where(  # the approval's, to the other party
            Notification.target_type == "followup", Notification.target_id.in_(
                sa.select(FollowUp.id).where(FollowUp.promise_id == promise_id))))
        db.session.execute(sa.delete(FollowUp).where(FollowUp.promise_id == promise_id))
        db.session.commit()


@pytest.fixture(scope="module")
def walk_protocol(demo_app):
    """A published walk protocol in Lidköping with a finding, its photo and an action for the
    coordinator, and a meeting's action point for the kommunpolis: the walk pages get crawled."""
    from tests import images
    from tests.factories import make_commitment, make_promise
    from tracker.models import (
        ActionPoint,
        Activity,
        ActivityType,
        Finding,
        FindingCategory,
        LogEntry,
        Municipality,
        Party,
        Place,
        Promise,
        ResponsibleParty,
        User,
        WalkProtocol,
    )
    from tracker.models.base import utcnow
    from tracker.services import uploads

    with demo_app.app_context():
        def user(email):
            return db.session.scalar(sa.select(User).where(User.email == email))

        officer, coordinator = (user("kommunpolis@demo.lofteskollen.se"),
                                user("samordnare@demo.lofteskollen.se"))
        town = db.session.scalar(sa.select(Municipality).where(Municipality.name == "Lidköping"))
        place = db.session.scalars(sa.select(Place).where(
            Place.municipality_id == town.id).order_by(Place.name)).first()
        promise = make_promise(town, year=local_today().year)
        promise.title = "Medborgarlöfte med en trygghetsvandring"
        kind = db.session.scalar(sa.select(ActivityType).where(
            ActivityType.key == "trygghetsvandring"))
        activity = Activity(commitment_id=make_commitment(promise, Party.TILLSAMMANS).id,
                            municipality_id=town.id, type_id=kind.id, owner_id=officer.id,
                            title="Trygghetsvandring i stationsområdet")
        activity.places = [place]
        db.session.add(activity)
        db.session.flush()
        entry = LogEntry(activity_id=activity.id, occurred_on=local_today(), place_id=place.id,
                         measures={"omrade": place.id}, author_id=officer.id)
        db.session.add(entry)
        db.session.flush()
        protocol = WalkProtocol(log_entry_id=entry.id, activity_id=activity.id,
                                municipality_id=town.id, summary="Mörkt vid gångtunneln.",
                                participants=[{"organisation": "Kommunen", "count": 2}],
                                published_at=utcnow())
        protocol.route = [place]
        db.session.add(protocol)
        db.session.flush()
        finding = Finding(protocol_id=protocol.id, municipality_id=town.id, place_id=place.id,
                          category=FindingCategory.LIGHTING, description="Trasig lampa.")
        db.session.add(finding)
        db.session.flush()
        db.session.add_all([
            ActionPoint(municipality_id=town.id, activity_id=activity.id, log_entry_id=entry.id,
                        finding_id=finding.id, place_id=place.id, text="Byt lampan.",
                        category=FindingCategory.LIGHTING, party=ResponsibleParty.KOMMUNEN,
                        owner_id=coordinator.id, due_date=local_today()),
            ActionPoint(municipality_id=town.id, activity_id=activity.id, text="Ta fram en "
                        "lägesbild för stationen.", party=ResponsibleParty.POLISEN,
                        owner_id=officer.id)])
        uploads.store(officer, uploads.Owner(town.id, activity.id, log_entry_id=entry.id,
                                             finding_id=finding.id),
                      "lampa.jpg", images.jpeg_with_gps())
        db.session.commit()
        promise_id = promise.id
    yield
    with demo_app.app_context():
        db.session.execute(sa.delete(Promise).where(Promise.id == promise_id))
        db.session.commit()
