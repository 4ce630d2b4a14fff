"""The follow-up's charts: one bar chart drawn as inline SVG (web, PDF) and as PNG (Word).

The SVG is built on the server so the PDF, the public page and a strict CSP all get the same
picture: no script, no style attributes, no external references. Every series has its own
colour (at least 4.5:1 against white) and its own fill pattern, and the legend names them, so
the chart does not rely on colour alone. Screen readers get the <title>/<desc> and the table
that every output prints after the chart; Word gets the same description as the image's alt
text. The charts of a report: the verdicts (summary), occasions per month and focus area, and
each indicator over the years where there are two or more.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from itertools import cycle

from markupsafe import Markup

from tracker.followups import prose
from tracker.followups.render import chart_text
from tracker.followups.render.chart_text import LABEL_GAP, LABEL_LINE, PNG_SCALE  # noqa: F401
from tracker.followups.report import MonthSeries, ReportData

MONTH_NAMES = tuple(prose.month_name(m) for m in range(1, 13))
MONTH_ABBREVIATIONS = tuple(name[:3] for name in MONTH_NAMES)  # jan, feb, mar, … dec
COLOURS = ("#0072B2", "#B34700", "#007A5A", "#8E3A80", "#5A5A5A", "#8A6100")
# White marks drawn over the series colour; the first series is plain.
PATTERN_MARKS = (
    "",
    '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="#fff" stroke-width="2"/>',
    '<circle cx="4" cy="4" r="1.6" fill="#fff"/>',
    '<path d="M0,4 H8" stroke="#fff" stroke-width="2"/>',
    '<path d="M0,0 L8,8 M8,0 L0,8" stroke="#fff" stroke-width="1.5"/>',
    '<path d="M4,0 V8" stroke="#fff" stroke-width="2"/>',
)
TEXT_COLOUR = "#1f2328"
GRID_COLOUR = "#d0d7de"
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'
LEFT, RIGHT, TOP = 64, 16, 16
LEGEND_ROW, LEGEND_LABEL_CHARS = 24, 60


@dataclass(frozen=True)
class DataTable:
    """A table every output renders the same way: a header row, then rows led by a row header."""
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric_columns: tuple[int, ...] = ()  # right-aligned


@dataclass(frozen=True)
class Chart:
    """A grouped bar chart: one group per category, one bar per series."""
    key: str                                   # unique on the page: ids derive from it
    title: str
    description: str                           # what the chart shows, in words (alt text)
    categories: tuple[str, ...]                # axis labels
    series: tuple[tuple[str, tuple[float, ...]], ...]
    axis_label: str
    category_label: str
    table: DataTable
    width: int = 720
    plot_height: int = 260

    def __post_init__(self) -> None:
        """Too narrow for its category labels, even on two lines each: the chart widens."""
        needed = chart_text.slot_needed(self.categories) * len(self.categories)
        if needed > self.width - LEFT - RIGHT:
            object.__setattr__(self, "width", math.ceil(LEFT + RIGHT + needed))

    def svg(self) -> Markup:
        return _svg(self)

    def png(self) -> bytes:
        from tracker.followups.render.chart_png import png

        return png(self)


# --- the report's charts -----------------------------------------------------------------------


def summary_chart(report: ReportData) -> Chart | None:
    """How many commitments got each verdict."""
    if not report.summary:
        return None
    title = f"Bedömning av åtagandena {report.year}"
    counts = tuple(float(item.count) for item in report.summary)
    table = DataTable(caption=title, header=("Bedömning", "Antal åtaganden"),
                      rows=tuple((item.label, prose.number(item.count))
                                 for item in report.summary), numeric_columns=(1,))
    words = prose.join(f"{item.label.lower()} {prose.number(item.count)}"
                       for item in report.summary)
    return Chart(key="bedomningar", title=title,
                 description=f"Stapeldiagram över antal åtaganden per bedömning: {words}.",
                 categories=tuple(item.label for item in report.summary),
                 series=(("Antal åtaganden", counts),), axis_label="Antal åtaganden",
                 category_label="Bedömning", table=table, width=480, plot_height=130)


def months_chart(report: ReportData) -> Chart | None:
    if not report.months:
        return None
    title = f"Genomförda tillfällen per månad och fokusområde {report.year}"
    return _months(report.months, title)


def trend_charts(report: ReportData) -> list[Chart]:
    """Each indicator with two years or more, its values year by year."""
    charts = []
    for number, trend in enumerate(report.trends):
        years = tuple(str(year) for year, _value in trend.points)
        values = tuple(value for _year, value in trend.points)
        shown = [prose.indicator_value(value, trend.unit) for value in values]
        title = f"{trend.name}, {years[0]}–{years[-1]}"
        charts.append(Chart(
            key=f"trend-{number}", title=title,
            description=f"Stapeldiagram: {trend.name} per år, "
                        + prose.join(f"{year}: {text}" for year, text in zip(years, shown)) + ".",
            categories=years, series=((trend.name, values),),
            axis_label=trend.unit.capitalize() or "Värde", category_label="År",
            table=DataTable(caption=title, header=("År", trend.name),
                            rows=tuple(zip(years, shown)), numeric_columns=(1,)),
            width=480, plot_height=160))
    return charts


def months_chart_svg(months: tuple[MonthSeries, ...], *, title: str) -> Markup:
    return _months(months, title).svg()


def months_table(months: tuple[MonthSeries, ...], *, caption: str = "") -> DataTable:
    """The chart's figures: one row per month, one column per focus area, and totals."""
    with_total = len(months) > 1
    header = ("Månad", *(series.title for series in months), *(("Totalt",) if with_total else ()))
    rows = []
    for index, month in enumerate(MONTH_NAMES):
        counts = [series.counts[index] for series in months]
        rows.append(_count_row(month.capitalize(), counts, with_total))
    totals = [sum(series.counts) for series in months]
    rows.append(_count_row("Hela året", totals, with_total))
    return DataTable(caption=caption, header=header, rows=tuple(rows),
                     numeric_columns=tuple(range(1, len(header))))


def _months(months: tuple[MonthSeries, ...], title: str) -> Chart:
    return Chart(key="manadsdiagram", title=title, description=_months_description(months),
                 categories=MONTH_ABBREVIATIONS,
                 series=tuple((s.title, tuple(float(n) for n in s.counts)) for s in months),
                 axis_label="Antal tillfällen", category_label="Månad",
                 table=months_table(months, caption=title))


def _count_row(label: str, counts: list[int], with_total: bool) -> tuple[str, ...]:
    cells = [prose.number(count) for count in counts]
    if with_total:
        cells.append(prose.number(sum(counts)))
    return (label, *cells)


def _months_description(months: tuple[MonthSeries, ...]) -> str:
    if not months or not any(sum(series.counts) for series in months):
        return "Inga genomförda tillfällen har registrerats under året."
    sentences = ["Stapeldiagram med antal genomförda tillfällen per månad, "
                 "en stapel per fokusområde."]
    for series in months:
        total = sum(series.counts)
        if total:
            peak = max(range(12), key=lambda index: series.counts[index])
            sentences.append(f"{series.title}: {prose.number(total)} tillfällen, flest i "
                             f"{MONTH_NAMES[peak]} ({prose.number(series.counts[peak])}).")
        else:
            sentences.append(f"{series.title}: inga tillfällen.")
    sentences.append("Samma siffror finns i tabellen efter diagrammet.")
    return " ".join(sentences)


# --- layout, shared by SVG and PNG --------------------------------------------------------------


def _scale(highest: float) -> tuple[float, float]:
    """A round axis maximum and tick step (1, 2 or 5 × 10ⁿ) giving at most five steps."""
    step, factors = 1.0, cycle((2, 2.5, 2))  # 1 → 2 → 5 → 10 → 20 → 50 …
    while math.ceil(highest / step) > 5:
        step = step * next(factors)
    return max(1, math.ceil(highest / step)) * step, step


def _y(chart: Chart, value: float, scale_max: float) -> float:
    return TOP + chart.plot_height - chart.plot_height * value / scale_max


def _label(title: str) -> str:
    return title if len(title) <= LEGEND_LABEL_CHARS else title[:LEGEND_LABEL_CHARS - 1] + "…"


def _legend_layout(chart: Chart) -> list[list[int]]:
    """Series indexes per legend row, wrapping on an estimated text width."""
    if len(chart.series) < 2:
        return []
    rows: list[list[int]] = [[]]
    used = LEFT
    for index, (title, _values) in enumerate(chart.series):
        width = 32 + 7 * len(_label(title))
        if rows[-1] and used + width > chart.width - RIGHT:
            rows.append([])
            used = LEFT
        rows[-1].append(index)
        used += width
    return rows


def _slot(chart: Chart) -> float:
    return (chart.width - RIGHT - LEFT) / max(1, len(chart.categories))


def _category_lines(chart: Chart) -> list[tuple[str, ...]]:
    return [chart_text.wrapped(name, _slot(chart) - LABEL_GAP) for name in chart.categories]


def _label_extra(chart: Chart) -> int:
    """The room the category labels' second lines take below the axis."""
    return LABEL_LINE * (max((len(lines) for lines in _category_lines(chart)), default=1) - 1)


def _legend_top(chart: Chart) -> int:
    return TOP + chart.plot_height + 56 + _label_extra(chart)


def _height(chart: Chart) -> int:
    return _legend_top(chart) + LEGEND_ROW * len(_legend_layout(chart))


def _bars(chart: Chart, scale_max: float):
    """(series index, category index, x, y, width, value) of every bar."""
    slot = _slot(chart)
    bar = min(slot * 0.8 / max(1, len(chart.series)), 72)
    offset = (slot - bar * len(chart.series)) / 2
    for number, (_title, values) in enumerate(chart.series):
        for index, value in enumerate(values):
            x = LEFT + slot * index + offset + bar * number
            yield number, index, x, _y(chart, value, scale_max), bar, value


def _ticks(chart: Chart) -> tuple[float, float]:
    highest = max((max(values, default=0) for _t, values in chart.series), default=0)
    return _scale(highest)


# --- SVG -----------------------------------------------------------------------------------------


def _svg(chart: Chart) -> Markup:
    height = _height(chart)
    scale_max, step = _ticks(chart)
    cid = chart.key
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{chart.width}" '
        f'height="{height}" viewBox="0 0 {chart.width} {height}" '
        f'aria-labelledby="{cid}-titel {cid}-beskrivning">',
        f'<title id="{cid}-titel">{escape(chart.title)}</title>',
        f'<desc id="{cid}-beskrivning">{escape(chart.description)}</desc>',
        _patterns(len(chart.series), cid),
        *_svg_axes(chart, scale_max, step),
        *_svg_bars(chart, scale_max),
        *_svg_legend(chart, _legend_top(chart)),
        "</svg>",
    ]
    return Markup("\n".join(part for part in parts if part))


def _svg_axes(chart: Chart, scale_max: float, step: float) -> list[str]:
    right, bottom = chart.width - RIGHT, TOP + chart.plot_height
    slot = _slot(chart)
    lines = []
    value = 0.0
    while value <= scale_max + 1e-9:
        y = _y(chart, value, scale_max)
        lines.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" '
                     f'stroke="{GRID_COLOUR if value else TEXT_COLOUR}" stroke-width="1"/>')
        lines.append(f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
                     f'{FONT} fill="{TEXT_COLOUR}">{escape(prose.number(value))}</text>')
        value += step
    css_class = "manad" if chart.category_label == "Månad" else "kategori"
    for index, label in enumerate(_category_lines(chart)):
        x = LEFT + slot * (index + 0.5)
        text = (escape(label[0]) if len(label) == 1 else "".join(
            f'<tspan x="{x:.1f}" dy="{LABEL_LINE if number else 0}">{escape(line)}</tspan>'
            for number, line in enumerate(label)))
        lines.append(f'<text class="{css_class}" x="{x:.1f}" y="{bottom + 18}" '
                     f'text-anchor="middle" font-size="12" {FONT} fill="{TEXT_COLOUR}">'
                     f"{text}</text>")
    lines.append(f'<text x="{(LEFT + right) / 2:.1f}" y="{bottom + 40 + _label_extra(chart)}" '
                 f'text-anchor="middle" '
                 f'font-size="13" {FONT} fill="{TEXT_COLOUR}">{escape(chart.category_label)}'
                 "</text>")
    middle = TOP + chart.plot_height / 2
    lines.append(f'<text x="18" y="{middle:.1f}" transform="rotate(-90 18 {middle:.1f})" '
                 f'text-anchor="middle" font-size="13" {FONT} fill="{TEXT_COLOUR}">'
                 f"{escape(chart.axis_label)}</text>")
    return lines


def _fill(index: int, chart_id: str) -> str:
    return (COLOURS[index % len(COLOURS)] if index % len(PATTERN_MARKS) == 0
            else f"url(#{chart_id}-monster-{index})")


def _patterns(count: int, chart_id: str) -> str:
    defs = []
    for index in range(count):
        marks = PATTERN_MARKS[index % len(PATTERN_MARKS)]
        if marks:
            defs.append(f'<pattern id="{chart_id}-monster-{index}" width="8" height="8" '
                        f'patternUnits="userSpaceOnUse"><rect width="8" height="8" '
                        f'fill="{COLOURS[index % len(COLOURS)]}"/>{marks}</pattern>')
    return f"<defs>{''.join(defs)}</defs>" if defs else ""


def _svg_bars(chart: Chart, scale_max: float) -> list[str]:
    groups: dict[int, list[str]] = {}
    for number, _index, x, y, bar, value in _bars(chart, scale_max):
        shapes = groups.setdefault(number, [
            f'<g class="serie" data-serie="{number}" fill="{_fill(number, chart.key)}" '
            f'stroke="{COLOURS[number % len(COLOURS)]}" stroke-width="1">'])
        shapes.append(f'<rect class="stapel" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" '
                      f'height="{TOP + chart.plot_height - y:.1f}"/>')
        if value and bar >= 12:
            shapes.append(f'<text x="{x + bar / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
                          f'font-size="10" {FONT} fill="{TEXT_COLOUR}" stroke="none">'
                          f"{escape(prose.number(value))}</text>")
    return ["".join(shapes) + "</g>" for _number, shapes in sorted(groups.items())]


def _svg_legend(chart: Chart, top: int) -> list[str]:
    items = []
    for row_number, row in enumerate(_legend_layout(chart)):
        x, y = LEFT, top + LEGEND_ROW * row_number
        for index in row:
            label = _label(chart.series[index][0])
            items.append(
                f'<rect x="{x}" y="{y}" width="16" height="16" fill="{_fill(index, chart.key)}" '
                f'stroke="{COLOURS[index % len(COLOURS)]}" stroke-width="1"/>'
                f'<text class="forklaring" x="{x + 22}" y="{y + 13}" font-size="12" {FONT} '
                f'fill="{TEXT_COLOUR}">{escape(label)}</text>')
            x += 32 + 7 * len(label)
    return items


def report_charts(report: ReportData) -> dict:
    """Every chart of a report, where each one goes: {"summary", "months", "trends"}."""
    return {"summary": summary_chart(report), "months": months_chart(report),
            "trends": trend_charts(report)}
