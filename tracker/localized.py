"""Names that are data, in the page's language: an activity type's name and its measures'
labels have a Swedish and an English version (name_sv/name_en, label/label_en); an English
page shows the English one when it is filled in, else the Swedish."""
from __future__ import annotations

from tracker.translation import current_locale


def english_page() -> bool:
    locale = current_locale()  # None outside a request: Swedish
    return locale is not None and locale.language == "en"


def pick(swedish: str, english: str | None, in_english: bool | None = None) -> str:
    if in_english is None:
        in_english = english_page()
    return english if in_english and english else swedish


def type_name(activity_type, in_english: bool | None = None) -> str:
    """An ActivityType (or anything with name_sv and name_en) by its name on this page."""
    return pick(activity_type.name_sv, activity_type.name_en, in_english)


def measure_label(spec: dict, in_english: bool | None = None) -> str:
    return pick(spec.get("label", ""), spec.get("label_en"), in_english)
