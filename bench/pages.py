"""The pages the benchmark loads, and the SQL statements each request sends.

Shared by `bench/run.py` and tests/test_scale.py so both measure the same requests.
"""
from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date

import sqlalchemy as sa
from flask import Flask

from bench.generator import PASSWORD, SLUG_PREFIX, email_of
from tracker.extensions import db
from tracker.models import (
    Activity,
    ActivityStatus,
    ActivityType,
    FollowUp,
    FollowUpStatus,
    LogEntry,
    Municipality,
    Place,
    Promise,
    User,
)

# (name, method, path template); {mid}, {aid}, {fid}, {year} come from Targets.
PAGES = [
    ("dashboard", "GET", "/kommuner/{mid}"),
    ("activity_list", "GET", "/kommuner/{mid}/aktiviteter?status=in_progress&fran={year}-01-01&sida=2"),
    ("my_tasks", "GET", "/mina-uppgifter"),
    ("activity", "GET", "/aktiviteter/{aid}"),
    ("public_followup", "GET", "/offentlig/uppfoljningar/{fid}"),
    ("public_index", "GET", "/offentlig/"),
    ("public_municipality", "GET", "/offentlig/{slug}"),
    ("public_promise", "GET", "/offentlig/{slug}/loften/{pid}"),
    ("log_post", "POST", "/aktiviteter/{aid}/logga"),
]


@dataclass
class Targets:
    municipality_id: int
    activity_id: int
    followup_id: int
    year: int
    email: str
    password: str = PASSWORD
    slug: str = ""
    promise_id: int = 0

    def path(self, template: str) -> str:
        return template.format(mid=self.municipality_id, aid=self.activity_id,
                               fid=self.followup_id, year=self.year, slug=self.slug,
                               pid=self.promise_id)

    def as_dict(self) -> dict:
        return asdict(self)


def find_targets() -> Targets:
    """The first bench municipality, its first officer, the officer's busiest open activity."""
    mid = db.session.scalar(sa.select(Municipality.id).where(
        Municipality.slug == f"{SLUG_PREFIX}001"))
    email = email_of(1, "polis1")
    officer_id = db.session.scalar(sa.select(User.id).where(User.email == email))
    logged = sa.func.count(LogEntry.id)
    activity_id = db.session.scalar(
        sa.select(Activity.id).outerjoin(LogEntry, LogEntry.activity_id == Activity.id)
        .where(Activity.municipality_id == mid, Activity.owner_id == officer_id,
               Activity.status == ActivityStatus.IN_PROGRESS)
        .group_by(Activity.id).order_by(logged.desc(), Activity.id).limit(1))
    followup_id, year = db.session.execute(
        sa.select(FollowUp.id, FollowUp.year).where(FollowUp.status == FollowUpStatus.PUBLISHED)
        .order_by(FollowUp.id).limit(1)).one()
    promise_id = db.session.scalar(sa.select(Promise.id).where(Promise.municipality_id == mid)
                                   .order_by(Promise.id).limit(1))
    return Targets(mid, activity_id, followup_id, year, email, slug=f"{SLUG_PREFIX}001",
                   promise_id=promise_id)


def log_form_data(targets: Targets, today: date) -> dict[str, str]:
    """A valid 'log an occasion' form for the target activity (without the CSRF token)."""
    activity = db.session.get(Activity, targets.activity_id)
    measures = db.session.get(ActivityType, activity.type_id).measures
    place = db.session.scalar(sa.select(Place.id).where(
        Place.municipality_id == activity.municipality_id).order_by(Place.id).limit(1))
    data = {"occurred_on": today.isoformat(), "duration": "1,5", "place_id": "",
            "note": "", "submit": "Spara"}
    for spec in measures:
        value = {"place": str(place), "integer": "3", "decimal": "1,5", "text": "bänkprov",
                 "boolean": "y", "date": today.isoformat()}.get(spec["kind"])
        if spec["kind"] == "choice":
            value = spec["choices"][0]
        data[f"m_{spec['key']}"] = value
    return data


def first_sending(form: dict[str, str]) -> dict[str, str]:
    """The form with a one-time key of its own, as the server's form sends it from a phone:
    claimed and settled like every first sending (without a key nothing is claimed)."""
    return {**form, "once_key": f"bench-{uuid.uuid4().hex}"}


def count_statements(app: Flask, targets: Targets, today: date) -> dict[str, int]:
    """Statements sent per request of each page (the second of two; the first warms caches).

    Needs an app with CSRF off (the test client posts no token)."""
    client = app.test_client()
    response = client.post("/login", data={"email": targets.email, "password": targets.password})
    if response.status_code != 302:
        raise RuntimeError(f"login as {targets.email} failed: {response.status_code}")
    with app.app_context():
        engine = db.engine
        form = log_form_data(targets, today)
    statements: list[str] = []

    def before(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    counts = {}
    for name, method, template in PAGES:
        path = targets.path(template)
        for _attempt in range(2):
            statements.clear()
            sa.event.listen(engine, "before_cursor_execute", before)
            try:
                if method == "POST":
                    response = client.post(path, data=first_sending(form))
                else:
                    response = client.get(path)
            finally:
                sa.event.remove(engine, "before_cursor_execute", before)
            expected = 302 if method == "POST" else 200
            if response.status_code != expected:
                raise RuntimeError(f"{name}: {method} {path} answered {response.status_code}")
        counts[name] = len(statements)
    return counts


def cpu_per_request(app: Flask, targets: Targets, today: date, runs: int = 20) -> dict[str, float]:
    """Milliseconds of this process's CPU per request of each page (median of `runs`).

    The web process's own cost, without PostgreSQL's: it bounds throughput at about
    cores / cost whatever the load on the machine, which wall-clock figures do not show."""
    import statistics
    import time

    client = app.test_client()
    client.post("/login", data={"email": targets.email, "password": targets.password})
    with app.app_context():
        form = log_form_data(targets, today)
    costs = {}
    for name, method, template in PAGES:
        path = targets.path(template)
        samples = []
        for _ in range(runs + 2):
            started = time.process_time()
            if method == "POST":
                client.post(path, data=first_sending(form))
            else:
                client.get(path)
            samples.append(time.process_time() - started)
        costs[name] = round(statistics.median(samples[2:]) * 1000, 1)
    return costs
