"""The demo's working year, built around today's date: a Lidköping promise covering last year
and this year, last year's activities done, this year's logged up to yesterday, a few due
within 14 days and two overdue, last year's follow-up published and this year's in draft.

Deterministic for a given date: every random draw is seeded by the year and the activity.
The seeds' own promises (2019, 2022–2023, 2024) are left as they are, as history.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from tracker.demo.activities import _log_entries, _match
from tracker.extensions import db
from tracker.followups import workflow as followups
from tracker.followups.compiler import compile_followup
from tracker.models import (
    Activity,
    ActivityStatus,
    ActivityType,
    Commitment,
    FocusArea,
    Municipality,
    Party,
    Place,
    Promise,
    PromiseStatus,
    User,
)
from tracker.services.recurrence import occasions as expected_occasions

SOURCE_PROMISE = "lidkoping-2022-2023"
TEMPLATE_YEAR = 2023  # the year of the activities the demo's are made from (their notes' "now")
LESSONS = (
    "Demotext: Samverkan i krogmiljön och de gemensamma lägesbilderna har fungerat bäst under "
    "året. Skolbesöken når alla klasser i årskurs 7 när de planeras redan i början av "
    "terminen. Vi behöver berätta oftare för invånarna vad som görs, t.ex. efter varje "
    "trygghetsvandring."
)
NEXT_STEPS = (
    "Demotext: Arbetet fortsätter under andra året av medborgarlöftet med samma fokusområden. "
    "Kommunen och polisen planerar fler trygghetsvandringar i bostadsområdena och följer upp "
    "projektet Drogfria platser tillsammans med skolorna."
)
# Activities dated from today, so the dashboard always has something due and overdue:
# (template title, new title, days from today to the due date, occasions logged, target).
RELATIVE = [
    ("Trygghetsvandring i Lidköping centrum", "Trygghetsvandring i Bostadsområde A", -6, 0, 1),
    ("Nykterhetskontroller", "Nykterhetskontroller inför helgerna", -3, 2, 4),
    ("Lägesbildsmöte med fastighetsägare och näringsliv", "Lägesbildsmöte om kvällsmiljön",
     4, 0, 1),
    ("Information till skolpersonal om narkotika", "Information till nya lärare om narkotika",
     9, 0, 1),
    ("Hastighetskontroller", "Hastighetskontroller i Bostadsområde B", 12, 1, 3),
]
OVERRIDES: dict[str, dict[str, Any]] = {  # place and measure changes for the relative activities
    "Trygghetsvandring i Bostadsområde A": {"places": ["Bostadsområde A"],
                                            "measures": {"omrade": "Bostadsområde A"}},
    "Hastighetskontroller i Bostadsområde B": {"places": ["Bostadsområde B"],
                                               "measures": {"plats": "Bostadsområde B"}},
}


def title_for(year: int) -> str:
    return f"Tryggare tillsammans {year - 1}–{year}"


@dataclass
class Context:
    today: date
    promise: Promise
    commitments: list[Commitment]
    types: dict[str, ActivityType]
    places: dict[str, Place]
    users: dict[str, User]


def load_present(result, data: dict, municipalities: dict[str, Municipality],
                 types: dict[str, ActivityType], places: dict[str, Place],
                 users: dict[str, User], today: date) -> Promise | None:
    """Add this year's living promise once; a database that has it already is left alone."""
    _conclude_past_seed_promises(today)
    municipality = municipalities["lidkoping"]
    title = title_for(today.year)
    existing = db.session.scalar(sa.select(Promise).where(
        Promise.municipality_id == municipality.id, Promise.title == title,
        Promise.start_year == today.year - 1))
    if existing is not None:
        return None
    source = next(p for p in data["promises"] if p["key"] == SOURCE_PROMISE)
    promise = _promise(result, source, municipality, users, today)
    commitments = list(db.session.scalars(
        sa.select(Commitment).where(Commitment.promise_id == promise.id)))
    context = Context(today, promise, commitments, types, places, users)
    templates = data["lidkoping_2023_activities"]
    for item in templates:
        _last_year(result, context, item)
        _this_year(result, context, item)
    by_title = {item["title"]: item for item in templates}
    for template, title_, days, logged, target in RELATIVE:
        _relative(result, context, by_title[template], title_, days, logged, target)
    db.session.flush()
    _followups(promise, users, today)
    return promise


def _conclude_past_seed_promises(today: date) -> None:
    """A seed promise whose period is over reads as concluded, as the nightly job would set it."""
    for promise in db.session.scalars(sa.select(Promise).where(
            Promise.is_demo.is_(True), Promise.end_year < today.year,
            Promise.status.in_([PromiseStatus.SIGNED, PromiseStatus.ACTIVE]))):
        promise.status = PromiseStatus.CONCLUDED


def _promise(result, source: dict, municipality, users, today: date) -> Promise:
    year = today.year
    promise = Promise(
        municipality_id=municipality.id, title=title_for(year), start_year=year - 1,
        end_year=year, status=PromiseStatus.ACTIVE, signed_on=date(year - 2, 12, 12),
        signatories=[{"name": users["samordnare"].name, "title": users["samordnare"].title},
                     {"name": users["lpo"].name, "title": users["lpo"].title}],
        problem_picture=(
            "Demodata: ett medborgarlöfte som alltid gäller innevarande år, så att översikten, "
            "loggningen och uppföljningen går att prova. Fokusområden och åtaganden är hämtade "
            "ur Lidköpings medborgarlöfte 2022–2023; aktiviteter och genomföranden är påhittade."
        ),
        sources=list(source.get("sources") or []), sources_note=source.get("sources_note", ""),
        is_public=True, is_demo=True,
    )
    db.session.add(promise)
    db.session.flush()
    result.count("medborgarlöften")
    position = 0
    for area_pos, fa in enumerate(source["focus_areas"]):
        area = FocusArea(promise_id=promise.id, title=fa["title"],
                         description=fa.get("description", ""), position=area_pos)
        db.session.add(area)
        db.session.flush()
        for c in fa["commitments"]:
            db.session.add(Commitment(
                promise_id=promise.id, focus_area_id=area.id, party=Party(c["party"]),
                text=c["text"], position=position, target_count=c.get("target_count"),
                target_note=c.get("target_note") or ""))
            position += 1
            result.count("åtaganden")
    db.session.flush()
    return promise


def _in_year(day: date, year: int) -> date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


def _activity(context: Context, item: dict, *, title: str, start: date, due: date,
              status: ActivityStatus, target: int | None, recurrence: dict | None) -> Activity:
    owners = {"officer": context.users["kommunpolis"], "coordinator": context.users["samordnare"]}
    extra = OVERRIDES.get(title, {})
    activity = Activity(
        commitment_id=_match(context.commitments, item["commitment"]).id,
        municipality_id=context.promise.municipality_id, type_id=context.types[item["type"]].id,
        title=title, description=item.get("description", ""),
        owner_id=owners[item["owner_role"]].id, status=status,
        status_reason=item.get("status_reason", "") if status is ActivityStatus.CANCELLED else "",
        start_date=start, due_date=due, recurrence=recurrence, target_count=target, is_demo=True,
        show_public=status is not ActivityStatus.CANCELLED)  # the demo's public page shows them
    activity.places = [context.places[n] for n in extra.get("places", item.get("places", []))]
    activity.assignees = [owners["officer"]] if item["owner_role"] == "officer" else []
    db.session.add(activity)
    db.session.flush()
    return activity


def _recurrence(item: dict, year: int, until: date) -> dict | None:
    if not item.get("recurrence"):
        return None
    return {**item["recurrence"], "until": until.isoformat()}


def _log(result, context: Context, activity: Activity, item: dict, dates: list[date],
         rng: random.Random, *, with_notes: bool) -> None:
    """Entries on the dates; the template's notes only on an activity that is over, its years
    moved with it ("utvecklas under 2024" written in 2023 reads "under 2026" in 2025)."""
    extra = OVERRIDES.get(activity.title, {})
    moved = (activity.due_date or context.today).year - TEMPLATE_YEAR
    notes = [re.sub(r"\b20\d\d\b", lambda m: str(int(m[0]) + moved), note)
             for note in item.get("notes", [])] if with_notes else []
    item = {**item, "measures": {**item.get("measures", {}), **extra.get("measures", {})},
            "notes": notes}
    entries = _log_entries(rng, activity, item, context.types[item["type"]], context.places,
                           context.users["kommunpolis"], dates=dates)
    db.session.add_all(entries)
    result.count("genomföranden", len(entries))


def _last_year(result, context: Context, item: dict) -> None:
    """Last year as the seeds' 2023: every activity done (or cancelled), all occasions logged."""
    year = context.today.year - 1
    start = _in_year(date.fromisoformat(item["start_date"]), year)
    due = _in_year(date.fromisoformat(item["due_date"]), year)
    cancelled = item["status"] == "cancelled"
    activity = _activity(
        context, item, title=item["title"], start=start, due=due,
        status=ActivityStatus.CANCELLED if cancelled else ActivityStatus.DONE,
        target=item.get("target_count"), recurrence=_recurrence(item, year, due))
    rng = random.Random(f"{year}:{item['title']}")
    dates = _spread(rng, activity, item.get("occasions", 0), due)
    _log(result, context, activity, item, dates, rng, with_notes=True)
    result.count("aktiviteter")


def _this_year(result, context: Context, item: dict) -> None:
    """This year: done before today, logged up to yesterday while running, planned after."""
    today, year = context.today, context.today.year
    start = _in_year(date.fromisoformat(item["start_date"]), year)
    due = _in_year(date.fromisoformat(item["due_date"]), year)
    if start.month <= 2 and due.month == 12:  # all year: due at the end of it
        due = date(year, 12, 31)
    rng = random.Random(f"{year}:{item['title']}")
    occasions = item.get("occasions", 0)
    if item["status"] == "cancelled":
        _activity(context, item, title=item["title"], start=start, due=due,
                  status=ActivityStatus.CANCELLED if due < today else ActivityStatus.PLANNED,
                  target=item.get("target_count"), recurrence=_recurrence(item, year, due))
        result.count("aktiviteter")
        return
    activity = _activity(context, item, title=item["title"], start=start, due=due,
                         status=ActivityStatus.PLANNED, target=item.get("target_count"),
                         recurrence=_recurrence(item, year, due))
    result.count("aktiviteter")
    if due < today:
        dates = _spread(rng, activity, occasions, due)
        activity.status = ActivityStatus.DONE
    elif start < today:
        if item.get("recurrence"):
            dates = [d for d in expected_occasions(activity.recurrence, start, due)
                     if d < today and random.Random(f"{item['title']}:{d}").random() >= 0.1]
        else:
            share = (today - start).days / max((due - start).days, 1)
            dates = _spread(rng, activity, round(occasions * share), today - timedelta(days=1))
        activity.status = ActivityStatus.IN_PROGRESS if dates else ActivityStatus.PLANNED
    else:
        dates = []
    _log(result, context, activity, item, dates, rng,
         with_notes=activity.status is ActivityStatus.DONE)


def _relative(result, context: Context, item: dict, title: str, days: int, logged: int,
              target: int) -> None:
    today = context.today
    first, last = date(today.year - 1, 1, 1), date(today.year, 12, 31)
    due = min(max(today + timedelta(days=days), first), last)
    start = max(first, due - timedelta(days=40))
    activity = _activity(context, item, title=title, start=start, due=due,
                         status=ActivityStatus.IN_PROGRESS if logged else ActivityStatus.PLANNED,
                         target=target, recurrence=None)
    result.count("aktiviteter")
    rng = random.Random(f"{today.year}:{title}")
    end = min(due, today - timedelta(days=1))
    dates = _spread(rng, activity, logged, end) if end >= start else []
    _log(result, context, activity, item, dates, rng, with_notes=False)


def _spread(rng: random.Random, activity: Activity, n: int, end: date) -> list[date]:
    """n dates between the start and `end`: the recurrence's own when it has one, weekdays
    otherwise (several occasions may share a day, as classes of one school do)."""
    start = activity.start_date
    if n <= 0:
        return []
    if start is None:
        raise ValueError(f"demo activity without a start date: {activity.title!r}")
    if end < start:
        return []
    expected = expected_occasions(activity.recurrence, start, end)
    if expected:
        return sorted(rng.sample(expected, min(n, len(expected))))
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    workdays = [d for d in days if d.weekday() < 5] or days
    return sorted(rng.choice(workdays) for _ in range(n))


def _followups(promise: Promise, users: dict[str, User], today: date) -> None:
    """Last year's follow-up compiled, written up, approved by both parties and published;
    this year's compiled as a draft."""
    last = followups.load(compile_followup(promise.id, today.year - 1).id)
    if last is None:
        raise ValueError(f"the follow-up of {promise.title!r} just compiled cannot be read")
    municipality_side, police_side = users["samordnare"], users["lpo"]
    for key, title, text in (("lardomar", "Lärdomar", LESSONS),
                             ("nasta-steg", "Nästa steg", NEXT_STEPS)):
        found = key if key in (last.sections or {}) else next(
            (k for k, section in (last.sections or {}).items()
             if section.get("title", "").startswith(title)), None)
        if found:
            followups.save_section(municipality_side, last, found, text, None)
    followups.approve(police_side, last, None)
    followups.approve(municipality_side, last, None)
    followups.publish(municipality_side, last, None)
    compile_followup(promise.id, today.year)
