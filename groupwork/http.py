"""Small helpers for reading a request: htmx, numbers typed into URLs, and where to go next."""

import re

from django.utils.http import url_has_allowed_host_and_scheme


def is_htmx(request):
    return request.headers.get("HX-Request") == "true"


def whole_number(value):
    """A number typed into a URL or a form, or None.

    "²", "-1", " 5", "1e3", "" and 5,000 digits never reach int(); nine digits at most,
    so that the number fits every integer column and no query overflows.
    """
    return int(value) if value and re.fullmatch(r"[0-9]{1,9}", value) else None


def safe_next(request, default):
    """The `next` the form or link carries if it leads to this site; otherwise `default`."""
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default
