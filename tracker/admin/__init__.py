from flask import Blueprint

bp = Blueprint("admin", __name__)

from tracker.admin import audit_views, jobs_views, security_views, setup_views, views  # noqa: E402,F401,E501
