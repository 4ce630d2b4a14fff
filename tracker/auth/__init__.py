from flask import Blueprint

bp = Blueprint("auth", __name__)

from tracker.auth import account_views, reset_views, views  # noqa: E402,F401
