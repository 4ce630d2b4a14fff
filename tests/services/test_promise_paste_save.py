"""Saving a corrected preview as a draft: through the promise service, all or nothing, audited."""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from tracker.models import AuditEvent, Commitment, FocusArea, Promise, PromiseStatus, Role
from tracker.services import DomainError, FieldErrors
from tracker.services import promises as service
from tracker.services.promises.from_text import (
    CommitmentDraft,
    FocusAreaDraft,
    PromiseDraft,
    parse_promise_text,
)
from tracker.services.promises.pasted import save_draft

TEXTS = Path(__file__).parent / "promise_texts"
PERSONNUMMER = "19811218-9876"


@pytest.fixture
def world(session, make_municipality, make_user):
    m = make_municipality("Vänersborg")
    return dict(m=m, coordinator=make_user(Role.COORDINATOR, m),
                viewer=make_user(Role.VIEWER, m), officer=make_user(Role.OFFICER, m))


@pytest.fixture
def draft(app):
    with app.test_request_context():
        return parse_promise_text(
            (TEXTS / "vanersborg_kolon_streck.txt").read_text(encoding="utf-8"))


def test_the_preview_becomes_a_draft_with_its_focus_areas_commitments_and_signatories(
        session, world, draft):
    promise = save_draft(world["coordinator"], world["m"].id, draft, "text")
    loaded = service.load_promise(promise.id)
    assert loaded.status == PromiseStatus.DRAFT and not loaded.is_public
    assert (loaded.title, loaded.start_year, loaded.end_year) == (
        "Medborgarlöfte för Vänersborg 2024–2025", 2024, 2025)
    assert loaded.sources == ["trygghetsmatning"]
    assert loaded.signatories == [
        {"name": "Anna Lindqvist", "title": "Kommunstyrelsens ordförande (S)"},
        {"name": "Peter Holm", "title": "Lokalpolisområdeschef"}]
    assert [a.title for a in loaded.focus_areas] == ["Trygg stadskärna", "Narkotika bland unga"]
    rows = session.execute(
        sa.select(FocusArea.title, Commitment.party, Commitment.text)
        .join(FocusArea, Commitment.focus_area_id == FocusArea.id)
        .where(Commitment.promise_id == promise.id)
        .order_by(Commitment.position)).all()
    assert [(title, party.value, text) for title, party, text in rows] == [
        ("Trygg stadskärna", "kommunen", "Förbättra belysningen i Skräcklebyparken."),
        ("Trygg stadskärna", "kommunen", "Genomföra två trygghetsvandringar per år i centrum."),
        ("Trygg stadskärna", "polisen",
         "Öka den synliga närvaron i centrum fredag och lördag kväll."),
        ("Trygg stadskärna", "tillsammans",
         "Ta fram en gemensam lägesbild varje vecka enligt EST."),
        ("Narkotika bland unga", "kommunen",
         "Erbjuda föräldrautbildning om droger i alla högstadieskolor."),
        ("Narkotika bland unga", "polisen",
         "Genomföra riktade insatser mot narkotikaförsäljning till unga."),
    ]


def test_the_save_is_in_the_audit_trail_with_every_row(session, world, draft):
    promise = save_draft(world["coordinator"], world["m"].id, draft, "docx")
    event = session.scalar(sa.select(AuditEvent).where(
        AuditEvent.entity == "promise", AuditEvent.entity_id == promise.id,
        AuditEvent.action == "create_from_text"))
    assert event.changes == {"origin": "docx", "focus_areas": 2, "commitments": 6}
    inserted = session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.entity == "commitment", AuditEvent.action == "insert"))
    assert inserted == 6


@pytest.mark.parametrize("role", ["viewer", "officer"])
def test_only_those_who_may_write_promises_can_save(session, world, draft, role):
    with pytest.raises(DomainError, match="behörighet"):
        save_draft(world[role], world["m"].id, draft, "text")
    assert session.scalar(sa.select(sa.func.count()).select_from(Promise)) == 0


def test_every_refusal_is_named_by_its_place_in_the_preview(world):
    draft = PromiseDraft(
        title="", start_year=2024, end_year=2030,
        focus_areas=[FocusAreaDraft("Trygg skolväg", "", [
            CommitmentDraft("kommunen", "Laga belysningen."),
            CommitmentDraft("polisen", f"Samtal med {PERSONNUMMER}."),
        ]), FocusAreaDraft("", "", [CommitmentDraft("nobody", "Något.")])],
        other_commitments=[CommitmentDraft("tillsammans", "   ")],
    )
    with pytest.raises(FieldErrors) as refused:
        save_draft(world["coordinator"], world["m"].id, draft, "text")
    assert set(refused.value.errors) == {"title", "end_year"}  # no promise, so no rows yet
    draft.title, draft.end_year = "Medborgarlöfte", 2025
    with pytest.raises(FieldErrors) as refused:
        save_draft(world["coordinator"], world["m"].id, draft, "text")
    errors = refused.value.errors
    assert set(errors) == {"focus_areas-0-commitments-1-text", "focus_areas-1-title",
                           "focus_areas-1-commitments-0-party", "other_commitments-0-text"}
    assert "personnummer" in errors["focus_areas-0-commitments-1-text"]


def test_signatories_are_checked_like_at_signing(world, draft):
    draft.signatories[1].title = ""
    draft.signatories[0].name = f"Anna {PERSONNUMMER}"
    with pytest.raises(FieldErrors) as refused:
        save_draft(world["coordinator"], world["m"].id, draft, "text")
    assert list(refused.value.errors) == ["signatories"]
