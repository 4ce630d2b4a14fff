from flask import Blueprint

bp = Blueprint("activities", __name__)

from tracker.activities import comment_views, entry_views, views  # noqa: E402,F401
