"""The texts offline logging shows (static/offline.js reads them from its script tag), as one
JSON value per language, built once per process instead of some twenty lookups per page."""
from __future__ import annotations

from flask import current_app
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from tracker.translation import current_locale
from tracker.translation import gettext as _

_KEY = "tracker.offline_texts"


def _texts() -> dict[str, str]:
    return {
        "heading": _("Väntar på att skickas"),
        "occasion": _("Genomförande"),
        "waiting": _("väntar på att skickas"),
        "waiting_one": _("Ett genomförande väntar på att skickas. Det skickas när telefonen har "
                         "uppkoppling."),
        "waiting_many": _("%(num)s genomföranden väntar på att skickas. De skickas när telefonen "
                          "har uppkoppling.", num="{n}"),
        "waiting_login_one": _("Ett genomförande väntar i telefonen på att skickas. Logga in så "
                               "skickas det."),
        "waiting_login_many": _("%(num)s genomföranden väntar i telefonen på att skickas. Logga "
                                "in så skickas de.", num="{n}"),
        "sent": _("Skickat och sparat: %(what)s.", what="{what}"),
        "refused": _("skickades inte"),
        "refused_now": _("Ett genomförande skickades inte. Rätta det eller ta bort det."),
        "refused_heading": _("Genomförandet skickades inte"),
        "gone": _("Du kan inte längre logga på den här aktiviteten."),
        "fix": _("Rätta"),
        "remove": _("Ta bort"),
        "confirm_remove": _("Ta bort genomförandet från telefonen? Det skickas då aldrig."),
        "removed": _("Genomförandet är borttaget från telefonen."),
        "login": _("Du har loggats ut, så det som väntar kan inte skickas. Inget har försvunnit: "
                   "logga in igen så skickas det."),
        "login_link": _("Logga in"),
        "send_now": _("Skicka nu"),
        "still_offline": _("Telefonen har ingen uppkoppling. Det som väntar skickas när "
                           "uppkopplingen är tillbaka."),
        "not_sent": _("Det gick inte att skicka just nu. Det som väntar ligger kvar och skickas "
                      "senare."),
    }


def offline_texts() -> Markup:
    """The texts as JSON for an HTML attribute in single quotes (what `|tojson` gives)."""
    cache = current_app.extensions.setdefault(_KEY, {})
    locale = str(current_locale())
    value = cache.get(locale)
    if value is None:
        value = cache[locale] = htmlsafe_json_dumps(_texts(), dumps=current_app.json.dumps,
                                                    sort_keys=True)
    return value
