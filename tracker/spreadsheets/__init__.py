"""Spreadsheets: export the activity list and log entries; import commitments, activities and
indicator values with a preview."""
from flask import Blueprint

bp = Blueprint("spreadsheets", __name__)

from tracker.spreadsheets import export_views, import_views  # noqa: E402,F401
