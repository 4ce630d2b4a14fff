"""People in a municipality (coordinators and admins), indicator values, and invitation links."""
from flask import Blueprint

bp = Blueprint("members", __name__)

from tracker.members import invitation_views, views  # noqa: E402,F401
