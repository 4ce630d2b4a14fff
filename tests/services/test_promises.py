"""Promise rules without HTTP: periods, signing, revising, reordering, renewal, progress."""
from datetime import date

import pytest
import sqlalchemy as sa

from tests.factories import make_activity, make_place, make_type
from tracker.models import (
    Activity,
    ActivityStatus,
    AuditEvent,
    Commitment,
    FocusArea,
    LogEntry,
    Party,
    Promise,
    PromiseStatus,
    Role,
)
from tracker.services import DomainError, FieldErrors, StaleEdit
from tracker.services import promises as service
from tracker.services.promises import CommitmentInput
from tracker.services.promises.writing import clean_signatories

PERSONNUMMER = "19811218-9876"  # the Skatteverket test number: real date, valid check digit


@pytest.fixture
def world(session, make_municipality, make_user):
    m = make_municipality("Skara")
    coordinator = make_user(Role.COORDINATOR, m)
    officer = make_user(Role.OFFICER, m)
    promise = service.create_promise(
        coordinator, m.id, title="Medborgarlöfte 2025", start_year=2025, end_year=2025,
        problem_picture="Otrygghet vid stationsområdet.", sources=["enkat", "medborgardialog"],
    )
    area = service.add_focus_area(promise, coordinator, "Trygghet i centrum")
    commitment = service.add_commitment(
        promise, coordinator,
        CommitmentInput(Party.POLISEN, "Polisen genomför trygghetsskapande patrullering.",
                        area.id, 20, "minst 20 pass"),
    )
    return dict(m=m, coordinator=coordinator, officer=officer, promise=promise, area=area,
                commitment=commitment)


def _sign(world, when=date(2025, 2, 4)):
    return service.sign_promise(
        world["promise"], world["coordinator"], when,
        [{"name": "Anna Andersson", "title": "Kommunstyrelsens ordförande"},
         {"name": "Bo Berg", "title": "Lokalpolisområdeschef"}, {"name": "", "title": ""}],
        today=date(2025, 3, 1),
    )


def _values(**changes):
    values = dict(title="Medborgarlöfte 2025", start_year=2025, end_year=2025)
    values.update(changes)
    return values


# ---------------------------------------------------------------- creating, periods

def test_create_keeps_sources_in_canonical_order_and_starts_as_draft(world):
    promise = world["promise"]
    assert promise.status == PromiseStatus.DRAFT
    assert promise.sources == ["medborgardialog", "enkat"]


@pytest.mark.parametrize("start, end, field", [
    (2025, 2028, "end_year"),   # four years
    (2025, 2024, "end_year"),   # ends before it starts
    (1999, 1999, "start_year"),
    (2101, 2101, "start_year"),
])
def test_period_must_be_one_to_three_years_within_range(world, start, end, field):
    with pytest.raises(FieldErrors) as refused:
        service.create_promise(world["coordinator"], world["m"].id,
                               **_values(start_year=start, end_year=end))
    assert field in refused.value.errors


def test_a_start_year_outside_the_range_names_the_range_as_years(world):
    with pytest.raises(FieldErrors) as refused:
        service.create_promise(world["coordinator"], world["m"].id,
                               **_values(start_year=1999, end_year=1999))
    assert refused.value.errors == {"start_year": "Startåret ska vara mellan 2000 och 2100."}


def test_a_period_too_long_is_refused_with_the_bounds_the_check_uses(world):
    with pytest.raises(FieldErrors) as refused:
        service.create_promise(world["coordinator"], world["m"].id,
                               **_values(start_year=2025, end_year=2025 + service.MAX_PERIOD_YEARS))
    assert refused.value.errors == {"end_year": (
        "Perioden ska vara 1–3 år: slutåret ska vara samma som startåret eller högst 2 år "
        "senare.")}
    assert service.create_promise(world["coordinator"], world["m"].id, **_values(
        start_year=2025, end_year=2024 + service.MAX_PERIOD_YEARS)).end_year == 2027


def test_three_year_period_is_accepted(world):
    promise = service.create_promise(world["coordinator"], world["m"].id,
                                     **_values(start_year=2026, end_year=2028))
    assert promise.period_label == "2026–2028"


def test_unknown_source_bad_url_and_personnummer_are_refused_together(world):
    with pytest.raises(FieldErrors) as refused:
        service.create_promise(
            world["coordinator"], world["m"].id,
            **_values(sources=["enkat", "rykten"], agreement_url="javascript:alert(1)",
                      problem_picture=f"Samtal med {PERSONNUMMER} om oro."),
        )
    assert set(refused.value.errors) == {"sources", "agreement_url", "problem_picture"}
    assert "personnummer" in refused.value.errors["problem_picture"]



def test_a_title_past_the_columns_length_is_refused_with_the_number_written_out(world):
    with pytest.raises(FieldErrors) as refused:
        service.create_promise(world["coordinator"], world["m"].id,
                               **_values(title="R" * (service.TITLE_MAX + 1)))
    assert refused.value.errors == {"title": "Rubriken får vara högst 200 tecken."}
    people = [{"name": "N" * (service.SIGNATORY_MAX + 1), "title": "Kommunstyrelsens ordförande"}]
    errors: dict[str, str] = {}
    clean_signatories(people, errors)
    assert errors == {"signatories": "Namn och titel får ha högst 160 tecken var."}


def test_officer_may_not_write_promises(world):
    with pytest.raises(DomainError):
        service.create_promise(world["officer"], world["m"].id, **_values())
    with pytest.raises(DomainError):
        service.add_focus_area(world["promise"], world["officer"], "Trafik")


# ---------------------------------------------------------------- stale edits

def test_update_with_an_old_version_is_stale_and_changes_nothing(world, session):
    promise = world["promise"]
    opened = promise.version_id
    service.update_promise(promise, world["coordinator"], opened, title="Ny rubrik")
    session.commit()
    with pytest.raises(StaleEdit) as stale:
        service.update_promise(promise, world["coordinator"], opened, title="Min rubrik")
    assert stale.value.current is promise
    assert "ändrat" in stale.value.message
    assert session.get(Promise, promise.id).title == "Ny rubrik"


def test_update_with_the_current_version_saves(world):
    promise = world["promise"]
    service.update_promise(promise, world["coordinator"], promise.version_id,
                           title="Medborgarlöfte 2025–2026", end_year=2026)
    assert promise.period_label == "2025–2026"


def test_a_yearly_count_follows_the_draft_s_period_and_a_set_target_stays(world, session):
    promise, coordinator = world["promise"], world["coordinator"]
    yearly = service.add_commitment(promise, coordinator, CommitmentInput(
        Party.POLISEN, "Genomföra 30 hastighetskontroller per år.", world["area"].id, 30, ""))
    service.update_promise(promise, coordinator, promise.version_id, end_year=2026)
    assert (yearly.target_count, yearly.target_note) == (60, "30 per år under periodens två år")
    assert (world["commitment"].target_count, world["commitment"].target_note) == (
        20, "minst 20 pass")  # set by hand, not read from its text
    yearly.target_count = 70  # changed by hand: a new length leaves it alone
    session.flush()
    service.update_promise(promise, coordinator, promise.version_id, end_year=2027)
    assert yearly.target_count == 70
    events = session.scalars(sa.select(AuditEvent.changes).where(
        AuditEvent.entity == "commitment", AuditEvent.entity_id == yearly.id,
        AuditEvent.action == "update")).all()
    assert {"target_count": [30, 60], "target_note": ["", "30 per år under periodens två år"]} \
        in [{k: v for k, v in c.items() if k.startswith("target")} for c in events]


# ---------------------------------------------------------------- signing

def test_sign_moves_draft_to_signed_with_date_and_signatories(world, session):
    promise = _sign(world)
    assert promise.status == PromiseStatus.SIGNED
    assert promise.signed_on == date(2025, 2, 4)
    assert [s["title"] for s in promise.signatories] == [
        "Kommunstyrelsens ordförande", "Lokalpolisområdeschef"]
    actions = session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.entity == "promise", AuditEvent.entity_id == promise.id)).all()
    assert "sign" in actions


def test_sign_needs_a_signatory_a_past_date_and_a_commitment(world, session, make_user):
    with pytest.raises(FieldErrors) as refused:
        service.sign_promise(world["promise"], world["coordinator"], date(2025, 6, 1),
                             [{"name": "", "title": ""}], today=date(2025, 3, 1))
    assert set(refused.value.errors) == {"signed_on", "signatories"}
    empty = service.create_promise(world["coordinator"], world["m"].id,
                                   **_values(title="Tomt", start_year=2027, end_year=2027))
    with pytest.raises(DomainError, match="utan åtaganden"):
        service.sign_promise(empty, world["coordinator"], date(2025, 1, 1),
                             [{"name": "A", "title": "B"}], today=date(2025, 3, 1))
    assert world["promise"].status == PromiseStatus.DRAFT


def test_signing_twice_is_refused(world):
    _sign(world)
    with pytest.raises(DomainError, match="redan undertecknat"):
        _sign(world)


def test_after_signing_commitments_and_focus_areas_are_locked(world):
    _sign(world)
    commitment, area = world["commitment"], world["area"]
    data = CommitmentInput(Party.POLISEN, "Ändrad text", area.id, 20, "")
    for attempt in (
        lambda: service.update_commitment(commitment, world["coordinator"], data),
        lambda: service.add_commitment(world["promise"], world["coordinator"], data),
        lambda: service.delete_commitment(commitment, world["coordinator"]),
        lambda: service.move_commitment(commitment, world["coordinator"], "up"),
        lambda: service.add_focus_area(world["promise"], world["coordinator"], "Trafik"),
        lambda: service.update_focus_area(area, world["coordinator"], "Ny rubrik"),
        lambda: service.delete_focus_area(area, world["coordinator"]),
    ):
        with pytest.raises(DomainError):
            attempt()
    assert commitment.text == "Polisen genomför trygghetsskapande patrullering."


def test_after_signing_only_the_link_and_visibility_change(world):
    promise = _sign(world)
    with pytest.raises(DomainError, match="undertecknat"):
        service.update_promise(promise, world["coordinator"], promise.version_id,
                               title="Annan rubrik")
    service.update_promise(promise, world["coordinator"], promise.version_id,
                           agreement_url="https://skara.se/overenskommelse.pdf", is_public=True)
    assert promise.is_public and promise.agreement_url.startswith("https://")
    assert promise.title == "Medborgarlöfte 2025"


# ---------------------------------------------------------------- revising

def _revise(world, **changes):
    values = dict(text="Polisen genomför patrullering varje helg.", target_count=30,
                  target_note="minst 30 pass", reason="Lägesbilden visar fler händelser.")
    values.update(changes)
    return service.revise_commitment(world["commitment"], world["coordinator"], **values)


def test_revise_needs_a_reason(world):
    _sign(world)
    with pytest.raises(FieldErrors) as refused:
        _revise(world, reason="  ")
    assert "reason" in refused.value.errors
    assert world["commitment"].target_count == 20


def test_revise_is_refused_on_a_draft(world):
    with pytest.raises(DomainError, match="utkast"):
        _revise(world)


def test_revise_changes_the_commitment_and_records_the_reason(world, session):
    _sign(world)
    _revise(world)
    commitment = world["commitment"]
    assert commitment.text == "Polisen genomför patrullering varje helg."
    assert commitment.target_count == 30
    event = session.scalar(sa.select(AuditEvent).where(
        AuditEvent.entity == "commitment", AuditEvent.entity_id == commitment.id,
        AuditEvent.action == "revise"))
    assert event.changes["reason"] == "Lägesbilden visar fler händelser."
    assert event.changes["target_count"] == [20, 30]
    assert event.changes["text"][0] == "Polisen genomför trygghetsskapande patrullering."


def test_revise_refuses_personnummer_in_the_reason_and_an_unchanged_commitment(world):
    _sign(world)
    with pytest.raises(FieldErrors) as refused:
        _revise(world, reason=f"Efter samtal med {PERSONNUMMER}")
    assert "personnummer" in refused.value.errors["reason"]
    with pytest.raises(FieldErrors, match="Ingenting är ändrat"):
        _revise(world, text=world["commitment"].text, target_count=20,
                target_note="minst 20 pass")


# ---------------------------------------------------------------- commitments and order

def test_commitment_validation(world):
    with pytest.raises(FieldErrors) as refused:
        service.add_commitment(world["promise"], world["coordinator"],
                               CommitmentInput("grannarna", "", None, -1, ""))
    assert set(refused.value.errors) == {"party", "text", "target_count"}


def test_commitment_cannot_use_another_promises_focus_area(world):
    other = service.create_promise(world["coordinator"], world["m"].id,
                                   **_values(title="Annat", start_year=2030, end_year=2030))
    foreign = service.add_focus_area(other, world["coordinator"], "Annat område")
    with pytest.raises(FieldErrors) as refused:
        service.add_commitment(world["promise"], world["coordinator"],
                               CommitmentInput(Party.KOMMUNEN, "Text", foreign.id))
    assert "focus_area_id" in refused.value.errors


def test_move_swaps_within_the_same_focus_area_and_party(world):
    promise, coordinator, area = world["promise"], world["coordinator"], world["area"]
    first = world["commitment"]
    kommunen = service.add_commitment(promise, coordinator,
                                      CommitmentInput(Party.KOMMUNEN, "Kommunen lovar", area.id))
    second = service.add_commitment(promise, coordinator,
                                    CommitmentInput(Party.POLISEN, "Andra polislöftet", area.id))
    assert service.move_commitment(second, coordinator, "up") is True
    assert second.position < first.position
    assert service.move_commitment(second, coordinator, "up") is False  # already first
    assert kommunen.position not in (first.position, second.position)


def test_move_focus_area_down(world):
    promise, coordinator = world["promise"], world["coordinator"]
    traffic = service.add_focus_area(promise, coordinator, "Trafik")
    assert service.move_focus_area(world["area"], coordinator, "down") is True
    assert traffic.position < world["area"].position


def test_deleting_a_focus_area_moves_its_commitments_to_other_promises(world, session):
    moved = service.delete_focus_area(world["area"], world["coordinator"])
    assert moved == 1
    session.expire_all()
    assert session.get(Commitment, world["commitment"].id).focus_area_id is None
    assert session.get(FocusArea, world["area"].id) is None


def test_a_commitment_with_activities_cannot_be_deleted(world):
    make_activity(world["commitment"], make_type())
    with pytest.raises(DomainError, match="aktiviteter"):
        service.delete_commitment(world["commitment"], world["coordinator"])


# ---------------------------------------------------------------- copy to the next period

def _activities(world):
    kind = make_type()
    place = make_place(world["m"], "Stationsområdet")
    commitment, officer = world["commitment"], world["officer"]
    open_one = make_activity(commitment, kind, owner=officer, assignees=[world["coordinator"]],
                             places=[place], title="Kvällspatrull", target=10,
                             start=date(2025, 2, 1), due=date(2025, 11, 30),
                             status=ActivityStatus.IN_PROGRESS,
                             recurrence={"freq": "weekly", "weekdays": [4], "until": "2025-11-28"})
    make_activity(commitment, kind, title="Klar insats", status=ActivityStatus.DONE)
    make_activity(commitment, kind, title="Inställd insats", status=ActivityStatus.CANCELLED)
    return open_one


def test_copy_makes_a_draft_for_the_next_period_without_activities(world, session):
    _sign(world)
    _activities(world)
    copy = service.copy_to_next_period(world["promise"], world["coordinator"], False)
    assert (copy.title, copy.start_year, copy.end_year) == ("Medborgarlöfte 2026", 2026, 2026)
    assert copy.status == PromiseStatus.DRAFT and copy.signatories == [] and not copy.signed_on
    assert copy.problem_picture == world["promise"].problem_picture
    areas = session.scalars(sa.select(FocusArea).where(FocusArea.promise_id == copy.id)).all()
    assert [a.title for a in areas] == ["Trygghet i centrum"]
    commitments = session.scalars(
        sa.select(Commitment).where(Commitment.promise_id == copy.id)).all()
    assert [(c.party, c.text, c.target_count, c.target_note, c.focus_area_id)
            for c in commitments] == [
        (Party.POLISEN, "Polisen genomför trygghetsskapande patrullering.", 20, "minst 20 pass",
         areas[0].id)]
    assert session.scalar(sa.select(sa.func.count(Activity.id)).where(
        Activity.commitment_id == commitments[0].id)) == 0


def test_copy_carries_unfinished_activities_forward_by_the_period_length(world, session):
    world["promise"].end_year = 2026  # a two-year promise: 2025–2026 → 2027–2028
    world["promise"].title = "Medborgarlöfte 2025–2026"
    session.flush()
    original = _activities(world)
    copy = service.copy_to_next_period(world["promise"], world["coordinator"], True)
    assert (copy.title, copy.start_year, copy.end_year) == ("Medborgarlöfte 2027–2028", 2027, 2028)
    new_commitment = session.scalar(sa.select(Commitment).where(Commitment.promise_id == copy.id))
    carried = session.scalars(
        sa.select(Activity).where(Activity.commitment_id == new_commitment.id)
        .options(sa.orm.selectinload(Activity.assignees), sa.orm.selectinload(Activity.places))
    ).all()
    assert [a.title for a in carried] == ["Kvällspatrull"]  # done and cancelled stay behind
    activity = carried[0]
    assert activity.status == ActivityStatus.PLANNED
    assert (activity.start_date, activity.due_date) == (date(2027, 2, 1), date(2027, 11, 30))
    assert activity.recurrence["until"] == "2027-11-28"
    assert activity.owner_id == world["officer"].id and activity.target_count == 10
    assert [u.id for u in activity.assignees] == [world["coordinator"].id]
    assert [p.name for p in activity.places] == ["Stationsområdet"]
    assert activity.municipality_id == world["m"].id and activity.type_id == original.type_id
    # The original is closed in the old period, pointing to its copy: My tasks and the
    # reminders list the work once.
    assert original.status == ActivityStatus.CANCELLED
    assert original.status_reason == (f"Flyttad till Medborgarlöfte 2027–2028 (2027–2028): "
                                      f"fortsätter där som aktivitet {activity.id}.")


def test_copy_names_the_promises_that_overlap_the_next_period(world, session):
    assert service.overlapping_promises(world["promise"]) == []
    nearby = service.create_promise(world["coordinator"], world["m"].id,
                                    title="Trygghetslöfte 2026", start_year=2026,
                                    end_year=2027)
    service.create_promise(world["coordinator"], world["m"].id, title="Äldre löfte",
                           start_year=2020, end_year=2021)
    session.flush()

    assert service.overlapping_promises(world["promise"]) == [nearby]


def test_copy_twice_is_refused_and_needs_edit_rights(world):
    service.copy_to_next_period(world["promise"], world["coordinator"], False)
    with pytest.raises(DomainError, match="finns redan"):
        service.copy_to_next_period(world["promise"], world["coordinator"], False)
    with pytest.raises(DomainError):
        service.copy_to_next_period(world["promise"], world["officer"], False)


def test_copy_of_a_leap_day_activity_lands_on_28_february(world, session):
    make_activity(world["commitment"], make_type(), title="Skottdag", start=date(2024, 2, 29))
    copy = service.copy_to_next_period(world["promise"], world["coordinator"], True)
    carried = session.scalar(
        sa.select(Activity).join(Commitment).where(Commitment.promise_id == copy.id))
    assert carried.start_date == date(2025, 2, 28)


# ---------------------------------------------------------------- reading

def test_sections_group_by_focus_area_then_party_with_progress(world, session):
    promise, coordinator, area = world["promise"], world["coordinator"], world["area"]
    service.add_commitment(promise, coordinator, CommitmentInput(
        Party.TILLSAMMANS, "Tillsammans: trygghetsvandring", area.id))
    service.add_commitment(promise, coordinator,
                           CommitmentInput(Party.KOMMUNEN, "Kommunen: belysning", area.id))
    service.add_commitment(promise, coordinator,
                           CommitmentInput(Party.KOMMUNEN, "Utan fokusområde", None))
    kind = make_type()
    first = make_activity(world["commitment"], kind)
    second = make_activity(world["commitment"], kind)
    make_activity(world["commitment"], kind, status=ActivityStatus.CANCELLED)
    for activity, n in ((first, 3), (second, 2)):
        for _ in range(n):
            session.add(LogEntry(activity_id=activity.id, occurred_on=date(2025, 4, 1)))
    session.flush()
    session.expire_all()
    loaded = service.load_promise(promise.id)
    result = service.sections(loaded)
    assert [s.focus_area.title if s.focus_area else None for s in result] == [
        "Trygghet i centrum", None]
    assert [g.party for g in result[0].groups] == [Party.KOMMUNEN, Party.POLISEN, Party.TILLSAMMANS]
    row = result[0].groups[1].rows[0]
    assert (row.activity_count, row.logged, row.target, row.percent) == (2, 5, 20, 25)
    assert result[1].groups[0].rows[0].commitment.text == "Utan fokusområde"
    assert result[0].groups[0].rows[0].logged == 0
