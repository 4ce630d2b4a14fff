"""Coordinators triage residents' tips: list, counts per month, answer, dismiss, tie to work."""
from flask import Blueprint

bp = Blueprint("tips", __name__)


from tracker.tips import views  # noqa: E402,F401
