"""The activity's history in words: who acted (a person, the demo data, the system) and the
dates said the way a reader says them."""
from datetime import date

from tracker.formatting import local_today
from tracker.services.activity_history import actor_name, date_pair


def test_actors_are_named_as_people_or_as_what_acted(app):
    with app.test_request_context():
        assert actor_name("Sara Samordnare", "sara@kommun.se") == "Sara Samordnare"
        assert actor_name(None, "cli:seed-demo") == "Demodata (inläsningen)"
        assert actor_name(None, "job:reminder_digest") == "Systemet (schemalagt jobb)"
        assert actor_name(None, "cli:users-grant") == "Systemet (kommandorad)"
        assert actor_name(None, "system") == "Systemet"


def test_two_dates_say_what_they_share_once(app):
    year = local_today().year
    with app.test_request_context():
        assert date_pair(date(year, 12, 15), date(year, 12, 31)) == ("15", "31 december")
        assert date_pair(date(year, 11, 15), date(year, 12, 31)) == ("15 november", "31 december")
        assert date_pair(date(2019, 12, 15), date(2020, 1, 10)) == (
            "15 december 2019", "10 januari 2020")
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert date_pair(date(year, 12, 15), date(year, 12, 31)) == ("15", "31 December")
