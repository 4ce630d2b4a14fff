"""Yearly indicators (surveys, crime statistics) per municipality."""
from __future__ import annotations

from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.models.geo import Municipality
from tracker.services.limits import INDICATOR_YEAR_MIN, YEAR_MAX


class Indicator(db.Model):
    __tablename__ = "indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    unit: Mapped[str] = mapped_column(sa.String(40), default="")
    source: Mapped[str] = mapped_column(sa.String(200), default="")
    higher_is_better: Mapped[bool] = mapped_column(default=False)
    # Whether the source also gives a national figure to compare with (riket).
    has_national_value: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


class IndicatorValue(db.Model):
    __tablename__ = "indicator_value"
    __table_args__ = (
        sa.UniqueConstraint("indicator_id", "municipality_id", "year"),
        sa.CheckConstraint(f"year BETWEEN {INDICATOR_YEAR_MIN} AND {YEAR_MAX}", name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("indicator.id", ondelete="CASCADE"))
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int]
    value: Mapped[float] = mapped_column(sa.Numeric(14, 3))
    national_value: Mapped[Optional[float]] = mapped_column(sa.Numeric(14, 3))
    source_note: Mapped[str] = mapped_column(sa.Text, default="")
    is_demo: Mapped[bool] = mapped_column(default=False)

    indicator: Mapped[Indicator] = relationship(lazy="raise")
    municipality: Mapped[Municipality] = relationship(lazy="raise")
