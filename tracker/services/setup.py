"""Setting up an installation: police areas, municipalities and indicators (admins only)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from tracker.extensions import db
from tracker.models import Indicator, Municipality, PoliceArea, User
from tracker.models.geo import official_name_for
from tracker.services import DomainError, FieldErrors, personal_data
from tracker.services.limits import too_long
from tracker.translation import gettext as _

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KEY = re.compile(r"^[a-z0-9_]+$")
MAX_CONTACT = 2000
NAME_MAX = 120  # a police area's or municipality's name, and a municipality's address
OFFICIAL_NAME_MAX = 160
INDICATOR_NAME_MAX = 200
UNIT_MAX = 40
SOURCE_MAX = 200


def slugify(text: str, separator: str = "-") -> str:
    """"Lidköping" → "lidkoping", "Upplands Väsby" → "upplands-vasby" (ASCII, lowercase)."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", separator, plain.lower()).strip(separator)


def _require_admin(actor: User) -> None:
    if not actor.is_admin:
        raise DomainError(_("Bara en administratör kan ändra inställningarna."))


def _name(value: str, field: str, label: str, errors: dict, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = _("Ange %(label)s.", label=label.lower())
    elif len(value) > max_length:
        errors[field] = too_long(label, max_length)
    return value


def _contact(value: str, errors: dict) -> str:
    value = (value or "").replace("\r\n", "\n").strip()
    if len(value) > MAX_CONTACT:
        errors["report_contact"] = _("Högst %(n)d tecken.", n=MAX_CONTACT)
    return value


def _check_texts(fields: dict[str, tuple[str, str]], errors: dict) -> None:
    for name, message in personal_data.check_fields(fields).items():
        errors.setdefault(name, message)


def save_police_area(actor: User, area: PoliceArea | None, name: str,
                     report_contact: str = "") -> PoliceArea:
    """Create (area None) or change a police area; names are unique."""
    _require_admin(actor)
    errors: dict[str, str] = {}
    name = _name(name, "name", _("Namn"), errors, NAME_MAX)
    report_contact = _contact(report_contact, errors)
    _check_texts({"name": (_("Namn"), name),
                  "report_contact": (_("Kontakt i rapporten"), report_contact)}, errors)
    if "name" not in errors:
        clash = db.session.scalar(sa.select(PoliceArea.id).where(sa.or_(
            PoliceArea.name == name, sa.func.lower(PoliceArea.name) == name.lower())))
        if clash is not None and (area is None or clash != area.id):
            errors["name"] = _("Det finns redan ett lokalpolisområde med det namnet.")
    if errors:
        raise FieldErrors(errors)
    if area is None:
        area = PoliceArea(name=name, report_contact=report_contact)
        db.session.add(area)
    else:
        area.name, area.report_contact = name, report_contact
    db.session.flush()
    return area


def police_areas() -> list[PoliceArea]:
    return list(db.session.scalars(sa.select(PoliceArea).order_by(PoliceArea.name)))


def municipalities() -> list[Municipality]:
    """Every municipality with its police area (joined), by area and name."""
    return list(db.session.scalars(
        sa.select(Municipality).join(PoliceArea)
        .order_by(PoliceArea.name, Municipality.is_example, Municipality.name)))


@dataclass
class MunicipalityInput:
    name: str
    police_area_id: int | None
    official_name: str = ""
    slug: str = ""
    report_contact: str = ""
    is_public: bool = True


def save_municipality(actor: User, municipality: Municipality | None,
                      data: MunicipalityInput) -> Municipality:
    """Create (municipality None) or change one. An empty official name or slug is filled
    from the name ("Lidköping" → "Lidköpings kommun", "lidkoping")."""
    _require_admin(actor)
    errors: dict[str, str] = {}
    name = _name(data.name, "name", _("Namn"), errors, NAME_MAX)
    official = (data.official_name or "").strip() or official_name_for(name)
    if len(official) > OFFICIAL_NAME_MAX:
        errors["official_name"] = too_long(_("Det officiella namnet"), OFFICIAL_NAME_MAX)
    typed_slug = (data.slug or "").strip().lower()
    slug = typed_slug or slugify(name)
    if typed_slug or "name" not in errors:  # else the name's error is the one to fix
        _check_slug(slug, bool(typed_slug), municipality, errors)
    same_name = db.session.scalar(sa.select(Municipality.id).where(Municipality.name == name))
    if name and same_name is not None and (municipality is None or same_name != municipality.id):
        errors.setdefault("name", _("Det finns redan en kommun som heter %(name)s.", name=name))
    if data.police_area_id is None or db.session.get(PoliceArea, data.police_area_id) is None:
        errors["police_area_id"] = _("Välj lokalpolisområde.")
    report_contact = _contact(data.report_contact, errors)
    _check_texts({"name": (_("Namn"), name), "official_name": (_("Officiellt namn"), official),
                  "report_contact": (_("Kontakt i rapporten"), report_contact)}, errors)
    if errors or data.police_area_id is None:  # no area is one of the errors
        raise FieldErrors(errors)
    if municipality is None:
        municipality = Municipality(slug=slug, name=name, police_area_id=data.police_area_id)
        db.session.add(municipality)
    municipality.name, municipality.slug = name, slug
    municipality.official_name, municipality.report_contact = official, report_contact
    municipality.police_area_id = data.police_area_id
    municipality.is_public = bool(data.is_public)
    db.session.flush()
    return municipality


def _check_slug(slug: str, typed: bool, municipality: Municipality | None,
                errors: dict) -> None:
    """The public address: well-formed, no public page's word, no other municipality's.
    `typed`: the admin wrote it; else it was made from the name, and the message says so."""
    if not SLUG.match(slug) or len(slug) > NAME_MAX:
        errors["slug"] = (_("Adressen får bara innehålla a–z, siffror och bindestreck, "
                            "t.ex. lidkoping.") if typed else
                          _("Namnet ger ingen adress. Skriv en med a–z, siffror och "
                            "bindestreck, t.ex. lidkoping."))
    elif slug in _public_page_words():
        errors["slug"] = _("Adressen %(slug)s är namnet på en sida på den offentliga webbplatsen. "
                           "Välj en annan, t.ex. kommunens namn.", slug=slug)
    else:
        clash = db.session.scalar(sa.select(Municipality.id).where(Municipality.slug == slug))
        if clash is not None and (municipality is None or clash != municipality.id):
            errors["slug"] = _("Adressen används redan av en annan kommun.")


def _public_page_words() -> set[str]:
    """The fixed words after /offentlig/ in the app's routes ("tillganglighet"): a
    municipality's address there would be hidden behind the page."""
    words = set()
    for rule in current_app.url_map.iter_rules():
        parts = rule.rule.split("/")
        if len(parts) > 2 and parts[1] == "offentlig" and parts[2] and "<" not in parts[2]:
            words.add(parts[2])
    return words


def find_municipality(name_or_slug: str) -> Municipality | None:
    text = (name_or_slug or "").strip()
    return db.session.scalar(sa.select(Municipality).where(
        sa.or_(Municipality.slug == text.lower(), Municipality.name == text)))


def find_police_area(name: str) -> PoliceArea | None:
    name = (name or "").strip()
    return db.session.scalar(sa.select(PoliceArea).where(sa.or_(
        PoliceArea.name == name, sa.func.lower(PoliceArea.name) == name.lower())))


@dataclass
class IndicatorInput:
    name: str
    unit: str = ""
    source: str = ""
    higher_is_better: bool = False
    has_national_value: bool = False
    key: str = ""


def indicators() -> list[Indicator]:
    return list(db.session.scalars(sa.select(Indicator).order_by(Indicator.name)))


def save_indicator(actor: User, indicator: Indicator | None, data: IndicatorInput) -> Indicator:
    """Define (indicator None) or change an indicator. The key, which imports and the API
    use, is made from the name when none is given and never changes afterwards."""
    _require_admin(actor)
    errors: dict[str, str] = {}
    name = _name(data.name, "name", _("Namn"), errors, INDICATOR_NAME_MAX)
    unit = (data.unit or "").strip()
    source = (data.source or "").strip()
    if len(unit) > UNIT_MAX:
        errors["unit"] = too_long(_("Enheten"), UNIT_MAX)
    if len(source) > SOURCE_MAX:
        errors["source"] = too_long(_("Källan"), SOURCE_MAX)
    _check_texts({"name": (_("Namn"), name), "unit": (_("Enhet"), unit),
                  "source": (_("Källa"), source)}, errors)
    if "name" not in errors:
        clash = db.session.scalar(sa.select(Indicator.id).where(sa.or_(
            Indicator.name == name, sa.func.lower(Indicator.name) == name.lower())))
        if clash is not None and (indicator is None or clash != indicator.id):
            errors["name"] = _("Det finns redan en indikator med det namnet.")
    if indicator is None and not errors:
        key = (data.key or "").strip().lower() or slugify(name, "_")[:60]
        if not KEY.match(key or "-"):
            errors["key"] = _("Nyckeln får bara innehålla a–z, siffror och understreck.")
        elif db.session.scalar(sa.select(Indicator.id).where(Indicator.key == key)):
            errors["key"] = _("Nyckeln används redan av en annan indikator.")
    if errors:
        raise FieldErrors(errors)
    if indicator is None:
        indicator = Indicator(key=key)
        db.session.add(indicator)
    indicator.name, indicator.unit, indicator.source = name, unit, source
    indicator.higher_is_better = bool(data.higher_is_better)
    indicator.has_national_value = bool(data.has_national_value)
    db.session.flush()
    return indicator


class SystemActor:
    """The actor of scripted set-up (`flask municipalities create`, `flask users invite`): the
    server's operator, with an admin's rights. The audit trail names the command."""

    id = None
    is_admin = True
    is_authenticated = True
    name = ""
