"""Activity rules without HTTP: recurrence, status, progress, logging validation."""
from datetime import date

import pytest

from tests.factories import make_activity, make_commitment, make_place, make_promise, make_type
from tracker.models import ActivityStatus, Role
from tracker.services import DomainError, FieldErrors, StaleEdit, logbook
from tracker.services import activities as service
from tracker.services.recurrence import occasions


def test_monthly_on_the_fifth_friday_only_in_months_that_have_one():
    # 29 May 2026 is the fifth Friday of May; the rule repeats "the fifth Friday".
    dates = occasions({"freq": "monthly", "weekdays": [4], "until": "2026-12-31"}, date(2026, 5, 29))
    assert dates == [date(2026, 5, 29), date(2026, 7, 31), date(2026, 10, 30)]


def test_weekly_rule_crosses_the_year_end():
    dates = occasions({"freq": "weekly", "weekdays": [0, 4], "count": 4}, date(2026, 12, 28))
    assert dates == [date(2026, 12, 28), date(2027, 1, 1), date(2027, 1, 4), date(2027, 1, 8)]


def test_fortnightly_until_a_date_and_count_limits():
    dates = occasions({"freq": "weekly", "interval": 2, "weekdays": [2], "until": "2026-02-28"},
                      date(2026, 1, 7))
    assert dates == [date(2026, 1, 7), date(2026, 1, 21), date(2026, 2, 4), date(2026, 2, 18)]
    assert len(occasions({"freq": "weekly", "weekdays": [1, 3], "count": 5}, date(2026, 3, 2))) == 5


def test_monthly_on_the_31st_falls_on_the_last_day_of_shorter_months():
    dates = occasions({"freq": "monthly", "until": "2027-12-31"}, date(2027, 1, 31))
    assert len(dates) == 12
    assert dates[:4] == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)]
    assert dates[-1] == date(2027, 12, 31)


def test_monthly_on_the_30th_and_29th_keep_their_day_where_the_month_has_it():
    assert occasions({"freq": "monthly", "count": 3}, date(2028, 1, 30)) == [
        date(2028, 1, 30), date(2028, 2, 29), date(2028, 3, 30)]
    assert occasions({"freq": "monthly", "interval": 2, "count": 3}, date(2026, 12, 29)) == [
        date(2026, 12, 29), date(2027, 2, 28), date(2027, 4, 29)]


@pytest.fixture
def world(session, make_municipality, make_user):
    m = make_municipality("Lidköping")
    coordinator = make_user(Role.COORDINATOR, m)
    officer = make_user(Role.OFFICER, m)
    promise = make_promise(m, year=2026)
    commitment = make_commitment(promise)
    kind = make_type()
    place = make_place(m)
    activity = make_activity(commitment, kind, owner=officer, places=[place], target=4)
    return dict(m=m, coordinator=coordinator, officer=officer, promise=promise,
                commitment=commitment, kind=kind, place=place, activity=activity)


def _log(world, today=date(2026, 5, 4), **changes):
    data = logbook.LogInput(occurred_on=date(2026, 5, 1), measures={"antal_poliser": "2"})
    for key, value in changes.items():
        setattr(data, key, value)
    return logbook.log_occasion(world["officer"], world["activity"], data, today=today)


def test_logging_moves_a_planned_activity_to_in_progress_and_counts(world):
    _log(world)
    _log(world, measures={"antal_poliser": "3", "timmar": "1,5", "typ": "nykterhet", "med_kommunen": "ja"})
    assert world["activity"].status == ActivityStatus.IN_PROGRESS
    assert service.logged_counts([world["activity"].id]) == {world["activity"].id: 2}


def test_measures_are_typed_and_refused_in_swedish(world):
    with pytest.raises(FieldErrors) as refused:
        _log(world, measures={"antal_poliser": "-1", "timmar": "en timme", "typ": "cykel",
                              "med_kommunen": "kanske"})
    errors = refused.value.errors
    assert "heltal som är 0 eller större" in errors["m_antal_poliser"]
    assert "tal som är 0 eller större" in errors["m_timmar"]
    assert "alternativen" in errors["m_typ"]
    assert "ja eller nej" in errors["m_med_kommunen"]
    assert service.logged_counts([world["activity"].id]) == {}


def test_required_measure_future_date_and_outside_period(world):
    with pytest.raises(FieldErrors) as refused:
        _log(world, measures={}, occurred_on=date(2026, 5, 5))
    assert "måste fyllas i" in refused.value.errors["m_antal_poliser"]
    assert "framtiden" in refused.value.errors["occurred_on"]
    with pytest.raises(FieldErrors) as refused:
        _log(world, occurred_on=date(2025, 12, 30))
    assert "utanför löftets period" in refused.value.errors["confirm_outside_period"]
    entry = _log(world, occurred_on=date(2025, 12, 30), confirm_outside_period=True)
    assert entry.id


def test_personnummer_in_note_or_text_measure_is_refused(world):
    with pytest.raises(FieldErrors) as refused:
        _log(world, note="Pratade med pojke 121212-1212 om droger",
             measures={"antal_poliser": "1", "est": "ärende 20121212-1212"})
    assert "personnummer" in refused.value.errors["note"]
    assert "personnummer" in refused.value.errors["m_est"]
    assert service.logged_counts([world["activity"].id]) == {}


def test_viewer_and_unassigned_officer_cannot_log(world, make_user):
    other_officer = make_user(Role.OFFICER, world["m"])
    with pytest.raises(DomainError):
        logbook.log_occasion(other_officer, world["activity"],
                             logbook.LogInput(occurred_on=date(2026, 5, 1)), today=date(2026, 5, 4))


def test_cancel_and_done_without_log_need_a_reason(world):
    officer, activity = world["officer"], world["activity"]
    with pytest.raises(FieldErrors):
        service.set_status(officer, activity, ActivityStatus.CANCELLED, "")
    with pytest.raises(FieldErrors):
        service.set_status(officer, activity, ActivityStatus.DONE, "")
    service.set_status(officer, activity, ActivityStatus.DONE, "Genomfördes av grannkommunen")
    assert activity.status == ActivityStatus.DONE
    _log(world)
    service.set_status(officer, activity, ActivityStatus.DONE, "")


def test_overdue_is_derived_from_status_and_date(world):
    activity = world["activity"]
    activity.due_date = date(2026, 5, 1)
    assert service.is_overdue(activity, date(2026, 5, 2))
    assert not service.is_overdue(activity, date(2026, 5, 1))
    activity.status = ActivityStatus.DONE
    assert not service.is_overdue(activity, date(2026, 5, 2))


def test_target_follows_recurrence_when_none_is_set(world):
    activity = world["activity"]
    activity.target_count = None
    activity.start_date = date(2026, 1, 5)
    activity.recurrence = {"freq": "weekly", "weekdays": [4], "until": "2026-01-31"}
    assert service.target_of(activity) == 4


def test_stale_status_change_is_refused(world):
    with pytest.raises(StaleEdit):
        service.set_status(world["officer"], world["activity"], ActivityStatus.IN_PROGRESS,
                           expected_version=world["activity"].version_id - 1)


def test_officer_may_plan_under_polisen_but_not_under_kommunen(world):
    officer = world["officer"]
    data = service.ActivityInput(commitment_id=world["commitment"].id, type_id=world["kind"].id,
                                 title="Ny patrull", owner_id=officer.id)
    assert service.save_activity(officer, data).id
    from tracker.models import Party
    municipal = make_commitment(world["promise"], party=Party.KOMMUNEN, text="Kommunen lovar ljus.")
    data.commitment_id = municipal.id
    with pytest.raises(DomainError):
        service.save_activity(officer, data)


def test_assignees_must_be_members(world, make_user, make_municipality):
    stranger = make_user(Role.OFFICER, make_municipality("Skara"))
    data = service.ActivityInput(commitment_id=world["commitment"].id, type_id=world["kind"].id,
                                 title="Patrull", assignee_ids=[stranger.id])
    with pytest.raises(FieldErrors) as refused:
        service.save_activity(world["coordinator"], data)
    assert "assignee_ids" in refused.value.errors


def test_dates_outside_2000_to_2100_are_refused_not_overflowed(world):
    data = service.ActivityInput(
        commitment_id=world["commitment"].id, type_id=world["kind"].id, title="Patrull",
        start_date=date(9998, 1, 1), due_date=date(9999, 12, 1),
        recurrence={"freq": "weekly", "interval": 1, "weekdays": [0], "until": "9999-12-31"})
    with pytest.raises(FieldErrors) as refused:
        service.save_activity(world["coordinator"], data)
    assert refused.value.errors["start_date"] == "Ange ett datum mellan år 2000 och 2100."
    assert {"due_date", "rec_until"} <= set(refused.value.errors)


def test_no_activity_is_planned_under_a_concluded_promise_whoever_calls(world):
    from tracker import policies
    from tracker.models import PromiseStatus

    world["promise"].status = PromiseStatus.CONCLUDED
    data = service.ActivityInput(commitment_id=world["commitment"].id, type_id=world["kind"].id,
                                 title="Sen patrull", owner_id=world["officer"].id)
    for who in ("coordinator", "officer"):
        assert not policies.can_create_activity(world[who], world["commitment"])
        with pytest.raises(DomainError) as refused:
            service.save_activity(world[who], data)
        assert "avslutat" in refused.value.message
    # what was planned before it concluded can still be edited
    data.title = "Kvällspatrull, ändrad"
    assert service.save_activity(world["coordinator"], data, world["activity"]).title == data.title


@pytest.mark.parametrize("change, field", [
    ({"title": "x" * 201}, "title"),
    ({"description": "x" * 5001}, "description"),
    ({"target_count": 100_001}, "target_count"),
    ({"recurrence": {"freq": "weekly", "interval": 53, "weekdays": [0], "count": 3}},
     "rec_interval"),
    ({"recurrence": {"freq": "weekly", "interval": 1, "weekdays": [0], "count": 1001}},
     "rec_count"),
    ({"recurrence": {"freq": "weekly", "interval": 1, "weekdays": [7], "count": 3}},
     "rec_weekdays"),
])
def test_every_length_and_range_of_an_activity_is_the_services(world, change, field):
    data = service.ActivityInput(**{
        "commitment_id": world["commitment"].id, "type_id": world["kind"].id,
        "title": "Patrull", "start_date": date(2026, 1, 5), **change})
    with pytest.raises(FieldErrors) as refused:
        service.save_activity(world["coordinator"], data)
    assert set(refused.value.errors) == {field}


def _recurring(world, recurrence, **changes):
    return service.ActivityInput(**{
        "commitment_id": world["commitment"].id, "type_id": world["kind"].id,
        "title": "Fredagspatrull", "start_date": date(2026, 1, 2),
        "recurrence": {"freq": "weekly", "interval": 1, "weekdays": [4], **recurrence},
        **changes})


@pytest.mark.parametrize("recurrence, changes, field", [
    ({"until": "2099-12-31"}, {}, "rec_until"),
    ({"until": "2027-01-01"}, {"due_date": date(2026, 3, 1)}, "rec_until"),
    ({"count": 60}, {}, "rec_count"),
    ({}, {"due_date": date(2027, 6, 30)}, "due_date"),
])
def test_a_recurrence_may_not_run_past_the_promise_s_period(world, recurrence, changes, field):
    """The promise is for 2026: its period ends 31 December 2026, however the series ends."""
    with pytest.raises(FieldErrors) as refused:
        service.save_activity(world["coordinator"], _recurring(world, recurrence, **changes))
    assert refused.value.errors == {field: "Upprepningen kan inte gå längre än löftets period, "
                                           "som slutar 31 december 2026."}


def test_a_recurrence_to_the_period_s_last_day_is_planned(world):
    activity = service.save_activity(world["coordinator"],
                                     _recurring(world, {"until": "2026-12-31"}))
    assert len(service.expected_occasions(activity)) == 52


def test_a_recurrence_the_app_s_cap_would_cut_short_is_refused_not_truncated(world):
    world["promise"].end_year = 2028  # three years: every day is 1 096 occasions
    data = _recurring(world, {"until": "2028-12-31", "weekdays": list(range(7))})
    with pytest.raises(FieldErrors) as refused:
        service.save_activity(world["coordinator"], data)
    assert set(refused.value.errors) == {"rec_until"}
    assert "fler än 1\u00a0000 tillfällen" in refused.value.errors["rec_until"]
    data.recurrence = {**data.recurrence, "until": "2028-09-27"}  # 1 000 days
    assert len(service.expected_occasions(service.save_activity(world["coordinator"], data))) \
        == 1000


def test_a_recurrence_ends_by_a_date_or_a_count_not_both(world):
    with pytest.raises(FieldErrors) as refused:
        service.save_activity(world["coordinator"],
                              _recurring(world, {"until": "2026-06-30", "count": 4}))
    assert refused.value.errors == {"rec_count": "Ange antingen datumet upprepningen slutar "
                                                 "eller antalet tillfällen, inte båda."}


def test_a_200_character_title_is_kept_whole(world):
    data = service.ActivityInput(commitment_id=world["commitment"].id, type_id=world["kind"].id,
                                 title="x" * 200)
    assert service.save_activity(world["coordinator"], data).title == "x" * 200


@pytest.mark.parametrize("change, field", [
    ({"duration_minutes": 31 * 24 * 60 + 1}, "duration_minutes"),
    ({"note": "x" * 5001}, "note"),
])
def test_a_logged_occasions_limits_are_the_services(world, change, field):
    with pytest.raises(FieldErrors) as refused:
        _log(world, **change)
    assert set(refused.value.errors) == {field}
    assert _log(world, duration_minutes=31 * 24 * 60).duration_minutes == 31 * 24 * 60


def test_a_status_reason_over_2000_characters_is_refused(world):
    with pytest.raises(FieldErrors) as refused:
        service.set_status(world["officer"], world["activity"], ActivityStatus.CANCELLED,
                           "x" * 2001)
    assert set(refused.value.errors) == {"reason"}


def test_a_measured_number_or_a_date_beyond_reason_is_refused_and_nothing_is_logged(world):
    """10^30 vehicles once broke the follow-up that summed them; a day in year 1 is a slip."""
    with pytest.raises(FieldErrors) as refused:
        _log(world, measures={"antal_poliser": "1" + "0" * 30, "timmar": "1e308"})
    assert refused.value.errors["m_antal_poliser"].endswith(
        "ska vara ett heltal från 0 till 1\u00a0000\u00a0000.")
    assert refused.value.errors["m_timmar"].endswith("kan vara högst 1\u00a0000\u00a0000.")
    with pytest.raises(FieldErrors) as refused:
        _log(world, occurred_on=date(1, 1, 1), confirm_outside_period=True)
    assert refused.value.errors == {"occurred_on": "Ange ett datum mellan år 2000 och 2100."}
    assert service.logged_counts([world["activity"].id]) == {}
    kept = _log(world, measures={"antal_poliser": "1000000", "timmar": "1000000"})
    assert kept.measures["antal_poliser"] == 1_000_000


def test_the_follow_up_prints_a_sum_beyond_decimal_precision_without_failing():
    """Numbers stored before the limit still compile: printed whole, grouped."""
    from tracker.followups.prose import number

    assert number(10**30) == "\u00a0".join(["1"] + ["000"] * 10)


def test_logged_numbers_are_shown_as_the_page_writes_numbers(app):
    """'Timmar: 1,5' on a Swedish page, never 1.5 or 2.0."""
    from tracker.services.activity_read import measures_text

    specs = [{"key": "timmar", "label": "Timmar", "kind": "decimal"},
             {"key": "antal", "label": "Antal", "kind": "integer"},
             {"key": "andel", "label": "Andel", "kind": "decimal"}]
    measures = {"timmar": 1.5, "antal": 1200, "andel": 2.0}
    with app.test_request_context("/"):
        assert measures_text(specs, measures, "ja", "nej") == \
            "Timmar: 1,5; Antal: 1\u00a0200; Andel: 2"
        assert measures_text(specs, {"timmar": 0.25}, "ja", "nej") == "Timmar: 0,25"
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        assert measures_text(specs, {"antal": 1200, "timmar": 1.5}, "yes", "no",
                             english=True) == "Timmar: 1.5; Antal: 1,200"


def test_leading_zeros_do_not_make_a_measured_number_too_long(world):
    assert _log(world, measures={"antal_poliser": "0001000000"}).measures["antal_poliser"] \
        == 1_000_000
