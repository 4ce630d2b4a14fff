"""Per-address limits on forms that invite guessing or flooding (login, the public tip form).

Counters live in RATELIMIT_STORAGE_URI: memory:// by default, which counts per process, so
several processes or hosts need a shared store (redis://...) to enforce one limit together.
Behind a reverse proxy the client address must come through ProxyFix, or every request
counts against the proxy's address.
"""
from __future__ import annotations

from flask import current_app

from tracker.extensions import limiter


def post_limit(config_key: str):
    """Decorator: limit POSTs to a view per client address, at the rate in config[config_key].

    The rate is read on each request, so one app (or a test) can set its own,
    e.g. create_app(LOGIN_RATE_LIMIT="3 per minute"). Use: @post_limit("TIP_RATE_LIMIT").
    """
    return limiter.limit(lambda: current_app.config[config_key], methods=["POST"])
