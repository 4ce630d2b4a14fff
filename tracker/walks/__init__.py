"""Safety walks: protocols, findings, action points and the files attached to them."""
from flask import Blueprint

bp = Blueprint("walks", __name__)

from tracker.walks import action_views, attachment_views, views  # noqa: E402,F401
