"""Constraints the domain implies live in the database, not only in forms."""
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError

from tracker.models import (
    Activity,
    ActivityStatus,
    ActivityType,
    Commitment,
    FollowUp,
    JobRun,
    LogEntry,
    Party,
    Promise,
)


@pytest.fixture
def promise(session, make_municipality):
    m = make_municipality()
    p = Promise(municipality_id=m.id, title="Medborgarlöfte 2025", start_year=2025, end_year=2025)
    session.add(p)
    session.flush()
    return p


@pytest.fixture
def activity(session, promise):
    c = Commitment(promise_id=promise.id, party=Party.POLISEN, text="Polisen lovar att synas.")
    t = ActivityType(key="patrull", name_sv="Patrullering", measures=[])
    session.add_all([c, t])
    session.flush()
    a = Activity(commitment_id=c.id, municipality_id=promise.municipality_id, type_id=t.id,
                 title="Kvällspatrull")
    session.add(a)
    session.flush()
    return a


def refused(session, obj):
    with pytest.raises(IntegrityError):
        with session.begin_nested():
            session.add(obj)
            session.flush()


def test_second_followup_for_same_promise_and_year_is_refused(session, promise):
    session.add(FollowUp(promise_id=promise.id, year=2025))
    session.flush()
    refused(session, FollowUp(promise_id=promise.id, year=2025))
    session.add(FollowUp(promise_id=promise.id, year=2026))
    session.flush()
    assert session.scalar(sa.select(sa.func.count()).select_from(FollowUp)) == 2


def test_second_job_run_with_same_key_is_refused(session):
    session.add(JobRun(job="compile_followups", key="2025"))
    session.flush()
    refused(session, JobRun(job="compile_followups", key="2025"))


def test_period_longer_than_three_years_is_refused(session, promise):
    refused(session, Promise(municipality_id=promise.municipality_id, title="För lång",
                             start_year=2025, end_year=2028))
    refused(session, Promise(municipality_id=promise.municipality_id, title="Baklänges",
                             start_year=2025, end_year=2024))


def test_negative_targets_and_durations_are_refused(session, promise, activity):
    refused(session, Commitment(promise_id=promise.id, party=Party.KOMMUNEN, text="x",
                                target_count=-1))
    refused(session, LogEntry(activity_id=activity.id, occurred_on=date(2025, 3, 1),
                              duration_minutes=-5))


def test_cancelled_activity_needs_a_reason_in_the_database(session, activity):
    with pytest.raises(IntegrityError):
        with session.begin_nested():
            session.execute(
                sa.update(Activity).where(Activity.id == activity.id)
                .values(status=ActivityStatus.CANCELLED, status_reason="", version_id=2)
            )


def test_unknown_enum_value_is_refused_by_the_database(session, promise):
    with pytest.raises(IntegrityError):
        with session.begin_nested():
            session.execute(sa.text(
                "INSERT INTO commitment (promise_id, party, text, position, target_note, version_id)"
                " VALUES (:p, 'grannarna', 'x', 0, '', 1)"
            ), {"p": promise.id})


def test_log_entry_for_missing_activity_is_refused(session, promise):
    refused(session, LogEntry(activity_id=999_999, occurred_on=date(2025, 3, 1)))


def test_enum_outside_python_values_is_refused_before_sql(session, promise):
    with pytest.raises(StatementError):
        with session.begin_nested():
            session.execute(sa.insert(Commitment).values(
                promise_id=promise.id, party="grannarna", text="x", position=0,
                target_note="", version_id=1))


def test_concurrent_edit_of_an_activity_is_detected(session, activity):
    from sqlalchemy.orm.exc import StaleDataError

    session.execute(sa.update(Activity).where(Activity.id == activity.id)
                    .values(version_id=Activity.version_id + 1)
                    .execution_options(synchronize_session=False))
    activity.title = "Ändrad"
    with pytest.raises(StaleDataError):
        session.flush()
