"""One page of a list: the only pagination the web pages and the API use.

`paginate` pages a statement (two statements: the page, then the total). `windowed` reads a
page whose statement carries the total as a window column (`count() OVER ()`), so a page costs
one statement, two only past the last page.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import lazyload

from tracker.extensions import db


@dataclass(frozen=True, slots=True)
class Page:
    """Where a page sits in the whole list, with its items."""
    page: int
    per_page: int
    total: int
    items: Sequence[Any] = ()

    @property
    def pages(self) -> int:
        """The number of pages; 0 for an empty list."""
        return math.ceil(self.total / self.per_page) if self.total else 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    def with_items(self, items: Sequence[Any]) -> Page:
        return replace(self, items=items)

    def envelope(self, items: Sequence[Any] | None = None) -> dict:
        """The API's envelope of a list: its items and where the page sits in the whole."""
        return {"items": self.items if items is None else items, "page": self.page,
                "per_page": self.per_page, "total": self.total, "pages": self.pages}


def _offset(page: int, per_page: int) -> int:
    return (page - 1) * per_page


def paginate(statement: sa.Select, page: int, per_page: int) -> Page:
    """The page's items, then the total: two statements whatever the row count; a page past
    the end is empty. A statement of one entity pages entities, of several columns rows."""
    window = statement.limit(per_page).offset(_offset(page, per_page))
    result = db.session.execute(window).unique()
    described = statement.column_descriptions
    entities = [d for d in described if d.get("entity") is not None]
    items = list(result.scalars()) if len(described) == 1 and entities else list(result.all())
    counted = statement.options(lazyload("*")) if entities else statement  # no eager joins
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(counted.order_by(None).subquery())) or 0
    return Page(page, per_page, total, items)


def windowed(rows: sa.Select, count: sa.Select, values: dict,
             page: int, per_page: int) -> Page:
    """The page's rows of `rows` (bound `limit` and `offset`, a `total` window column) and the
    total: one statement, and `count` only for a page past the last."""
    found = db.session.execute(
        rows, {**values, "limit": per_page, "offset": _offset(page, per_page)}).all()
    if found:
        total = found[0].total
    elif page > 1:  # past the last page: the total still shows
        total = db.session.scalar(count, values) or 0
    else:
        total = 0
    return Page(page, per_page, total, found)


LIMIT = sa.bindparam("limit", type_=sa.Integer)
OFFSET = sa.bindparam("offset", type_=sa.Integer)
