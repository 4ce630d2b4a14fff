"""gettext for the code and the templates, with the catalogue looked up once per request.

Flask-Babel resolves the context, the domain, the locale and its cache key on every call, and
a page makes a few hundred calls (labels, table headings, status badges). These functions ask
Flask-Babel once and keep its answer in Flask-Babel's own per-request namespace, tagged with
the locale object it was made for: `force_locale` (e-mail in Swedish) swaps that object, so a
forced or restored locale is never served a stale catalogue.
"""
from __future__ import annotations

from flask import g
from flask.globals import _cv_app
from flask_babel import LazyString, get_locale
from flask_babel import get_translations as _babel_translations


def translations():
    """The current catalogue (Flask-Babel's; a null catalogue outside an app context)."""
    context = _cv_app.get(None)  # `g` itself, without the proxy: a page makes ~80 calls
    try:
        namespace = context.g._flask_babel  # type: ignore[union-attr]  # None: caught below
        locale, catalogue = namespace.tracker_catalogue
        if locale is namespace.babel_locale:
            return catalogue
    except AttributeError:  # first call of the request, or no app context
        pass
    catalogue = _babel_translations()
    namespace = g.get("_flask_babel") if g else None
    if namespace is not None:
        namespace.tracker_catalogue = (getattr(namespace, "babel_locale", None), catalogue)
    return catalogue


def current_locale():
    """Flask-Babel's get_locale(), without its lookups once the request has chosen one."""
    try:
        locale = g._flask_babel.babel_locale
    except (AttributeError, RuntimeError):
        locale = None
    return locale if locale is not None else get_locale()


def gettext(string: str, **variables) -> str:
    text = translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables) -> LazyString:
    return LazyString(gettext, string, **variables)


def install(app) -> None:
    """Make the templates' `_`, `gettext` and `ngettext` these (after Flask-Babel's init)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
    )
