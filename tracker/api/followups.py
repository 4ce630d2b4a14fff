"""Follow-ups: members of the municipality (and admins) read every follow-up as it stands,
drafts included; anyone else with a token reads only what was published, as residents do."""
from __future__ import annotations

import sqlalchemy as sa

from tracker.api import schemas
from tracker.api.access import visible_municipality_ids
from tracker.api.base import ID, make_blueprint, not_found, paginate
from tracker.api.inputs import FollowUpArgs
from tracker.extensions import db
from tracker.followups import workflow as followup_service
from tracker.models import FollowUp, FollowUpStatus, FollowUpVersion, Promise

blp = make_blueprint("followups", "Årliga uppföljningar: publicerade, och utkast för kommunens medlemmar.")
BLUEPRINTS = (blp,)


def _published_at():
    """When the latest published version was published (None: never published)."""
    return (sa.select(sa.func.max(FollowUpVersion.published_at))
            .where(FollowUpVersion.follow_up_id == FollowUp.id,
                   FollowUpVersion.published_at.is_not(None))
            .correlate(FollowUp).scalar_subquery())


def _member_condition():
    ids = visible_municipality_ids()
    return sa.true() if ids is None else Promise.municipality_id.in_(ids or {-1})


def _summary(followup: FollowUp, municipality_id: int, is_member: bool, public_at) -> dict:
    if is_member:
        return {"id": followup.id, "promise_id": followup.promise_id,
                "municipality_id": municipality_id, "year": followup.year,
                "status": followup.status, "compiled_at": followup.compiled_at,
                "published_at": followup.published_at, "version": followup.version_id}
    return {"id": followup.id, "promise_id": followup.promise_id,
            "municipality_id": municipality_id, "year": followup.year,
            "status": FollowUpStatus.PUBLISHED, "compiled_at": None, "published_at": public_at,
            "version": None}


@blp.get("/followups")
@blp.arguments(FollowUpArgs, location="query")
@blp.response(200, schemas.FollowUpPage)
def followups(args):
    """Uppföljningar, nyaste året först: mina kommuners alla, andras publicerade."""
    published_at = _published_at()
    member = _member_condition()
    query = (sa.select(FollowUp, Promise.municipality_id, member.label("is_member"),
                       published_at.label("public_at"))
             .join(Promise, Promise.id == FollowUp.promise_id)
             .where(sa.or_(member, published_at.is_not(None))))
    for name, column in (("municipality_id", Promise.municipality_id),
                         ("promise_id", FollowUp.promise_id), ("year", FollowUp.year)):
        if args.get(name):
            query = query.where(column == args[name])
    if args.get("status"):
        as_member = sa.and_(member, FollowUp.status == args["status"])
        if args["status"] == FollowUpStatus.PUBLISHED.value:
            as_member = sa.or_(as_member, sa.not_(member))
        query = query.where(as_member)
    query = query.order_by(FollowUp.year.desc(), Promise.municipality_id, FollowUp.id)
    page = paginate(query, args, transform=lambda rows: [
        _summary(f, m, bool(is_member), at) for f, m, is_member, at in rows])
    return page


def _sections(stored: dict) -> list[dict]:
    return [{"key": key, "title": s.get("title", ""),
             "text": s["edited"] if s.get("edited") is not None else s.get("generated", ""),
             "edited": s.get("edited") is not None}
            for key, s in (stored or {}).items()]


def _verdicts(stored: dict) -> list[dict]:
    result = []
    for commitment_id, v in (stored or {}).items():
        overridden = v.get("override") is not None
        result.append({
            "commitment_id": int(commitment_id), "party": v.get("party"),
            "commitment_text": v.get("text", ""),
            "verdict": v["override"] if overridden else v.get("suggested"),
            "reason": (v.get("override_reason") if overridden else v.get("reason")) or "",
            "overridden": overridden})
    return result


@blp.get(f"/followups/<{ID}:followup_id>")
@blp.response(200, schemas.FollowUpSchema)
def followup(followup_id: int):
    """En uppföljning med avsnitt (Markdown) och bedömning per åtagande."""
    row = db.session.execute(
        sa.select(FollowUp, Promise.municipality_id, _member_condition())
        .join(Promise, Promise.id == FollowUp.promise_id).where(FollowUp.id == followup_id)
    ).first()
    if row is None:
        raise not_found()
    item, municipality_id, is_member = row
    if is_member:
        content, public_at = item, None
    else:
        published = followup_service.published_versions(item.id)
        if not published:
            raise not_found()  # a draft is only for the municipality's members
        content, public_at = published[0], published[0].published_at
    return {**_summary(item, municipality_id, bool(is_member), public_at),
            "correction_note": content.correction_note,
            "sections": _sections(content.sections), "verdicts": _verdicts(content.verdicts),
            "figures": content.figures or {}}
