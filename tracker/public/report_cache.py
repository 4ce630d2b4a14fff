"""Rendered bodies of published follow-ups, kept per process.

A published version never changes (the ORM refuses updates and deletes of versions), so the
body residents read depends only on that version, the few live names the report prints (the
municipality, the police area, the promise's title) and the locale. Those make the key: a
renamed municipality or a corrected version is a new key, never a stale page. Building the
report and rendering its sections, tables and chart is most of the public page's work.
"""
from __future__ import annotations

from flask import current_app, get_template_attribute
from markupsafe import Markup

from tracker.followups.render.charts import report_charts
from tracker.followups.report import ReportData, build_report
from tracker.models import FollowUp, FollowUpVersion
from tracker.page_cache import LruCache
from tracker.translation import current_locale

_KEY = "tracker_report_cache"
MAX_ENTRIES = 64  # a body is tens of kB; the published follow-ups residents read at once


def _cache() -> LruCache:
    return current_app.extensions.setdefault(_KEY, LruCache(MAX_ENTRIES))


def clear(app) -> None:
    """Forget every rendered body (a database restored or rolled back reuses version ids)."""
    app.extensions.pop(_KEY, None)


def published_body(followup: FollowUp, version: FollowUpVersion,
                   load_content) -> tuple[ReportData, Markup]:
    """(report, rendered body) of a published version; `load_content(version)` reads the
    version's sections and figures when the body has to be rendered."""
    promise = followup.promise
    place = promise.municipality
    key = (version.id, version.published_at, place.name, place.display_name,
           place.police_area.name, promise.title, str(current_locale()))
    cached = _cache().get(key)
    if cached is None:
        load_content(version)
        report = build_report(followup, version)
        body = get_template_attribute("followups/_report.html", "report_body")(
            report, report_charts(report))
        cached = (report, body)
        _cache().put(key, cached)
    return cached
