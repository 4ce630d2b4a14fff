"""Rendered bodies of published follow-ups, kept per process (`tracker.page_cache`).

A published version never changes (the ORM refuses updates and deletes of versions), so the
body residents read depends only on that version, the few live names the report prints (the
municipality, the police area, the promise's title) and the locale. Those make the key: a
renamed municipality or a corrected version is a new key, never a stale page. It is kept apart
from the municipality's data version, which every logged occasion changes: building the report
and rendering its sections, tables and chart is most of the public page's work.
"""
from __future__ import annotations

from flask import get_template_attribute
from markupsafe import Markup

from tracker import page_cache
from tracker.followups.render.charts import report_charts
from tracker.followups.report import ReportData, build_report
from tracker.models import FollowUp, FollowUpVersion


def published_body(followup: FollowUp, version: FollowUpVersion,
                   load_content) -> tuple[ReportData, Markup]:
    """(report, rendered body) of a published version; `load_content(version)` reads the
    version's sections and figures when the body has to be rendered."""
    promise = followup.promise
    place = promise.municipality

    def build() -> tuple[ReportData, Markup]:
        load_content(version)
        report = build_report(followup, version)
        return report, get_template_attribute("followups/_report.html", "report_body")(
            report, report_charts(report))

    return page_cache.lasting_part(
        "published_report", (version.id, version.published_at, place.name, place.display_name,
                             place.police_area.name, promise.title), build)
