"""Small helpers for reading a request: htmx, numbers typed into URLs, where to go next, and
the page of a list that the URL asks for."""

import re

from django.core.paginator import Page, Paginator
from django.db.models import Count, Window
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


def counted_page(queryset, number, per_page):
    """Page `number` of the queryset, its total counted by the same query (a window count)
    rather than by a COUNT of its own; past the last page, the last page."""
    paginator = Paginator(queryset, per_page)
    number = number or 1
    offset = (number - 1) * per_page
    rows = list(queryset.annotate(total=Window(Count("pk")))[offset : offset + per_page])
    if not rows and number > 1:
        return paginator.get_page(number)
    paginator.count = rows[0].total if rows else 0
    return Page(rows, number, paginator)
