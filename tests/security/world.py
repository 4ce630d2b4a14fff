"""Two municipalities, each with one of every kind of row, committed once per module.

The security tests send one municipality's ids with another's users, so both sides hold the
same shapes: a draft and an active promise, focus areas, commitments, an activity with a log
entry, a place, a draft and a published follow-up, a tip, a comment
mentioning the coordinator (so a notification of theirs), an API token and a calendar token.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.factories import make_activity, make_commitment, make_place, make_ready, make_type
from tracker.extensions import db
from tracker.followups import compiler as followup_compiler
from tracker.followups import workflow as followups
from tracker.formatting import local_today
from tracker.models import (
    ApiScope,
    Indicator,
    LogEntry,
    Membership,
    Municipality,
    Notification,
    Organisation,
    Party,
    PoliceArea,
    PromiseStatus,
    Role,
    Tip,
    User,
)
from tracker.services import accounts, api_tokens, calendar_feed, comments
from tracker.services import promises as promise_service

ROLES_IN_A_MUNICIPALITY = {
    "coordinator": (Role.COORDINATOR, Organisation.KOMMUNEN),
    "police": (Role.COORDINATOR, Organisation.POLISEN),
    "officer": (Role.OFFICER, Organisation.POLISEN),
    "viewer": (Role.VIEWER, Organisation.KOMMUNEN),
}


@dataclass
class Side:
    """One municipality: its users' e-mail addresses and the ids of its rows."""

    name: str
    users: dict[str, str] = field(default_factory=dict)
    ids: dict[str, object] = field(default_factory=dict)


@dataclass
class World:
    a: Side
    b: Side
    admin: str


def _user(email: str, organisation: Organisation, *, admin: bool = False) -> User:
    return accounts.create_user(email, email.split("@")[0].title(), PASSWORD,
                                organisation=organisation, is_admin=admin)


def _side(key: str, name: str, area: PoliceArea) -> Side:
    side = Side(name)
    municipality = Municipality(name=name, slug=name.lower(), police_area_id=area.id)
    db.session.add(municipality)
    db.session.flush()
    users = {}
    for role_key, (role, organisation) in ROLES_IN_A_MUNICIPALITY.items():
        user = _user(f"{role_key}-{key}@example.se", organisation)
        db.session.add(Membership(user_id=user.id, municipality_id=municipality.id, role=role))
        users[role_key] = user
        side.users[role_key] = user.email
    db.session.flush()

    year = local_today().year
    draft = promise_service.create_promise(users["coordinator"], municipality.id,
                                           title=f"Utkast {name}", start_year=year,
                                           end_year=year + 1)
    draft_area = promise_service.add_focus_area(draft, users["coordinator"], "Trygg skolväg")
    draft_commitment = promise_service.add_commitment(
        draft, users["coordinator"], promise_service.CommitmentInput(
            Party.KOMMUNEN, "Kommunen lagar belysningen vid skolan.", draft_area.id, 2, ""))

    active = promise_service.create_promise(users["coordinator"], municipality.id,
                                            title=f"Medborgarlöfte {name}", start_year=year - 1,
                                            end_year=year)
    commitment = make_commitment(active, Party.POLISEN, "Polisen syns i centrum på kvällarna.")
    active.status, active.is_public = PromiseStatus.ACTIVE, True
    kind = make_type()
    place = make_place(municipality, f"Centrum {name}")
    activity = make_activity(commitment, kind, owner=users["coordinator"],
                             assignees=[users["officer"]], places=[place])
    entry = LogEntry(activity_id=activity.id, occurred_on=date(year - 1, 3, 1),
                     duration_minutes=60, measures={"antal_poliser": 2}, place_id=place.id,
                     author_id=users["officer"].id)
    db.session.add(entry)
    db.session.flush()
    walk = _walk_rows(municipality, activity, entry, place, users)

    published = followups.load(followup_compiler.compile_followup(active.id, year - 1).id)
    published = make_ready(published, users["coordinator"])
    followups.approve(users["police"], published, None)
    followups.approve(users["coordinator"], published, None)
    followups.publish(users["coordinator"], published, None)
    draft_followup = followup_compiler.compile_followup(active.id, year)

    indicator = Indicator(key=f"otrygghet_{key}", name=f"Otrygghet {name}", unit="procent")
    db.session.add(indicator)
    tip = Tip(municipality_id=municipality.id, text="Det är mörkt vid busshållplatsen.")
    db.session.add(tip)
    # Written by the officer when the world is built: the author's 15 minutes to edit it
    # outlast the module's requests.
    comment = comments.add_comment(users["officer"], activity,
                                   f"@{users['coordinator'].name} kan du ta kvällen?")
    token = api_tokens.create_token(users["coordinator"], "Rapportverktyg", ApiScope.READ, 30)
    calendar_token = calendar_feed.new_calendar_token(users["coordinator"])
    db.session.flush()

    side.ids = {
        "municipality": municipality.id, "slug": municipality.slug,
        "promise": draft.id, "active_promise": active.id,
        "area": draft_area.id, "active_area": commitment.focus_area_id,
        "commitment": commitment.id, "draft_commitment": draft_commitment.id,
        "activity": activity.id, "entry": entry.id, "place": place.id,
        "followup": draft_followup.id, "published_followup": published.id,
        "number": followups.published_versions(published.id)[0].number,
        "section": next(iter(draft_followup.sections)),
        "verdict": next(iter(draft_followup.verdicts)),
        "comment": comment.id, "notification": db.session.scalar(
            sa.select(Notification.id).where(Notification.user_id == users["coordinator"].id)),
        "tip": tip.id, "api_token": token.token.id, "api_secret": token.secret,
        "calendar_token": calendar_token, "type": kind.id,
        "viewer": users["viewer"].id, "officer": users["officer"].id,
        "coordinator": users["coordinator"].id,
        "police_area": area.id, "indicator": indicator.id, **walk,
    }
    return side


def _walk_rows(municipality, activity, entry, place, users) -> dict:
    """A published walk protocol on the entry with a finding, its action and a photo, and an
    action point of the activity's own (a meeting's decision)."""
    from tests import images
    from tracker.models import (
        ActionPoint,
        Finding,
        FindingCategory,
        ResponsibleParty,
        WalkProtocol,
    )
    from tracker.models.base import utcnow
    from tracker.services import uploads

    protocol = WalkProtocol(log_entry_id=entry.id, activity_id=activity.id,
                            municipality_id=municipality.id, participants=[], summary="",
                            published_at=utcnow())
    protocol.route = [place]
    db.session.add(protocol)
    db.session.flush()
    finding = Finding(protocol_id=protocol.id, municipality_id=municipality.id, position=1,
                      place_id=place.id, category=FindingCategory.LIGHTING,
                      description="Trasig lampa vid torget.")
    db.session.add(finding)
    db.session.flush()
    common = dict(municipality_id=municipality.id, activity_id=activity.id,
                  party=ResponsibleParty.KOMMUNEN, owner_id=users["coordinator"].id)
    db.session.add(ActionPoint(log_entry_id=entry.id, finding_id=finding.id, place_id=place.id,
                               category=FindingCategory.LIGHTING, text="Byt lampan.", **common))
    action = ActionPoint(text="Ta fram en lägesbild för torget.", **common)
    db.session.add(action)
    photo = uploads.store(users["officer"], uploads.Owner(
        municipality.id, activity.id, log_entry_id=entry.id, finding_id=finding.id),
        "lampa.jpg", images.jpeg_with_gps())
    db.session.flush()
    return {"protocol": protocol.id, "finding": finding.id, "action": action.id,
            "attachment": photo.id}


def build_world() -> World:
    """Build and commit both municipalities and an admin (inside an app context)."""
    area = PoliceArea(name="Skaraborg")
    db.session.add(area)
    db.session.flush()
    admin = _user("admin@example.se", Organisation.KOMMUNEN, admin=True)
    world = World(a=_side("a", "Lidköping", area), b=_side("b", "Skara", area), admin=admin.email)
    db.session.commit()
    return world


def user_id(email: str) -> int:
    return db.session.scalar(sa.select(User.id).where(User.email == email))
