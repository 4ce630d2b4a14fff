"""ICS feeds without HTTP: every RRULE expands to the dates the app itself lists."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar

from tests.factories import make_activity, make_commitment, make_promise, make_type
from tracker.models import ActivityStatus, Role
from tracker.services import calendar_feed
from tracker.services.recurrence import occasions


def expand(event) -> list[date]:
    """What a calendar client shows: DTSTART plus the RRULE's expansion (dateutil)."""
    start = event.decoded("dtstart")
    if "RRULE" not in event:
        return [start]
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=datetime.combine(start, time()))
    return [d.date() for d in rule]


def event_for(rule: dict | None, start: date | None, due: date | None):
    """The event of an activity, serialised and parsed back as a client would."""
    activity = SimpleNamespace(
        id=1, title="Kvällspatrull", recurrence=rule, start_date=start, due_date=due,
        updated_at=None, version_id=1, places=[],
        type=SimpleNamespace(name_sv="Patrullering"),
        commitment=SimpleNamespace(party=SimpleNamespace(value="polisen"), text="Synas",
                                   focus_area=None))
    body = calendar_feed.build_calendar("Test", [activity], uid_domain="test",
                                        link=lambda a: "https://example.se/aktiviteter/1")
    events = Calendar.from_ical(body).walk("VEVENT")
    return events[0] if events else None


CASES = [
    ({"freq": "weekly", "weekdays": [1, 3], "until": "2026-03-31"}, date(2026, 1, 8), None),
    ({"freq": "weekly", "interval": 2, "weekdays": [0, 4], "count": 7}, date(2026, 1, 9), None),
    ({"freq": "weekly", "interval": 3}, date(2026, 2, 4), date(2026, 6, 30)),
    ({"freq": "weekly", "weekdays": [6], "count": 50}, date(2026, 1, 1), date(2026, 3, 1)),
    ({"freq": "monthly", "weekdays": [0, 3], "count": 9}, date(2026, 1, 1), None),
    ({"freq": "monthly", "weekdays": [0, 3], "until": "2026-01-04"}, date(2026, 1, 1), None),
    ({"freq": "monthly", "weekdays": [4], "until": "2026-12-31"}, date(2026, 5, 29), None),
    ({"freq": "monthly", "interval": 2}, date(2026, 1, 31), date(2026, 12, 31)),
    ({"freq": "monthly", "until": "2027-12-31"}, date(2027, 1, 31), None),
    ({"freq": "monthly", "count": 13}, date(2027, 12, 30), None),
    ({"freq": "monthly", "until": "2099-12-31"}, date(2026, 1, 15), None),  # the app's cap
]


@pytest.mark.parametrize("rule,start,due", CASES)
def test_rrule_expands_to_the_apps_occasions(rule, start, due):
    event = event_for(rule, start, due)
    assert expand(event) == occasions(rule, start, due)


def test_random_rules_expand_to_the_apps_occasions():
    """A seeded sweep over frequencies, intervals, weekdays, starts and all three ends."""
    rnd = random.Random(6)
    for _ in range(200):
        start = date(2025, 1, 1) + timedelta(days=rnd.randrange(800))
        rule = {"freq": rnd.choice(["weekly", "monthly"]), "interval": rnd.choice([1, 1, 2, 3, 5]),
                "weekdays": sorted(rnd.sample(range(7), rnd.randrange(4)))}
        end_kind = rnd.randrange(4)
        if end_kind in (0, 3):
            rule["until"] = (start + timedelta(days=rnd.randrange(-5, 500))).isoformat()
        if end_kind in (1, 3):
            rule["count"] = rnd.randrange(1, 40)
        bounded_by_due = end_kind == 2 or rnd.random() < .3
        due = start + timedelta(days=rnd.randrange(0, 400)) if bounded_by_due else None
        expected = occasions(rule, start, due)
        event = event_for(rule, start, due)
        if not expected:
            assert event is None or "RRULE" not in event
            continue
        assert expand(event) == expected, (rule, start, due)


def test_rrule_uses_until_or_count_and_weekday_codes():
    weekly = event_for({"freq": "weekly", "weekdays": [0, 2], "until": "2026-02-27"},
                       date(2026, 1, 5), None)["RRULE"]
    assert weekly["FREQ"] == ["WEEKLY"] and weekly["BYDAY"] == ["MO", "WE"]
    assert weekly["UNTIL"] == [date(2026, 2, 27)] and "COUNT" not in weekly
    monthly = event_for({"freq": "monthly", "weekdays": [3], "count": 4}, date(2026, 1, 15),
                        None)["RRULE"]
    assert monthly["BYDAY"] == ["+3TH"] and monthly["COUNT"] == [4] and "UNTIL" not in monthly


def test_an_activity_without_recurrence_is_an_all_day_event_on_its_due_date():
    event = event_for(None, None, date(2026, 5, 20))
    assert event.decoded("dtstart") == date(2026, 5, 20)
    assert event.decoded("dtend") == date(2026, 5, 21)
    assert "RRULE" not in event
    assert event_for(None, date(2026, 1, 1), None) is None  # nothing to show: no event


def test_feed_events_carry_title_commitment_link_and_a_stable_uid(session, make_municipality,
                                                                  make_user):
    town = make_municipality("Götene")
    officer = make_user(Role.OFFICER, town)
    promise = make_promise(town)
    commitment = make_commitment(promise, text="Polisen lovar att synas vid skolorna.")
    kind = make_type()
    activity = make_activity(commitment, kind, owner=officer, title="Skolpatrull",
                             start=date(2026, 2, 2), due=date(2026, 6, 30),
                             recurrence={"freq": "weekly", "weekdays": [0]})
    make_activity(commitment, kind, owner=officer, title="Klar sedan länge", due=date(2026, 1, 2),
                  status=ActivityStatus.DONE)

    def feed():
        body = calendar_feed.build_calendar(
            "Mina", calendar_feed.my_activities(officer), uid_domain="example.se",
            link=lambda a: f"https://example.se/aktiviteter/{a.id}")
        return Calendar.from_ical(body)

    cal = feed()
    (event,) = cal.walk("VEVENT")
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    assert str(event["SUMMARY"]) == "Skolpatrull"
    assert str(event["UID"]) == f"aktivitet-{activity.id}@example.se"
    assert "Polisen lovar att synas vid skolorna." in str(event["DESCRIPTION"])
    assert f"https://example.se/aktiviteter/{activity.id}" in str(event["DESCRIPTION"])
    assert event.decoded("dtstamp").tzinfo is not None
    assert expand(event) == occasions(activity.recurrence, activity.start_date, activity.due_date)
    assert str(feed().walk("VEVENT")[0]["UID"]) == str(event["UID"])


def test_my_feed_leaves_out_municipalities_the_user_has_left(session, make_municipality, make_user):
    town = make_municipality("Skara")
    officer = make_user(Role.OFFICER, town)
    activity = make_activity(make_commitment(make_promise(town)), make_type(), owner=officer,
                             due=date(2026, 4, 1))
    assert calendar_feed.my_activities(officer) == [activity]
    from tracker.models import Membership
    session.query(Membership).filter_by(user_id=officer.id).delete()
    session.flush()
    assert calendar_feed.my_activities(officer) == []


def test_a_client_sees_the_31st_as_the_last_day_of_shorter_months():
    """The dates written out, not derived: the app and the calendar both say 28 February."""
    event = event_for({"freq": "monthly", "until": "2027-04-30"}, date(2027, 1, 31), None)
    assert expand(event) == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31),
                             date(2027, 4, 30)]
    assert event["RRULE"]["BYSETPOS"] == [-1]


def test_a_client_sees_the_fifth_friday_only_in_months_that_have_one():
    """The dates written out, not derived: 29 May 2026 is the fifth Friday of May."""
    event = event_for({"freq": "monthly", "weekdays": [4], "until": "2026-12-31"},
                      date(2026, 5, 29), None)
    assert expand(event) == [date(2026, 5, 29), date(2026, 7, 31), date(2026, 10, 30)]
    assert event.decoded("dtstart") == date(2026, 5, 29)
    fortnightly = event_for({"freq": "weekly", "interval": 2, "weekdays": [2], "count": 3},
                            date(2026, 1, 7), None)
    assert expand(fortnightly) == [date(2026, 1, 7), date(2026, 1, 21), date(2026, 2, 4)]
