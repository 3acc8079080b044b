"""groupwork/jinja2.py: the Jinja2 templates' url(), dates and translations agree with
Django's own."""

from datetime import date, datetime, timezone as dt_timezone

import pytest
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from groupwork import jinja2


@pytest.mark.parametrize(
    "name, args",
    [
        ("groupwork:home", ()),
        ("actions:detail", ("foraldragruppen", 12)),
        ("actions:complete", ("a_b-C9", 123456789012)),
        ("meetings:save_item", ("grupp-01", 7, 9)),
        ("public:minutes", ("grupp-01", "2017-10-24")),
        ("public:minutes", ("grupp-01", "not a slug/")),  # not an id or slug: reverse() itself
    ],
)
def test_url_is_what_reverse_gives(name, args):
    try:
        expected = reverse(name, args=args)
    except NoReverseMatch:
        with pytest.raises(NoReverseMatch):
            jinja2.url(name, *args)
        return
    assert jinja2.url(name, *args) == expected


@pytest.mark.parametrize("pk", [None, True, -1, "abc", "12"])
def test_url_refuses_what_reverse_refuses(pk):
    try:
        expected = reverse("actions:detail", args=["grupp-01", pk])
    except NoReverseMatch:
        with pytest.raises(NoReverseMatch):
            jinja2.url("actions:detail", "grupp-01", pk)
    else:
        assert jinja2.url("actions:detail", "grupp-01", pk) == expected
    with pytest.raises(NoReverseMatch):
        jinja2.url("actions:detail", "grupp-01")  # an argument missing


def test_two_times_that_read_the_same_on_the_clock_are_told_apart():
    from zoneinfo import ZoneInfo

    stockholm = ZoneInfo("Europe/Stockholm")
    summer = datetime(2025, 10, 26, 2, 30, tzinfo=stockholm)  # the first 02:30, CEST
    winter = datetime(2025, 10, 26, 2, 30, fold=1, tzinfo=stockholm)  # the second, CET
    with translation.override("sv"):
        assert jinja2.date(summer, "c") != jinja2.date(winter, "c")


def test_dates_are_local_and_in_the_page_language():
    evening = datetime(2026, 1, 16, 23, 30, tzinfo=dt_timezone.utc)  # 17 January in Sweden
    with translation.override("sv"):
        assert jinja2.date(evening, "DATE_FORMAT") == "17 januari 2026"
        assert jinja2.date(date(2026, 3, 12), "j F") == "12 mars"
    with translation.override("en"):
        assert "January" in jinja2.date(evening, "DATE_FORMAT")


def test_the_pages_url_and_date_are_url_and_date():
    # rows.html writes its rows with these, read once a page.
    page_url = jinja2.page_url()
    for name, args in [("actions:detail", ("foraldragruppen", 12)), ("groupwork:home", ())]:
        assert page_url(name, *args) == jinja2.url(name, *args)
    from zoneinfo import ZoneInfo

    stockholm = ZoneInfo("Europe/Stockholm")
    summer = datetime(2025, 10, 26, 2, 30, tzinfo=stockholm)
    winter = datetime(2025, 10, 26, 2, 30, fold=1, tzinfo=stockholm)
    evening = datetime(2026, 1, 16, 23, 30, tzinfo=dt_timezone.utc)
    with translation.override("sv"):
        page_date = jinja2.page_date()
        for value, format in [
            (summer, "c"), (winter, "c"), (evening, "DATE_FORMAT"), (evening, "j F"),
            (evening.astimezone(stockholm), "DATE_FORMAT"), (date(2026, 3, 12), "j F"),
            (date(2026, 3, 12), "DATE_FORMAT"),
        ]:
            assert page_date(value, format) == jinja2.date(value, format)
            assert page_date(value, format) == jinja2.date(value, format)  # and once known


def test_every_form_of_a_response_carries_the_same_csrf_field():
    request = RequestFactory().get("/")
    first, second = jinja2.csrf_field(request), jinja2.csrf_field(request)
    assert first == second and 'name="csrfmiddlewaretoken"' in first
