"""Text in the charts measured with the font they are drawn in: a category label that does not
fit its slot is wrapped onto two lines, and a chart too narrow even then is widened."""
from __future__ import annotations

import functools
from pathlib import Path

from PIL import ImageFont

FONT_FILE = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # the SVG's first font
PNG_SCALE = 2  # the PNG is drawn at twice the size, shown at the SVG's size: sharp in print
LABEL_SIZE = 12
LABEL_LINE = 14  # the height of a label's second line
LABEL_GAP = 8  # free space between two neighbouring labels


@functools.lru_cache(maxsize=4)
def font(size: int):
    try:
        return ImageFont.truetype(str(FONT_FILE), size * PNG_SCALE)
    except OSError:  # no DejaVu installed: Pillow's own scalable font
        return ImageFont.load_default(size * PNG_SCALE)


def text_width(text: str, size: int = LABEL_SIZE) -> float:
    """The width of a text in the chart's units (the SVG's pixels)."""
    return font(size).getlength(text) / PNG_SCALE


def wrapped(label: str, room: float) -> tuple[str, ...]:
    """The label on one line when it fits `room`, else on the two lines split at the space
    that makes the wider line narrowest."""
    if text_width(label) <= room or " " not in label.strip():
        return (label,)
    words = label.split()
    splits = [(" ".join(words[:n]), " ".join(words[n:])) for n in range(1, len(words))]
    return min(splits, key=lambda lines: max(text_width(line) for line in lines))


def slot_needed(labels: tuple[str, ...]) -> float:
    """The narrowest slot that holds each label on at most two lines, with the gap."""
    return max((max(text_width(line) for line in wrapped(label, 0)) for label in labels),
               default=0) + LABEL_GAP
