"""Markdown → sanitized HTML: what every output of a follow-up renders section text from."""
from __future__ import annotations

import functools

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "blockquote", "ul", "ol", "li",
    "table", "thead", "tbody", "tr", "th", "td", "a", "code",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": set()}
URL_SCHEMES = {"http", "https", "mailto"}


@functools.lru_cache(maxsize=256)  # a pure function; a report's sections cost ~100 ms to convert
def markdown_html(text: str) -> str:
    """Markdown → sanitized HTML. Headings in a section start at h3 (the section title is h2)."""
    html = markdown_lib.markdown(text or "", extensions=["tables", "sane_lists"],
                                 output_format="html")
    for level in (3, 2, 1):  # shift # and ## so they sit under the section's own h2
        html = html.replace(f"<h{level}>", f"<h{level + 1}>").replace(
            f"</h{level}>", f"</h{level + 1}>")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel="noopener noreferrer")
