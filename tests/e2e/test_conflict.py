"""Two people edit one activity in two browsers: the second save is a 409 that loses nothing."""
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.test_working_year import Visits, _login
from tracker.extensions import db
from tracker.models import Activity, Municipality

pytestmark = pytest.mark.browser

MUNICIPALITY_SIDE = "samordnare@demo.lofteskollen.se"  # Sara, Lidköpings kommun
POLICE_SIDE = "lpo@demo.lofteskollen.se"  # Leo, coordinator for the police in Lidköping


def _an_activity_of_lidkoping(app) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(Activity.id).join(Municipality, Municipality.id == Activity.municipality_id)
            .where(Municipality.slug == "lidkoping").order_by(Activity.id.desc()).limit(1))


def test_second_save_of_the_same_activity_gets_409_with_both_titles(browser, live_server):
    activity_id = _an_activity_of_lidkoping(live_server.app)
    edit_url = f"{live_server.url}/aktiviteter/{activity_id}/redigera"
    sara_context = browser.new_context(locale="sv-SE")
    leo_context = browser.new_context(locale="sv-SE")
    try:
        sara, leo = sara_context.new_page(), leo_context.new_page()
        _login(sara, live_server, MUNICIPALITY_SIDE)
        _login(leo, live_server, POLICE_SIDE)
        sara.goto(edit_url)
        leo.goto(edit_url)  # both forms are open on the same version

        sara.get_by_label("Rubrik").fill("Kvällsvandring – Saras rubrik")
        sara.get_by_role("button", name="Spara aktiviteten").click()
        sara.wait_for_load_state()
        expect(sara.get_by_role("heading", name="Kvällsvandring – Saras rubrik")).to_be_visible()

        leo.get_by_label("Rubrik").fill("Kvällsvandring – Leos rubrik")
        leo.get_by_role("button", name="Spara aktiviteten").click()
        leo.wait_for_load_state()
        visits = Visits(leo)
        visits.check()
        heading = leo.get_by_role("heading", name="Aktiviteten har ändrats av någon annan")
        expect(heading).to_be_visible()
        saved = leo.get_by_role("table").get_by_role("row").filter(has_text="Rubrik")
        assert "Kvällsvandring – Saras rubrik" in saved.inner_text()
        assert leo.get_by_label("Rubrik").input_value() == "Kvällsvandring – Leos rubrik"

        leo.get_by_role("button", name="Spara min version").click()
        leo.wait_for_load_state()
        expect(leo.get_by_role("heading", name="Kvällsvandring – Leos rubrik")).to_be_visible()
        assert visits.violations == []
    finally:
        sara_context.close()
        leo_context.close()
