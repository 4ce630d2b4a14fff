"""The verdict chart's category labels stay inside their own slot, in the page's SVG and in the
Word file's PNG: a label too long for its slot wraps onto two lines, and a chart too narrow even
then widens. Measured with the font both are drawn in (DejaVu Sans, 12 px)."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from io import BytesIO
from types import SimpleNamespace

import pytest
from PIL import Image, ImageFont

from tracker.followups.render.charts import LEFT, PNG_SCALE, RIGHT, TOP, summary_chart
from tracker.followups.report import SCALE, VerdictCount
from tracker.labels import VERDICT

SVG = "{http://www.w3.org/2000/svg}"
FONT = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 12)
LABELS = [str(VERDICT[v]).capitalize() for v in SCALE]
FIVE = ["Uppfyllt", "Delvis uppfyllt", "Ej uppfyllt", "Genomfört", "Kan inte bedömas"]


def _chart(labels):
    summary = tuple(VerdictCount(label, label, number + 1) for number, label in enumerate(labels))
    return summary_chart(SimpleNamespace(summary=summary, year=2025))


@pytest.mark.parametrize("labels", [FIVE, LABELS[-5:], LABELS], ids=["fem", "sista-fem", "alla"])
def test_each_svg_label_line_fits_its_slot(labels):
    root = ET.fromstring(str(_chart(labels).svg()))
    slot = (float(root.get("width")) - LEFT - RIGHT) / len(labels)
    texts = [node for node in root.iter(f"{SVG}text") if node.get("class") == "kategori"]
    assert ["".join(node.itertext()).replace(" ", "") for node in texts] == [
        label.replace(" ", "") for label in labels]
    for node in texts:
        lines = [span.text for span in node.iter(f"{SVG}tspan")] or [node.text]
        for line in lines:
            assert FONT.getlength(line) < slot, f"”{line}” is wider than its slot ({slot:.0f})"


@pytest.mark.parametrize("labels", [FIVE, LABELS], ids=["fem", "alla"])
def test_png_labels_leave_the_border_between_slots_blank(labels):
    chart = _chart(labels)
    image = Image.open(BytesIO(chart.png())).convert("L")
    slot = (chart.width - LEFT - RIGHT) / len(labels)
    bottom = TOP + chart.plot_height
    band = range((bottom + 4) * PNG_SCALE, (bottom + 32) * PNG_SCALE)  # both label lines
    for border in range(1, len(labels)):
        x = round((LEFT + slot * border) * PNG_SCALE)
        for column in range(x - 3 * PNG_SCALE, x + 3 * PNG_SCALE + 1):
            ink = [y for y in band if image.getpixel((column, y)) < 200]
            assert not ink, f"the labels on either side of border {border} run together"
