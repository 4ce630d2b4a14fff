"""The demo lives in the present: on any date, a working year around that date."""
from __future__ import annotations

import re
import time
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import rolled_back
from tracker.demo import loader, present
from tracker.models import (
    Activity,
    Commitment,
    FollowUp,
    FollowUpStatus,
    LogEntry,
    Municipality,
    Promise,
    PromiseStatus,
)
from tracker.services import dashboard, public

DATES = [date(2026, 12, 6), date(2027, 1, 3), date(2031, 6, 18)]


def _lidkoping(session) -> Municipality:
    return session.scalar(sa.select(Municipality).where(Municipality.slug == "lidkoping"))


def _living(session, today: date) -> Promise:
    return session.scalar(sa.select(Promise).where(Promise.title == present.title_for(today.year)))


def _entries(session, promise_id: int) -> list[tuple[str, date]]:
    return sorted(session.execute(
        sa.select(Activity.title, LogEntry.occurred_on)
        .join(LogEntry, LogEntry.activity_id == Activity.id)
        .join(Commitment, Commitment.id == Activity.commitment_id)
        .where(Commitment.promise_id == promise_id)).all())


@pytest.mark.parametrize("today", DATES, ids=str)
def test_the_demo_has_a_working_year_on_any_date(session, client, today):
    started = time.perf_counter()
    loader.load_demo(today)
    assert time.perf_counter() - started < 10  # still loads in seconds
    promise = _living(session, today)
    assert (promise.start_year, promise.end_year) == (today.year - 1, today.year)
    assert promise.status is PromiseStatus.ACTIVE and promise.is_public

    municipality = _lidkoping(session)
    deadlines = dashboard.deadlines(municipality.id, today)
    assert deadlines.overdue_total in (1, 2)  # "one or two overdue"
    assert all(row.due_date.year >= today.year - 1 for row in deadlines.overdue)
    assert 3 <= deadlines.due_soon_total
    current = [p.id for p in dashboard.current_promises(municipality.id)]
    assert current == [promise.id]

    entries = _entries(session, promise.id)
    assert max(day for _title, day in entries) < today
    yesterday_week = today - timedelta(days=7)
    for title in ("Närvaro i krogmiljön fredag och lördag",
                  "Patrullering vid otrygga platser enligt lägesbilden"):
        days = [day for t, day in entries if t == title and day.year == today.year]
        if today > date(today.year, 1, 10):  # the recurring ones are logged up to yesterday
            assert yesterday_week <= max(days) < today, title

    # The template's notes speak of "next year" from 2023; here that is the year after theirs.
    notes = session.scalars(
        sa.select(LogEntry.note).join(Activity, LogEntry.activity_id == Activity.id)
        .join(Commitment, Commitment.id == Activity.commitment_id)
        .where(Commitment.promise_id == promise.id, LogEntry.note.like("%20__%"))).all()
    years = {int(y) for note in notes for y in re.findall(r"\b20\d\d\b", note)}
    assert years and min(years) >= promise.start_year, notes

    followups = {f.year: f for f in session.scalars(
        sa.select(FollowUp).where(FollowUp.promise_id == promise.id))}
    assert followups[today.year - 1].status is FollowUpStatus.PUBLISHED
    assert followups[today.year - 1].police_approved_at is not None
    assert followups[today.year - 1].municipality_approved_at is not None
    assert followups[today.year].status is FollowUpStatus.DRAFT
    lessons = followups[today.year - 1].sections["lardomar"]
    assert lessons["edited"].startswith("Demotext:")

    published = public.published_followups(municipality_id=municipality.id)
    assert [(p.year, p.promise_title) for p in published] == [
        (today.year - 1, present.title_for(today.year))]
    page = client.get(f"/offentlig/uppfoljningar/{published[0].followup_id}")
    assert page.status_code == 200 and "Demotext: Samverkan i krogmiljön" in page.get_data(
        as_text=True)
    assert f"Uppföljning {today.year - 1}" in client.get("/offentlig/lidkoping").get_data(
        as_text=True)


def test_the_seeds_history_stays_as_it_was(session):
    loader.load_demo(date(2026, 12, 6))
    old = session.scalar(sa.select(Promise).where(Promise.title == "Medborgarlöfte 2022–2023"))
    assert old.status is PromiseStatus.CONCLUDED
    assert session.scalar(sa.select(sa.func.count()).select_from(FollowUp).where(
        FollowUp.promise_id == old.id)) == 0
    entries = _entries(session, old.id)
    assert {day.year for _title, day in entries} == {2023}
    assert len({title for title, _day in entries}) == 22  # every 2023 activity with occasions
    signed = session.scalar(sa.select(Promise).where(Promise.title == "Medborgarlöfte 2024"))
    assert signed.status is PromiseStatus.CONCLUDED  # its period is over in 2026


def test_the_same_date_gives_the_same_demo(app):
    today = date(2026, 12, 6)
    runs = []
    for _ in range(2):
        with rolled_back(app) as session:
            loader.load_demo(today)
            runs.append(_entries(session, _living(session, today).id))
    assert runs[0] == runs[1] and len(runs[0]) > 300
