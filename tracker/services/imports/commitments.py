"""The commitments-and-activities template: one row is a commitment, with or without an activity.

A row's commitment is found in the chosen promise by party and text; when it is not there it
is created (with its focus area, found by title or created), which the promise services allow
only in a draft. The activity columns, when any is filled in, add one activity under it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import LazyString

from tracker.extensions import db
from tracker.formatting import number_local
from tracker.models import (
    Activity,
    ActivityType,
    Commitment,
    FocusArea,
    Membership,
    Municipality,
    Party,
    Place,
    Promise,
    PromiseStatus,
    User,
)
from tracker.services import DomainError, FieldErrors, limits
from tracker.services import promises as promise_service
from tracker.services.activities import ActivityInput, save_activity
from tracker.services.imports import Column, RowErrors
from tracker.services.imports import cells as c
from tracker.translation import gettext as _
from tracker.translation import lazy_gettext as _l

COLUMNS = [
    Column("focus_area", "Fokusområde",
           hint=_l("Titeln på ett fokusområde i löftet; nytt skapas i ett utkast.")),
    Column("party", "Part", required=True, hint=_l("kommunen, polisen eller tillsammans")),
    Column("commitment", "Åtagande", required=True,
           hint=_l("Löftets text. Finns den redan används den.")),
    Column("commitment_target", "Mål för åtagandet",
           hint=_l("Heltal (frivilligt); används när åtagandet skapas")),
    Column("commitment_note", "Om målet",
           hint=_l("Frivillig text; används när åtagandet skapas")),
    Column("title", "Aktivitet", hint=_l("Aktivitetens rubrik; tom rad = bara åtagandet")),
    Column("type", "Aktivitetstyp", hint=_l("Typens namn eller nyckel, t.ex. skolbesök")),
    Column("description", "Beskrivning"),
    Column("owner", "Ansvarig", hint=_l("E-postadress till en person med behörighet i kommunen")),
    Column("assignees", "Utförare", hint=_l("E-postadresser, åtskilda med komma")),
    Column("places", "Platser", hint=_l("Platsnamn, åtskilda med komma")),
    Column("start", "Startdatum", hint=_l("ÅÅÅÅ-MM-DD")),
    Column("due", "Slutdatum", hint=_l("ÅÅÅÅ-MM-DD")),
    Column("target", "Mål (antal tillfällen)", hint=_l("Heltal")),
    Column("freq", "Upprepning", hint=_l("veckovis, månadsvis eller tom")),
    Column("interval", "Intervall", hint=_l("Var n:te vecka eller månad, 1–%(max)d",
                                                   max=limits.INTERVAL_MAX)),
    Column("weekdays", "Veckodagar", hint=_l("t.ex. mån, ons")),
    Column("until", "Upprepa till och med", hint=_l("ÅÅÅÅ-MM-DD")),
    Column("count", "Antal tillfällen", hint=_l(
        "Heltal, 1–%(max)s", max=LazyString(number_local, limits.OCCASIONS_MAX))),
]
HEADER = {col.key: col.header for col in COLUMNS}
ACTIVITY_KEYS = ("title", "type", "description", "owner", "assignees", "places", "start", "due",
                 "target", "freq", "interval", "weekdays", "until", "count")
RECURRENCE_DETAIL_KEYS = ("interval", "weekdays", "until", "count")
PARTY_BY_WORD = {
    **{p.value: p for p in Party},
    "kommunen lovar": Party.KOMMUNEN, "polisen lovar": Party.POLISEN,
    "tillsammans lovar vi": Party.TILLSAMMANS, "tillsammans lovar": Party.TILLSAMMANS,
}
COMMITMENT_FIELDS = {"party": "party", "text": "commitment", "target_count": "commitment_target",
                     "target_note": "commitment_note", "focus_area_id": "focus_area",
                     "title": "focus_area", "description": "focus_area"}
ACTIVITY_FIELDS = {"title": "title", "description": "description", "type_id": "type",
                   "owner_id": "owner", "assignee_ids": "assignees", "place_ids": "places",
                   "start_date": "start", "due_date": "due", "target_count": "target",
                   "rec_freq": "freq", "rec_until": "until", "rec_count": "count",
                   "rec_interval": "interval", "commitment_id": "commitment"}


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass
class Context:
    actor: User
    promise: Promise
    types: dict[str, int]
    members: dict[str, int]
    places: dict[str, int]
    created: dict[int, int] = field(default_factory=dict)  # commitment id → row that made it


class CommitmentImporter:
    kind = "aktiviteter"
    title = _l("Åtaganden och aktiviteter")
    columns = COLUMNS

    def prepare(self, actor: User, municipality: Municipality, options: dict) -> Context:
        promise = db.session.get(Promise, options.get("promise_id") or 0)
        if promise is None or promise.municipality_id != municipality.id:
            raise DomainError(_("Välj ett medborgarlöfte i kommunen."))
        if promise.status == PromiseStatus.CONCLUDED:
            raise DomainError(_(
                "Medborgarlöftet är avslutat. Importera till ett pågående löfte."))
        types: dict[str, int] = {}
        for type_id, key, name in db.session.execute(
                sa.select(ActivityType.id, ActivityType.key, ActivityType.name_sv)
                .where(ActivityType.is_active.is_(True))):
            types[_norm(key)] = types[_norm(name)] = type_id
        members = {email.casefold(): user_id for user_id, email in db.session.execute(
            sa.select(User.id, User.email).join(Membership, Membership.user_id == User.id)
            .where(Membership.municipality_id == municipality.id))}
        places = {_norm(name): place_id for place_id, name in db.session.execute(
            sa.select(Place.id, Place.name).where(Place.municipality_id == municipality.id))}
        return Context(actor, promise, types, members, places)

    def apply_row(self, ctx: Context, values: dict, number: int) -> str:
        errors: list[str] = []
        activity_input = None
        if any(c.text(values.get(key)) for key in ACTIVITY_KEYS):
            activity_input = _activity_input(ctx, values, errors)
        party = PARTY_BY_WORD.get(c.text(values.get("party")).casefold())
        if party is None:
            errors.append(_(
                "Okänd part ”%(word)s”. Skriv kommunen, polisen eller tillsammans.",
                word=c.text(values.get("party"))))
        commitment_target = c.collect(errors, c.integer, values.get("commitment_target"),
                                      HEADER["commitment_target"])
        if errors or party is None:  # an unknown party is one of the errors
            raise RowErrors(errors)
        commitment, made = _commitment(ctx, values, party, commitment_target)
        summary = (_("Nytt åtagande") if made else
                   _("Åtagandet från rad %(row)d", row=ctx.created[commitment.id])
                   if commitment.id in ctx.created else _("Befintligt åtagande"))
        if activity_input is not None:
            activity_input.commitment_id = commitment.id
            if not made and _already_there(commitment.id, activity_input):
                # the same file (or row) imported again: no second copy of the activity
                return _("%(commitment)s: aktiviteten ”%(title)s” finns redan med samma "
                         "startdatum och läggs inte till igen", commitment=summary,
                         title=activity_input.title.strip())
            try:
                save_activity(ctx.actor, activity_input)
            except FieldErrors as error:
                raise _row_errors(error, ACTIVITY_FIELDS) from None
            summary = _("%(commitment)s, ny aktivitet ”%(title)s”", commitment=summary,
                        title=activity_input.title.strip())
        if made:  # only now: a failed row's commitment is rolled back with it
            ctx.created[commitment.id] = number
        return summary


def _already_there(commitment_id: int, data: ActivityInput) -> bool:
    """An activity of the commitment with this title (as _norm reads it) and start date."""
    titles = db.session.scalars(sa.select(Activity.title).where(
        Activity.commitment_id == commitment_id, Activity.start_date == data.start_date))
    return any(_norm(title) == _norm(data.title) for title in titles)


def _row_errors(error: FieldErrors, fields: dict[str, str]) -> RowErrors:
    return RowErrors([f"{HEADER[fields[name]]}: {message}" if name in fields else message
                      for name, message in error.errors.items()])


def _commitment(ctx: Context, values: dict, party: Party,
                target: int | None) -> tuple[Commitment, bool]:
    """The promise's commitment with this party and text, else a new one (drafts only)."""
    text = c.text(values.get("commitment"))
    for commitment in db.session.scalars(
            sa.select(Commitment).where(Commitment.promise_id == ctx.promise.id)):
        if commitment.party == party and _norm(commitment.text) == _norm(text):
            return commitment, False
    try:
        area_id = _focus_area_id(ctx, c.text(values.get("focus_area")))
        data = promise_service.CommitmentInput(
            party=party, text=text, focus_area_id=area_id, target_count=target,
            target_note=c.text(values.get("commitment_note")))
        commitment = promise_service.add_commitment(ctx.promise, ctx.actor, data)
    except FieldErrors as error:
        raise _row_errors(error, COMMITMENT_FIELDS) from None
    return commitment, True


def _focus_area_id(ctx: Context, title: str) -> int | None:
    if not title:
        return None
    for area_id, area_title in db.session.execute(
            sa.select(FocusArea.id, FocusArea.title).where(FocusArea.promise_id == ctx.promise.id)):
        if _norm(area_title) == _norm(title):
            return area_id
    return promise_service.add_focus_area(ctx.promise, ctx.actor, title).id


def _activity_input(ctx: Context, values: dict, errors: list[str]) -> ActivityInput:
    type_word = c.text(values.get("type"))
    type_id = ctx.types.get(_norm(type_word)) if type_word else 0
    if type_id is None:
        errors.append(_("Okänd aktivitetstyp ”%(word)s”", word=type_word))
    owner_id = None
    if c.text(values.get("owner")):
        owner_id = _member(ctx, c.text(values.get("owner")), HEADER["owner"], errors)
    assignee_ids = [_member(ctx, email, HEADER["assignees"], errors)
                    for email in c.items(values.get("assignees"))]
    place_ids = []
    for name in c.items(values.get("places")):
        if _norm(name) not in ctx.places:
            errors.append(_("Okänd plats ”%(name)s”. Lägg till platsen under Platser först.",
                            name=name))
        place_ids.append(ctx.places.get(_norm(name)))
    return ActivityInput(
        commitment_id=0, type_id=type_id or 0, title=c.text(values.get("title")),
        description=c.text(values.get("description")), owner_id=owner_id,
        assignee_ids=[i for i in assignee_ids if i is not None],
        place_ids=[i for i in place_ids if i is not None],
        start_date=c.collect(errors, c.iso_date, values.get("start"), HEADER["start"]),
        due_date=c.collect(errors, c.iso_date, values.get("due"), HEADER["due"]),
        target_count=c.collect(errors, c.integer, values.get("target"), HEADER["target"],
                               0, limits.TARGET_MAX),
        recurrence=_recurrence(values, errors),
    )


def _member(ctx: Context, email: str, header: str, errors: list[str]) -> int | None:
    user_id = ctx.members.get(email.casefold())
    if user_id is None:
        errors.append(_("%(header)s: ”%(email)s” har ingen behörighet i kommunen.",
                        header=header, email=email))
    return user_id


def _recurrence(values: dict, errors: list[str]) -> dict | None:
    freq = c.collect(errors, c.frequency, values.get("freq"), HEADER["freq"])
    if freq is None:
        if any(c.text(values.get(key)) for key in RECURRENCE_DETAIL_KEYS):
            errors.append(_("%(header)s: ange veckovis eller månadsvis när intervall, veckodagar "
                            "eller slut är ifyllda.", header=HEADER["freq"]))
        return None
    rule = {"freq": freq,
            "interval": c.collect(errors, c.integer, values.get("interval"),
                                  HEADER["interval"], 1, limits.INTERVAL_MAX) or 1,
            "weekdays": c.collect(errors, c.weekdays, values.get("weekdays")) or []}
    until = c.collect(errors, c.iso_date, values.get("until"), HEADER["until"])
    if until:
        rule["until"] = until.isoformat()
    count = c.collect(errors, c.integer, values.get("count"), HEADER["count"], 1, limits.OCCASIONS_MAX)
    if count:
        rule["count"] = count
    return rule
