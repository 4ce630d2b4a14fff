from flask import Blueprint

bp = Blueprint("activities", __name__)

from tracker.activities import (  # noqa: E402,F401
    comment_views,
    entry_views,
    list_views,
    views,
)
