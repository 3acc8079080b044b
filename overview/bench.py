"""The two reference views of `make bench` and its query counter. Used by bench settings only.

`ceiling` is what Django costs with nothing to do; `baseline` is what a plain, well-written
page costs (50 rows from Postgres through a template, no session). Every page of the app is
measured against both in the same server and the same run (bench/run.py).
"""

from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render

from meetings.models import Meeting


def ceiling(request):
    return HttpResponse(b"ok", content_type="text/plain")


def baseline(request):
    meetings = Meeting.objects.order_by("pk").values("pk", "title", "location", "starts_at")[:50]
    return render(request, "bench/baseline.html", {"meetings": meetings})


def count_queries(get_response):
    """Adds X-Bench-Queries: the number of SQL statements the request ran."""

    def middleware(request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = get_response(request)
        response.headers["X-Bench-Queries"] = str(count)
        return response

    return middleware
