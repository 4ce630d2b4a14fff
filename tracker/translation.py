"""gettext for the code and the templates, with the catalogue looked up once per request.

Flask-Babel resolves the context, the domain, the locale and its cache key through the `g`
proxy on every call (some 40 µs), and a page makes a few hundred calls (labels, table
headings, status badges). A request chooses its locale and catalogue once, in a before_request
hook, and keeps them in a context variable of its own until teardown; `mail_language` (e-mail
in Swedish) chooses again inside its block. Anywhere else Flask-Babel is asked directly.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from flask_babel import LazyString, get_locale, get_translations
from jinja2 import pass_context
from markupsafe import Markup

_chosen: ContextVar[tuple | None] = ContextVar("tracker_language", default=None)


def translations():
    """The current catalogue (Flask-Babel's; a null catalogue outside an app context)."""
    chosen = _chosen.get()
    return chosen[1] if chosen is not None else get_translations()


def current_locale():
    """Flask-Babel's get_locale() (None outside a request), chosen once per request."""
    chosen = _chosen.get()
    return chosen[0] if chosen is not None else get_locale()


def _choose() -> None:
    _chosen.set((get_locale(), get_translations()))


def _forget(_error=None) -> None:
    _chosen.set(None)


@contextmanager
def chosen_language():
    """Inside the block, the locale Flask-Babel has now (e.g. under force_locale) is the one
    translations() and current_locale() answer; the request's comes back after it."""
    token = _chosen.set((get_locale(), get_translations()))
    try:
        yield
    finally:
        _chosen.reset(token)


def gettext(string: str, **variables) -> str:
    text = translations().ugettext(string)
    return text % variables if variables else text


def count_text(num: int) -> str:
    """A count as the page's language writes it (1 500, or 1,500 on an English page): the
    `%(num)s` of every plural message, in the code and in the templates."""
    if 0 <= num < 1000:
        return str(num)  # written alike in every language, without asking Babel
    from tracker.formatting import number_local  # formatting imports this module

    return number_local(num)


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", count_text(num))
    return translations().ungettext(singular, plural, num) % variables


@pass_context
def _template_ngettext(context, singular: str, plural: str, num: int, **variables):
    """Jinja's own newstyle ngettext (jinja2.ext), but with the count written by count_text."""
    variables.setdefault("num", count_text(num))
    text = translations().ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


def lazy_gettext(string: str, **variables) -> LazyString:
    return LazyString(gettext, string, **variables)


def install(app) -> None:
    """Make the templates' `_`, `gettext` and `ngettext` these (after Flask-Babel's init), and
    choose each request's language once."""
    app.before_request(_choose)
    app.teardown_request(_forget)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
    )
    app.jinja_env.globals["ngettext"] = _template_ngettext
