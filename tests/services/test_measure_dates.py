"""A measure that is a day (a walk's follow-up meeting, the day an action was done): a date
field on the phone, a real day stored as 2027-01-20, shown as Swedish dates."""
from __future__ import annotations

import pytest

from tracker.models import ActivityType

MEETING = {"key": "moete", "label": "Datum för uppföljningsmöte", "kind": "date"}


@pytest.fixture
def walk_type():
    return ActivityType(key="vandring_med_datum", name_sv="Trygghetsvandring",
                        measures=[MEETING])


def test_a_real_day_is_stored_as_an_iso_date(app, walk_type):
    from tracker.services.logbook import parse_measures

    with app.test_request_context():
        assert parse_measures(walk_type, {"moete": " 2027-01-20 "}, set()) == (
            {"moete": "2027-01-20"}, {})
        assert parse_measures(walk_type, {"moete": ""}, set()) == ({}, {})  # not required


@pytest.mark.parametrize("typed, said", [
    ("20/1 2027", "Datum för uppföljningsmöte ska vara ett datum som finns, t.ex. 2027-01-20."),
    ("2027-02-31", "Datum för uppföljningsmöte ska vara ett datum som finns, t.ex. 2027-01-20."),
    ("i morgon", "Datum för uppföljningsmöte ska vara ett datum som finns, t.ex. 2027-01-20."),
    ("1999-12-31", "Ange ett datum mellan år 2000 och 2100."),
])
def test_a_day_that_is_not_one_is_refused_at_its_field(app, walk_type, typed, said):
    from tracker.services.logbook import parse_measures

    with app.test_request_context():
        values, errors = parse_measures(walk_type, {"moete": typed}, set())
    assert values == {} and errors == {"m_moete": said}


def test_the_form_offers_a_date_picker_and_the_page_says_the_day_in_swedish(app):
    from tracker.activities.forms import log_form
    from tracker.services.activity_read.log import measures_text

    with app.test_request_context():
        field = log_form([MEETING], [])["m_moete"]()
        assert 'type="date"' in field
        assert measures_text([MEETING], {"moete": "2027-01-20"}, "ja", "nej") == \
            "Datum för uppföljningsmöte: 20 januari 2027"
        # a value kept as free text before the measure became a date is shown as it is
        assert measures_text([MEETING], {"moete": "20/1 2027"}, "ja", "nej") == \
            "Datum för uppföljningsmöte: 20/1 2027"
