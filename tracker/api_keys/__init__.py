"""Mitt konto → API-nycklar: personal API tokens for the JSON API (tracker.api)."""
from flask import Blueprint

bp = Blueprint("api_keys", __name__)

from tracker.api_keys import views  # noqa: E402,F401
