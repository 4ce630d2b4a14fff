"""The follow-up editor over HTTP: edit, versions, approvals by both parties, publish, correct."""
from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from tests.conftest import count_queries, login
from tests.factories import make_type
from tracker.extensions import db
from tracker.followups import compiler as followup_compiler
from tracker.models import (
    Activity,
    ActivityStatus,
    FollowUp,
    FollowUpStatus,
    FollowUpVersion,
    LogEntry,
    Organisation,
    Party,
    PromiseStatus,
    Role,
)
from tracker.services import promises as promise_service
from tracker.services.promises import CommitmentInput

PERSONNUMMER = "811218-9876"


@pytest.fixture
def world(session, make_municipality, make_user):
    home = make_municipality("Lidköping")
    away = make_municipality("Götene")
    users = {
        "coordinator": make_user(Role.COORDINATOR, home),
        "police": make_user(Role.COORDINATOR, home, organisation=Organisation.POLISEN),
        "officer": make_user(Role.OFFICER, home, organisation=Organisation.POLISEN),
        "viewer": make_user(Role.VIEWER, home),
        "stranger": make_user(Role.COORDINATOR, away),
    }
    promise = promise_service.create_promise(users["coordinator"], home.id,
                                             title="Medborgarlöfte 2023", start_year=2023,
                                             end_year=2023)
    area = promise_service.add_focus_area(promise, users["coordinator"], "Trygg stadskärna")
    commitment = promise_service.add_commitment(
        promise, users["coordinator"],
        CommitmentInput(Party.POLISEN, "Polisen genomför trafikkontroller i centrum.", area.id,
                        4, ""))
    promise.status = PromiseStatus.CONCLUDED
    kind = make_type("fu_view_trafik", [])
    kind.name_sv = "Trafikkontroll"
    kind.noun_singular, kind.noun_plural = "trafikkontroll", "trafikkontroller"
    activity = Activity(commitment_id=commitment.id, municipality_id=home.id, type_id=kind.id,
                        title="Kontroller")
    session.add(activity)
    session.flush()
    session.add_all([LogEntry(activity_id=activity.id, occurred_on=date(2023, month, 3),
                              duration_minutes=60, measures={}, author_id=users["officer"].id)
                     for month in (3, 3, 5)])
    followup = followup_compiler.compile_followup(promise.id, 2023, today=date(2024, 2, 1))
    session.commit()
    return dict(home=home, away=away, promise=promise, commitment=commitment, followup=followup,
                **users)


def _as(app, user):
    """A client of its own per user (logging in again on one client keeps the first user)."""
    client = app.test_client()
    login(client, user.email)
    return client


def _text(response) -> str:
    return response.get_data(as_text=True)


def _version(client, url: str) -> str:
    return re.search(r'name="version" (?:type="hidden" )?value="(\d+)"', _text(client.get(url)))[1]


def _reload(followup_id: int) -> FollowUp:
    db.session.expire_all()
    return db.session.get(FollowUp, followup_id)


def test_the_editor_shows_the_draft_label_sections_and_verdicts(client, world):
    login(client, world["viewer"].email)
    page = _text(client.get(f"/uppfoljningar/{world['followup'].id}"))
    assert "Utkast" in page and "Syns inte för invånarna" in page
    assert "Polisen genomför trafikkontroller i centrum." in page
    assert "Polisen har genomfört 3 trafikkontroller" in page
    assert "Delvis uppfyllt" in page  # 3 of the target 4, the period is over
    assert "Redigera avsnittet" not in page  # a viewer reads only


def test_a_coordinator_edits_a_section_and_each_save_is_a_version(client, world, session):
    followup = world["followup"]
    login(client, world["coordinator"].email)
    url = f"/uppfoljningar/{followup.id}/avsnitt/lardomar"
    version = _version(client, url)
    response = client.post(url, data={"text": "Vi lärde oss **mycket**.\n\n<script>x()</script>",
                                      "version": version})
    assert response.status_code == 302
    page = _text(client.get(f"/uppfoljningar/{followup.id}"))
    assert "Vi lärde oss <strong>mycket</strong>." in page
    assert "<script>x()" not in page
    numbers = session.scalars(sa.select(FollowUpVersion.number)
                              .where(FollowUpVersion.follow_up_id == followup.id)).all()
    assert sorted(numbers) == [1, 2]
    assert _reload(followup.id).sections["lardomar"]["edited"].startswith("Vi lärde oss")


def test_a_personnummer_in_a_section_is_refused_and_nothing_is_saved(client, world):
    followup = world["followup"]
    login(client, world["coordinator"].email)
    url = f"/uppfoljningar/{followup.id}/avsnitt/lardomar"
    response = client.post(url, data={"text": f"Samtal med {PERSONNUMMER}.",
                                      "version": _version(client, url)})
    assert response.status_code == 422
    assert "personnummer" in _text(response)
    assert f"Samtal med {PERSONNUMMER}." in _text(response)  # the text stays in the form
    assert _reload(followup.id).sections["lardomar"]["edited"] is None


def test_a_stale_section_save_shows_both_texts_and_loses_neither(client, world):
    followup = world["followup"]
    login(client, world["coordinator"].email)
    url = f"/uppfoljningar/{followup.id}/avsnitt/lardomar"
    version = _version(client, url)
    assert client.post(url, data={"text": "Kollegans text.", "version": version}
                       ).status_code == 302
    response = client.post(url, data={"text": "Min egen text.", "version": version})
    assert response.status_code == 409
    page = _text(response)
    assert "Kollegans text." in page and "Min egen text." in page
    assert _reload(followup.id).sections["lardomar"]["edited"] == "Kollegans text."


def test_a_verdict_override_needs_a_reason_and_shows_in_the_report(client, world):
    followup, commitment = world["followup"], world["commitment"]
    login(client, world["coordinator"].email)
    url = f"/uppfoljningar/{followup.id}/bedomning/{commitment.id}"
    version = _version(client, url)
    refused = client.post(url, data={"verdict": "uppfyllt", "reason": "", "version": version})
    assert refused.status_code == 422 and "Skriv varför" in _text(refused)
    assert client.post(url, data={"verdict": "uppfyllt", "reason": "Den fjärde kontrollen "
                                  "gjordes av trafikpolisen.", "version": version}
                       ).status_code == 302
    page = _text(client.get(f"/uppfoljningar/{followup.id}"))
    assert "(ändrad bedömning)" in page
    # why it was set to uppfyllt is a motivation, not a reason it falls short
    assert "Motivering:</strong> Den fjärde kontrollen gjordes av trafikpolisen." in page


def _post_button(client, followup_id: int, action: str):
    version = _version(client, f"/uppfoljningar/{followup_id}")
    return client.post(f"/uppfoljningar/{followup_id}/{action}", data={"version": version})


def _write(client, followup_id: int, key: str, text: str):
    url = f"/uppfoljningar/{followup_id}/avsnitt/{key}"
    return client.post(url, data={"text": text, "version": _version(client, url)})


def _make_ready(app, world) -> None:
    """What a coordinator does before approving: the two sections only people can write, and
    why the missed target was missed (3 of 4)."""
    followup, commitment = world["followup"], world["commitment"]
    client = _as(app, world["coordinator"])
    _write(client, followup.id, "lardomar", "Kontrollerna i centrum gav bra kontakt.")
    _write(client, followup.id, "nasta-steg", "Fler kontroller 2024.")
    url = f"/uppfoljningar/{followup.id}/bedomning/{commitment.id}"
    assert client.post(url, data={"verdict": "", "reason_code": "resursbrist",
                                  "reason": "Två poliser var utlånade under våren.",
                                  "version": _version(client, url)}).status_code == 302


def test_approval_is_refused_with_a_list_of_what_is_left(client, world, app):
    followup, commitment = world["followup"], world["commitment"]
    client = _as(app, world["police"])
    response = _post_button(client, followup.id, "godkann")
    assert response.status_code == 302
    assert _reload(followup.id).police_approved_at is None
    page = _text(client.get(f"/uppfoljningar/{followup.id}"))
    assert "3 saker kvar innan ni kan godkänna" in page
    assert f'href="/uppfoljningar/{followup.id}/avsnitt/lardomar"' in page
    assert f'href="/uppfoljningar/{followup.id}/avsnitt/nasta-steg"' in page
    assert f'href="/uppfoljningar/{followup.id}/bedomning/{commitment.id}"' in page
    assert "saknar orsak" in page

    _make_ready(app, world)
    page = _text(client.get(f"/uppfoljningar/{followup.id}"))
    assert "innan ni kan godkänna" not in page
    assert _post_button(client, followup.id, "godkann").status_code == 302
    assert _reload(followup.id).police_approved_at is not None


def test_a_personal_detail_in_a_note_stops_approval(client, world, app, session):
    followup, commitment = world["followup"], world["commitment"]
    _make_ready(app, world)
    activity = session.scalar(sa.select(Activity).where(Activity.commitment_id == commitment.id))
    session.add(LogEntry(activity_id=activity.id, occurred_on=date(2023, 6, 1),
                         include_in_followup=True, author_id=world["officer"].id,
                         note="Boende på Storgatan 12 ringde 0701-234567 om bilarna."))
    session.commit()
    client = _as(app, world["coordinator"])
    assert _post_button(client, followup.id, "sammanstall").status_code == 302
    page = _text(client.get(f"/uppfoljningar/{followup.id}"))
    assert "1 sak kvar innan ni kan godkänna" in page
    assert "ett telefonnummer (”0701-234567”)" in page
    assert "en gatuadress med nummer (”Storgatan 12”)" in page
    assert _post_button(client, followup.id, "godkann").status_code == 302
    assert _reload(followup.id).municipality_approved_at is None


def test_a_verdict_short_of_fulfilled_needs_a_reason_from_the_list(client, world):
    followup, commitment = world["followup"], world["commitment"]
    login(client, world["coordinator"].email)
    url = f"/uppfoljningar/{followup.id}/bedomning/{commitment.id}"
    refused = client.post(url, data={"verdict": "ej_uppfyllt", "reason": "Ingen hund.",
                                     "reason_code": "", "version": _version(client, url)})
    assert refused.status_code == 422 and "Välj en orsak" in _text(refused)
    assert client.post(url, data={"verdict": "ej_uppfyllt", "reason": "Ingen hund.",
                                  "reason_code": "beroende_av_annan_aktor",
                                  "version": _version(client, url)}).status_code == 302
    page = _text(client.get(f"/uppfoljningar/{followup.id}"))
    assert "Orsak:</strong> Beroende av annan aktör – Ingen hund." in page


def test_both_parties_approve_then_publish_and_residents_see_it(client, world, app):
    followup = world["followup"]
    _make_ready(app, world)
    public = f"/offentlig/uppfoljningar/{followup.id}"
    assert client.get(public).status_code == 404  # a draft is never public

    client = _as(app, world["police"])
    assert "Godkänn för Polisen" in _text(client.get(f"/uppfoljningar/{followup.id}"))
    assert _post_button(client, followup.id, "godkann").status_code == 302
    assert _post_button(client, followup.id, "publicera").status_code == 302
    assert _reload(followup.id).status is FollowUpStatus.DRAFT  # one party is not enough
    assert "måste godkännas av både" in _text(client.get(f"/uppfoljningar/{followup.id}"))

    client = _as(app, world["coordinator"])
    assert _post_button(client, followup.id, "godkann").status_code == 302
    assert _reload(followup.id).status is FollowUpStatus.APPROVED
    assert _post_button(client, followup.id, "publicera").status_code == 302
    assert _reload(followup.id).status is FollowUpStatus.PUBLISHED

    with app.test_client() as anonymous:
        page = _text(anonymous.get(public))
    assert "Uppföljning medborgarlöfte 2023 – Lidköping" in page
    assert "Polisen genomför trafikkontroller i centrum." in page
    assert "Resursbrist – Två poliser var utlånade under våren." in page
    assert "Utkast" not in page
    assert "Godkänd för Polisen av" in page and "Godkänd för kommunen av" in page
    # the promise it follows up was not shown to residents: publishing shows it too
    with app.test_client() as anonymous:
        promise_page = anonymous.get(f"/offentlig/{world['home'].slug}/loften/"
                                     f"{world['promise'].id}")
    assert promise_page.status_code == 200
    assert "Medborgarlöftet visas nu också för invånarna" in _text(
        client.get(f"/uppfoljningar/{followup.id}/versioner"))


def test_an_edit_after_an_approval_clears_it(client, world, app):
    followup = world["followup"]
    _make_ready(app, world)
    _post_button(_as(app, world["police"]), followup.id, "godkann")
    assert _reload(followup.id).police_approved_at is not None
    client = _as(app, world["coordinator"])
    url = f"/uppfoljningar/{followup.id}/avsnitt/nasta-steg"
    client.post(url, data={"text": "Fler kontroller 2024.", "version": _version(client, url)})
    fresh = _reload(followup.id)
    assert fresh.police_approved_at is None and fresh.status is FollowUpStatus.DRAFT


def test_an_officer_and_a_viewer_cannot_approve_and_a_stranger_cannot_see(client, world, app):
    followup = world["followup"]
    for who in ("officer", "viewer"):
        client = _as(app, world[who])
        response = client.post(f"/uppfoljningar/{followup.id}/godkann",
                               data={"version": str(followup.version_id)})
        assert response.status_code == 302
        assert "Bara samordnare" in _text(client.get(f"/uppfoljningar/{followup.id}"))
    assert _reload(followup.id).police_approved_at is None
    client = _as(app, world["stranger"])
    assert client.get(f"/uppfoljningar/{followup.id}").status_code == 403
    assert client.post(f"/uppfoljningar/{followup.id}/godkann",
                       data={"version": "1"}).status_code == 403


@pytest.mark.parametrize("who, status", [
    ("anonymous", 302), ("viewer", 403), ("officer", 403), ("coordinator", 200),
    ("police", 200), ("stranger", 403),
])
def test_who_may_open_the_section_editor(client, world, who, status):
    if who != "anonymous":
        login(client, world[who].email)
    url = f"/uppfoljningar/{world['followup'].id}/avsnitt/lardomar"
    assert client.get(url).status_code == status


def _publish(app, world):
    followup = world["followup"]
    if _reload(followup.id).sections["lardomar"]["edited"] is None:
        _make_ready(app, world)
    _post_button(_as(app, world["police"]), followup.id, "godkann")
    client = _as(app, world["coordinator"])
    _post_button(client, followup.id, "godkann")
    _post_button(client, followup.id, "publicera")
    assert _reload(followup.id).status is FollowUpStatus.PUBLISHED
    return client


def test_a_published_follow_up_is_immutable_and_a_correction_is_a_new_version(
        client, world, app, session):
    followup = world["followup"]
    client = _publish(app, world)
    url = f"/uppfoljningar/{followup.id}/avsnitt/lardomar"
    assert client.get(url).status_code == 200  # the form opens, but saving is refused
    refused = client.post(url, data={"text": "Ändrat i efterhand.",
                                     "version": str(_reload(followup.id).version_id)})
    assert refused.status_code == 422 and "publicerad" in _text(refused)

    correct = f"/uppfoljningar/{followup.id}/ratta"
    assert client.post(correct, data={"note": "", "version": _version(client, correct)}
                       ).status_code == 422
    assert client.post(correct, data={"note": "Antalet kontroller var fel.",
                                      "version": _version(client, correct)}).status_code == 302
    client.post(url, data={"text": "Rättad text om lärdomar.", "version": _version(client, url)})
    with app.test_client() as anonymous:
        assert "Rättad text" not in _text(anonymous.get(f"/offentlig/uppfoljningar/{followup.id}"))
    _publish(app, world)
    with app.test_client() as anonymous:
        page = _text(anonymous.get(f"/offentlig/uppfoljningar/{followup.id}"))
        assert "Rättad text om lärdomar." in page
        assert "Rättelse" in page and "Antalet kontroller var fel." in page
        links = re.findall(r"/offentlig/uppfoljningar/\d+/version/\d+", page)
        assert len(links) == 2  # both published versions stay readable
        older = _text(anonymous.get(links[-1]))
    assert "Rättad text" not in older and "Det här är en äldre version." in older
    published = session.scalars(sa.select(FollowUpVersion).where(
        FollowUpVersion.follow_up_id == followup.id,
        FollowUpVersion.published_at.is_not(None))).all()
    assert len(published) == 2
    assert "Rättad text" not in str(published[0].sections)  # the first stays as published


def test_versions_page_lists_every_save(client, world):
    followup = world["followup"]
    login(client, world["coordinator"].email)
    url = f"/uppfoljningar/{followup.id}/avsnitt/lardomar"
    client.post(url, data={"text": "Ett.", "version": _version(client, url)})
    client.post(url, data={"text": "Två.", "version": _version(client, url)})
    page = _text(client.get(f"/uppfoljningar/{followup.id}/versioner"))
    assert page.count("Ändrade avsnittet") == 2 and "Första utkastet" in page
    assert "Två." in _text(client.get(f"/uppfoljningar/{followup.id}/versioner/3"))
    assert "Ett." in _text(client.get(f"/uppfoljningar/{followup.id}/versioner/2"))


def test_recompile_keeps_the_edit_and_offers_the_new_text(client, world, session):
    followup = world["followup"]
    login(client, world["coordinator"].email)
    key = f"lofte-{world['commitment'].id}"
    url = f"/uppfoljningar/{followup.id}/avsnitt/{key}"
    client.post(url, data={"text": "Egen text om kontrollerna.", "version": _version(client, url)})
    activity = session.scalar(sa.select(Activity).where(
        Activity.commitment_id == world["commitment"].id))
    session.add(LogEntry(activity_id=activity.id, occurred_on=date(2023, 9, 1),
                         duration_minutes=30, measures={}))
    session.commit()
    assert _post_button(client, followup.id, "sammanstall").status_code == 302
    page = _text(client.get(f"/uppfoljningar/{followup.id}"))
    assert "Egen text om kontrollerna." in page
    assert "Det finns ny sammanställd text" in page and "4 trafikkontroller" in page
    assert _post_button(client, followup.id, f"avsnitt/{key}/sammanstalld-text"
                        ).status_code == 302
    assert _reload(followup.id).sections[key]["edited"] is None


def test_compile_from_the_promise_page(client, world, session):
    promise = world["promise"]
    session.execute(sa.delete(FollowUp).where(FollowUp.promise_id == promise.id))
    session.commit()
    login(client, world["coordinator"].email)
    page = _text(client.get(f"/loften/{promise.id}"))
    assert "Sammanställ utkast" in page
    assert re.search(r"Ingen uppföljning är sammanställd ännu\. Schemaläggaren gör ett utkast den "
                     r"1 december \d{4}\.", page)
    response = client.post(f"/loften/{promise.id}/uppfoljningar", data={"year": "2023"})
    assert response.status_code == 302
    assert session.scalar(sa.select(sa.func.count()).select_from(FollowUp)
                          .where(FollowUp.promise_id == promise.id)) == 1
    refused = client.post(f"/loften/{promise.id}/uppfoljningar", data={"year": "2031"},
                          follow_redirects=True)
    assert "utanför medborgarlöftets period" in _text(refused)


def test_editor_page_statement_count_is_fixed(client, world):
    login(client, world["coordinator"].email)
    client.get(f"/uppfoljningar/{world['followup'].id}")
    with count_queries() as statements:
        assert client.get(f"/uppfoljningar/{world['followup'].id}").status_code == 200
    assert len(statements) <= 8


def test_the_assessment_page_links_an_indicator_and_the_verdict_follows_it(client, world,
                                                                          session):
    from tracker.models import Indicator, IndicatorValue

    followup, commitment = world["followup"], world["commitment"]
    worry = Indicator(key="fu_view_oro", name="Oro i centrum", unit="procent",
                      higher_is_better=False)
    session.add(worry)
    session.flush()
    session.add_all([IndicatorValue(indicator_id=worry.id, municipality_id=world["home"].id,
                                    year=year, value=value)
                     for year, value in ((2021, 20), (2023, 14))])
    session.commit()
    login(client, world["coordinator"].email)
    url = f"/ataganden/{commitment.id}/bedomningsgrund"
    page = _text(client.get(url))
    assert "Oro i centrum (procent)" in page
    assert re.search(r'<input checked[^>]*value="prestation"', page)  # it has a target
    version = re.search(r'name="version" (?:type="hidden" )?value="(\d+)"', page)[1]
    refused = client.post(url, data={
        "kind": "effekt", "version": version, "links-0-indicator_id": str(worry.id),
        "links-0-linked": "y", "links-0-direction": "lower", "links-0-target": "tolv"})
    assert refused.status_code == 422 and "Målvärdet ska vara ett tal" in _text(refused)
    assert client.post(url, data={
        "kind": "effekt", "version": version, "links-0-indicator_id": str(worry.id),
        "links-0-linked": "y", "links-0-direction": "lower", "links-0-target": "15"}
    ).status_code == 302
    assert _post_button(client, followup.id, "sammanstall").status_code == 302
    verdict = _reload(followup.id).verdicts[str(commitment.id)]
    assert verdict["kind"] == "effekt" and verdict["suggested"] == "uppfyllt"
    assert ("Oro i centrum har minskat från 20\u00a0% (2021) till 14\u00a0% (2023), vilket är en "
            "förbättring. Målet är 15\u00a0%, och det är nått.") in verdict["reason"]
    assert "Mäts med: Oro i centrum." in _reload(followup.id).sections["effekt"]["generated"]

    # A form opened before a change of the links alone is stale: a second coordinator's
    # target is not overwritten by the first's old page
    page = _text(client.get(url))
    opened = re.search(r'name="version" (?:type="hidden" )?value="(\d+)"', page)[1]
    assert client.post(url, data={
        "kind": "effekt", "version": opened, "links-0-indicator_id": str(worry.id),
        "links-0-linked": "y", "links-0-direction": "lower", "links-0-target": "11"}
    ).status_code == 302
    stale = client.post(url, data={
        "kind": "effekt", "version": opened, "links-0-indicator_id": str(worry.id),
        "links-0-linked": "y", "links-0-direction": "lower", "links-0-target": "22"})
    assert stale.status_code == 409
    session.expire_all()
    from tracker.models import CommitmentIndicator

    assert session.scalar(sa.select(CommitmentIndicator.target_value).where(
        CommitmentIndicator.commitment_id == commitment.id)) == 11


def test_the_assessment_page_asks_for_a_target_where_the_promise_is_for_every_one(
        client, world, session):
    commitment = world["commitment"]
    from tracker.models import CommitmentKind

    commitment.text, commitment.target_count = "Besöka samtliga klasser i årskurs 7.", None
    commitment.kind = CommitmentKind.PRESTATION
    session.commit()
    login(client, world["coordinator"].email)
    url = f"/ataganden/{commitment.id}/bedomningsgrund"
    assert "Löftet säger ”samtliga” men anger inget antal att nå." in _text(client.get(url))
    commitment.target_count = 12
    session.commit()
    assert "anger inget antal" not in _text(client.get(url))
    # A target on its activity is one the follow-up counts against: the page asks no more.
    commitment.target_count = None
    activity = session.query(Activity).filter_by(commitment_id=commitment.id).one()
    activity.target_count = 3
    session.commit()
    assert "anger inget antal" not in _text(client.get(url))
    assert _post_button(client, world["followup"].id, "sammanstall").status_code == 302
    assert _reload(world["followup"].id).verdicts[str(commitment.id)]["suggested"] == "uppfyllt"
    activity.status, activity.status_reason = ActivityStatus.CANCELLED, "Ersatt"  # not counted
    session.commit()
    assert "Löftet säger ”samtliga” men anger inget antal att nå." in _text(client.get(url))
    assert _post_button(client, world["followup"].id, "sammanstall").status_code == 302
    assert _reload(world["followup"].id).verdicts[str(commitment.id)]["suggested"] \
        == "kan_inte_bedomas"
    commitment.target_count, commitment.kind = None, CommitmentKind.EFFEKT  # an indicator's
    session.commit()
    assert "anger inget antal" not in _text(client.get(url))


def test_a_save_of_another_section_since_the_form_opened_is_not_a_conflict(client, world, app):
    followup = world["followup"]
    mine, theirs = _as(app, world["coordinator"]), _as(app, world["police"])
    forms = {}
    for who, key in ((mine, "lardomar"), (theirs, "nasta-steg")):
        page = _text(who.get(f"/uppfoljningar/{followup.id}/avsnitt/{key}"))
        forms[key] = {name: re.search(rf'name="{name}" (?:type="hidden" )?value="(\d+)"',
                                      page)[1] for name in ("version", "section_version")}
    assert mine.post(f"/uppfoljningar/{followup.id}/avsnitt/lardomar", data={
        **forms["lardomar"], "text": "Min lärdom."}).status_code == 302
    assert theirs.post(f"/uppfoljningar/{followup.id}/avsnitt/nasta-steg", data={
        **forms["nasta-steg"], "text": "Deras nästa steg."}).status_code == 302
    sections = _reload(followup.id).sections
    assert sections["lardomar"]["edited"] == "Min lärdom."
    assert sections["nasta-steg"]["edited"] == "Deras nästa steg."


def test_the_pages_name_the_day_the_schedule_drafts_the_follow_ups(app, client, town,
                                                                    monkeypatch):
    """The day comes from COMPILE_FOLLOWUPS_CRON, so a municipality that moves the job is told
    the truth; a setting that is no schedule is left unsaid (the admin's jobs page names it)."""
    login(client, town["coordinator"].email)
    page = _text(client.get("/uppfoljningar"))
    assert re.search(r"sammanställs av schemaläggaren, nästa gång den 1 december \d{4}\.", page)
    monkeypatch.setitem(app.config, "COMPILE_FOLLOWUPS_CRON", "0 3 15 6 *")
    page = _text(client.get("/uppfoljningar"))
    assert re.search(r"nästa gång den 15 juni \d{4}\.", page) and "1 december" not in page
    monkeypatch.setitem(app.config, "COMPILE_FOLLOWUPS_CRON", "inte ett schema")
    response = client.get("/uppfoljningar")
    assert response.status_code == 200
    assert "nästa gång" not in _text(response)
    assert "Ett utkast kan också sammanställas från medborgarlöftets sida." in _text(response)
