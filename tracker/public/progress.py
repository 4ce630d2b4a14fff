"""The promise page's progress: a small chart per commitment and the page explaining it."""
from __future__ import annotations

from flask import render_template

from tracker.followups import prose
from tracker.followups.render.charts import MONTH_ABBREVIATIONS, MONTH_NAMES, Chart, DataTable
from tracker.public import bp
from tracker.services.public_progress import CommitmentFigures
from tracker.translation import gettext as _


def commitment_chart(commitment_id: int, figures: CommitmentFigures, year: int,
                     last_month: int) -> Chart | None:
    """Occasions per month of the year shown, up to this month; None before anything was done."""
    if not figures.this_year:
        return None
    months = figures.months[:last_month]
    title = _("Genomförda tillfällen per månad %(year)s", year=year)
    peak = max(range(len(months)), key=lambda index: months[index])
    description = _("Stapeldiagram: %(total)s tillfällen %(year)s, flest i %(month)s "
                    "(%(peak)s). Samma siffror finns i tabellen under diagrammet.",
                    total=prose.number(sum(months)), year=year, month=MONTH_NAMES[peak],
                    peak=prose.number(months[peak]))
    table = DataTable(
        caption=title, header=(_("Månad"), _("Tillfällen")),
        rows=tuple((MONTH_NAMES[index].capitalize(), prose.number(count))
                   for index, count in enumerate(months)),
        numeric_columns=(1,))
    return Chart(key=f"atagande-{commitment_id}", title=title, description=description,
                 categories=MONTH_ABBREVIATIONS[:last_month],
                 series=((_("Tillfällen"), tuple(float(n) for n in months)),),
                 axis_label=_("Tillfällen"), category_label=_("Månad"), table=table,
                 width=480, plot_height=110)


@bp.route("/sa-raknar-vi")
def how_we_count():
    return render_template("public/how_we_count.html")
