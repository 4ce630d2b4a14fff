"""Error pages in Swedish; never a stack trace; 503 when the database is gone."""
import pytest
from flask import abort

from config import ProductionConfig
from tests.conftest import login, make_test_app, rolled_back
from tracker import create_app


def test_404_is_swedish(client):
    response = client.get("/finns-inte")
    assert response.status_code == 404
    assert "Sidan hittades inte" in response.get_data(as_text=True)


def test_unexpected_error_gives_a_swedish_500_without_traceback(workdir):
    app = make_test_app(f"sqlite:///{workdir / 'e500.db'}")

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    text = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Något gick fel" in text
    assert "Traceback" not in text and "secret internals" not in text


def test_403_is_swedish(workdir):
    app = make_test_app(f"sqlite:///{workdir / 'e403.db'}")

    @app.route("/forbidden")
    def forbidden():
        abort(403)

    response = app.test_client().get("/forbidden")
    assert response.status_code == 403
    assert "Åtkomst nekad" in response.get_data(as_text=True)


def test_unreachable_database_gives_503():
    app = make_test_app("postgresql+psycopg://nobody:x@127.0.0.1:1/none?connect_timeout=1")
    client = app.test_client()
    response = client.post("/login", data={"email": "a@b.se", "password": "whatever-long"})
    assert response.status_code == 503
    text = response.get_data(as_text=True)
    assert "Databasen svarar inte" in text and "Traceback" not in text


def test_post_without_csrf_token_is_refused_when_csrf_is_on(app):
    strict = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], WTF_CSRF_ENABLED=True)
    with rolled_back(strict):  # the refusal's audit event is not left in the shared database
        response = strict.test_client().post("/login",
                                             data={"email": "a@b.se", "password": "x" * 12})
    assert response.status_code == 400
    assert "säkerhetstoken" in response.get_data(as_text=True)


def test_production_refuses_a_short_secret_key():
    with pytest.raises(RuntimeError, match="32"):
        create_app(ProductionConfig, SECRET_KEY="short", RATELIMIT_ALLOW_MEMORY=True)
    with pytest.raises(RuntimeError):
        create_app(ProductionConfig, SECRET_KEY=None, RATELIMIT_ALLOW_MEMORY=True)


def test_production_refuses_per_process_rate_limit_counters_unless_allowed():
    with pytest.raises(RuntimeError, match="memory://"):
        create_app(ProductionConfig, SECRET_KEY="x" * 40)
    with pytest.raises(RuntimeError, match="memory://"):
        create_app(ProductionConfig, SECRET_KEY="x" * 40,
                   RATELIMIT_STORAGE_URI="memory://", RATELIMIT_ALLOW_MEMORY=False)
    allowed = make_test_app("sqlite://", ProductionConfig, SECRET_KEY="x" * 40,
                            RATELIMIT_ALLOW_MEMORY=True)
    assert allowed.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert allowed.config["SECOND_FACTOR_REQUIRED"] is True  # production's default


def test_production_accepts_a_long_key_and_sets_host_cookie():
    app = make_test_app("sqlite://", ProductionConfig, SECRET_KEY="x" * 40,
                        RATELIMIT_ALLOW_MEMORY=True)
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_security_headers_on_every_response(client, make_user):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    user = make_user()
    login(client, user.email)
    assert client.get("/").headers["Cache-Control"] == "no-store"


def _full_sqlite(path) -> str:
    """A SQLite file whose every page is used and which may not grow: a real full disk to it."""
    import sqlite3

    conn = sqlite3.connect(path, isolation_level=None)  # each insert commits by itself
    conn.execute("CREATE TABLE filler (b BLOB)")
    conn.execute("PRAGMA max_page_count = 8")
    try:
        while True:
            conn.execute("INSERT INTO filler VALUES (randomblob(200))")
    except sqlite3.OperationalError as error:
        assert error.sqlite_errorname == "SQLITE_FULL"
    conn.close()
    return f"sqlite:///{path}"


def test_a_full_disk_is_said_as_such_and_a_pending_success_is_not_shown(workdir):
    import sqlalchemy as sa
    from flask import flash, redirect

    app = make_test_app(f"sqlite:///{workdir / 'full-app.db'}")
    full = sa.create_engine(_full_sqlite(workdir / "full.db"))
    sa.event.listen(full, "connect",
                    lambda conn, _record: conn.execute("PRAGMA max_page_count = 8"))

    @app.route("/spara", methods=["POST"])
    def save():
        flash("Genomförandet är loggat.", "success")
        return redirect("/skriv")

    @app.route("/skriv")
    def write():
        with full.begin() as conn:
            conn.exec_driver_sql("INSERT INTO filler VALUES (randomblob(4000))")
        return "sparat"

    client = app.test_client()
    response = client.post("/spara", follow_redirects=True)

    text = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Databasens disk är full" in text and "Ingenting har sparats" in text
    assert "Databasen svarar inte" not in text and "Retry-After" not in response.headers
    assert "Genomförandet är loggat." not in text  # it waits for the next page
    full.dispose()


@pytest.mark.parametrize("message, fault", [
    ("database or disk is full", "full"),
    ("could not extend file \"base/1/2\": No space left on device", "full"),
    ("disk I/O error", "io"),
    ("connection refused", None),
])
def test_storage_faults_are_told_from_an_unreachable_database(message, fault):
    from tracker.errors import storage_fault

    assert storage_fault(Exception(message)) == fault
