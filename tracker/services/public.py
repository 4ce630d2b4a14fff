"""What residents read without logging in: signed, public promises and published follow-ups.

A promise is public once it is signed (any status but draft) and its coordinators left
"Visa på den publika sidan" on. A follow-up is public once a version of it was published;
during a correction residents keep reading the last published version. Every function here
sends one statement (or a fixed few), whatever the number of rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import (
    FollowUp,
    FollowUpVersion,
    Municipality,
    PoliceArea,
    Promise,
    PromiseStatus,
)
from tracker.services.promises import load_promise

FEED_LIMIT = 50


def _promise_is_public():
    return sa.and_(Promise.status != PromiseStatus.DRAFT, Promise.is_public.is_(True))


def _publications():
    """(follow-up id, first and latest publication) of every follow-up ever published."""
    return (
        sa.select(
            FollowUpVersion.follow_up_id.label("follow_up_id"),
            sa.func.min(FollowUpVersion.published_at).label("first_published"),
            sa.func.max(FollowUpVersion.published_at).label("last_published"),
        )
        .where(FollowUpVersion.published_at.is_not(None))
        .group_by(FollowUpVersion.follow_up_id)
        .subquery("publications")
    )


@dataclass
class MunicipalityRow:
    municipality: Municipality
    promise_count: int
    followup_count: int


@dataclass
class AreaRow:
    police_area: PoliceArea
    municipalities: list[MunicipalityRow]


def police_areas() -> list[AreaRow]:
    """Police areas by name, each with its municipalities and what they have published."""
    promises = (
        sa.select(sa.func.count(Promise.id))
        .where(Promise.municipality_id == Municipality.id, _promise_is_public())
        .correlate(Municipality).scalar_subquery()
    )
    published = _publications()
    followups = (
        sa.select(sa.func.count(FollowUp.id))
        .join(Promise, Promise.id == FollowUp.promise_id)
        .join(published, published.c.follow_up_id == FollowUp.id)
        .where(Promise.municipality_id == Municipality.id)
        .correlate(Municipality).scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Municipality, promises, followups)
        .join(PoliceArea, PoliceArea.id == Municipality.police_area_id)
        .where(Municipality.is_public.is_(True))
        .order_by(PoliceArea.name, Municipality.is_example, Municipality.name)
    )
    areas: dict[int, AreaRow] = {}
    for municipality, n_promises, n_followups in rows:
        area = areas.setdefault(municipality.police_area_id,
                                AreaRow(municipality.police_area, []))
        area.municipalities.append(MunicipalityRow(municipality, n_promises, n_followups))
    return list(areas.values())


def municipality_by_slug(slug: str) -> Municipality | None:
    """The municipality with its police area (one statement)."""
    return db.session.scalar(sa.select(Municipality).where(
        Municipality.slug == slug, Municipality.is_public.is_(True)))


def promises_of(municipality_id: int) -> list[Promise]:
    """The municipality's public promises, newest period first."""
    return list(db.session.scalars(
        sa.select(Promise)
        .where(Promise.municipality_id == municipality_id, _promise_is_public())
        .order_by(Promise.start_year.desc(), Promise.id.desc())
    ))


def promise(municipality_id: int, promise_id: int) -> Promise | None:
    """A public promise of this municipality with its focus areas and commitments, else None."""
    found = load_promise(promise_id)
    if (found is None or found.municipality_id != municipality_id
            or found.status is PromiseStatus.DRAFT or not found.is_public):
        return None
    return found


@dataclass
class PublishedFollowUp:
    followup_id: int
    year: int
    promise_id: int
    promise_title: str
    municipality: Municipality
    first_published: datetime
    last_published: datetime


def published_followups(*, municipality_id: int | None = None, promise_id: int | None = None,
                        limit: int | None = None) -> list[PublishedFollowUp]:
    """Published follow-ups, most recently published first (corrections count as news)."""
    published = _publications()
    query = (
        sa.select(FollowUp.id, FollowUp.year, Promise.id, Promise.title, Municipality,
                  published.c.first_published, published.c.last_published)
        .join(published, published.c.follow_up_id == FollowUp.id)
        .join(Promise, Promise.id == FollowUp.promise_id)
        .join(Municipality, Municipality.id == Promise.municipality_id)
        .where(Municipality.is_public.is_(True))
        .order_by(published.c.last_published.desc(), FollowUp.id.desc())
    )
    if municipality_id is not None:
        query = query.where(Promise.municipality_id == municipality_id)
    if promise_id is not None:
        query = query.where(FollowUp.promise_id == promise_id)
    if limit is not None:
        query = query.limit(limit)
    return [PublishedFollowUp(*row) for row in db.session.execute(query)]


@dataclass
class SignedPromise:
    promise_id: int
    title: str
    period: str
    signed_at: datetime  # the signing day, at midnight in Stockholm
    municipality: Municipality


def signed_promises(*, municipality_id: int | None = None,
                    limit: int | None = None) -> list[SignedPromise]:
    """Public signed promises, the most recently signed first (one statement): the feeds'
    other event besides published follow-ups."""
    from tracker.formatting import STOCKHOLM

    query = (
        sa.select(Promise.id, Promise.title, Promise.start_year, Promise.end_year,
                  Promise.signed_on, Municipality)
        .join(Municipality, Municipality.id == Promise.municipality_id)
        .where(Municipality.is_public.is_(True), _promise_is_public(),
               Promise.signed_on.is_not(None))
        .order_by(Promise.signed_on.desc(), Promise.id.desc())
    )
    if municipality_id is not None:
        query = query.where(Promise.municipality_id == municipality_id)
    if limit is not None:
        query = query.limit(limit)
    return [SignedPromise(pid, title, f"{start}–{end}" if start != end else str(start),
                          datetime(day.year, day.month, day.day, tzinfo=STOCKHOLM), place)
            for pid, title, start, end, day, place in db.session.execute(query)
            if day is not None]  # every one, by the query
