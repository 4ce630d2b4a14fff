"""A committed world for the robustness tests: requests here really commit or roll back."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from tests.conftest import PASSWORD, fresh_database_url, login, make_test_app, upgrade
from tests.factories import make_activity, make_commitment, make_place, make_promise, make_type
from tracker.extensions import db
from tracker.followups import compiler as followup_compiler
from tracker.formatting import local_today
from tracker.models import (
    Activity,
    LogEntry,
    Membership,
    Municipality,
    Organisation,
    PoliceArea,
    PromiseStatus,
    Role,
)
from tracker.services import accounts

ROLES = ("coordinator", "police", "officer", "viewer", "admin")


@dataclass
class World:
    app: object
    ids: dict

    def client(self, role: str | None):
        """A client logged in as the role's user (None: anonymous)."""
        client = self.app.test_client()
        if role is not None:
            assert login(client, self.ids[f"{role}_email"]).status_code == 302
        return client


def _user(email, name, municipality, role, **kwargs):
    user = accounts.create_user(email, name, PASSWORD, **kwargs)
    if role is not None:
        db.session.add(Membership(user_id=user.id, municipality_id=municipality.id, role=role))
    return user


def build_world(workdir, name: str, **config) -> World:
    """One municipality with a user per role, a draft, an active and a concluded promise
    (with a compiled follow-up), an activity with an assignee and a place."""
    app = make_test_app(fresh_database_url(workdir, name), **{"MAIL_ENABLED": False, **config})
    upgrade(app)
    year = local_today().year
    with app.app_context():
        area = PoliceArea(name="Robusta området")
        db.session.add(area)
        db.session.flush()
        town = Municipality(name="Robusta", slug="robusta", police_area_id=area.id)
        db.session.add(town)
        db.session.flush()
        users = {
            "coordinator": _user("samordnare@robust.se", "Sam Samordnare", town, Role.COORDINATOR),
            "police": _user("polis@robust.se", "Pia Polis", town, Role.COORDINATOR,
                            organisation=Organisation.POLISEN),
            "officer": _user("kommunpolis@robust.se", "Olle Områdespolis", town, Role.OFFICER,
                             organisation=Organisation.POLISEN),
            "viewer": _user("lasare@robust.se", "Vera Läsare", town, Role.VIEWER),
            "admin": _user("admin@robust.se", "Ada Admin", town, None, is_admin=True),
            "target": _user("mal@robust.se", "Tore Target", town, Role.VIEWER),
        }
        draft = make_promise(town, year=year + 1, status="draft")
        active = make_promise(town, year=year, status="active")
        kind = make_type()
        place = make_place(town, "Torget")
        commitment = make_commitment(active)
        activity = make_activity(commitment, kind, owner=users["officer"],
                                 assignees=[users["officer"]], places=[place], target=4)
        concluded = make_promise(town, year=year - 2, status="active")
        old = make_commitment(concluded)
        done = Activity(commitment_id=old.id, municipality_id=town.id, type_id=kind.id,
                        title="Förra årets patrull")
        db.session.add(done)
        db.session.flush()
        db.session.add(LogEntry(activity_id=done.id, occurred_on=date(year - 2, 5, 3),
                                duration_minutes=60, measures={"antal_poliser": 2}))
        concluded.status = PromiseStatus.CONCLUDED
        followup = followup_compiler.compile_followup(concluded.id, year - 2,
                                                      today=date(year - 1, 2, 1))
        db.session.commit()
        ids = {f"{role}_email": user.email for role, user in users.items()}
        ids.update({f"{role}_id": user.id for role, user in users.items()})
        ids.update(municipality_id=town.id, draft_id=draft.id, active_id=active.id,
                   concluded_id=concluded.id, commitment_id=commitment.id,
                   draft_commitment_id=make_commitment_in(draft).id, activity_id=activity.id,
                   place_id=place.id, type_id=kind.id, followup_id=followup.id,
                   section_key=next(iter(followup.sections)),
                   verdict_key=next(iter(followup.verdicts or {"0": None})),
                   focus_area_id=commitment.focus_area_id)
        db.session.commit()
    return World(app, ids)


def make_commitment_in(promise):
    return make_commitment(promise, text="Kommunen lovar att tända belysningen i parken.")


def snapshot(app) -> dict[str, list]:
    """Every row of every table, to prove that a request changed nothing."""
    with app.app_context():
        db.session.remove()
        with db.engine.connect() as conn:
            return {table.name: sorted(map(repr, conn.execute(sa.select(table)).all()))
                    for table in db.metadata.sorted_tables}
