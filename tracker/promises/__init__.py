from flask import Blueprint

bp = Blueprint("promises", __name__)

from tracker.promises import views  # noqa: E402,F401
from tracker.promises import commitment_views  # noqa: E402,F401
from tracker.promises import paste_views  # noqa: E402,F401
