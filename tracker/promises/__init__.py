from flask import Blueprint

bp = Blueprint("promises", __name__)

from tracker.promises import commitment_views, paste_views, views  # noqa: E402,F401
