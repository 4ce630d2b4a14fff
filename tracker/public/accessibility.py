"""Facts of the accessibility statement (DIGG's model); its text is in
templates/public/accessibility.html.

Update the dates and the list of known shortcomings when the service or its testing changes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

DIGG_REPORT_URL = "https://www.digg.se/tdosanmalan"


@dataclass(frozen=True)
class Statement:
    assessed_on: date
    updated_on: date
    digg_url: str = DIGG_REPORT_URL


STATEMENT = Statement(assessed_on=date(2026, 11, 22), updated_on=date(2026, 11, 22))
