"""Per-address limits on forms that invite guessing or flooding (login, the public tip form).

Counters live in RATELIMIT_STORAGE_URI: memory:// by default, which counts per process, so
several processes or hosts need a shared store (redis://...) to enforce one limit together.
Behind a reverse proxy the client address must come through ProxyFix, or every request
counts against the proxy's address.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, current_app, request

from tracker.extensions import limiter

# What is limited, as the decorators below record it: every other request skips Flask-Limiter's
# resolution of its limits (0.15 ms of the 4 ms a logged occasion took in-process).
_LIMITED_VIEWS: set[str] = set()
_LIMITED_BLUEPRINTS: set[str] = set()


def _name(view: Callable) -> str:
    return f"{view.__module__}.{view.__name__}"


def post_limit(config_key: str, *, failures_only: bool = False):
    """Decorator: limit POSTs to a view per client address, at the rate in config[config_key].

    The rate is read on each request, so one app (or a test) can set its own,
    e.g. create_app(LOGIN_RATE_LIMIT="3 per minute"). Use: @post_limit("TIP_RATE_LIMIT").
    `failures_only`: a POST that succeeds (answered with a redirect) is not counted, so the
    people of one office behind one address can all log in at eight; guesses are counted.
    """
    limit = limiter.limit(lambda: current_app.config[config_key], methods=["POST"],
                          deduct_when=_failed if failures_only else None)

    def decorate(view: Callable) -> Callable:
        _LIMITED_VIEWS.add(_name(view))
        return limit(view)
    return decorate


def _failed(response) -> bool:
    return not 300 <= response.status_code < 400


def blueprint_limit(blueprint: Blueprint, config_key: str, *, scope: str,
                    key_func: Callable[[], str]) -> None:
    """One limit shared by every request to the blueprint, at the rate in config[config_key]."""
    _LIMITED_BLUEPRINTS.add(blueprint.name)
    limiter.shared_limit(lambda: current_app.config[config_key], scope=scope,
                         key_func=key_func)(blueprint)


@limiter.request_filter
def _unlimited() -> bool:
    """True (no limit to check) unless the request is to a limited blueprint or a POST to a
    limited view."""
    if _LIMITED_BLUEPRINTS.intersection(request.blueprints):
        return False
    if request.method != "POST":
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return view is None or _name(view) not in _LIMITED_VIEWS
