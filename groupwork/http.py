"""Small helpers for reading a request: htmx, numbers typed into URLs, where to go next, and
the page of a list that the URL asks for."""

import re

from django.core.paginator import Page, Paginator
from django.db.models import Count, Func, Subquery, Value, Window
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


def counted_page(queryset, number, per_page, rows=None):
    """Page `number` of the queryset, its total counted by the same query; past the last page,
    the last page.

    Without `rows`, a window count over the queryset's rows. With `rows`, a function that makes
    the rows shown from a subquery of the page's ids (ActionItemQuerySet.rows_of: the tasks
    joined to their group and origin), the page's ids are chosen and counted on the queryset
    alone and only they are joined: a window count joins every row that matches (the task
    list joined a group's 208 open tasks to show 25, 2.6 ms in Postgres)."""
    paginator = Paginator(queryset, per_page)
    number = number or 1
    offset = (number - 1) * per_page
    if rows is None:
        page_rows = queryset.annotate(total=Window(Count("pk")))
    else:
        # COUNT(*) over the queryset's rows as a scalar subquery; Func, not Count, so that the
        # subquery is not grouped by anything.
        total = queryset.order_by().annotate(total=Func(Value(1), function="COUNT"))
        chosen = queryset.values("pk")[offset : offset + per_page]
        page_rows = rows(chosen).annotate(total=Subquery(total.values("total")))
        offset = 0
    page_rows = list(page_rows[offset : offset + per_page])
    if not page_rows and number > 1:
        if rows is None:
            return paginator.get_page(number)
        return counted_page(queryset, paginator.num_pages, per_page, rows)
    paginator.count = page_rows[0].total if page_rows else 0
    return Page(page_rows, number, paginator)


def page_link(request, number):
    """The address of page `number` of a list, its filters kept ({% querystring sida=... %})."""
    query = request.GET.copy()
    query["sida"] = number
    return f"?{query.urlencode()}"
