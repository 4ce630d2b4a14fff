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
from typing import Protocol, TypeVar

import sqlalchemy as sa
from flask import current_app, render_template, request
from markupsafe import Markup

from tracker.extensions import db
from tracker.models import Municipality
from tracker.translation import current_locale

_KEY = "tracker_page_cache"
T = TypeVar("T")


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


class Versioned(Protocol):
    """A municipality as a page read it: the model, or a row with its id and data version."""

    @property
    def id(self) -> int: ...

    @property
    def data_version(self) -> int: ...


def municipality_part(name: str, municipality: Versioned, key: tuple[Hashable, ...],
                      build: Callable[[], T]) -> T:
    """The part `name` of a page about `municipality` (a rendered piece, or a small value
    holding some), built by `build()` when none is kept for the municipality's current data
    version and `key`. `build` must not return None."""
    return _kept((name, municipality.id, municipality.data_version, *key), build)


_VERSIONS = sa.select(Municipality.id, Municipality.data_version).order_by(Municipality.id)


def national_part(name: str, key: tuple[Hashable, ...], build: Callable[[], T]) -> T:
    """The part `name` of a page about every municipality, kept for the state of them all:
    one small statement reads each municipality's data version (a new or removed
    municipality changes the list too)."""
    return versions_part(name, db.session.execute(_VERSIONS), key, build)


def versions_part(name: str, versions, key: tuple[Hashable, ...], build: Callable[[], T]) -> T:
    """The part `name` of a page that shows the data of exactly the municipalities in
    `versions` ((id, data version) rows, in id order), kept for their state: a municipality
    that joins or leaves the set, or whose data changes, makes another key."""
    return _kept((name, tuple((i, v) for i, v in versions), *key), build)


def lasting_part(name: str, key: tuple[Hashable, ...], build: Callable[[], T]) -> T:
    """The part `name` of something that never changes once written (a published version of
    a follow-up), kept for a key that names it and every live value it prints."""
    return _kept((name, *key), build)


def versioned_value(name: str, owner_id: int, version: int | None,
                    load: Callable[[], tuple[int, T]]) -> T:
    """A value about one row (`owner_id`) that carries its own version: the kept one when the
    caller read `version` with its own rows, else `load()`, which returns the value with the
    version it was read at (in one statement, so the two agree) and is kept under it. Not
    tied to a locale: `load` returns data, not text for a reader."""
    cache = _cache()
    if version is not None:
        value = cache.get((name, owner_id, version))
        if value is not None:
            return value
    version, value = load()
    cache.put((name, owner_id, version), value)
    return value


def _kept(key: tuple[Hashable, ...], build: Callable[[], T]) -> T:
    """The kept value for `key` in this locale and under this application root, else build
    and keep it."""
    full_key = (*key, str(current_locale()), request.script_root)
    cache = _cache()
    part = cache.get(full_key)
    if part is None:
        part = build()
        cache.put(full_key, part)
    return part


def rendered(template: str, **context) -> Markup:
    """A template rendered as a page's part (context processors apply as for the page)."""
    return Markup(render_template(template, **context))
