"""The follow-up's charts as PNG pictures for the Word file, laid out as the SVG (charts.py)."""
from __future__ import annotations

from io import BytesIO

from PIL import Image, ImageDraw

from tracker.followups import prose
from tracker.followups.render.chart_text import LABEL_LINE, PNG_SCALE
from tracker.followups.render.chart_text import font as _font
from tracker.followups.render.charts import (
    COLOURS,
    GRID_COLOUR,
    LEFT,
    LEGEND_ROW,
    PATTERN_MARKS,
    RIGHT,
    TEXT_COLOUR,
    TOP,
    Chart,
    _bars,
    _category_lines,
    _height,
    _label,
    _label_extra,
    _legend_layout,
    _legend_top,
    _slot,
    _ticks,
    _y,
)


def png(chart: Chart) -> bytes:
    s = PNG_SCALE
    height = _height(chart)
    image = Image.new("RGB", (chart.width * s, height * s), "white")
    draw = ImageDraw.Draw(image)
    scale_max, step = _ticks(chart)
    right, bottom = chart.width - RIGHT, TOP + chart.plot_height
    value = 0.0
    while value <= scale_max + 1e-9:
        y = _y(chart, value, scale_max)
        draw.line([(LEFT * s, y * s), (right * s, y * s)],
                  fill=GRID_COLOUR if value else TEXT_COLOUR, width=s)
        draw.text(((LEFT - 8) * s, y * s), prose.number(value), fill=TEXT_COLOUR,
                  font=_font(12), anchor="rm")
        value += step
    slot, extra = _slot(chart), _label_extra(chart)
    for index, lines in enumerate(_category_lines(chart)):
        for number, line in enumerate(lines):
            draw.text(((LEFT + slot * (index + 0.5)) * s, (bottom + 14 + LABEL_LINE * number) * s),
                      line, fill=TEXT_COLOUR, font=_font(12), anchor="mm")
    draw.text((((LEFT + right) / 2) * s, (bottom + 38 + extra) * s), chart.category_label,
              fill=TEXT_COLOUR, font=_font(13), anchor="mm")
    _png_axis_label(image, chart)
    for number, _index, x, y, bar, amount in _bars(chart, scale_max):
        colour = COLOURS[number % len(COLOURS)]
        box = [x * s, y * s, (x + bar) * s, bottom * s]
        if box[3] - box[1] >= 1:
            draw.rectangle(box, fill=colour if number % len(PATTERN_MARKS) == 0 else "white",
                           outline=colour, width=s * (1 if number % 6 == 0 else 3))
        if amount and bar >= 12:
            draw.text(((x + bar / 2) * s, (y - 4) * s), prose.number(amount), fill=TEXT_COLOUR,
                      font=_font(10), anchor="mb")
    for row_number, row in enumerate(_legend_layout(chart)):
        x, y = LEFT, _legend_top(chart) + LEGEND_ROW * row_number
        for index in row:
            label = _label(chart.series[index][0])
            colour = COLOURS[index % len(COLOURS)]
            draw.rectangle([x * s, y * s, (x + 16) * s, (y + 16) * s],
                           fill=colour if index % len(PATTERN_MARKS) == 0 else "white",
                           outline=colour, width=s * (1 if index % 6 == 0 else 3))
            draw.text(((x + 22) * s, (y + 13) * s), label, fill=TEXT_COLOUR, font=_font(12),
                      anchor="ls")
            x += 32 + 7 * len(label)
    buffer = BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _png_axis_label(image: Image.Image, chart: Chart) -> None:
    """The value axis's title, turned to read upwards beside the axis, as in the SVG."""
    s, font = PNG_SCALE, _font(13)
    left, top, right, bottom = font.getbbox(chart.axis_label)
    label = Image.new("RGBA", (right - left + 4 * s, bottom - top + 4 * s), (255, 255, 255, 0))
    ImageDraw.Draw(label).text((2 * s - left, 2 * s - top), chart.axis_label, fill=TEXT_COLOUR,
                               font=font)
    turned = label.rotate(90, expand=True)
    middle = TOP + chart.plot_height / 2
    image.paste(turned, (round(18 * s - turned.width / 2), round(middle * s - turned.height / 2)),
                turned)
