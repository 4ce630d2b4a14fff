"""Renewing a promise: a draft copy for the next period, optionally with open activities."""
from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracker import audit
from tracker.extensions import db
from tracker.models import (
    Activity,
    ActivityStatus,
    Commitment,
    FocusArea,
    Promise,
    PromiseStatus,
    User,
)
from tracker.services import DomainError
from tracker.services.activities import OPEN_STATUSES
from tracker.services.limits import YEAR_MAX
from tracker.services.promises._common import _require_edit
from tracker.translation import gettext as _


def _shift_years(day: date | None, years: int) -> date | None:
    return None if day is None else _shifted(day, years)


def _shifted(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def _next_title(promise: Promise, start: int, end: int) -> str:
    """"Medborgarlöfte 2023" becomes "Medborgarlöfte 2024"; other titles are kept."""
    label = str(start) if start == end else f"{start}–{end}"
    if promise.start_year == promise.end_year:
        pattern = rf"(?<!\d){promise.start_year}(?!\d)"
    else:
        pattern = rf"(?<!\d){promise.start_year}\s*[-–]\s*{promise.end_year}(?!\d)"
    return re.sub(pattern, label, promise.title, count=1)


def next_period(promise: Promise) -> tuple[int, int]:
    """The years right after the promise's period, of the same length."""
    years = promise.end_year - promise.start_year + 1
    return promise.end_year + 1, promise.end_year + years


def copy_to_next_period(promise: Promise, user: User, carry_activities: bool) -> Promise:
    """A draft for the following period of the same length, with the same focus areas and
    commitments; optionally the unfinished activities, moved forward by the period length."""
    _require_edit(user, promise)
    start, end = next_period(promise)
    years = end - start + 1
    if start > YEAR_MAX:
        raise DomainError(_("Nästa period ligger efter år %(max)d.", max=YEAR_MAX))
    title = _next_title(promise, start, end)
    duplicate = db.session.scalar(
        sa.select(Promise.id).where(Promise.municipality_id == promise.municipality_id,
                                    Promise.start_year == start, Promise.title == title)
    )
    if duplicate is not None:
        raise DomainError(_(
            "Det finns redan ett medborgarlöfte ”%(title)s” för %(year)d.", title=title, year=start
        ))
    copy = Promise(
        municipality_id=promise.municipality_id, title=title, start_year=start, end_year=end,
        status=PromiseStatus.DRAFT, problem_picture=promise.problem_picture,
        sources=list(promise.sources), sources_note=promise.sources_note,
        agreement_url=promise.agreement_url, is_public=False, signatories=[],
    )
    db.session.add(copy)
    areas = list(db.session.scalars(
        sa.select(FocusArea).where(FocusArea.promise_id == promise.id)
    ))
    commitments = list(db.session.scalars(
        sa.select(Commitment).where(Commitment.promise_id == promise.id)
    ))
    db.session.flush()
    new_areas = {a.id: FocusArea(promise_id=copy.id, title=a.title, description=a.description,
                                 position=a.position) for a in areas}
    db.session.add_all(new_areas.values())
    db.session.flush()
    new_commitments = {
        c.id: Commitment(
            promise_id=copy.id, party=c.party, text=c.text, position=c.position,
            focus_area_id=new_areas[c.focus_area_id].id if c.focus_area_id else None,
            target_count=c.target_count, target_note=c.target_note,
        )
        for c in commitments
    }
    db.session.add_all(new_commitments.values())
    db.session.flush()
    carried = _carry_activities(new_commitments, years, copy) if carry_activities else 0
    audit.record(db.session, "promise", copy.id, "copy",
                 {"source_promise": promise.id, "carried_activities": carried})
    db.session.flush()
    return copy


def overlapping_promises(promise: Promise) -> list[Promise]:
    """The municipality's other promises whose period overlaps the next period of `promise`:
    a copy would be a second promise for those years."""
    start, end = next_period(promise)
    return list(db.session.scalars(
        sa.select(Promise).where(Promise.municipality_id == promise.municipality_id,
                                 Promise.id != promise.id, Promise.start_year <= end,
                                 Promise.end_year >= start)
        .order_by(Promise.start_year, Promise.id)))


def _carry_activities(new_commitments: dict[int, Commitment], years: int, copy: Promise) -> int:
    """Copy each planned or in-progress activity to the new commitment, status reset, and close
    the original in the old period with a note pointing to its copy, so that neither My tasks
    nor the reminders list the same work twice."""
    old = db.session.scalars(
        sa.select(Activity)
        .where(Activity.commitment_id.in_(list(new_commitments)),
               Activity.status.in_(OPEN_STATUSES))
        .options(selectinload(Activity.assignees), selectinload(Activity.places))
        .order_by(Activity.id)
    ).all()
    pairs = []
    for activity in old:
        recurrence = dict(activity.recurrence) if activity.recurrence else None
        if recurrence and recurrence.get("until"):
            until = _shifted(date.fromisoformat(recurrence["until"]), years)
            recurrence["until"] = until.isoformat()
        carried = Activity(
            commitment_id=new_commitments[activity.commitment_id].id,
            municipality_id=activity.municipality_id, type_id=activity.type_id,
            title=activity.title, description=activity.description,
            owner_id=activity.owner_id, status=ActivityStatus.PLANNED, status_reason="",
            start_date=_shift_years(activity.start_date, years),
            due_date=_shift_years(activity.due_date, years),
            recurrence=recurrence, target_count=activity.target_count,
        )
        carried.assignees = list(activity.assignees)
        carried.places = list(activity.places)
        db.session.add(carried)
        pairs.append((activity, carried))
    db.session.flush()
    for activity, carried in pairs:
        activity.status = ActivityStatus.CANCELLED
        # Stored text, so Swedish whatever the coordinator's interface language.
        activity.status_reason = (f"Flyttad till {copy.title} ({copy.period_label}): "
                                  f"fortsätter där som aktivitet {carried.id}.")
    db.session.flush()
    return len(old)
