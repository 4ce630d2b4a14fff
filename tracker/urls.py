"""Absolute addresses for what is read outside the app (e-mail, the command line).

Built from TRACKER_BASE_URL, the service's address as its users reach it, never from the
request: behind a proxy the request's host is the proxy's view, and a job has no request.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def absolute_url(endpoint: str, *, anchor: str = "", **values) -> str:
    """The endpoint's address under BASE_URL (scheme, host, port and path prefix)."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path.rstrip("/") or "/",
                                       url_scheme=base.scheme or "https")
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{anchor}" if anchor else url
