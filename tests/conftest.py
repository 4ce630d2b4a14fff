"""Fixtures: one migrated database per run, a rolled-back transaction per test."""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
import sqlalchemy.orm
from flask import current_app, g, has_app_context
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSession
from werkzeug.serving import make_server

from config import TestConfig
from tracker import create_app, page_cache, policies
from tracker.extensions import db
from tracker.models import Membership, Municipality, Organisation, PoliceArea, Role, User
from tracker.services import accounts

CHROMIUM = "/usr/bin/chromium"
REQUIRED = {part.strip() for part in os.environ.get("TRACKER_TEST_REQUIRE", "").split(",") if part}
POSTGRES_URL = os.environ.get("TRACKER_TEST_POSTGRES_URL") or (
    os.environ.get("TRACKER_TEST_DATABASE_URL", "")
    if os.environ.get("TRACKER_TEST_DATABASE_URL", "").startswith("postgresql")
    else ""
)
PASSWORD = "ett-långt-testlösenord"


def skip_or_fail(part: str, reason: str):
    """A missing browser or PostgreSQL skips locally but fails where it is required (CI)."""
    if part in REQUIRED:
        pytest.fail(f"{reason} (required by TRACKER_TEST_REQUIRE)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def workdir():
    path = Path(tempfile.mkdtemp(prefix="tracker-tests-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _url_with_schema(url: str, schema: str) -> str:
    """A PostgreSQL URL whose connections use their own schema (an isolated database)."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine.dispose()
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


# `make test` runs the suite in several processes (pytest-xdist): each has a workdir of its own,
# and on PostgreSQL its schemas carry the process's name ("suite_gw1").
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def fresh_database_url(workdir: Path, name: str, *, postgres: bool = False) -> str:
    """An empty database: a new SQLite file, or a new schema on the test PostgreSQL."""
    if postgres or os.environ.get("TRACKER_TEST_DATABASE_URL", "").startswith("postgresql"):
        if not POSTGRES_URL:
            skip_or_fail("postgres", "TRACKER_TEST_POSTGRES_URL is not set")
        schema = f"{name}_{WORKER}" if WORKER else name
        return _url_with_schema(POSTGRES_URL, re.sub(r"\W", "_", schema))
    # A module's fixture is set up again when its tests did not run in one go (a worker took
    # some of them from the other's queue): the file of the first setup goes first.
    for path in workdir.glob(f"{name}.db*"):
        path.unlink()
    return f"sqlite:///{workdir / (name + '.db')}"


_created_apps = []
_upload_dirs = []


def make_test_app(url: str, config=TestConfig, **overrides):
    """A test app; its engines are disposed when the run ends (no connection left open).
    Each app keeps its attached files in a directory of its own, removed at the end."""
    if "UPLOAD_DIR" not in overrides:
        overrides["UPLOAD_DIR"] = tempfile.mkdtemp(prefix="tracker-uploads-")
        _upload_dirs.append(overrides["UPLOAD_DIR"])
    application = create_app(config, SQLALCHEMY_DATABASE_URI=url, **overrides)
    _created_apps.append(application)
    return application


@pytest.fixture(scope="session", autouse=True)
def _dispose_engines():
    yield
    for application in _created_apps:
        with application.app_context():
            for engine in db.engines.values():
                engine.dispose()
    for path in _upload_dirs:
        shutil.rmtree(path, ignore_errors=True)


def upgrade(app) -> None:
    from flask_migrate import upgrade as alembic_upgrade

    with app.app_context():
        alembic_upgrade()


class FreshSessionClient(FlaskClient):
    """Each request sees the database afresh, as a new session per request would in production."""

    def open(self, *args, **kwargs):
        if has_app_context():
            db.session.expire_all()
            db.session.info.pop(policies.ROLES_KEY, None)  # the roles a request read
        return super().open(*args, **kwargs)


def _row_counts(application) -> dict[str, int]:
    with application.app_context(), db.engine.connect() as connection:
        return {table.name: connection.scalar(sa.select(sa.func.count()).select_from(table))
                for table in db.metadata.sorted_tables}


@pytest.fixture(scope="session")
def app(workdir):
    """The shared database every `session` test rolls back; it ends the run as it began."""
    url = fresh_database_url(workdir, "suite")
    application = make_test_app(url, DEMO_LOGINS_FILE=str(workdir / "demo-logins.txt"))
    application.test_client_class = FreshSessionClient
    upgrade(application)
    before = _row_counts(application)
    yield application
    left = {name: count - before[name] for name, count in _row_counts(application).items()
            if count != before[name]}
    assert not left, f"rows committed to the shared rolled-back database: {left}"


class BoundSession(FlaskSession):
    """Flask-SQLAlchemy's session always picks the engine; this one keeps the test's connection."""

    def get_bind(self, *args, **kwargs):
        return self.bind if self.bind is not None else super().get_bind(*args, **kwargs)


def _app_context_id() -> int:
    """One session per app context (so per request), as Flask-SQLAlchemy scopes its own."""
    return id(g._get_current_object())


class _TestsOwnSessions:
    """The session registry while a test holds `app`'s rolled-back connection.

    `db.session` is one attribute for every app and thread, so the swap below is seen by the
    browser tests' live server too, whose threads may still answer a request of the browser's
    (a service worker's fetch) while a later test runs. Only this thread's contexts of this app
    get the test's sessions; any other context keeps the registry it had, so its session is
    opened and removed in one place and never runs on the test's connection."""

    def __init__(self, own: sa.util.ScopedRegistry, other, app):
        self.own, self.other, self.app = own, other, app
        self.thread = threading.get_ident()

    def _pick(self):
        if threading.get_ident() != self.thread or (
                has_app_context() and current_app._get_current_object() is not self.app):
            return self.other
        return self.own

    def __call__(self):
        return self._pick()()

    def has(self) -> bool:
        return self._pick().has()

    def set(self, obj) -> None:
        self._pick().set(obj)

    def clear(self) -> None:
        self._pick().clear()


@contextmanager
def rolled_back(app):
    """A transaction on `app`'s database that is rolled back at the end; commits are savepoints."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        sessions = sa.orm.scoped_session(
            sa.orm.sessionmaker(class_=BoundSession, db=db, bind=connection,
                                join_transaction_mode="create_savepoint"),
            scopefunc=_app_context_id)
        sessions.registry = _TestsOwnSessions(sessions.registry, original.registry, app)
        db.session = sessions
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()
            # Each test starts with no kept parts (published reports are keyed by version id,
            # and ids come back after a rollback).
            page_cache.clear(app)


@pytest.fixture
def session(app):
    """Each test runs in a transaction that is rolled back; commits become savepoints."""
    with rolled_back(app) as rolled:
        yield rolled


@pytest.fixture
def client(app, session):
    return app.test_client()


@pytest.fixture
def area(session):
    area = PoliceArea(name="Testområdet")
    session.add(area)
    session.flush()
    return area


@pytest.fixture
def make_municipality(session, area):
    def make(name: str = "Testkommun") -> Municipality:
        m = Municipality(name=name, slug=name.lower(), police_area_id=area.id)
        session.add(m)
        session.flush()
        return m

    return make


@pytest.fixture
def make_user(session):
    counter = iter(range(1, 10_000))

    def make(role: Role | None = None, municipality: Municipality | None = None, *,
             admin: bool = False, organisation: Organisation = Organisation.KOMMUNEN,
             email: str | None = None) -> User:
        n = next(counter)
        user = accounts.create_user(
            email or f"user{n}@example.se", f"Användare {n}", PASSWORD,
            organisation=organisation, is_admin=admin,
        )
        if role is not None:
            session.add(Membership(user_id=user.id, municipality_id=municipality.id, role=role))
            session.flush()
        return user

    return make


def login(client, email: str, password: str = PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


@contextmanager
def count_queries(engine=None):
    """Counts SQL statements sent to the database inside the block."""
    statements: list[str] = []
    target = engine or db.engine

    def before(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    sa.event.listen(target, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        sa.event.remove(target, "before_cursor_execute", before)


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()


@pytest.fixture(scope="session")
def demo_app(workdir):
    """A second database with the demo data loaded, for browser tests against a live server."""
    url = fresh_database_url(workdir, "e2e")
    application = make_test_app(url, DEMO_LOGINS_FILE=str(workdir / "e2e-logins.txt"))
    upgrade(application)
    from tracker.demo import loader

    with application.app_context():
        result = loader.load_demo()
        db.session.commit()
    application.config["DEMO_PASSWORDS"] = {email: pw for email, pw, _ in result.logins}
    return application


@pytest.fixture(autouse=True)
def _no_kept_parts_on_the_demo(request):
    """Browser tests share the demo's live server, and their fixtures set up and clean up with
    Core writes, which give no new data version: each test starts with no kept page parts
    there, whatever ran before it."""
    if "demo_app" in request.fixturenames:
        page_cache.clear(request.getfixturevalue("demo_app"))


@pytest.fixture(scope="session")
def live_server(demo_app):
    server = LiveServer(demo_app)
    demo_app.config["BASE_URL"] = server.url  # TRACKER_BASE_URL: links in e-mail lead here
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        skip_or_fail("browser", f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def jobs_database(workdir):
    """Jobs commit, so they get their own database instead of the shared rolled-back one."""
    application = make_test_app(fresh_database_url(workdir, "jobs"))
    upgrade(application)
    return application


@pytest.fixture
def jobs_app(jobs_database):
    """The jobs database, emptied after each test."""
    yield jobs_database
    with jobs_database.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()


@pytest.fixture
def town(make_municipality, make_user):
    """A municipality with one user per role, a coordinator of another one, and an admin."""
    m = make_municipality("Lidköping")
    other = make_municipality("Skara")
    return {
        "m": m,
        "other": other,
        "coordinator": make_user(Role.COORDINATOR, m),
        "officer": make_user(Role.OFFICER, m),
        "viewer": make_user(Role.VIEWER, m),
        "stranger": make_user(Role.COORDINATOR, other),
        "admin": make_user(admin=True),
    }
