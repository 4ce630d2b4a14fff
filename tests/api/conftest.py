"""Fixtures of the API tests: two municipalities with everything the API serves, and tokens."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from tests.factories import make_activity, make_commitment, make_place, make_promise, make_type
from tracker.extensions import db
from tracker.formatting import local_today
from tracker.models import (
    ApiScope,
    FollowUp,
    FollowUpStatus,
    Indicator,
    IndicatorValue,
    LogEntry,
    Party,
    Role,
)
from tracker.services import api_tokens


def bearer(user, scope: ApiScope = ApiScope.READ_WRITE, days: int = 30) -> dict:
    """Authorization headers with a new token of the user."""
    created = api_tokens.create_token(user, "test", scope, days)
    db.session.flush()
    return {"Authorization": f"Bearer {created.secret}"}


def _side(m, kind, indicator, owner, year: int, label: str) -> SimpleNamespace:
    promise = make_promise(m, year=year)
    police = make_commitment(promise, Party.POLISEN, f"Polisen lovar att synas i {label}.")
    municipal = make_commitment(promise, Party.KOMMUNEN, f"Kommunen lovar att lysa upp {label}.")
    place = make_place(m, f"Torget i {label}")
    activity = make_activity(police, kind, owner=owner, places=[place], target=4,
                             due=local_today() + timedelta(days=30), title=f"Patrull i {label}")
    entry = LogEntry(activity_id=activity.id, occurred_on=local_today(), measures={
        "antal_poliser": 2}, note="Lugn kväll", author_id=owner.id if owner else None)
    value = IndicatorValue(indicator_id=indicator.id, municipality_id=m.id, year=year - 1,
                           value=Decimal("15.0"), national_value=Decimal("24.0"))
    draft = FollowUp(promise_id=promise.id, year=year, status=FollowUpStatus.DRAFT,
                     sections={"inledning": {"title": "Inledning", "generated": "Utkast.",
                                             "edited": None}})
    db.session.add_all([entry, value, draft])
    db.session.flush()
    return SimpleNamespace(m=m, promise=promise, police=police, municipal=municipal,
                           place=place, activity=activity, entry=entry, value=value, draft=draft,
                           area_id=police.focus_area_id)


@pytest.fixture
def world(session, make_municipality, make_user):
    """Lidköping (a) and Skara (b), each with a promise, commitments of two parties, a place,
    an activity owned by the officer, a log entry, an indicator value and a draft follow-up."""
    a_m, b_m = make_municipality("Lidköping"), make_municipality("Skara")
    people = {
        "coordinator": make_user(Role.COORDINATOR, a_m),
        "officer": make_user(Role.OFFICER, a_m),
        "viewer": make_user(Role.VIEWER, a_m),
        "stranger": make_user(Role.COORDINATOR, b_m),
        "admin": make_user(admin=True),
    }
    people["other_officer"] = make_user(Role.OFFICER, a_m)  # not assigned to a's activity
    kind = make_type()
    indicator = Indicator(key="otrygghet_kvall", name="Otrygghet kvällstid", unit="procent")
    session.add(indicator)
    session.flush()
    year = local_today().year
    a = _side(a_m, kind, indicator, people["officer"], year, "Lidköping")
    b = _side(b_m, kind, indicator, people["stranger"], year, "Skara")
    return SimpleNamespace(a=a, b=b, kind=kind, indicator=indicator, year=year, **people)
