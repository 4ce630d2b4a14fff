"""Pages for residents, no login: promises, published follow-ups, the Atom feed, tips."""
from flask import Blueprint

bp = Blueprint("public", __name__, url_prefix="/offentlig")

from tracker.public import (  # noqa: E402,F401
    feed,
    progress,
    subscription_views,
    tip_views,
    views,
)
