"""The conversation on an activity through the API: the same service (tracker.services.comments)
and policies as the web; the 15-minute window is the service's, whoever calls."""
from __future__ import annotations

import sqlalchemy as sa
from marshmallow import fields
from sqlalchemy.orm import joinedload

from tracker import policies
from tracker.api import once as api_once
from tracker.api.access import require, require_view
from tracker.api.auth import user
from tracker.api.base import (
    ID,
    ApiSchema,
    PageArgs,
    commit,
    make_blueprint,
    not_found,
    page_schema,
    paginate,
    service_errors,
    text,
)
from tracker.api.schemas import UserRefSchema
from tracker.extensions import db
from tracker.models import Activity, ActivityComment
from tracker.services import comments

blp = make_blueprint("comments", "Samtalet om en aktivitet: kommentarer från kommunens "
                                 "medlemmar. `@Namn` aviserar en medlem.")
BLUEPRINTS = (blp,)


class CommentSchema(ApiSchema):
    id = fields.Integer(required=True)
    activity_id = fields.Integer(required=True)
    text = fields.String(required=True)
    author = fields.Nested(UserRefSchema, allow_none=True, required=True)
    created_at = fields.DateTime(required=True)
    edited_at = fields.DateTime(allow_none=True, required=True)


CommentPage = page_schema(CommentSchema, "CommentPage")


class CommentBody(ApiSchema):
    text = text(comments.MAX_LENGTH, required=True, metadata={
        "description": "`@Förnamn Efternamn` (or the e-mail's name part) notifies that member; "
                       "no personnummer: refused with 422"})


def _activity(activity_id: int) -> Activity:
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        raise not_found()
    require_view(activity.municipality_id)
    return activity


def _comment(comment_id: int) -> tuple[Activity, ActivityComment]:
    comment = db.session.scalar(sa.select(ActivityComment).where(ActivityComment.id == comment_id)
                                .options(joinedload(ActivityComment.author)))
    if comment is None:
        raise not_found()
    return _activity(comment.activity_id), comment


@blp.get(f"/activities/<{ID}:activity_id>/comments")
@blp.arguments(PageArgs, location="query")
@blp.response(200, CommentPage)
def activity_comments(args, activity_id: int):
    """Aktivitetens kommentarer, äldst först (alla kommunens medlemmar läser)."""
    _activity(activity_id)
    return paginate(sa.select(ActivityComment).where(ActivityComment.activity_id == activity_id)
                    .options(joinedload(ActivityComment.author))
                    .order_by(ActivityComment.created_at, ActivityComment.id), args)


@blp.get(f"/comments/<{ID}:comment_id>")
@blp.response(200, CommentSchema)
def comment(comment_id: int):
    """En kommentar."""
    return _comment(comment_id)[1]


@blp.post(f"/activities/<{ID}:activity_id>/comments")
@blp.arguments(CommentBody)
@blp.response(201, CommentSchema)
def create_comment(body, activity_id: int):
    """Skriv en kommentar (samordnare, kommunpoliser och administratörer; läsare läser bara).

    Idempotency-Key: se loggade genomföranden."""
    activity = _activity(activity_id)
    require(policies.can_comment(user(), activity))
    if (earlier := api_once.first_id()) is None:
        with service_errors():
            earlier = comments.add_comment(user(), activity, body["text"]).id
        api_once.remember("activity_comment", earlier)
        commit()
    return _comment(earlier)[1]


@blp.patch(f"/comments/<{ID}:comment_id>")
@blp.arguments(CommentBody)
@blp.response(200, CommentSchema)
@blp.doc(description=f"Inom {policies.COMMENT_EDIT_MINUTES} minuter efter att du skrev den "
                     "(senare: 422 refused).")
def update_comment(body, comment_id: int):
    """Ändra din kommentar."""
    activity, found = _comment(comment_id)
    require(policies.owns_comment(user(), activity, found))
    with service_errors():
        comments.edit_comment(user(), activity, found, body["text"])
    commit()
    return _comment(comment_id)[1]


@blp.delete(f"/comments/<{ID}:comment_id>")
@blp.response(204)
@blp.doc(description=f"Din egen inom {policies.COMMENT_EDIT_MINUTES} minuter efter att du skrev "
                     "den; kommunens samordnare tar bort vilken som helst.")
def remove_comment(comment_id: int):
    """Ta bort en kommentar."""
    activity, found = _comment(comment_id)
    require(policies.owns_or_moderates_comment(user(), activity, found))
    with service_errors():
        comments.remove_comment(user(), activity, found)
    commit()
    return None
