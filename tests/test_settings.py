import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches
from django.urls import reverse

from tests.factories import make_meeting, make_task

ROOT = Path(__file__).resolve().parent.parent


def _run(env, *args):
    env = {**{k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")}, **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _run({"DEBUG": "false", "ALLOWED_HOSTS": "groupwork.example.se"}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _run({"DEBUG": "false", "SECRET_KEY": "x" * 60}, "check")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_deploy_check_has_no_warnings():
    result = _run(
        {
            "DEBUG": "false",
            "SECRET_KEY": "k3y-" + "a1b2c3d4e5f6g7h8i9j0" * 3,
            "ALLOWED_HOSTS": "groupwork.example.se",
            "EMAIL_HOST": "smtp.example.se",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_pages_send_security_headers(client):
    response = client.get(reverse("account_login"))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_logged_in_pages_are_kept_by_no_cache(client, member):
    client.force_login(member.user)

    start = client.get(reverse("groupwork:home"))
    calendar = client.get(reverse("groupwork:calendar"))

    assert "Hej Barbro!" in start.content.decode()
    assert start.headers["Cache-Control"] == "private, no-store"
    member.refresh_from_db()
    assert member.calendar_token in calendar.content.decode()
    assert calendar.headers["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
@pytest.mark.shared_cache
def test_no_logged_in_page_is_stored_by_the_server(client, group, facilitator):
    meeting = make_meeting(group)
    make_task(group, [facilitator], "Boka lokalen", meeting=meeting)
    client.force_login(facilitator.user)
    pages = [
        reverse("groupwork:home"),
        reverse("meetings:detail", args=[group.slug, meeting.pk]),
        reverse("meetings:edit", args=[group.slug, meeting.pk]),
        reverse("actions:list", args=[group.slug]),
        reverse("groupwork:search") + "?q=lokalen",
    ]
    for url in pages * 2:  # a page opened again is rendered again
        assert client.get(url).status_code == 200
    # Nothing but the session and the public pages' generation: no page, no part of one.
    assert [key.split(":", 2)[2] for key in caches["pages"]._cache] == ["public:generation"]
    kept = [key.split(":", 2)[2] for key in caches["default"]._cache]
    assert len(kept) == 1 and kept[0].startswith("django.contrib.sessions.cached_db")


@pytest.mark.django_db
def test_public_pages_keep_their_own_cache_headers_for_a_logged_in_person(client, group, member):
    group.is_public = True
    group.save()
    client.force_login(member.user)

    feed = client.get(reverse("public:calendar", args=["foraldragruppen"]))

    assert "BEGIN:VCALENDAR" in feed.content.decode()
    assert feed.headers["Cache-Control"] == "public, max-age=900"


@pytest.mark.django_db
def test_a_calendar_app_fetching_the_feed_gets_the_feeds_own_headers(client, member):
    feed = client.get(reverse("groupwork:calendar_feed", args=[member.calendar_token]))

    assert "BEGIN:VCALENDAR" in feed.content.decode()
    assert feed.headers["Cache-Control"] == "private, max-age=300"


@pytest.mark.django_db
def test_form_widgets_render_through_jinja2_and_the_admins_through_django(admin_client):
    # groupwork.jinja2.FormRenderer: the admin's widget wrapper exists as a Django template only.
    for name in ("admin:groupwork_membership_add", "admin:meetings_meeting_add"):
        page = admin_client.get(reverse(name)).content.decode()
        assert 'class="related-widget-wrapper"' in page and '<select name="group"' in page
