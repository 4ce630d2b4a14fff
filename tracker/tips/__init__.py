"""Coordinators triage residents' tips: list, counts per month, answer, dismiss, tie to work."""
from flask import Blueprint
from flask_login import current_user

from tracker import policies

bp = Blueprint("tips", __name__)


@bp.app_context_processor
def _tips_link():
    """Lets any page (the municipality dashboard) ask whether to show the link to the tips."""
    return {"can_see_tips": lambda municipality_id: policies.can_see_tip_counts(
        current_user, municipality_id)}


from tracker.tips import views  # noqa: E402,F401
