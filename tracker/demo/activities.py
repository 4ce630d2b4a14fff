"""A deterministic demo year of activities and logged occasions (Lidköping 2023)."""
from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import (
    Activity,
    ActivityStatus,
    ActivityType,
    Commitment,
    LogEntry,
    Place,
    Promise,
    User,
)
from tracker.services.recurrence import occasions as expected_occasions

UPPF = "[uppf] "
DEMO_YEAR = 2023


def load_year(result, promise: Promise, items: list[dict], *, types: dict[str, ActivityType],
              places: dict[str, Place], users: dict[str, User]) -> None:
    """Adds the activities once: a promise that already has activities is left alone."""
    has_any = db.session.scalar(
        sa.select(sa.func.count()).select_from(Activity)
        .join(Commitment, Commitment.id == Activity.commitment_id)
        .where(Commitment.promise_id == promise.id)
    )
    if has_any:
        return
    commitments = db.session.scalars(
        sa.select(Commitment).where(Commitment.promise_id == promise.id)
    ).all()
    rng = random.Random(DEMO_YEAR)
    owners = {"officer": users["kommunpolis"], "coordinator": users["samordnare"]}
    for item in items:
        commitment = _match(commitments, item["commitment"])
        activity = Activity(
            commitment_id=commitment.id,
            municipality_id=promise.municipality_id,
            type_id=types[item["type"]].id,
            title=item["title"],
            description=item.get("description", ""),
            owner_id=owners[item["owner_role"]].id,
            status=ActivityStatus(item["status"]),
            status_reason=item.get("status_reason", ""),
            start_date=date.fromisoformat(item["start_date"]),
            due_date=date.fromisoformat(item["due_date"]),
            recurrence=item.get("recurrence"),
            target_count=item.get("target_count"),
            is_demo=True,
        )
        activity.places = [places[name] for name in item.get("places", [])]
        activity.assignees = [owners["officer"]] if item["owner_role"] == "officer" else []
        db.session.add(activity)
        db.session.flush()
        result.count("aktiviteter")
        entries = _log_entries(rng, activity, item, types[item["type"]], places,
                               owners[item["owner_role"]])
        db.session.add_all(entries)
        result.count("genomföranden", len(entries))
    db.session.flush()


def _match(commitments: Sequence[Commitment], fragment: str) -> Commitment:
    found = [c for c in commitments if fragment in c.text]
    if len(found) != 1:
        raise ValueError(f"demo activity matches {len(found)} commitments: {fragment!r}")
    return found[0]


def _dates(rng: random.Random, activity: Activity, n: int) -> list[date]:
    start, due = activity.start_date, activity.due_date
    expected = expected_occasions(activity.recurrence, start, due)
    if expected:
        return sorted(rng.sample(expected, min(n, len(expected))))
    if start is None or due is None:
        raise ValueError(f"demo activity without a start and a due date: {activity.title!r}")
    span = (due - start).days
    picks = []
    for _ in range(n):
        d = start + timedelta(days=rng.randint(0, max(span, 0)))
        while d.weekday() >= 5 and span >= 7:  # weekday work unless the window is short
            d -= timedelta(days=1)
        picks.append(max(d, start))
    return sorted(picks)


def _measure_value(rng: random.Random, spec, kind: str, places: dict[str, Place]):
    if isinstance(spec, list) and len(spec) == 2 and all(isinstance(v, (int, float)) for v in spec):
        if kind == "integer":
            return rng.randint(int(spec[0]), int(spec[1]))
        return round(rng.uniform(spec[0], spec[1]) * 2) / 2
    if isinstance(spec, list):
        spec = rng.choice(spec)
    if kind == "place":
        return places[spec].id
    return spec


def _log_entries(rng, activity, item, activity_type, places, author,
                 dates: list[date] | None = None) -> list[LogEntry]:
    """Entries on `dates`, or on the item's number of occasions drawn within the activity."""
    kinds = {m["key"]: m["kind"] for m in activity_type.measures}
    if dates is None:
        dates = _dates(rng, activity, item.get("occasions", 0))
    entries = []
    for occurred_on in dates:
        measures = {
            key: _measure_value(rng, spec, kinds[key], places)
            for key, spec in item.get("measures", {}).items()
        }
        place_id = next((v for k, v in measures.items() if kinds[k] == "place"), None)
        if place_id is None and activity.places:
            place_id = activity.places[0].id
        low, high = item.get("duration_hours") or [1, 1]
        entries.append(
            LogEntry(
                activity_id=activity.id,
                occurred_on=occurred_on,
                duration_minutes=int(round(rng.uniform(low, high) * 4)) * 15,
                place_id=place_id,
                measures=measures,
                author_id=author.id,
                is_demo=True,
            )
        )
    notes = list(item.get("notes", []))
    for entry, note in zip(rng.sample(entries, min(len(notes), len(entries))), notes):
        entry.include_in_followup = note.startswith(UPPF)
        entry.note = note.removeprefix(UPPF)
    return entries
