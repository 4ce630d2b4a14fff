"""The follow-up's month chart as inline SVG, and the same figures as a table.

The SVG is built on the server so the PDF, the public page and a strict CSP all get the same
picture: no script, no style attributes, no external references. Every series has its own
colour (at least 4.5:1 against white) and its own fill pattern, and the legend names them, so
the chart does not rely on colour alone. Screen readers get the <title>/<desc> and the table.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape
from itertools import cycle

from markupsafe import Markup

from tracker.formatting import MONTHS_SV, number_sv
from tracker.followups.report import MonthSeries

MONTH_ABBREVIATIONS = tuple(name[:3] for name in MONTHS_SV)  # jan, feb, mar, … okt, nov, dec
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
WIDTH, PLOT_HEIGHT = 720, 260
LEFT, RIGHT, TOP = 64, 16, 16
LEGEND_ROW, LEGEND_LABEL_CHARS = 24, 60


@dataclass(frozen=True)
class DataTable:
    """A table every output renders the same way: a header row, then rows led by a row header."""
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric_columns: tuple[int, ...] = ()  # right-aligned


def months_table(months: tuple[MonthSeries, ...], *, caption: str = "") -> DataTable:
    """The chart's figures: one row per month, one column per focus area, and totals."""
    with_total = len(months) > 1
    header = ("Månad", *(series.title for series in months), *(("Totalt",) if with_total else ()))
    rows = []
    for index, month in enumerate(MONTHS_SV):
        counts = [series.counts[index] for series in months]
        rows.append(_count_row(month.capitalize(), counts, with_total))
    totals = [sum(series.counts) for series in months]
    rows.append(_count_row("Hela året", totals, with_total))
    return DataTable(caption=caption, header=header, rows=tuple(rows),
                     numeric_columns=tuple(range(1, len(header))))


def _count_row(label: str, counts: list[int], with_total: bool) -> tuple[str, ...]:
    cells = [number_sv(count) for count in counts]
    if with_total:
        cells.append(number_sv(sum(counts)))
    return (label, *cells)


def months_chart_svg(months: tuple[MonthSeries, ...], *, title: str,
                     chart_id: str = "manadsdiagram") -> Markup:
    """Grouped bars of occasions per month and focus area, with legend, axes and a summary."""
    legend_rows = _legend_layout(months)
    height = TOP + PLOT_HEIGHT + 56 + LEGEND_ROW * len(legend_rows)
    scale_max, step = _scale(max((max(s.counts, default=0) for s in months), default=0))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" '
        f'aria-labelledby="{chart_id}-titel {chart_id}-beskrivning">',
        f'<title id="{chart_id}-titel">{escape(title)}</title>',
        f'<desc id="{chart_id}-beskrivning">{escape(_description(months))}</desc>',
        _patterns(len(months), chart_id),
        *_axes(scale_max, step),
        *_bars(months, scale_max, chart_id),
        *_legend(months, legend_rows, TOP + PLOT_HEIGHT + 56, chart_id),
        "</svg>",
    ]
    return Markup("\n".join(part for part in parts if part))


def _description(months: tuple[MonthSeries, ...]) -> str:
    if not months or not any(sum(series.counts) for series in months):
        return "Inga genomförda tillfällen har registrerats under året."
    sentences = ["Stapeldiagram med antal genomförda tillfällen per månad, "
                 "en stapel per fokusområde."]
    for series in months:
        total = sum(series.counts)
        if total:
            peak = max(range(12), key=lambda index: series.counts[index])
            sentences.append(f"{series.title}: {number_sv(total)} tillfällen, flest i "
                             f"{MONTHS_SV[peak]} ({number_sv(series.counts[peak])}).")
        else:
            sentences.append(f"{series.title}: inga tillfällen.")
    sentences.append("Samma siffror finns i tabellen efter diagrammet.")
    return " ".join(sentences)


def _scale(highest: int) -> tuple[int, int]:
    """A round axis maximum and tick step (1, 2 or 5 × 10ⁿ) giving at most five steps."""
    step, factors = 1, cycle((2, 2.5, 2))  # 1 → 2 → 5 → 10 → 20 → 50 …
    while -(-highest // step) > 5:
        step = int(step * next(factors))
    return max(1, -(-highest // step)) * step, step


def _y(value: float, scale_max: int) -> float:
    return TOP + PLOT_HEIGHT - PLOT_HEIGHT * value / scale_max


def _axes(scale_max: int, step: int) -> list[str]:
    right, bottom = WIDTH - RIGHT, TOP + PLOT_HEIGHT
    slot = (right - LEFT) / 12
    lines = []
    for value in range(0, scale_max + 1, step):
        y = _y(value, scale_max)
        lines.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" '
                     f'stroke="{GRID_COLOUR if value else TEXT_COLOUR}" stroke-width="1"/>')
        lines.append(f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
                     f'{FONT} fill="{TEXT_COLOUR}">{escape(number_sv(value))}</text>')
    for index, name in enumerate(MONTH_ABBREVIATIONS):
        x = LEFT + slot * (index + 0.5)
        lines.append(f'<text class="manad" x="{x:.1f}" y="{bottom + 18}" text-anchor="middle" '
                     f'font-size="12" {FONT} fill="{TEXT_COLOUR}">{name}</text>')
    lines.append(f'<text x="{(LEFT + right) / 2:.1f}" y="{bottom + 40}" text-anchor="middle" '
                 f'font-size="13" {FONT} fill="{TEXT_COLOUR}">Månad</text>')
    middle = TOP + PLOT_HEIGHT / 2
    lines.append(f'<text x="18" y="{middle:.1f}" transform="rotate(-90 18 {middle:.1f})" '
                 f'text-anchor="middle" font-size="13" {FONT} fill="{TEXT_COLOUR}">'
                 "Antal tillfällen</text>")
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


def _bars(months: tuple[MonthSeries, ...], scale_max: int, chart_id: str) -> list[str]:
    if not months:
        return []
    slot = (WIDTH - RIGHT - LEFT) / 12
    bar = slot * 0.8 / len(months)
    groups = []
    for number, series in enumerate(months):
        colour = COLOURS[number % len(COLOURS)]
        shapes = [f'<g class="serie" data-serie="{number}" fill="{_fill(number, chart_id)}" '
                  f'stroke="{colour}" stroke-width="1">']
        for index, count in enumerate(series.counts):
            x = LEFT + slot * index + slot * 0.1 + bar * number
            y = _y(count, scale_max)
            shapes.append(f'<rect class="stapel" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" '
                          f'height="{TOP + PLOT_HEIGHT - y:.1f}"/>')
            if count and bar >= 12:
                shapes.append(f'<text x="{x + bar / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
                              f'font-size="10" {FONT} fill="{TEXT_COLOUR}" stroke="none">'
                              f"{escape(number_sv(count))}</text>")
        shapes.append("</g>")
        groups.append("".join(shapes))
    return groups


def _label(title: str) -> str:
    return title if len(title) <= LEGEND_LABEL_CHARS else title[:LEGEND_LABEL_CHARS - 1] + "…"


def _legend_layout(months: tuple[MonthSeries, ...]) -> list[list[int]]:
    """Series indexes per legend row, wrapping on an estimated text width."""
    rows: list[list[int]] = [[]] if months else []
    used = LEFT
    for index, series in enumerate(months):
        width = 32 + 7 * len(_label(series.title))
        if rows[-1] and used + width > WIDTH - RIGHT:
            rows.append([])
            used = LEFT
        rows[-1].append(index)
        used += width
    return rows


def _legend(months: tuple[MonthSeries, ...], rows: list[list[int]], top: int,
            chart_id: str) -> list[str]:
    items = []
    for row_number, row in enumerate(rows):
        x, y = LEFT, top + LEGEND_ROW * row_number
        for index in row:
            label = _label(months[index].title)
            items.append(
                f'<rect x="{x}" y="{y}" width="16" height="16" fill="{_fill(index, chart_id)}" '
                f'stroke="{COLOURS[index % len(COLOURS)]}" stroke-width="1"/>'
                f'<text class="forklaring" x="{x + 22}" y="{y + 13}" font-size="12" {FONT} '
                f'fill="{TEXT_COLOUR}">{escape(label)}</text>')
            x += 32 + 7 * len(label)
    return items
