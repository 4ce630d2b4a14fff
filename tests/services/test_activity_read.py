"""The read model's shared parts: one target, one progress text, one page type."""
import json
from datetime import date

import pytest

from tracker.pagination import Page
from tracker.services.activity_read import progress_text
from tracker.services.recurrence import activity_target

RULE = {"freq": "weekly", "weekdays": [4], "until": "2026-01-31"}


def test_a_target_is_the_explicit_count_else_the_rules_occasions_whatever_form_the_rule_has():
    start = date(2026, 1, 5)
    assert activity_target(7, RULE, start, None) == 7
    assert activity_target(None, RULE, start, None) == 4
    assert activity_target(None, json.dumps(RULE), start, None) == 4  # a plain row's JSON text
    assert activity_target(None, "null", start, None) is None  # JSON null
    assert activity_target(None, RULE, None, None) is None  # no start: nothing expected
    assert activity_target(None, None, start, None) is None


@pytest.mark.parametrize(("logged", "target", "swedish", "english"), [
    (12, 40, "12 av 40", "12 of 40"),
    (1200, 4000, "1\u00a0200 av 4\u00a0000", "1,200 of 4,000"),
    (1, None, "1 genomförande", "1 completion"),
    (12, None, "12 genomföranden", "12 completions"),
    (0, 0, "0 genomföranden", "0 completions"),
])
def test_progress_reads_the_same_in_every_list(app, logged, target, swedish, english):
    with app.test_request_context("/"):
        assert progress_text(logged, target) == swedish
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        assert progress_text(logged, target) == english


def test_a_page_knows_its_neighbours_and_an_empty_list_has_no_pages():
    middle = Page(2, 25, 60)
    assert (middle.pages, middle.prev_num, middle.next_num) == (3, 1, 3)
    last = Page(3, 25, 60)
    assert last.has_prev and not last.has_next and last.next_num is None
    empty = Page(1, 25, 0)
    assert empty.pages == 0 and not empty.has_prev and not empty.has_next
    assert Page(1, 10, 11, ["a"]).envelope() == {
        "items": ["a"], "page": 1, "per_page": 10, "total": 11, "pages": 2}
