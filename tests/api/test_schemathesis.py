"""schemathesis against every operation of /api/v1/openapi.json, in-process over WSGI.

The API runs on a committing database of its own with the demo data (writes are real and
harmless there), authenticated with a read-write token of a coordinator of Lidköping. Every
response must be no server error and match the documented schema.

Each operation gets up to POSITIVE_EXAMPLES cases that fit the schema and NEGATIVE_EXAMPLES
that break it. Random ids seldom name a row, so in about half of the cases the ids in the path and
the body are swapped for real ones (Lidköping's rows, its activity type and indicator): the
write paths then run against real activities, commitments and indicator values. Each operation's
test checks that it got generated cases; the number per operation is collected in CASES and
printed when the module's tests are done (in any order, or one of them alone).
"""
from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from config import TestConfig
from tests.conftest import fresh_database_url, make_test_app, upgrade
from tests.factories import make_ready
from tracker import create_app
from tracker.demo import loader
from tracker.extensions import db
from tracker.followups import compiler as followup_compiler
from tracker.followups import workflow as followups
from tracker.formatting import local_today
from tracker.models import (
    Activity,
    ApiScope,
    Commitment,
    FocusArea,
    FollowUpStatus,
    Indicator,
    IndicatorValue,
    LogEntry,
    Municipality,
    Place,
    Promise,
)
from tracker.services import accounts, api_tokens, comments

POSITIVE_EXAMPLES = 8
NEGATIVE_EXAMPLES = 4
CASES: Counter[tuple[str, GenerationMode]] = Counter()
STATUSES: Counter[tuple[str, int]] = Counter()
COORDINATOR = f"samordnare@{loader.DEMO_DOMAIN}"


def _first(query) -> int:
    return db.session.scalar(query.limit(1))


def _real_ids() -> dict[str, int]:
    """A real row of Lidköping (the token's municipality) for every id in the API's paths."""
    m = _first(sa.select(Municipality.id).where(Municipality.slug == "lidkoping"))
    promise = _first(sa.select(Promise.id).where(Promise.municipality_id == m)
                     .order_by(Promise.start_year.desc()))
    entry, activity = db.session.execute(
        sa.select(LogEntry.id, LogEntry.activity_id).join(Activity)
        .where(Activity.municipality_id == m).limit(1)).one()
    return {
        "municipality_id": m, "promise_id": promise, "activity_id": activity,
        "type_id": _first(sa.select(Activity.type_id).where(Activity.id == activity)),
        "indicator_id": _first(sa.select(Indicator.id)),
        "owner_id": accounts.user_by_email(COORDINATOR).id,
        "focus_area_id": _first(sa.select(FocusArea.id).where(FocusArea.promise_id == promise)),
        "commitment_id": _first(sa.select(Commitment.id).where(Commitment.promise_id == promise)),
        "place_id": _first(sa.select(Place.id).where(Place.municipality_id == m)),
        "entry_id": entry,
        "value_id": _first(sa.select(IndicatorValue.id)
                           .where(IndicatorValue.municipality_id == m)),
    }


def _followups(ids: dict[str, int]) -> None:
    """A draft of Lidköping's promise, and a published follow-up of Skara (seen as published)."""
    year = local_today().year
    for slug in ("lidkoping", "skara"):
        promise = db.session.scalar(
            sa.select(Promise).join(Municipality).where(Municipality.slug == slug)
            .order_by(Promise.start_year.desc()).limit(1))
        followup = followup_compiler.compile_followup(
            promise.id, min(max(year, promise.start_year), promise.end_year))
        if slug == "skara":
            coordinator = accounts.user_by_email(f"samordnare.skara@{loader.DEMO_DOMAIN}")
            followup = make_ready(followups.load(followup.id), coordinator)
            followup.status = FollowUpStatus.APPROVED
            followups.publish(coordinator, followup, None)
        else:
            ids["followup_id"] = followup.id


@pytest.fixture(scope="session")
def fuzz_app(workdir):
    app = make_test_app(fresh_database_url(workdir, "api_fuzz"),
                        DEMO_LOGINS_FILE=str(workdir / "fuzz-logins.txt"),
                        API_RATE_LIMIT="1000000 per minute", MAIL_ENABLED=False)
    upgrade(app)
    with app.app_context():
        loader.load_demo()
        created = api_tokens.create_token(accounts.user_by_email(COORDINATOR), "schemathesis",
                                          ApiScope.READ_WRITE, 30)
        ids = _real_ids()
        _followups(ids)
        ids["comment_id"] = comments.add_comment(
            accounts.user_by_email(COORDINATOR), db.session.get(Activity, ids["activity_id"]),
            "Vi ses vid torget klockan sju.").id
        db.session.commit()
    assert None not in ids.values(), ids
    app.config.update(FUZZ_TOKEN=created.secret, FUZZ_IDS=ids)
    return app


@pytest.fixture(scope="session")
def api_schema(fuzz_app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_app)


def _operations() -> list[str]:
    """Labels ("GET /api/v1/me") of every documented operation (the spec needs no database)."""
    spec = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://").test_client().get(
        "/api/v1/openapi.json").get_json()
    return sorted(f"{method.upper()} {path}" for path, item in spec["paths"].items()
                  for method in item if method in {"get", "post", "put", "patch", "delete"})


OPERATIONS = _operations()


def _use_real_ids(case, real_ids: dict[str, int]) -> None:
    """Ids in the path and the body's top level name real rows instead of random numbers."""
    if case.path_parameters:
        case.path_parameters = {name: real_ids.get(name, value)
                                for name, value in case.path_parameters.items()}
    if isinstance(case.body, dict):
        case.body = {name: real_ids[name] if name in real_ids and isinstance(value, int)
                     and not isinstance(value, bool) else value
                     for name, value in case.body.items()}


# schemathesis' own pytest plugin (schema.parametrize) does not run on pytest 9.2, so each
# operation is a plain parametrized test driving schemathesis' Hypothesis strategies.
@pytest.mark.parametrize("label", OPERATIONS)
def test_operation(label, api_schema, fuzz_app, case_counts):
    operation = api_schema.find_operation_by_label(label)
    for mode, examples in ((GenerationMode.POSITIVE, POSITIVE_EXAMPLES),
                           (GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES)):
        _fuzz(operation, label, mode, examples, fuzz_app.config)
    assert CASES[(label, GenerationMode.POSITIVE)], f"no generated case fits {label}'s schema"


def _fuzz(operation, label: str, mode: GenerationMode, examples: int, config) -> None:
    headers = {"Authorization": f"Bearer {config['FUZZ_TOKEN']}"}

    @given(case=operation.as_strategy(generation_mode=mode), use_real_ids=st.booleans())
    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case, use_real_ids):
        CASES[(label, mode)] += 1
        if use_real_ids:
            _use_real_ids(case, config["FUZZ_IDS"])
        response = case.call(headers=headers)
        STATUSES[(label, response.status_code)] += 1
        case.validate_response(response, checks=[not_a_server_error,
                                                 response_schema_conformance])

    check()


@pytest.fixture(scope="module")
def case_counts():
    """After the module's tests: the cases and statuses of each operation that ran (printed)."""
    yield CASES
    ran = [label for label in OPERATIONS if any(name == label for name, _mode in CASES)]
    if not ran:
        return
    width = max(map(len, ran))
    print(f"\nschemathesis cases per operation (positive + negative):\n"
          f"  {'operation':<{width}}  pos  neg  total  statuses")
    for label in ran:
        pos, neg = CASES[(label, GenerationMode.POSITIVE)], CASES[(label, GenerationMode.NEGATIVE)]
        statuses = " ".join(f"{code}×{n}" for (name, code), n in sorted(STATUSES.items())
                            if name == label)
        print(f"  {label:<{width}}  {pos:>3}  {neg:>3}  {pos + neg:>5}  {statuses}")
    print(f"  {'total':<{width}}  {'':>3}  {'':>3}  {sum(CASES.values()):>5}")
