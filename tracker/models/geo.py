"""Police areas, municipalities and the named places activities happen at."""
from __future__ import annotations

import secrets
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db


class PoliceArea(db.Model):
    __tablename__ = "police_area"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    # How residents reach the local police in the report's contact section (Markdown-free text).
    report_contact: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    municipalities: Mapped[list["Municipality"]] = relationship(
        back_populates="police_area", lazy="raise", order_by="Municipality.name"
    )


def new_data_version() -> int:
    """A fresh data version: random, so no two states of a municipality share one."""
    return secrets.randbits(62)


class Municipality(db.Model):
    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    police_area_id: Mapped[int] = mapped_column(sa.ForeignKey("police_area.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    # The name as the municipality writes it: "Lidköpings kommun", "Skara kommun", "Malmö stad".
    official_name: Mapped[str] = mapped_column(sa.String(160), default="", server_default="")
    # Who answers questions about the promise, as printed in the follow-up's contact section.
    report_contact: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    is_example: Mapped[bool] = mapped_column(default=False)
    is_demo: Mapped[bool] = mapped_column(default=False)
    # Shown on the public pages (/offentlig); off while a municipality is being set up.
    is_public: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # A new random value whenever a transaction changes the municipality's data
    # (tracker/data_version.py): the key of its pages' cached parts (tracker/page_cache.py).
    data_version: Mapped[int] = mapped_column(
        sa.BigInteger, default=new_data_version, server_default="0")
    # A new random value whenever a transaction adds, renames or removes one of its places:
    # the key of the kept list of places the log form offers (tracker/services/places.py).
    places_version: Mapped[int] = mapped_column(
        sa.BigInteger, default=new_data_version, server_default="0")

    police_area: Mapped[PoliceArea] = relationship(back_populates="municipalities", lazy="joined")

    @property
    def display_name(self) -> str:
        """The official name, or the one the naming rule suggests when none is stored."""
        return self.official_name or official_name_for(self.name)

    def __repr__(self) -> str:
        return f"<Municipality {self.slug}>"


# Municipalities whose official name is not "<name>s kommun" / "<name> kommun".
OFFICIAL_NAME_EXCEPTIONS = {
    "Stockholm": "Stockholms stad", "Göteborg": "Göteborgs Stad", "Malmö": "Malmö stad",
    "Solna": "Solna stad", "Sundbyberg": "Sundbybergs stad", "Vaxholm": "Vaxholms stad",
    "Lidingö": "Lidingö stad", "Mölndal": "Mölndals stad", "Trollhättan": "Trollhättans stad",
    "Borås": "Borås Stad", "Västerås": "Västerås stad", "Gotland": "Region Gotland",
    "Falun": "Falu kommun", "Haparanda": "Haparanda stad", "Landskrona": "Landskrona stad",
    "Helsingborg": "Helsingborgs stad", "Eskilstuna": "Eskilstuna kommun",
}


def official_name_for(name: str) -> str:
    """The usual official name of a Swedish municipality: the genitive only after a consonant
    other than s, x, z ("Lidköpings kommun", "Skara kommun", "Götene kommun", "Vänersborgs
    kommun"), and the known exceptions. A suggestion; the stored official name wins."""
    name = name.strip()
    if name in OFFICIAL_NAME_EXCEPTIONS:
        return OFFICIAL_NAME_EXCEPTIONS[name]
    if not name or name.lower().endswith((" kommun", " stad", "kommun")) or name.startswith("Region "):
        return name
    if name[-1].lower() in "aeiouyåäösxz":
        return f"{name} kommun"
    return f"{name}s kommun"


# Degrees a place's coordinates may take (WGS 84): the table's checks and the form's message.
LAT_RANGE = (-90, 90)
LON_RANGE = (-180, 180)


class Place(db.Model):
    __tablename__ = "place"
    __table_args__ = (
        sa.UniqueConstraint("municipality_id", "name"),
        sa.CheckConstraint("lat IS NULL OR (lat >= {} AND lat <= {})".format(*LAT_RANGE),
                           name="lat_range"),
        sa.CheckConstraint("lon IS NULL OR (lon >= {} AND lon <= {})".format(*LON_RANGE),
                           name="lon_range"),
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
