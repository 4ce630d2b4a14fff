"""Small builders for domain rows used across tests."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from tracker import data_version
from tracker.extensions import db
from tracker.models import (
    Activity,
    ActivityStatus,
    ActivityType,
    Commitment,
    FocusArea,
    LogEntry,
    Party,
    Place,
    Promise,
)
from tracker.models.base import utcnow

PATROL_MEASURES = [
    {"key": "antal_poliser", "label": "Antal poliser", "kind": "integer", "required": True},
    {"key": "timmar", "label": "Timmar", "kind": "decimal", "required": False},
    {"key": "typ", "label": "Kontrolltyp", "kind": "choice", "required": False,
     "choices": ["hastighet", "nykterhet"]},
    {"key": "med_kommunen", "label": "Tillsammans med kommunen", "kind": "boolean"},
    {"key": "est", "label": "EST-referens", "kind": "text", "required": False},
]


def make_promise(municipality, *, year: int = 2026, status: str = "active") -> Promise:
    from tracker.models import PromiseStatus

    promise = Promise(municipality_id=municipality.id, title=f"Medborgarlöfte {year}",
                      start_year=year, end_year=year, status=PromiseStatus(status))
    db.session.add(promise)
    db.session.flush()
    return promise


def make_commitment(promise, party: Party = Party.POLISEN, text: str = "Polisen lovar att synas i centrum.",
                    focus_title: str = "Trygghet i centrum") -> Commitment:
    area = db.session.scalar(sa.select(FocusArea).where(FocusArea.promise_id == promise.id,
                                                        FocusArea.title == focus_title))
    if area is None:
        area = FocusArea(promise_id=promise.id, title=focus_title)
        db.session.add(area)
        db.session.flush()
    commitment = Commitment(promise_id=promise.id, focus_area_id=area.id, party=party, text=text)
    db.session.add(commitment)
    db.session.flush()
    return commitment


def make_type(key: str = "patrullering", measures=None) -> ActivityType:
    existing = db.session.scalar(sa.select(ActivityType).where(ActivityType.key == key))
    if existing:
        return existing
    kind = ActivityType(key=key, name_sv="Trygghetsskapande patrullering",
                        measures=PATROL_MEASURES if measures is None else measures)
    db.session.add(kind)
    db.session.flush()
    return kind


def make_place(municipality, name: str = "Centrum") -> Place:
    place = Place(municipality_id=municipality.id, name=name, kind="centrum")
    db.session.add(place)
    db.session.flush()
    return place


def make_activity(commitment, activity_type, *, owner=None, assignees=(), places=(),
                  title: str = "Kvällspatrull", due: date | None = None, target: int | None = None,
                  status: ActivityStatus = ActivityStatus.PLANNED, recurrence=None,
                  start: date | None = None) -> Activity:
    promise = db.session.get(Promise, commitment.promise_id)
    activity = Activity(commitment_id=commitment.id, municipality_id=promise.municipality_id,
                        type_id=activity_type.id, title=title, owner_id=owner.id if owner else None,
                        due_date=due, start_date=start, target_count=target, status=status,
                        recurrence=recurrence, status_reason="x" if status == ActivityStatus.CANCELLED else "")
    activity.assignees = list(assignees)
    activity.places = list(places)
    db.session.add(activity)
    db.session.flush()
    return activity


def bulk_activities(commitment, activity_type, n: int, owner=None, entries_each: int = 0,
                    due: date | None = None) -> None:
    """Many rows at once through Core (fast), for statement-count tests."""
    promise = db.session.get(Promise, commitment.promise_id)
    rows = [dict(commitment_id=commitment.id, municipality_id=promise.municipality_id,
                 type_id=activity_type.id, title=f"Aktivitet {i}", owner_id=owner.id if owner else None,
                 status="planned", status_reason="", description="", due_date=due, version_id=1,
                 is_demo=False, created_at=utcnow(), updated_at=utcnow())
            for i in range(n)]
    db.session.execute(sa.insert(Activity.__table__), rows)
    if entries_each:
        ids = db.session.scalars(sa.select(Activity.id).where(Activity.commitment_id == commitment.id)).all()
        db.session.execute(sa.insert(LogEntry.__table__), [
            dict(activity_id=i, occurred_on=date(promise.start_year, 3, 1), measures={}, note="",
                 include_in_followup=False, is_demo=False, created_at=utcnow())
            for i in ids for _ in range(entries_each)])
    data_version.renew(db.session.connection(), {promise.municipality_id})  # as Core writes must
    db.session.flush()


LESSONS = "Samverkan kring lägesbilden fungerade bra; kommunikationen till invånarna kan bli bättre."


def make_ready(followup, actor):
    """Do what the guard before approval asks, the way a coordinator would: write the sections
    that still hold their placeholder and give a reason where a verdict lacks one."""
    from tracker.followups import workflow
    from tracker.followups.guard import publication_problems

    for problem in publication_problems(followup):
        if problem.kind == "section":
            workflow.save_section(actor, followup, problem.key, LESSONS, None)
        else:  # the period's last follow-up before the year is out: a final verdict too
            final = "ej_uppfyllt" if "periodens sista" in problem.message else None
            workflow.override_verdict(actor, followup, problem.key, final,
                                      "Resurserna räckte inte till under året.", None,
                                      reason_code="resursbrist")
    return workflow.load(followup.id)
