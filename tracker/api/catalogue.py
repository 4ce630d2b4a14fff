"""Read-only resources: who am I, municipalities, places, promises, focus areas, commitments."""
from __future__ import annotations

import sqlalchemy as sa

from tracker.api import schemas
from tracker.api.access import (
    require_view,
    under_promise,
    viewable,
    viewable_municipality,
    visible_municipality_ids,
)
from tracker.api.auth import current_token, user
from tracker.api.base import ID, PageArgs, make_blueprint, paginate
from tracker.api.inputs import CommitmentArgs, PromiseArgs
from tracker.extensions import db
from tracker.models import Commitment, FocusArea, Membership, Municipality, Place, Promise

people = make_blueprint("me", "Den inloggade användaren och nyckeln.")
places = make_blueprint("municipalities", "Kommuner och deras platser.")
promises = make_blueprint("promises", "Medborgarlöften, fokusområden och åtaganden.")
BLUEPRINTS = (people, places, promises)


@people.get("/me")
@people.response(200, schemas.MeSchema)
def me():
    """Jag: användaren bakom nyckeln, mina roller per kommun och nyckelns behörighet."""
    current = user()
    rows = db.session.execute(
        sa.select(Membership.municipality_id, Municipality.name, Membership.role)
        .join(Municipality, Municipality.id == Membership.municipality_id)
        .where(Membership.user_id == current.id).order_by(Municipality.name)).all()
    return {
        "id": current.id, "name": current.name, "email": current.email,
        "is_admin": current.is_admin, "token": current_token(),
        "memberships": [{"municipality_id": mid, "municipality_name": name, "role": role}
                        for mid, name, role in rows],
    }


@places.get("/municipalities")
@places.arguments(PageArgs, location="query")
@places.response(200, schemas.MunicipalityPage)
def municipalities(args):
    """Kommunerna jag har en roll i (administratörer: alla)."""
    query = sa.select(Municipality).order_by(Municipality.name, Municipality.id)
    ids = visible_municipality_ids()
    if ids is not None:
        query = query.where(Municipality.id.in_(ids or {-1}))
    return paginate(query, args)


@places.get(f"/municipalities/<{ID}:municipality_id>")
@places.response(200, schemas.MunicipalitySchema)
def municipality(municipality_id: int):
    """En kommun."""
    return viewable_municipality(municipality_id)


@places.get(f"/municipalities/<{ID}:municipality_id>/places")
@places.arguments(PageArgs, location="query")
@places.response(200, schemas.PlacePage)
def municipality_places(args, municipality_id: int):
    """Kommunens platser, i bokstavsordning."""
    viewable_municipality(municipality_id)
    return paginate(sa.select(Place).where(Place.municipality_id == municipality_id)
                    .order_by(Place.name, Place.id), args)


@places.get(f"/places/<{ID}:place_id>")
@places.response(200, schemas.PlaceSchema)
def place(place_id: int):
    """En plats."""
    return viewable(Place, place_id)


@promises.get(f"/municipalities/<{ID}:municipality_id>/promises")
@promises.arguments(PromiseArgs, location="query")
@promises.response(200, schemas.PromisePage)
def municipality_promises(args, municipality_id: int):
    """Kommunens medborgarlöften, nyaste först."""
    viewable_municipality(municipality_id)
    query = sa.select(Promise).where(Promise.municipality_id == municipality_id)
    if args.get("status"):
        query = query.where(Promise.status == args["status"])
    return paginate(query.order_by(Promise.start_year.desc(), Promise.id.desc()), args)


@promises.get(f"/promises/<{ID}:promise_id>")
@promises.response(200, schemas.PromiseSchema)
def promise(promise_id: int):
    """Ett medborgarlöfte."""
    return viewable(Promise, promise_id)


def _viewable_promise_id(promise_id: int) -> int:
    municipality_id = db.session.scalar(
        sa.select(Promise.municipality_id).where(Promise.id == promise_id))
    require_view(municipality_id)
    return promise_id


@promises.get(f"/promises/<{ID}:promise_id>/focus-areas")
@promises.arguments(PageArgs, location="query")
@promises.response(200, schemas.FocusAreaPage)
def promise_focus_areas(args, promise_id: int):
    """Löftets fokusområden i ordning."""
    _viewable_promise_id(promise_id)
    return paginate(sa.select(FocusArea).where(FocusArea.promise_id == promise_id)
                    .order_by(FocusArea.position, FocusArea.id), args)


@promises.get(f"/focus-areas/<{ID}:focus_area_id>")
@promises.response(200, schemas.FocusAreaSchema)
def focus_area(focus_area_id: int):
    """Ett fokusområde."""
    return under_promise(FocusArea, focus_area_id)[0]


@promises.get(f"/promises/<{ID}:promise_id>/commitments")
@promises.arguments(CommitmentArgs, location="query")
@promises.response(200, schemas.CommitmentPage)
def promise_commitments(args, promise_id: int):
    """Löftets åtaganden i ordning, filtrerade på part och fokusområde."""
    _viewable_promise_id(promise_id)
    query = sa.select(Commitment).where(Commitment.promise_id == promise_id)
    if args.get("party"):
        query = query.where(Commitment.party == args["party"])
    if args.get("focus_area_id"):
        query = query.where(Commitment.focus_area_id == args["focus_area_id"])
    return paginate(query.order_by(Commitment.position, Commitment.id), args)


@promises.get(f"/commitments/<{ID}:commitment_id>")
@promises.response(200, schemas.CommitmentSchema)
def commitment(commitment_id: int):
    """Ett åtagande."""
    return under_promise(Commitment, commitment_id)[0]
