"""Small helpers shared by the blueprints' views."""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from flask import abort
from sqlalchemy.orm.exc import StaleDataError

from tracker.extensions import db
from tracker.services import DomainError, FieldErrors, StaleEdit

T = TypeVar("T")

# A version conflict: the early check against the form's version (StaleEdit), or the versioned
# UPDATE that matched no row at flush or commit because someone saved in between (StaleDataError).
VERSION_CONFLICT = (StaleEdit, StaleDataError)


def save_or_conflict(save: Callable[[], T],
                     conflict: Callable[[], object]) -> tuple[T | None, object]:
    """Run save() and commit once; returns (save's result, None), or on a version conflict,
    found early or by the database, rolls back and returns (None, conflict()): the 409 page with
    the saved version beside the user's input, which stays in the form. A DomainError from
    save() propagates for the caller to show."""
    try:
        result = save()
        db.session.commit()
    except VERSION_CONFLICT:
        db.session.rollback()
        return None, conflict()
    return result, None


def safe_local_url(target: str | None, fallback: str) -> str:
    """Only same-site paths: a `next` parameter never sends a user to another host."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        # Browsers read a backslash as a slash and drop tabs and newlines: "/\evil" is "//evil".
        if not parts.scheme and not parts.netloc and not re.search(r"[\\\x00-\x1f]", target):
            return target
    return fallback


def load_or_404(model, object_id: int, *options):
    """One row by primary key (with loader options) or 404."""
    obj = db.session.get(model, object_id, options=list(options))
    if obj is None:
        abort(404)
    return obj


def require(allowed: bool) -> None:
    """Object-level check: 403 unless the policy said yes."""
    if not allowed:
        abort(403)


def attach_error(form, error: DomainError, default_field: str | None = None) -> None:
    """Show a service's refusal next to the field it names, else above the form."""
    name = error.field or default_field
    field = getattr(form, name, None) if name else None
    if field is not None and hasattr(field, "errors"):
        if isinstance(field.errors, tuple):
            field.errors = list(field.errors)
        field.errors.append(error.message)
    else:
        form.form_errors.append(error.message)


def show_refusal(form, error: DomainError) -> None:
    """Every message of a FieldErrors next to its field; anything else above the form."""
    if isinstance(error, FieldErrors):
        for name, message in error.errors.items():
            attach_error(form, DomainError(message, name))
    else:
        attach_error(form, error)


class IdUrl:
    """The URL of an endpoint that takes one id, for many ids: `url_for` once, then joins.

    A list of 30 rows with two links each would otherwise build 60 URLs through the router.
    """

    SENTINEL = 987654321

    def __init__(self, endpoint: str):
        from flask import current_app, url_for

        (rule,) = current_app.url_map.iter_rules(endpoint)
        (param,) = rule.arguments
        url = url_for(endpoint, **{param: self.SENTINEL})
        self.prefix, _, self.suffix = url.partition(str(self.SENTINEL))

    def __call__(self, object_id: int) -> str:
        return f"{self.prefix}{object_id}{self.suffix}"


def row_urls(*endpoints: str) -> dict:
    """`urls.<view name>(id)` for templates that link every row of a table."""
    return {"urls": {e.rpartition(".")[2]: IdUrl(e) for e in endpoints}}


LAYOUT_ENDPOINTS = (
    "main.index", "public.index", "activities.my_tasks", "activities.reminders_list",
    "admin.index", "calendar.settings", "auth.account", "api_keys.index", "auth.logout",
    "public.accessibility", "main.service_worker", "auth.login",
)


def layout_urls() -> dict[str, str]:
    """The layout's fixed links, built once per process (and script root), not per page."""
    from flask import current_app, has_request_context, request, url_for

    cache = current_app.extensions.setdefault("tracker.layout_urls", {})
    root = request.script_root if has_request_context() else None
    urls = cache.get(root)
    if urls is None:
        urls = {endpoint: url_for(endpoint) for endpoint in LAYOUT_ENDPOINTS}
        for name in ("style.css", "outbox.js", "offline.js", "manifest.webmanifest",
                     "icons/apple-touch-icon.png"):
            urls[name] = url_for("static", filename=name)
        urls["stylesheet"] = urls["style.css"]
        cache[root] = urls
    return urls
