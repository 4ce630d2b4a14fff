"""Loads seed_data.json idempotently: every row is found by its natural key before it is added."""
from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import click
import sqlalchemy as sa

from tracker.demo import activities as demo_activities
from tracker.extensions import db
from tracker.models import (
    ActivityType,
    Commitment,
    CommitmentIndicator,
    CommitmentKind,
    FocusArea,
    Indicator,
    IndicatorValue,
    Municipality,
    Organisation,
    Party,
    Place,
    PoliceArea,
    Promise,
    PromiseStatus,
    Role,
    User,
)
from tracker.services import accounts

DATA_FILE = Path(__file__).with_name("seed_data.json")
DEMO_DOMAIN = "demo.lofteskollen.se"

# (local part, name, title, organisation, admin, {municipality key: role})
DEMO_USERS = [
    ("admin", "Alva Admin", "Systemförvaltare", Organisation.KOMMUNEN, True, {}),
    ("samordnare", "Sara Samordnare", "Säkerhetssamordnare, Lidköpings kommun",
     Organisation.KOMMUNEN, False, {"lidkoping": Role.COORDINATOR}),
    ("lpo", "Leo Lokalpolis", "Kommunpolis, samordnande, LPO Västra Skaraborg",
     Organisation.POLISEN, False, {"lidkoping": Role.COORDINATOR}),
    ("kommunpolis", "Kim Kommunpolis", "Kommunpolis Lidköping",
     Organisation.POLISEN, False, {"lidkoping": Role.OFFICER}),
    ("samordnare.skara", "Stina Samordnare", "Säkerhetssamordnare, Samhällsskydd mellersta Skaraborg",
     Organisation.KOMMUNEN, False, {"skara": Role.COORDINATOR, "gotene": Role.COORDINATOR}),
    ("kommunpolis.skara", "Nils Närpolis", "Kommunpolis Skara och Götene",
     Organisation.POLISEN, False, {"skara": Role.OFFICER, "gotene": Role.OFFICER}),
    ("lasare", "Lisa Läsare", "Ledamot, kommunstyrelsen",
     Organisation.KOMMUNEN, False, {"lidkoping": Role.VIEWER}),
]


@dataclass
class LoadResult:
    added: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)

    def count(self, kind: str, n: int = 1) -> None:
        self.added[kind] = self.added.get(kind, 0) + n

    def summary(self) -> str:
        if not any(self.added.values()):
            return "Demodata fanns redan; ingenting lades till."
        parts = ", ".join(f"{n} {kind}" for kind, n in self.added.items() if n)
        return f"Demodata laddad: {parts}."


def read_data() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def _get_or_add(result: LoadResult, label: str, model, lookup: dict, **values):
    obj = db.session.scalar(sa.select(model).filter_by(**lookup))
    if obj is None:
        obj = model(**lookup, **values)
        db.session.add(obj)
        db.session.flush()
        result.count(label)
    return obj


def load_demo(today: date | None = None) -> LoadResult:
    """Load the seeds and, around `today` (default: today), the demo's working year."""
    from tracker.demo import present
    from tracker.formatting import local_today

    data = read_data()
    result = LoadResult()
    area = _get_or_add(result, "polisområden", PoliceArea, {"name": data["police_area"]["name"]},
                       report_contact=data["police_area"].get("report_contact", ""))
    municipalities = {
        m["key"]: _get_or_add(
            result, "kommuner", Municipality, {"slug": m["key"]},
            name=m["name"], official_name=m["official_name"], is_example=m["is_example"],
            police_area_id=area.id, is_demo=True,
        )
        for m in data["municipalities"]
    }
    places = {
        (p["municipality"], p["name"]): _get_or_add(
            result, "platser", Place,
            {"municipality_id": municipalities[p["municipality"]].id, "name": p["name"]},
            kind=p["kind"], is_demo=True,
        )
        for p in data["places"]
    }
    types = {
        t["key"]: _get_or_add(
            result, "aktivitetstyper", ActivityType, {"key": t["key"]},
            name_sv=t["name_sv"], name_en=t["name_en"], description=t["description"],
            measures=t["measures"], noun_singular=t.get("noun_singular", ""),
            noun_plural=t.get("noun_plural", ""),
        )
        for t in data["activity_types"]
    }
    _load_indicators(result, data, municipalities)
    users = _load_users(result, municipalities)
    indicators = {i.key: i for i in db.session.scalars(sa.select(Indicator))}
    promises = {p["key"]: _load_promise(result, p, municipalities, indicators)
                for p in data["promises"]}
    lidkoping_places = {name: p for (m, name), p in places.items() if m == "lidkoping"}
    demo_activities.load_year(
        result, promises["lidkoping-2022-2023"], data["lidkoping_2023_activities"],
        types=types, places=lidkoping_places, users=users,
    )
    present.load_present(result, data, municipalities, types, lidkoping_places, users,
                         today or local_today())
    return result


def _load_indicators(result: LoadResult, data: dict, municipalities: dict) -> None:
    indicators = {
        i["key"]: _get_or_add(
            result, "indikatorer", Indicator, {"key": i["key"]},
            name=i["name"], unit=i["unit"], source=i["source"],
            higher_is_better=i["higher_is_better"],
            has_national_value=any(v.get("national_value") is not None
                                   for v in data["indicator_values"]
                                   if v["indicator"] == i["key"]),
        )
        for i in data["indicators"]
    }
    for v in data["indicator_values"]:
        _get_or_add(
            result, "indikatorvärden", IndicatorValue,
            {
                "indicator_id": indicators[v["indicator"]].id,
                "municipality_id": municipalities[v["municipality"]].id,
                "year": v["year"],
            },
            value=v["value"], national_value=v.get("national_value"),
            source_note=v.get("source_note", ""), is_demo=True,
        )


def _load_users(result: LoadResult, municipalities: dict) -> dict[str, User]:
    users = {}
    for local, name, title, organisation, is_admin, roles in DEMO_USERS:
        email = f"{local}@{DEMO_DOMAIN}"
        user = accounts.user_by_email(email)
        if user is None:
            password = secrets.token_urlsafe(12)
            user = accounts.create_user(
                email, name, password, title=title, organisation=organisation,
                is_admin=is_admin, is_demo=True,
            )
            result.count("användare")
            result.logins.append((email, password, _role_text(is_admin, roles, municipalities)))
        for key, role in roles.items():
            accounts.grant(user, municipalities[key], role)
        users[local] = user
    return users


def _role_text(is_admin: bool, roles: dict, municipalities: dict) -> str:
    if is_admin:
        return "administratör"
    from tracker.labels import ROLE

    return ", ".join(f"{ROLE[role]} i {municipalities[k].name}" for k, role in roles.items())


def _load_promise(result: LoadResult, p: dict, municipalities: dict,
                  indicators: dict[str, Indicator]) -> Promise:
    municipality = municipalities[p["municipality"]]
    promise = db.session.scalar(
        sa.select(Promise).filter_by(
            municipality_id=municipality.id, title=p["title"], start_year=p["start_year"]
        )
    )
    if promise is not None:
        return promise
    promise = Promise(
        municipality_id=municipality.id,
        title=p["title"],
        start_year=p["start_year"],
        end_year=p["end_year"],
        status=PromiseStatus(p["status"]),
        signed_on=date.fromisoformat(p["signed_on"]) if p.get("signed_on") else None,
        signatories=p.get("signatories") or [],
        problem_picture=p.get("problem_picture", ""),
        sources=p.get("sources") or [],
        sources_note=p.get("sources_note", ""),
        agreement_url=p.get("agreement_url"),
        is_public=p["status"] != "draft",
        is_example=p.get("is_example", False),
        is_demo=True,
    )
    db.session.add(promise)
    db.session.flush()
    result.count("medborgarlöften")
    position = 0
    for area_pos, fa in enumerate(p["focus_areas"]):
        area = FocusArea(
            promise_id=promise.id, title=fa["title"],
            description=fa.get("description", ""), position=area_pos,
        )
        db.session.add(area)
        db.session.flush()
        result.count("fokusområden")
        for c in fa["commitments"]:
            commitment = Commitment(
                promise_id=promise.id, focus_area_id=area.id, party=Party(c["party"]),
                text=c["text"], position=position, target_count=c.get("target_count"),
                target_note=c.get("target_note") or "", kind=CommitmentKind(c["kind"]),
            )
            commitment.indicator_links = [
                CommitmentIndicator(indicator=indicators[link["indicator"]],
                                    higher_is_better=indicators[link["indicator"]].higher_is_better)
                for link in c.get("indicators", ())
            ]
            db.session.add(commitment)
            position += 1
            result.count("åtaganden")
    db.session.flush()
    return promise


def write_logins(logins: list[tuple[str, str, str]], path: str) -> None:
    """Demo passwords, readable by the owner only (mode 600)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# Demoinloggningar för Löfteskollen (e-post  lösenord  roll)"]
    lines += [f"{email}  {password}  {role}" for email, password, role in logins]
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    os.chmod(target, 0o600)


def print_saved_logins(path: str) -> None:
    target = Path(path)
    if target.exists():
        click.echo(f"\nDemoinloggningar (sparade i {target}):")
        click.echo(target.read_text(encoding="utf-8"))
