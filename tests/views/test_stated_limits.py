"""A page that states a limit states the one the service enforces: the words are written from
the same constant, so the page and the rule cannot drift apart."""
from __future__ import annotations

from tests.conftest import login
from tracker.formatting import number_sv
from tracker.services import passwords, user_admin
from tracker.services.tips import MAX_TEXT_LENGTH


def test_the_password_page_states_the_services_bounds(client, town):
    login(client, town["officer"].email)
    page = client.get("/profile/password").get_data(as_text=True)
    assert (f"minst {passwords.MIN_LENGTH} och högst {passwords.MAX_LENGTH} tecken" in page
            and "minst 12 och högst 128 tecken" in page)


def test_the_invitation_pages_state_how_long_the_link_holds(client, town):
    login(client, town["coordinator"].email)
    page = client.get(f"/kommuner/{town['m'].id}/medlemmar/bjud-in").get_data(as_text=True)
    assert f"gäller i {user_admin.INVITATION_HOURS} timmar" in page and "72 timmar" in page


def test_the_tip_form_states_the_length_the_service_refuses_beyond(client, town):
    page = client.get(f"/offentlig/{town['m'].slug}/tips").get_data(as_text=True)
    assert f"Högst {number_sv(MAX_TEXT_LENGTH)} tecken." in page
    assert "Högst 4\u00a0000 tecken." in page
    client.get("/sprak/en")
    page = client.get(f"/offentlig/{town['m'].slug}/tips").get_data(as_text=True)
    assert "At most 4,000 characters." in page

