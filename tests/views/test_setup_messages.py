"""What the set-up and invitation forms say when something typed cannot be used: the message
is about the field the person filled in, in words that tell them what to do."""
from __future__ import annotations

import sqlalchemy as sa

from tests.conftest import login
from tracker.extensions import db
from tracker.models import Membership, Municipality, User


def test_a_blank_name_with_no_address_typed_is_only_a_name_error(client, make_user, area):
    login(client, make_user(admin=True).email)
    response = client.post("/admin/kommuner/ny", data={
        "name": "   ", "slug": "", "police_area_id": area.id})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Ange namn." in page
    assert "Adressen" not in page and "ger ingen adress" not in page
    named = client.post("/admin/kommuner/ny", data={
        "name": "!!!", "slug": "", "police_area_id": area.id}).get_data(as_text=True)
    assert "Namnet ger ingen adress. Skriv en med a–z" in named
    typed = client.post("/admin/kommuner/ny", data={
        "name": "   ", "slug": "Lidköping", "police_area_id": area.id}).get_data(as_text=True)
    assert "Ange namn." in typed and "Adressen får bara innehålla a–z" in typed
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Municipality)) == 0


ACCENTED = "Anna.Åström@ostragoinge.se"
CANNOT_REACH = "Skriv e-postadressen med a–z, utan å, ä och ö"


def test_a_staff_address_with_a_letter_outside_a_to_z_is_refused_wherever_it_is_typed(
        app, client, town):
    """An invitation to it could never be delivered: the coordinator's and the admin's
    invitation forms and the command line refuse it, saying how to write it, and keep nothing."""
    login(client, town["coordinator"].email)
    response = client.post(f"/kommuner/{town['m'].id}/medlemmar/bjud-in", data={
        "email": ACCENTED, "name": "Anna Åström", "organisation": "kommunen", "role": "officer"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and CANNOT_REACH in page and 'value="Anna Åström"' in page
    client.post("/logout")
    login(client, town["admin"].email)
    response = client.post("/admin/anvandare/bjud-in", data={
        "email": ACCENTED, "name": "Anna Åström", "organisation": "kommunen",
        "municipality_id": town["m"].id, "role": "officer"})
    assert response.status_code == 422 and CANNOT_REACH in response.get_data(as_text=True)
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--email", ACCENTED, "--name", "Anna Åström"],
        input="tre-ord-som-ingen-gissar\ntre-ord-som-ingen-gissar\n")
    assert result.exit_code != 0 and CANNOT_REACH in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
        User.email == ACCENTED.lower())) == 0


def test_inviting_an_existing_address_with_other_details_says_they_were_kept(client, town):
    """The role is added; the account's name and organisation stay, and the page says so."""
    officer = town["officer"]
    login(client, town["stranger"].email)  # Skara's coordinator invites Lidköping's officer
    response = client.post(f"/kommuner/{town['other'].id}/medlemmar/bjud-in", data={
        "email": officer.email.upper(), "name": "Helt Annat Namn", "organisation": "polisen",
        "role": "viewer"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert (f"Det finns redan ett konto för {officer.email}, med namnet {officer.name}. "
            "Rollen är tillagd; namn, titel och organisation ändras inte här.") in page
    db.session.refresh(officer)
    assert officer.name != "Helt Annat Namn"
    assert set(db.session.scalars(sa.select(Membership.municipality_id).where(
        Membership.user_id == officer.id))) == {town["m"].id, town["other"].id}
    same = client.post(f"/kommuner/{town['other'].id}/medlemmar/bjud-in", data={
        "email": town["viewer"].email, "name": town["viewer"].name,
        "organisation": town["viewer"].organisation.value, "role": "viewer"},
        follow_redirects=True).get_data(as_text=True)
    assert "hade redan ett konto och har fått rollen" in same and "ändras inte här" not in same
