"""Small helpers shared by the blueprints' views."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template
from flask_login import current_user

from tracker.extensions import db
from tracker.models import User
from tracker.services import VERSION_CONFLICT, DomainError, FieldErrors

T = TypeVar("T")


def save_or_conflict(save: Callable[[], T],
                     conflict: Callable[[], object]) -> tuple[T | None, object]:
    """The one save path of every versioned form: run save() and commit once; returns (save's
    result, None), or on a version conflict, found early or by the database, rolls back and
    returns (None, conflict()), e.g. conflict_page(...). A DomainError from save() propagates
    for the caller to show (the caller rolls back)."""
    try:
        result = save()
        db.session.commit()
    except VERSION_CONFLICT:
        db.session.rollback()
        return None, conflict()
    return result, None


def commit_or_flash_refusal(change: Callable[[], object], back: str,
                            success: Callable[[], str] | None = None):
    """A button's change: refused (a DomainError), its message is flashed as an error; else it is
    committed and success() flashed. Back to `back` either way."""
    try:
        change()
    except DomainError as error:
        flash(error.message, "error")
        return redirect(back)
    db.session.commit()
    if success is not None:
        flash(success(), "success")
    return redirect(back)


@dataclass
class Conflict:
    """What conflict.html shows: the saved row beside the user's input, then the form again."""

    heading: str
    what: str                 # "aktiviteten": someone saved <what> after you opened the form
    rows: list[tuple]         # (label, saved value, your value[, True for multi-line text])
    fields: str               # the template of the form's fields
    back_url: str
    back_label: str
    subtitle: str = ""
    mine_heading: str = ""
    submit: str = ""
    action: str | None = None  # None: the page's own URL
    layout: str = "base.html"


def conflict_page(form, current, conflict: Conflict, **context):
    """The 409 page for a form whose row someone saved meanwhile. The form now carries the saved
    version, so saving again overwrites it knowingly."""
    form.open_at(current)
    return render_template("conflict.html", form=form, current=current, conflict=conflict,
                           **context), 409


def chosen_label(field) -> str:
    """The label of a select or radio field's chosen value, as the user saw it."""
    return next((str(label) for value, label in field.choices
                 if str(value) == str(field.data)), "")


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


def viewer() -> User:
    """The signed-in user itself, not Flask-Login's proxy (which looks the user up again on
    every attribute read): for views that ask the policies many times. Behind login_required."""
    return current_user._get_current_object()  # werkzeug's documented LocalProxy method


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
        values: dict[str, Any] = {param: self.SENTINEL}
        url = url_for(endpoint, **values)
        self.prefix, _, self.suffix = url.partition(str(self.SENTINEL))

    def __call__(self, object_id: int) -> str:
        return f"{self.prefix}{object_id}{self.suffix}"


def row_urls(*endpoints: str) -> dict:
    """`urls.<view name>(id)` for templates that link every row of a table."""
    return {"urls": {e.rpartition(".")[2]: IdUrl(e) for e in endpoints}}


LAYOUT_ENDPOINTS = (
    "main.index", "public.index", "activities.my_tasks", "activities.reminders_list",
    "notifications.index",
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
        for name in ("style.css", "errors.js", "outbox.js", "offline.js", "manifest.webmanifest",
                     "icons/apple-touch-icon.png"):
            urls[name] = url_for("static", filename=name)
        urls["stylesheet"] = urls["style.css"]
        cache[root] = urls
    return urls
