from flask import Blueprint

bp = Blueprint("activities", __name__)

from tracker.activities import views  # noqa: E402,F401
from tracker.activities import entry_views  # noqa: E402,F401
