from flask import Blueprint

bp = Blueprint("public", __name__, url_prefix="/offentlig")

from tracker.public import views  # noqa: E402,F401
