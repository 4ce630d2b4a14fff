"""Helpers of the security tests: a committed two-municipality world per module, logged-in
cookies made once, and a transaction per test that is rolled back (the world stays pristine)."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.conftest import (  # noqa: F401  (rolled_back is re-exported for the tests here)
    PASSWORD,
    fresh_database_url,
    make_test_app,
    rolled_back,
    upgrade,
)
from tests.security.world import World, build_world

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def world_app(workdir, name: str, **overrides):
    """(app, world): a fresh database of its own, migrated, with the world committed."""
    # High limits rather than RATELIMIT_ENABLED=False: Flask-Limiter keeps that flag on the one
    # shared limiter, so it would switch the limit off for every later app in the run too.
    app = make_test_app(fresh_database_url(workdir, name), LOGIN_RATE_LIMIT="100000 per minute",
                        TIP_RATE_LIMIT="100000 per minute", **overrides)
    upgrade(app)
    with app.app_context():
        world = build_world()
    uploads = Path(app.config["UPLOAD_DIR"])
    shutil.copytree(uploads, uploads.with_name(uploads.name + "-pristine"))
    return app, world


def restore_uploads(app) -> None:
    """Put back the world's files a request removed: the removal of a file is not rolled back
    with the request's transaction, as its row is."""
    uploads = Path(app.config["UPLOAD_DIR"])
    for source in uploads.with_name(uploads.name + "-pristine").iterdir():
        if not (uploads / source.name).exists():
            shutil.copy2(source, uploads / source.name)


def csrf_token(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def session_cookie(app, email: str) -> str:
    """The session cookie of a fresh login (with the form's token when CSRF is on)."""
    client = app.test_client()
    data = {}
    if app.config["WTF_CSRF_ENABLED"]:
        data["csrf_token"] = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": email, "password": PASSWORD, **data})
    assert response.status_code == 302, f"login of {email} failed"
    return client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value


def client_with(app, cookie: str | None):
    """A new client carrying a saved session (None: anonymous); logging out affects only it."""
    client = app.test_client()
    if cookie:
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    return client


def cookies_of(app, world: World) -> dict[str, str]:
    users = {f"{key}_a": email for key, email in world.a.users.items()}
    users |= {f"{key}_b": email for key, email in world.b.users.items()}
    users["admin"] = world.admin
    return {key: session_cookie(app, email) for key, email in users.items()}


