"""Rendered parts of the busiest pages, kept per process until the data under them changes.

A part is keyed by what it shows: the municipality's data version (tracker/data_version.py,
new whenever a transaction writes the municipality's data or a name the pages print), the
locale, the application root the links start with, and whatever else the caller names (the
day, for deadlines; whose entries the viewer may correct). The version comes with the
municipality row the page loads anyway, so a page whose parts are kept pays no statement for
them. Another process's write gives a new version, so no process serves an older state.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app, request
from markupsafe import Markup

from tracker.models import Municipality
from tracker.translation import current_locale

_KEY = "tracker_page_cache"


class LruCache:
    """A small LRU map, safe to share between threads."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def _cache() -> LruCache:
    return current_app.extensions.setdefault(
        _KEY, LruCache(current_app.config["PAGE_CACHE_ENTRIES"]))


def clear(app) -> None:
    """Forget every kept part (tests roll their databases back)."""
    app.extensions.pop(_KEY, None)


def municipality_part(name: str, municipality: Municipality, key: tuple[Hashable, ...],
                      render: Callable[[], str]) -> Markup:
    """The part `name` of a page about `municipality`, rendered by `render()` when no process
    state of it is kept for the municipality's current data version and `key`."""
    full_key = (name, municipality.id, municipality.data_version, str(current_locale()),
                request.script_root, *key)
    cache = _cache()
    part = cache.get(full_key)
    if part is None:
        part = Markup(render())
        cache.put(full_key, part)
    return part
