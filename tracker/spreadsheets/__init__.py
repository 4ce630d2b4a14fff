"""Spreadsheets: export the activity list and log entries; import commitments, activities and
indicator values with a preview."""
from flask import Blueprint

bp = Blueprint("spreadsheets", __name__)


@bp.app_context_processor
def _import_link():
    """Other pages (dashboard, promise) show the import link to those who may use it."""
    from flask_login import current_user

    from tracker import policies

    return {"can_import": lambda municipality_id: policies.can_edit(current_user, municipality_id)}

from tracker.spreadsheets import export_views, import_views  # noqa: E402,F401
