"""Markdown to safe HTML: the one renderer for the staff site and the public mirror."""

import re
from functools import lru_cache

import markdown as _markdown
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody",
    "tr", "th", "td",
}
# A "<" that does not open an autolink (<https://...>) is text, never a tag.
_RAW_TAG = re.compile(r"<(?!(?:https?://|mailto:)[^<>\s]+>)")
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}


# The same notes are shown again and again (every reader, every visit to the page): rendering
# them costs more than the rest of a meeting page, so recent texts are kept as rendered.
@lru_cache(maxsize=512)
def render_markdown(text):
    """Render markdown written by a facilitator; raw HTML and scripts never pass.

    Raw HTML in the source is escaped before rendering (autolinks excepted), then the output is sanitised
    by nh3 so that only the tags above and http(s)/mailto links survive.
    """
    if not text:
        return mark_safe("")
    html = _markdown.markdown(
        _RAW_TAG.sub("&lt;", text),
        extensions=["sane_lists", "tables", "nl2br"],
        output_format="html",
    )
    # Headings in the notes start at h3: the page owns h1 and the item heading is h2.
    for level in (1, 2):
        html = html.replace(f"<h{level}>", "<h3>").replace(f"</h{level}>", "</h3>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)
