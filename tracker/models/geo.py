"""Police areas, municipalities and the named places activities happen at."""
from __future__ import annotations

from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db


class PoliceArea(db.Model):
    __tablename__ = "police_area"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)

    municipalities: Mapped[list["Municipality"]] = relationship(
        back_populates="police_area", lazy="raise", order_by="Municipality.name"
    )


class Municipality(db.Model):
    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    police_area_id: Mapped[int] = mapped_column(sa.ForeignKey("police_area.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    is_example: Mapped[bool] = mapped_column(default=False)
    is_demo: Mapped[bool] = mapped_column(default=False)

    police_area: Mapped[PoliceArea] = relationship(back_populates="municipalities", lazy="joined")

    def __repr__(self) -> str:
        return f"<Municipality {self.slug}>"


class Place(db.Model):
    __tablename__ = "place"
    __table_args__ = (
        sa.UniqueConstraint("municipality_id", "name"),
        sa.CheckConstraint("lat IS NULL OR (lat >= -90 AND lat <= 90)", name="lat_range"),
        sa.CheckConstraint("lon IS NULL OR (lon >= -180 AND lon <= 180)", name="lon_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(160))
    kind: Mapped[str] = mapped_column(sa.String(40), default="ovrigt")
    lat: Mapped[Optional[float]]
    lon: Mapped[Optional[float]]
    is_demo: Mapped[bool] = mapped_column(default=False)

    municipality: Mapped[Municipality] = relationship(lazy="raise")
