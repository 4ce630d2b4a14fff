"""Each activity's logged count is kept by the database, whichever way entries come and go."""
from datetime import date

import pytest
import sqlalchemy as sa

from tests.factories import make_activity, make_commitment, make_promise, make_type
from tracker.extensions import db
from tracker.models import LOGGED_COUNT, Activity, LogEntry, Role
from tracker.models.base import utcnow


@pytest.fixture
def activities(session, make_municipality, make_user):
    m = make_municipality()
    officer = make_user(Role.OFFICER, m)
    commitment = make_commitment(make_promise(m, year=2026))
    kind = make_type()
    return [make_activity(commitment, kind, owner=officer, title=f"Aktivitet {n}")
            for n in range(3)]


def _counts(activities) -> list[tuple[int, int]]:
    """(kept count, entries counted now) per activity."""
    counted = (sa.select(sa.func.count()).where(LogEntry.activity_id == Activity.id)
               .correlate(Activity).scalar_subquery())
    rows = db.session.execute(sa.select(LOGGED_COUNT, counted)
                              .where(Activity.id.in_([a.id for a in activities]))
                              .order_by(Activity.id)).all()
    return [tuple(row) for row in rows]


def _entry(activity, day: int = 1, note: str = "") -> LogEntry:
    return LogEntry(activity_id=activity.id, occurred_on=date(2026, 3, day), measures={}, note=note)


def test_entries_added_one_by_one_and_in_bulk_are_counted(activities):
    first, second, third = activities
    assert _counts(activities) == [(0, 0), (0, 0), (0, 0)]
    db.session.add_all([_entry(first), _entry(first, 2), _entry(second)])
    db.session.flush()
    assert _counts(activities) == [(2, 2), (1, 1), (0, 0)]
    db.session.execute(sa.insert(LogEntry.__table__), [
        dict(activity_id=activity.id, occurred_on=date(2026, 4, day), measures={}, note="",
             include_in_followup=False, is_demo=False, created_at=utcnow())
        for activity in (second, third, third) for day in (1, 2)])
    assert _counts(activities) == [(2, 2), (3, 3), (4, 4)]


def test_entries_removed_moved_or_edited_keep_the_count_right(activities):
    first, second, third = activities
    entries = [_entry(first, day) for day in (1, 2, 3)] + [_entry(second)]
    db.session.add_all(entries)
    db.session.flush()
    db.session.delete(entries[0])
    db.session.flush()
    assert _counts(activities) == [(2, 2), (1, 1), (0, 0)]

    entries[1].activity_id = third.id  # logged on the wrong activity, moved
    entries[2].note = "Rättad anteckning."  # an edit that moves nothing
    db.session.flush()
    assert _counts(activities) == [(1, 1), (1, 1), (1, 1)]

    db.session.execute(sa.update(LogEntry).where(LogEntry.activity_id.in_([first.id, second.id]))
                       .values(activity_id=third.id))
    assert _counts(activities) == [(0, 0), (0, 0), (3, 3)]

    db.session.execute(sa.delete(LogEntry).where(LogEntry.activity_id == third.id))
    assert _counts(activities) == [(0, 0), (0, 0), (0, 0)]


def test_a_deleted_activity_takes_its_entries_without_touching_the_others(activities):
    first, second, _third = activities
    db.session.add_all([_entry(first), _entry(first, 2), _entry(second)])
    db.session.flush()
    db.session.execute(sa.delete(Activity.__table__).where(Activity.id == first.id))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LogEntry)) == 1
    assert _counts(activities[1:]) == [(1, 1), (0, 0)]


def test_a_rolled_back_entry_is_not_counted(activities):
    first = activities[0]
    with db.session.begin_nested() as savepoint:
        db.session.add(_entry(first))
        db.session.flush()
        assert _counts([first]) == [(1, 1)]
        savepoint.rollback()
    assert _counts([first]) == [(0, 0)]
