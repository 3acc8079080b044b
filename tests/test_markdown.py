import re

import pytest

from groupwork.markdown import render_markdown


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "[klicka](javascript:alert(1))",
        '<img src=x onerror="alert(1)">',
        '<a href="#" onclick="alert(1)">x</a>',
        "<iframe src=https://evil.example></iframe>",
        "![x](javascript:alert(1))",
    ],
)
def test_markdown_never_lets_scripts_through(text):
    html = render_markdown(text)
    assert "<script" not in html
    assert "javascript:" not in html
    assert not re.search(r"<[^>]*\son\w+=", html), "an event attribute survived in a tag"
    assert "<iframe" not in html
    assert "<img" not in html


def test_markdown_renders_what_facilitators_write():
    html = render_markdown("**Beslut:** att åka buss\n\n- Eva\n- Anne\n\n<https://oppnasoc.helsingborg.se/>")
    assert "<strong>Beslut:</strong>" in html
    assert "<li>Eva</li>" in html
    assert 'href="https://oppnasoc.helsingborg.se/"' in html


def test_raw_html_is_shown_as_text_not_markup():
    assert "&lt;b&gt;" in render_markdown("<b>fet</b>")
