"""Calendar subscriptions: the settings page and the secret-URL ICS feeds."""
from flask import Blueprint

bp = Blueprint("calendar", __name__)

from tracker.calendar_feeds import views  # noqa: E402,F401
