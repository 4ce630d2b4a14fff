from flask import Blueprint

bp = Blueprint("promises", __name__)

from tracker.promises import views  # noqa: E402,F401
