"""Setting up from nothing: police areas, municipalities, indicators, invitations, roles and
deactivation, in the browser's forms (test client) and on the command line."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import login
from tests.test_reminders import SmtpInbox
from tracker.extensions import db
from tracker.models import (
    AuditEvent,
    Indicator,
    IndicatorValue,
    Invitation,
    LogEntry,
    Membership,
    Municipality,
    Organisation,
    PoliceArea,
    Role,
    User,
)
from tracker.services import user_admin

NEW_PASSWORD = "tre-ord-som-ingen-gissar"
LINK = re.compile(r"https://lofteskollen\.example\.se/inbjudan/[A-Za-z0-9_-]+")  # BASE_URL


@pytest.fixture
def inbox(app, monkeypatch):
    with SmtpInbox() as server:
        monkeypatch.setitem(app.config, "SMTP_PORT", server.port)
        monkeypatch.setitem(app.config, "MAIL_ENABLED", True)
        yield server


@pytest.fixture
def mail_off(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_ENABLED", False)


def _municipality(name: str) -> Municipality:
    return db.session.scalar(sa.select(Municipality).where(Municipality.name == name))


def _user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_an_admin_creates_a_police_area_and_a_municipality_with_its_official_name(
        client, make_user):
    admin = make_user(admin=True)
    login(client, admin.email)
    response = client.post("/admin/polisomraden", data={
        "name": "Norra Älvsborg", "report_contact": "Ring 114 14."})
    assert response.status_code == 302
    area = db.session.scalar(sa.select(PoliceArea).where(PoliceArea.name == "Norra Älvsborg"))
    assert area.report_contact == "Ring 114 14."

    page = client.get(f"/admin/kommuner/ny?polisomrade={area.id}").get_data(as_text=True)
    assert f'<option selected value="{area.id}">' in page or f'value="{area.id}" selected' in page
    response = client.post("/admin/kommuner/ny", data={
        "name": "Vänersborg", "official_name": "", "slug": "", "police_area_id": area.id,
        "report_contact": "Säkerhetssamordnaren, 0521-72 10 00.", "is_public": "y"})
    assert response.status_code == 302
    created = _municipality("Vänersborg")
    assert (created.official_name, created.slug) == ("Vänersborgs kommun", "vanersborg")
    assert client.get("/offentlig/vanersborg").status_code == 200
    events = db.session.scalars(sa.select(AuditEvent.entity).where(
        AuditEvent.actor_id == admin.id, AuditEvent.action == "insert")).all()
    assert {"police_area", "municipality"} <= set(events)


def test_a_municipality_that_is_not_public_is_not_on_the_public_pages(client, make_user, area):
    admin = make_user(admin=True)
    login(client, admin.email)
    saved = client.post("/admin/kommuner/ny", data={
        "name": "Trollhättan", "police_area_id": area.id, "slug": "trollhattan"},
        follow_redirects=True)
    assert "Kommunen Trollhättan är sparad." in saved.get_data(as_text=True)
    created = _municipality("Trollhättan")
    assert created.official_name == "Trollhättans stad" and not created.is_public
    assert client.get("/offentlig/trollhattan").status_code == 404
    assert "Trollhättan" not in client.get("/offentlig/").get_data(as_text=True)


def test_a_refused_municipality_keeps_what_was_typed(client, make_user, make_municipality, area):
    make_municipality("Skara")
    admin = make_user(admin=True)
    login(client, admin.email)
    response = client.post("/admin/kommuner/ny", data={
        "name": "Lidköping Norra", "slug": "lidköping", "police_area_id": area.id,
        "report_contact": "Ring Anna."})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Adressen får bara innehålla a–z" in page
    assert 'value="Lidköping Norra"' in page and "Ring Anna." in page
    taken = client.post("/admin/kommuner/ny", data={
        "name": "Lidköping Norra", "slug": "skara", "police_area_id": area.id})
    assert "Adressen används redan" in taken.get_data(as_text=True)
    response = client.post("/admin/kommuner/ny", data={
        "name": "Lidköping Norra", "police_area_id": area.id,
        "report_contact": "Ring Anna på 811218-9876."})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "personnummer" in page and "Ring Anna på" in page
    assert _municipality("Lidköping Norra") is None


def test_a_municipality_address_may_not_hide_a_public_page_nor_its_name_repeat(
        client, make_user, make_municipality, area):
    make_municipality("Skara")
    login(client, make_user(admin=True).email)
    for word in ("tillganglighet", "sa-raknar-vi", "tips"):
        page = client.post("/admin/kommuner/ny", data={
            "name": "Götene", "slug": word, "police_area_id": area.id}).get_data(as_text=True)
        assert f"Adressen {word} är namnet på en sida på den offentliga webbplatsen." in page
    page = client.post("/admin/kommuner/ny", data={
        "name": "Skara", "slug": "skara-2", "police_area_id": area.id}).get_data(as_text=True)
    assert "Det finns redan en kommun som heter Skara." in page
    assert _municipality("Götene") is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Municipality).where(
        Municipality.name == "Skara")) == 1


def test_non_admins_cannot_set_up_anything(client, town):
    login(client, town["coordinator"].email)
    for url in ("/admin/polisomraden", "/admin/kommuner/ny", "/admin/anvandare",
                "/admin/indikatorer/ny"):
        assert client.get(url).status_code == 403, url
    assert client.post("/admin/kommuner/ny", data={"name": "Ny"}).status_code == 403
    assert _municipality("Ny") is None


def test_a_coordinator_invites_an_officer_who_sets_a_password_from_the_mailed_link(
        client, town, inbox):
    login(client, town["coordinator"].email)
    m = town["m"]
    response = client.post(f"/kommuner/{m.id}/medlemmar/bjud-in", data={
        "email": "Kim.Polis@Example.se", "name": "Kim Polis", "title": "Kommunpolis",
        "organisation": "polisen", "role": "officer"})
    assert response.status_code == 302
    (mail,) = inbox.to("kim.polis@example.se")
    assert mail.subject == "Inbjudan till Löfteskollen"
    assert "72 timmar" in mail.body and town["coordinator"].name in mail.body
    link = LINK.search(mail.body).group()
    token = link.rsplit("/", 1)[1]
    invited = _user("kim.polis@example.se")
    assert invited.organisation is Organisation.POLISEN and user_admin.is_pending(invited)
    stored = db.session.scalar(sa.select(Invitation).where(Invitation.user_id == invited.id))
    assert stored.token_hash == user_admin.token_hash(token) and token not in stored.token_hash
    members_page = client.get(f"/kommuner/{m.id}/medlemmar").get_data(as_text=True)
    assert "Kim Polis" in members_page and "Inbjuden" in members_page

    client.post("/logout")
    assert login(client, "kim.polis@example.se", "").status_code == 200  # no password yet
    page = client.get(f"/inbjudan/{token}").get_data(as_text=True)
    assert "Välkommen till Löfteskollen, Kim Polis" in page
    short = client.post(f"/inbjudan/{token}", data={"password": "kort", "confirm": "kort"})
    assert short.status_code == 200 and "minst 12 tecken" in short.get_data(as_text=True)
    done = client.post(f"/inbjudan/{token}", data={"password": NEW_PASSWORD,
                                                   "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert login(client, "kim.polis@example.se", NEW_PASSWORD).status_code == 302
    assert client.get(f"/kommuner/{m.id}").status_code == 200


def test_a_used_an_expired_and_an_unknown_link_get_the_same_answer(client, town, mail_off):
    result = user_admin.invite(town["admin"], user_admin.InviteInput(
        email="ny@example.se", name="Ny Person", municipality_id=town["m"].id,
        role=Role.VIEWER))
    used = result.token
    user_admin.accept(used, NEW_PASSWORD)
    other = user_admin.invite(town["admin"], user_admin.InviteInput(
        email="sen@example.se", name="Sen Person", municipality_id=town["m"].id,
        role=Role.VIEWER))
    invitation = db.session.scalar(sa.select(Invitation).where(
        Invitation.user_id == other.user.id))
    invitation.expires_at = invitation.expires_at - timedelta(hours=72, seconds=1)
    db.session.flush()
    replaced = user_admin.invite(town["admin"], user_admin.InviteInput(
        email="tredje@example.se", name="Tredje", municipality_id=town["m"].id,
        role=Role.VIEWER)).token
    user_admin.resend(town["admin"], _user("tredje@example.se"))
    db.session.commit()
    answers = set()
    for token in (used, other.token, replaced, "x" * 43, "kort"):
        for method in ("get", "post"):
            response = getattr(client, method)(f"/inbjudan/{token}", data={
                "password": "ett-helt-annat-lösenord", "confirm": "ett-helt-annat-lösenord"})
            page = response.get_data(as_text=True).replace(token, "TOKEN")
            answers.add((response.status_code, page))
    assert len(answers) == 1
    status, page = answers.pop()
    assert status == 404 and "Länken gäller inte" in page
    assert login(client, "ny@example.se", NEW_PASSWORD).status_code == 302  # unchanged


def test_with_mail_off_the_admin_gets_a_link_to_copy_and_resending_replaces_it(
        client, make_user, make_municipality, mail_off):
    admin = make_user(admin=True)
    m = make_municipality("Grästorp")
    login(client, admin.email)
    response = client.post("/admin/anvandare/bjud-in", data={
        "email": "sam@grastorp.se", "name": "Sam Samordnare", "organisation": "kommunen",
        "municipality_id": m.id, "role": "coordinator"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "E-post är avstängd" in page
    assert "inbjudan" not in client.get("/inbjudningslank").headers["Location"]  # shown once
    first = re.search(r'value="(https://lofteskollen\.example\.se/inbjudan/[^"]+)"', page).group(1)
    user = _user("sam@grastorp.se")
    assert db.session.scalar(sa.select(Membership.role).where(
        Membership.user_id == user.id)) is Role.COORDINATOR
    client.post(f"/anvandare/{user.id}/skicka-inbjudan",
                data={"next": f"/admin/anvandare/{user.id}"})
    resent = client.get("/inbjudningslank").get_data(as_text=True)
    second = re.search(r'value="(https://lofteskollen\.example\.se/inbjudan/[^"]+)"', resent).group(1)
    assert second != first
    client.post("/logout")
    assert client.get(first.removeprefix("http://localhost")).status_code == 404
    assert client.get(second.removeprefix("http://localhost")).status_code == 200


def test_an_invitation_without_a_municipality_must_say_admin(client, town, mail_off):
    login(client, town["admin"].email)
    data = {"email": "drift@example.se", "name": "Dana Drift", "organisation": "other",
            "municipality_id": "0", "role": "viewer"}
    refused = client.post("/admin/anvandare/bjud-in", data=data)
    assert refused.status_code == 422
    assert "Välj en kommun, eller gör personen till administratör." in refused.get_data(
        as_text=True)
    assert _user("drift@example.se") is None
    no_email = {k: v for k, v in data.items() if k != "email"}
    assert client.post("/admin/anvandare/bjud-in",
                       data={**no_email, "is_admin": "y"}).status_code == 422
    assert client.post("/admin/anvandare/bjud-in",
                       data={**data, "is_admin": "y"}).status_code == 302
    invited = _user("drift@example.se")
    assert invited.is_admin and user_admin.is_pending(invited)


def test_an_invitation_to_a_municipality_that_does_not_exist_is_refused_in_swedish(
        client, town, mail_off):
    login(client, town["admin"].email)
    refused = client.post("/admin/anvandare/bjud-in", data={
        "email": "x@kommun.se", "name": "X Y", "organisation": "kommunen",
        "municipality_id": "99999", "role": "viewer"})
    assert refused.status_code == 422
    assert "Välj en kommun i listan." in refused.get_data(as_text=True)
    assert _user("x@kommun.se") is None


def test_no_page_shows_or_sets_another_persons_password(client, town):
    login(client, town["admin"].email)
    officer = town["officer"]
    page = client.get(f"/admin/anvandare/{officer.id}").get_data(as_text=True)
    assert 'type="password"' not in page and officer.password_hash not in page
    before = officer.password_hash
    client.post(f"/admin/anvandare/{officer.id}", data={
        "name": officer.name, "title": "", "organisation": "polisen", "password": "nytt-lösen-123"})
    db.session.refresh(officer)
    assert officer.password_hash == before


def test_deactivating_ends_every_session_at_once_and_keeps_the_history(
        app, client, town, make_activity_with_entry):
    officer = town["officer"]
    entry = make_activity_with_entry(officer)
    other = app.test_client()
    login(other, officer.email)
    assert other.get("/").status_code == 200
    login(client, town["coordinator"].email)
    response = client.post(f"/anvandare/{officer.id}/avaktivera",
                           data={"next": f"/kommuner/{town['m'].id}/medlemmar"})
    assert response.status_code == 302
    assert other.get("/").status_code == 302  # the officer's open session is gone
    assert login(app.test_client(), officer.email).status_code == 200
    assert db.session.get(LogEntry, entry.id).author_id == officer.id
    changes = db.session.scalars(sa.select(AuditEvent.changes).where(
        AuditEvent.entity == "user_account", AuditEvent.entity_id == officer.id,
        AuditEvent.action == "update", AuditEvent.actor_id == town["coordinator"].id)).all()
    assert any(c.get("is_enabled") == [True, False] and c.get("session_token") == ["***", "***"]
               for c in changes)
    page = client.get(f"/kommuner/{town['m'].id}/medlemmar").get_data(as_text=True)
    assert "Avaktiverad" in page
    client.post(f"/anvandare/{officer.id}/aktivera", data={})
    assert login(app.test_client(), officer.email).status_code == 302


def test_a_coordinator_never_manages_beyond_their_municipality(client, town, make_user):
    coordinator, other = town["coordinator"], town["other"]
    both = make_user(Role.OFFICER, town["m"])
    db.session.add(Membership(user_id=both.id, municipality_id=other.id, role=Role.OFFICER))
    db.session.flush()
    login(client, coordinator.email)
    assert client.get(f"/kommuner/{other.id}/medlemmar").status_code == 403
    assert client.post(f"/kommuner/{other.id}/medlemmar/bjud-in", data={
        "email": "x@example.se", "name": "X", "organisation": "kommunen",
        "role": "viewer"}).status_code == 403
    assert client.post(f"/anvandare/{town['stranger'].id}/avaktivera").status_code == 403
    assert client.post(f"/anvandare/{both.id}/avaktivera").status_code == 403  # also in Skara
    assert client.post(f"/anvandare/{town['admin'].id}/avaktivera").status_code == 403
    assert _user("x@example.se") is None
    assert all(u.is_enabled for u in (town["stranger"], both, town["admin"]))
    # inside their own municipality: a role changes, a membership ends, never their own
    client.post(f"/kommuner/{town['m'].id}/medlemmar/{town['viewer'].id}/roll",
                data={"role": "officer"})
    assert db.session.scalar(sa.select(Membership.role).where(
        Membership.user_id == town["viewer"].id)) is Role.OFFICER
    client.post(f"/kommuner/{town['m'].id}/medlemmar/{both.id}/ta-bort")
    assert {m.municipality_id for m in db.session.scalars(sa.select(Membership).where(
        Membership.user_id == both.id))} == {other.id}
    client.post(f"/kommuner/{town['m'].id}/medlemmar/{coordinator.id}/ta-bort")
    assert db.session.scalar(sa.select(Membership.role).where(
        Membership.user_id == coordinator.id)) is Role.COORDINATOR


def test_an_invitation_refuses_a_personnummer_and_keeps_the_form(client, town):
    login(client, town["coordinator"].email)
    response = client.post(f"/kommuner/{town['m'].id}/medlemmar/bjud-in", data={
        "email": "ny@example.se", "name": "Nils 811218-9876", "organisation": "kommunen",
        "role": "viewer"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "personnummer" in page
    assert 'value="ny@example.se"' in page
    assert _user("ny@example.se") is None


def test_an_admin_defines_an_indicator_and_a_coordinator_enters_a_value(client, town):
    login(client, town["admin"].email)
    response = client.post("/admin/indikatorer/ny", data={
        "name": "Andel som känner sig trygga i centrum", "unit": "procent",
        "source": "Kommunens trygghetsmätning", "direction": "higher",
        "has_national_value": "y"})
    assert response.status_code == 302
    indicator = db.session.scalar(sa.select(Indicator).where(
        Indicator.name == "Andel som känner sig trygga i centrum"))
    assert indicator.higher_is_better and indicator.has_national_value
    assert indicator.key == "andel_som_kanner_sig_trygga_i_centrum"
    client.post("/logout")

    login(client, town["coordinator"].email)
    url = f"/kommuner/{town['m'].id}/indikatorer"
    bad = client.post(url, data={"indicator_id": indicator.id, "year": "2025",
                                 "value": "sju", "national_value": "61,5"})
    assert bad.status_code == 422 and "ska vara ett tal" in bad.get_data(as_text=True)
    assert 'value="61,5"' in bad.get_data(as_text=True)
    good = client.post(url, data={"indicator_id": indicator.id, "year": "2025",
                                  "value": "72,5", "national_value": "61,5",
                                  "source_note": "Enkät i oktober."})
    assert good.status_code == 302
    row = db.session.scalar(sa.select(IndicatorValue).where(
        IndicatorValue.indicator_id == indicator.id))
    assert (float(row.value), float(row.national_value), row.year) == (72.5, 61.5, 2025)
    assert "72,5" in client.get(url).get_data(as_text=True)
    client.post("/logout")
    login(client, town["viewer"].email)
    assert client.post(url, data={"indicator_id": indicator.id, "year": "2024",
                                  "value": "1"}).status_code == 403


def test_the_same_set_up_on_the_command_line(app, session, mail_off):
    runner = app.test_cli_runner()

    def run(*args):
        result = runner.invoke(args=list(args))
        assert result.exit_code == 0, result.output
        return result.output

    run("police-areas", "create", "--name", "Östra Skaraborg")
    out = run("municipalities", "create", "--name", "Skövde", "--police-area", "Östra Skaraborg")
    assert "Skövde kommun" in out and "/offentlig/skovde" in out
    run("indicators", "create", "--name", "Anmälda brott", "--unit", "antal",
        "--lower-is-better", "--national")
    out = run("users", "invite", "--email", "ny@skovde.se", "--name", "Ny Samordnare",
              "--municipality", "Skövde", "--role", "coordinator")
    link = re.search(r"https://lofteskollen\.example\.se/inbjudan/(\S+)", out)
    assert link, out
    user_admin.accept(link.group(1), NEW_PASSWORD)
    run("users", "deactivate", "--email", "ny@skovde.se")
    assert not _user("ny@skovde.se").is_enabled
    run("users", "reactivate", "--email", "ny@skovde.se")
    assert _user("ny@skovde.se").is_enabled
    refused = runner.invoke(args=["municipalities", "create", "--name", "Skövde",
                                  "--police-area", "Östra Skaraborg"])
    assert refused.exit_code != 0 and "Adressen används redan" in refused.output
    events = session.scalars(sa.select(AuditEvent.actor_label).where(
        AuditEvent.entity == "municipality")).all()
    assert "cli:municipalities-create" in events


@pytest.fixture
def make_activity_with_entry(town):
    from tests.factories import make_activity, make_commitment, make_type
    from tracker.models import Party, Promise

    def make(author: User) -> LogEntry:
        promise = Promise(municipality_id=town["m"].id, title="Löftet", start_year=2026,
                          end_year=2026)
        db.session.add(promise)
        db.session.flush()
        commitment = make_commitment(promise, Party.POLISEN, "Polisen syns.")
        activity = make_activity(commitment, make_type(), owner=author)
        entry = LogEntry(activity_id=activity.id, occurred_on=date(2026, 3, 1),
                         duration_minutes=30, measures={}, author_id=author.id)
        db.session.add(entry)
        db.session.flush()
        return entry

    return make


def test_the_members_and_users_pages_ask_the_same_number_of_statements_for_more_people(
        client, town, make_user):
    from tests.conftest import count_queries

    def statements(url: str) -> int:
        with count_queries() as seen:
            assert client.get(url).status_code == 200
        return len(seen)

    for who, url in ((town["coordinator"], f"/kommuner/{town['m'].id}/medlemmar"),
                     (town["admin"], "/admin/anvandare")):
        login(client, who.email)
        few = statements(url)
        for _ in range(8):
            make_user(Role.OFFICER, town["m"])
        assert statements(url) == few, url
        client.post("/logout")


def test_an_invited_persons_first_password_may_not_be_built_from_their_name(client, town,
                                                                            mail_off):
    """The invitation's first password meets the same policy as a changed one (ASVS 6.2.11):
    the person's name and address count as guessable."""
    token = user_admin.invite(town["admin"], user_admin.InviteInput(
        email="ragnhild.svensson@example.se", name="Ragnhild Svensson",
        municipality_id=town["m"].id, role=Role.VIEWER)).token
    guessable = "RagnhildSvensson2025"
    response = client.post(f"/inbjudan/{token}", data={"password": guessable,
                                                       "confirm": guessable})
    assert response.status_code == 200
    assert "Det bygger på ditt namn" in response.get_data(as_text=True)
    assert user_admin.is_pending(_user("ragnhild.svensson@example.se"))
    done = client.post(f"/inbjudan/{token}", data={"password": NEW_PASSWORD,
                                                   "confirm": NEW_PASSWORD})
    assert done.status_code == 302


def test_the_services_refuse_texts_past_their_columns_with_the_limit_written_out(town, session):
    """Each rule is the service's: the forms check the same numbers first, and a caller
    without a form (the command line, the API, a script) meets the same refusal."""
    from tracker.models import Organisation
    from tracker.services import FieldErrors, activity_types, setup

    admin = town["admin"]
    with pytest.raises(FieldErrors) as refused:
        setup.save_municipality(admin, None, setup.MunicipalityInput(
            name="Götene", police_area_id=town["m"].police_area_id, official_name="G" * 161))
    assert refused.value.errors == {
        "official_name": "Det officiella namnet får vara högst 160 tecken."}
    with pytest.raises(FieldErrors) as refused:
        setup.save_indicator(admin, None, setup.IndicatorInput(
            name="Trygghet", unit="u" * 41, source="s" * 201))
    assert refused.value.errors == {"unit": "Enheten får vara högst 40 tecken.",
                                    "source": "Källan får vara högst 200 tecken."}
    with pytest.raises(FieldErrors) as refused:
        user_admin.update_person(admin, town["officer"], name="N" * 161, title="T" * 161,
                                 organisation=Organisation.POLISEN)
    assert refused.value.errors == {"name": "Namnet får vara högst 160 tecken.",
                                    "title": "Titeln får vara högst 160 tecken."}
    with pytest.raises(FieldErrors) as refused:
        activity_types.save_activity_type(admin, activity_types.ActivityTypeInput(
            key="grannsamverkan", name_sv="Grannsamverkan", description="B" * 4001))
    assert refused.value.errors == {"description": "Beskrivningen får vara högst 4\u00a0000 tecken."}
    assert town["officer"].name != "N" * 161


def test_an_indicator_year_outside_the_range_is_refused_alike_by_form_and_service(client, town):
    """The members' form and the service name the same years (limits.INDICATOR_YEAR_MIN and
    YEAR_MAX), written as years, and nothing is stored."""
    from tracker.services import FieldErrors
    from tracker.services.indicator_values import save_indicator_value

    indicator = Indicator(key="oro_ar", name="Andel som känner oro", unit="procent")
    db.session.add(indicator)
    db.session.commit()
    login(client, town["coordinator"].email)
    page = client.post(f"/kommuner/{town['m'].id}/indikatorer", data={
        "indicator_id": indicator.id, "year": "1989", "value": "12,5"})
    assert page.status_code == 422
    assert "Året ska vara mellan 1990 och 2100." in page.get_data(as_text=True)
    with pytest.raises(FieldErrors) as refused:
        save_indicator_value(town["coordinator"], town["m"].id, indicator, 2101, None)
    assert refused.value.errors["year"] == "Året ska vara mellan 1990 och 2100."
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IndicatorValue)) == 0


def test_an_activity_type_refuses_a_long_key_and_a_long_option_naming_the_text(town, session):
    from tracker.services import FieldErrors, activity_types

    with pytest.raises(FieldErrors) as refused:
        activity_types.save_activity_type(town["admin"], activity_types.ActivityTypeInput(
            key="k" * 61, name_sv="Grannsamverkan", measures=[activity_types.MeasureInput(
                key="val", label="Val", kind="choice", choices="kort, " + "L" * 81)]))
    assert refused.value.errors["key"] == "Nyckeln får vara högst 60 tecken."
    assert refused.value.errors["measures-0-choices"] == "Ett alternativ får vara högst 80 tecken."


def test_an_indicator_value_must_fit_its_unit(client, town):
    """250 % or -40 reported crimes is a typing slip: refused at the value, nothing stored;
    an index may go below zero."""
    share = Indicator(key="oro_andel", name="Andel som känner oro", unit="procent")
    crimes = Indicator(key="brott_antal", name="Anmälda brott", unit="antal")
    change = Indicator(key="brott_index", name="Förändring av brott", unit="index")
    db.session.add_all([share, crimes, change])
    db.session.commit()
    login(client, town["coordinator"].email)
    url = f"/kommuner/{town['m'].id}/indikatorer"
    for indicator, value, message in (
            (share, "250", "En andel i procent ska vara mellan 0 och 100."),
            (crimes, "-40", "Ett antal kan inte vara mindre än 0.")):
        page = client.post(url, data={"indicator_id": indicator.id, "year": "2025",
                                      "value": value})
        assert page.status_code == 422 and message in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IndicatorValue)) == 0
    assert client.post(url, data={"indicator_id": change.id, "year": "2025",
                                  "value": "-4"}).status_code == 302
