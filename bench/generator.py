"""A deterministic national-size data set for the benchmark (`flask bench generate`).

Rows go in with Core bulk inserts (COPY on PostgreSQL, executemany elsewhere) with explicit
ids, one municipality at a time, so memory stays flat and the ORM flush listener (the audit
trail) is not involved. Only the one published follow-up goes through the services.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from tracker.demo.loader import read_data
from tracker.extensions import db
from tracker.models import (
    Activity,
    ActivityType,
    Commitment,
    FocusArea,
    Indicator,
    IndicatorValue,
    LogEntry,
    Membership,
    Municipality,
    Place,
    PoliceArea,
    Promise,
    User,
    activity_assignee,
    activity_place,
)
from tracker.services import accounts

SEED = 20250101
DOMAIN = "bench.lofteskollen.se"
PASSWORD = "bänkprov-lösenord-för-mätning"
SLUG_PREFIX = "bench-"
PER_POLICE_AREA = 10
PLACE_KINDS = ["centrum", "skola", "station", "park", "bostadsomrade", "krog", "ovrigt"]
# Status of activity number i (mod 20): mostly under way or done, some planned, one cancelled.
STATUS_PATTERN = (["in_progress"] * 8 + ["done"] * 7 + ["planned"] * 4 + ["cancelled"])
PARTIES = ["kommunen", "polisen", "tillsammans"]


@dataclass(frozen=True)
class Scale:
    municipalities: int
    log_entries: int            # per municipality
    commitments: int = 30       # per municipality (one promise each)
    activities: int = 300       # per municipality
    places: int = 15
    officers: int = 3


SCALES = {
    "S": Scale(1, log_entries=20_000),
    "M": Scale(29, log_entries=6_897),
    "L": Scale(290, log_entries=6_897),   # 87,000 activities, 2.0 million log entries
}


def default_year(today: date | None = None) -> int:
    """The last full calendar year: its log is complete and its follow-up can be compiled."""
    return (today or date.today()).year - 1


def email_of(number: int, role: str) -> str:
    return f"{SLUG_PREFIX}{number:03d}-{role}@{DOMAIN}"


class _Writer:
    """Bulk inserts: COPY on PostgreSQL, executemany (insert().values batches) elsewhere."""

    def __init__(self, connection: sa.Connection):
        self.connection = connection
        self.copy = connection.dialect.name == "postgresql"

    def write(self, table: sa.Table, columns: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        if self.copy:
            json_at = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, sa.JSON)]
            raw = self.connection.connection.driver_connection
            names = ", ".join(f'"{c}"' for c in columns)
            with raw.cursor() as cursor, cursor.copy(
                    f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    if json_at:
                        cells = list(row)
                        for i in json_at:
                            cells[i] = json.dumps(cells[i], ensure_ascii=False)
                        copy.write_row(cells)
                    else:
                        copy.write_row(row)
            return
        for start in range(0, len(rows), 5000):
            self.connection.execute(
                table.insert(), [dict(zip(columns, row)) for row in rows[start:start + 5000]])

    def next_id(self, table: sa.Table) -> int:
        return (self.connection.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1

    def reset_sequences(self, tables: list[sa.Table]) -> None:
        if not self.copy:
            return
        for table in tables:
            self.connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM \"{table.name}\"))")


class _Ids:
    def __init__(self, writer: _Writer, tables: list[sa.Table]):
        self._next = {t.name: writer.next_id(t) for t in tables}

    def take(self, table: sa.Table, n: int = 1) -> int:
        first = self._next[table.name]
        self._next[table.name] = first + n
        return first


def _reference_rows(writer: _Writer) -> tuple[list[dict], dict[str, int]]:
    """Activity types (the demo's, with their measure schemas) and indicators, added if missing."""
    data = read_data()
    conn = writer.connection
    for t in data["activity_types"]:
        if conn.scalar(sa.select(ActivityType.id).where(ActivityType.key == t["key"])) is None:
            conn.execute(sa.insert(ActivityType).values(
                key=t["key"], name_sv=t["name_sv"], name_en=t["name_en"],
                description=t["description"], measures=t["measures"], is_active=True))
    for i in data["indicators"]:
        if conn.scalar(sa.select(Indicator.id).where(Indicator.key == i["key"])) is None:
            conn.execute(sa.insert(Indicator).values(
                key=i["key"], name=i["name"], unit=i["unit"], source=i["source"],
                higher_is_better=i["higher_is_better"]))
    types = [{"id": row.id, "key": row.key, "measures": row.measures} for row in conn.execute(
        sa.select(ActivityType.id, ActivityType.key, ActivityType.measures)
        .where(ActivityType.key.in_([t["key"] for t in data["activity_types"]]))
        .order_by(ActivityType.id))]
    indicators = dict(conn.execute(sa.select(Indicator.key, Indicator.id)).all())
    return types, indicators


def generate(scale: Scale, year: int, *, seed: int = SEED, publish: bool = True) -> dict:
    """Add `scale` to the database (which must not hold a previous bench set); flushes only."""
    connection = db.session.connection()
    writer = _Writer(connection)
    if connection.scalar(sa.select(sa.func.count()).select_from(Municipality)
                         .where(Municipality.slug.like(f"{SLUG_PREFIX}%"))):
        raise ValueError("The database already holds a benchmark data set; use a fresh one.")
    types, indicators = _reference_rows(writer)
    tables = [PoliceArea.__table__, Municipality.__table__, Place.__table__, User.__table__,
              Membership.__table__, Promise.__table__, FocusArea.__table__,
              Commitment.__table__, Activity.__table__, LogEntry.__table__,
              IndicatorValue.__table__]
    ids = _Ids(writer, tables)
    password_hash = accounts.hash_password(PASSWORD)
    rng = random.Random(seed)
    counts = dict.fromkeys(["municipalities", "users", "places", "activities", "log_entries"], 0)
    area_id = None
    for number in range(1, scale.municipalities + 1):
        if (number - 1) % PER_POLICE_AREA == 0:
            area_id = ids.take(PoliceArea.__table__)
            writer.write(PoliceArea.__table__, ["id", "name"],
                         [(area_id, f"Benchområde {area_id}")])
        made = _municipality(writer, ids, rng, scale, year, number, area_id, types, indicators,
                             password_hash)
        for key, n in made.items():
            counts[key] += n
    writer.reset_sequences(tables)
    if publish:
        counts["published_follow_up"] = publish_first(year)
    return counts


def _municipality(writer, ids, rng, scale, year, number, area_id, types, indicators,
                  password_hash) -> dict:
    mid = ids.take(Municipality.__table__)
    writer.write(Municipality.__table__, ["id", "police_area_id", "name", "slug", "is_example",
                                          "is_demo"],
                 [(mid, area_id, f"Benchkommun {number}", f"{SLUG_PREFIX}{number:03d}", False,
                   False)])
    place_ids = list(range(ids.take(Place.__table__, scale.places),
                           ids.take(Place.__table__, 0)))
    writer.write(Place.__table__, ["id", "municipality_id", "name", "kind", "is_demo"], [
        (pid, mid, f"Plats {i + 1}", PLACE_KINDS[i % len(PLACE_KINDS)], False)
        for i, pid in enumerate(place_ids)])
    users = _users(writer, ids, scale, number, mid, password_hash)
    writer.write(IndicatorValue.__table__,
                 ["id", "indicator_id", "municipality_id", "year", "value", "national_value",
                  "source_note", "is_demo"],
                 [(ids.take(IndicatorValue.__table__), iid, mid, y,
                   round(rng.uniform(5, 40), 1), 24.0, "", False)
                  for iid in sorted(indicators.values()) for y in (year - 1, year)])
    commitments = _promise(writer, ids, rng, scale, year, number, mid)
    activities = _activities(writer, ids, rng, scale, year, mid, commitments, types, users,
                             place_ids)
    n_logs = _log_entries(writer, ids, rng, scale, year, activities, types, place_ids)
    return {"municipalities": 1, "users": len(users["all"]), "places": len(place_ids),
            "activities": len(activities), "log_entries": n_logs}


def _users(writer, ids, scale, number, mid, password_hash) -> dict:
    """Two coordinators (one per party), officers, a viewer; every other officer also covers
    the previous municipality, as one kommunpolis often covers two."""
    now = datetime(2000, 1, 1, tzinfo=UTC)
    people = [("samordnare", "Samordnare", "kommunen", "coordinator"),
              ("lpo", "Kommunpolis, samordnande", "polisen", "coordinator")]
    people += [(f"polis{i + 1}", "Kommunpolis", "polisen", "officer")
               for i in range(scale.officers)]
    people.append(("lasare", "Ledamot", "kommunen", "viewer"))
    first = ids.take(User.__table__, len(people))
    rows, memberships = [], []
    by_role: dict = {"all": [], "officer": [], "coordinator": {}}
    for offset, (role_key, title, organisation, role) in enumerate(people):
        uid = first + offset
        rows.append((uid, email_of(number, role_key), f"{title} {number}", title, organisation,
                     password_hash, False, True, f"bench-{uid}", False, now))
        memberships.append((ids.take(Membership.__table__), uid, mid, role))
        by_role["all"].append(uid)
        if role == "officer":
            by_role["officer"].append(uid)
        elif role == "coordinator":
            by_role["coordinator"][organisation] = uid
    writer.write(User.__table__, ["id", "email", "name", "title", "organisation",
                                  "password_hash", "is_admin", "is_enabled", "session_token",
                                  "is_demo", "created_at"], rows)
    if number % 2 == 0:  # the first officer also works in the previous municipality
        memberships.append((ids.take(Membership.__table__), by_role["officer"][0], mid - 1,
                            "officer"))
    writer.write(Membership.__table__, ["id", "user_id", "municipality_id", "role"], memberships)
    return by_role


def _promise(writer, ids, rng, scale, year, number, mid) -> list[tuple[int, str]]:
    pid = ids.take(Promise.__table__)
    now = datetime(year, 1, 15, 12, tzinfo=UTC)
    writer.write(Promise.__table__, [
        "id", "municipality_id", "title", "start_year", "end_year", "status", "signed_on",
        "signatories", "problem_picture", "sources", "sources_note", "agreement_url",
        "is_public", "is_example", "is_demo", "version_id", "created_at", "updated_at"],
        [(pid, mid, f"Medborgarlöfte Benchkommun {number} {year}–{year + 1}", year, year + 1,
          "active", date(year, 1, 15), [{"name": "Kommunstyrelsens ordförande", "title": ""},
                                 {"name": "Lokalpolisområdeschef", "title": ""}],
          "Otrygghet i centrum kvällstid och narkotika bland unga.", ["medborgardialog", "enkat"],
          "", None, True, False, False, 1, now, now)])
    areas = list(range(ids.take(FocusArea.__table__, 3), ids.take(FocusArea.__table__, 0)))
    writer.write(FocusArea.__table__, ["id", "promise_id", "title", "description", "position"],
                 [(aid, pid, f"Fokusområde {i + 1}", "Beskrivning av fokusområdet.", i)
                  for i, aid in enumerate(areas)])
    commitments, rows = [], []
    for i in range(scale.commitments):
        cid = ids.take(Commitment.__table__)
        party = PARTIES[i % 3]
        target = rng.choice([None, 12, 24, 50])
        rows.append((cid, pid, areas[i % 3] if i % 10 else None, party,
                     f"Åtagande {i + 1}: genomföra insatser ({party}).", i, target, "", 1))
        commitments.append((cid, party))
    writer.write(Commitment.__table__, ["id", "promise_id", "focus_area_id", "party", "text",
                                        "position", "target_count", "target_note", "version_id"],
                 rows)
    return commitments


def _activities(writer, ids, rng, scale, year, mid, commitments, types, users, place_ids):
    """Activities spread over the commitments; returns (id, type, start, end, status, authors)."""
    first = ids.take(Activity.__table__, scale.activities)
    now = datetime(year, 1, 2, 8, tzinfo=UTC)
    rows, assignees, places, result = [], [], [], []
    officers = users["officer"]
    for i in range(scale.activities):
        aid = first + i
        cid, party = commitments[i % len(commitments)]
        kind = types[rng.randrange(len(types))]
        owner = (users["coordinator"]["kommunen"] if party == "kommunen" and i % 2
                 else officers[i % len(officers)])
        status = STATUS_PATTERN[i % len(STATUS_PATTERN)]
        start = date(year, 1, 1) + timedelta(days=rng.randrange(0, 180))
        due = min(date(year, 12, 31), start + timedelta(days=rng.randrange(30, 240)))
        recurrence = ({"freq": "weekly", "interval": 1, "weekdays": [start.weekday()],
                       "until": due.isoformat()} if i % 10 == 3 else None)
        target = None if recurrence else rng.choice([None, 5, 10, 20, 40])
        rows.append((aid, cid, mid, kind["id"], f"Aktivitet {i + 1}", "", owner, status,
                     "Inställd efter omprioritering." if status == "cancelled" else "",
                     start, due, recurrence, target, False, 1, now, now))
        helpers = [owner]
        if i % 2 == 0:
            helper = officers[(i + 1) % len(officers)]
            if helper != owner:
                assignees.append((aid, helper))
                helpers.append(helper)
        if any(m["kind"] == "place" for m in kind["measures"]):
            for pid in rng.sample(place_ids, 2 if i % 3 == 0 else 1):
                places.append((aid, pid))
        result.append((aid, kind, start, due, status, helpers))
    writer.write(Activity.__table__, [
        "id", "commitment_id", "municipality_id", "type_id", "title", "description", "owner_id",
        "status", "status_reason", "start_date", "due_date", "recurrence", "target_count",
        "is_demo", "version_id", "created_at", "updated_at"], rows)
    writer.write(activity_assignee, ["activity_id", "user_id"], assignees)
    writer.write(activity_place, ["activity_id", "place_id"], places)
    return result


def measure_values(rng: random.Random, measures: list[dict], place_ids: list[int]) -> dict:
    """Values that follow one activity type's measure schema (as logbook.parse_measures stores)."""
    values: dict[str, object] = {}
    for spec in measures:
        kind = spec["kind"]
        if kind == "boolean":
            values[spec["key"]] = rng.random() < 0.5
        elif not spec.get("required") and rng.random() < 0.3:
            continue
        elif kind == "place":
            values[spec["key"]] = rng.choice(place_ids)
        elif kind == "integer":
            values[spec["key"]] = rng.randint(0, 40)
        elif kind == "decimal":
            values[spec["key"]] = rng.randint(1, 16) / 2
        elif kind == "choice":
            values[spec["key"]] = rng.choice(spec["choices"])
        elif kind == "text":
            values[spec["key"]] = f"Ref {rng.randint(100, 999)}"
        elif kind == "date":
            values[spec["key"]] = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return values


def _log_entries(writer, ids, rng, scale, year, activities, types, place_ids) -> int:
    """The municipality's occasions over the year, on activities that have started."""
    logged = [a for a in activities if a[4] != "planned"]
    weights = [rng.randint(1, 10) for _ in logged]
    chosen = rng.choices(logged, weights, k=scale.log_entries)
    first = ids.take(LogEntry.__table__, scale.log_entries)
    rows = []
    year_end = date(year, 12, 31)
    for n, (aid, kind, start, due, _status, authors) in enumerate(chosen):
        day = start + timedelta(days=rng.randrange(0, (min(due, year_end) - start).days + 1))
        measures = measure_values(rng, kind["measures"], place_ids)
        place_id = next((measures[m["key"]] for m in kind["measures"]
                         if m["kind"] == "place" and m["key"] in measures), None)
        note = "Genomfört enligt plan, inga avvikelser." if n % 40 == 0 else ""
        rows.append((first + n, aid, day, rng.randrange(1, 17) * 15, place_id, measures, note,
                     bool(note) and n % 80 == 0, authors[n % len(authors)], False,
                     datetime.combine(day, time(15), tzinfo=UTC)))
    writer.write(LogEntry.__table__, [
        "id", "activity_id", "occurred_on", "duration_minutes", "place_id", "measures", "note",
        "include_in_followup", "author_id", "is_demo", "created_at"], rows)
    return len(rows)


def _write_required(followup, coordinator) -> None:
    """What the guard before approval asks of a coordinator: the two sections only people can
    write, and a reason where a verdict is short of fulfilled."""
    from tracker.followups import workflow as followups
    from tracker.followups.guard import publication_problems

    for problem in publication_problems(followup):
        if problem.kind == "section":
            followups.save_section(coordinator, followup, problem.key,
                                   "Skrivet av samordnaren inför godkännandet.", None)
        else:
            followups.override_verdict(coordinator, followup, problem.key, None,
                                       "Resurserna räckte inte till.", None,
                                       reason_code="resursbrist")


def publish_first(year: int) -> int:
    """Compile, approve (both parties) and publish the first municipality's follow-up."""
    from tracker.followups import compiler as followup_compiler
    from tracker.followups import workflow as followups

    promise_id = db.session.scalar(
        sa.select(Promise.id).join(Municipality, Municipality.id == Promise.municipality_id)
        .where(Municipality.slug == f"{SLUG_PREFIX}001"))
    followup = followup_compiler.compile_followup(promise_id, year)
    _write_required(followups.load(followup.id), accounts.user_by_email(email_of(1, "samordnare")))
    for role in ("lpo", "samordnare"):
        approver = accounts.user_by_email(email_of(1, role))
        followup = followups.load(followup.id)
        followups.approve(approver, followup, None)
    followups.publish(approver, followups.load(followup.id), None)
    return followup.id
