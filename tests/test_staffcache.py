"""Staff pages kept per session (groupwork.staffcache): served again only to the session that
saw them, and never after anything was written."""

import os
import re
import stat

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cached_db import SessionStore
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import ActionItem
from groupwork import staffcache
from groupwork.cache import SharedCache
from tests.factories import make_item, make_meeting, make_task

pytestmark = [pytest.mark.django_db, pytest.mark.shared_cache]

HOME = reverse("groupwork:home")


def _login(client, person):
    """Logged in, with the CSRF cookie that the login page gives a browser."""
    client.force_login(person.user)
    client.get(HOME)


def _get(client, url, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_page_seen_again_is_served_from_the_cache(client, group, member):
    make_task(group, owners=[member], title="Boka lokal")
    _login(client, member)
    first, rendered = _get(client, HOME)
    again, cached = _get(client, HOME)
    assert "Boka lokal" in first
    # Only the logged-in user is read; the CSRF token is masked anew on every render.
    assert re.sub(r'value="\w+"', "", again) == re.sub(r'value="\w+"', "", first)
    assert cached == 1 < rendered


def test_any_write_shows_at_once(client, group, member):
    task = make_task(group, owners=[member], title="Boka lokal")
    _login(client, member)
    _get(client, HOME)
    _get(client, HOME)
    make_task(group, owners=[member], title="Skriv till Oslo")  # as a management command would
    page, _queries = _get(client, HOME)
    assert "Skriv till Oslo" in page

    open_tasks = reverse("actions:list", args=[group.slug])
    page, _queries = _get(client, open_tasks)
    page, _queries = _get(client, open_tasks)
    assert "Boka lokal" in page
    client.post(reverse("actions:complete", args=[group.slug, task.pk]))
    page, _queries = _get(client, open_tasks)
    assert "Boka lokal" not in page


def test_a_write_that_bypasses_the_signals_still_shows(client, group, facilitator):
    # Moving an agenda item writes its position with QuerySet.update(), which sends no signal.
    meeting = make_meeting(group)
    first, second = make_item(meeting, "Första punkten"), make_item(meeting, "Andra punkten")
    _login(client, facilitator)
    url = meeting.get_absolute_url()
    _get(client, url)
    page, _queries = _get(client, url)
    assert page.index("Första punkten") < page.index("Andra punkten")

    client.post(
        reverse("meetings:move_item", args=[group.slug, meeting.pk, second.pk]),
        {"direction": "up"},
    )
    page, _queries = _get(client, url)
    assert page.index("Andra punkten") < page.index("Första punkten")
    assert first.pk != second.pk


def test_nobody_is_served_another_persons_page(group, facilitator, member):
    url = reverse("groupwork:group", args=[group.slug])
    anne, barbro = Client(), Client()
    _login(anne, facilitator)
    _login(barbro, member)
    for _ in range(2):
        seen_by_anne, _queries = _get(anne, url)
        seen_by_barbro, _queries = _get(barbro, url)
        # The facilitator sees the members' e-mail addresses; a member never does.
        assert member.user.email in seen_by_anne
        assert member.user.email not in seen_by_barbro


def test_a_new_login_renders_the_page_anew(client, group, member):
    _login(client, member)
    _first, rendered = _get(client, HOME)
    _get(client, HOME)
    client.logout()
    assert client.get(HOME).status_code == 302  # the old session's page is not served
    client.force_login(member.user)
    _page, queries = _get(client, HOME)
    assert queries == rendered


def test_a_notice_is_shown_once_and_never_kept(client, group, member):
    task = make_task(group, owners=[member], title="Boka lokal")
    _login(client, member)
    _get(client, HOME)
    response = client.post(
        reverse("actions:complete", args=[group.slug, task.pk]), {"next": HOME}, follow=True
    )
    notice = response.context["messages"]._loaded_messages[0].message
    assert notice in response.content.decode()
    page, _queries = _get(client, HOME)
    assert notice not in page
    page, _queries = _get(client, HOME)
    assert notice not in page


def test_the_forms_of_a_kept_page_are_accepted(group, member):
    task = make_task(group, owners=[member], title="Boka lokal")
    client = Client(enforce_csrf_checks=True)
    _login(client, member)
    _get(client, HOME)
    page, cached = _get(client, HOME)
    assert cached == 1
    token = re.search(r'name="csrfmiddlewaretoken" value="(\w+)"', page)[1]
    response = client.post(
        reverse("actions:complete", args=[group.slug, task.pk]),
        {"csrfmiddlewaretoken": token, "next": HOME},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == ActionItem.Status.DONE


def test_each_language_has_its_own_page(client, group, member):
    _login(client, member)
    swedish, _queries = _get(client, HOME)
    client.cookies["django_language"] = "en"
    english, _queries = _get(client, HOME)
    assert 'lang="sv"' in swedish and 'lang="en"' in english


def test_each_query_string_has_its_own_page(client, group, member):
    make_task(group, owners=[member], title="Boka lokal")
    url = reverse("actions:list", args=[group.slug])
    _login(client, member)
    _get(client, url)
    _get(client, url)
    page, _queries = _get(client, url + "?status=done")
    assert "Boka lokal" not in page
    page, _queries = _get(client, url)
    assert "Boka lokal" in page


def test_the_session_is_part_of_the_key(group, facilitator, member):
    # The CSRF cookie is not HttpOnly and could be planted: it alone must never select a page.
    url = reverse("groupwork:group", args=[group.slug])
    anne, barbro = Client(), Client()
    _login(anne, facilitator)
    barbro.force_login(member.user)
    barbro.cookies["csrftoken"] = anne.cookies["csrftoken"].value
    for _ in range(2):
        assert member.user.email in _get(anne, url)[0]
        assert member.user.email not in _get(barbro, url)[0]


def test_htmx_requests_are_never_kept(client, group, member):
    _login(client, member)
    _page, rendered = _get(client, HOME, HTTP_HX_REQUEST="true")
    _page, again = _get(client, HOME, HTTP_HX_REQUEST="true")
    assert again == rendered > 1


def test_a_page_is_kept_for_a_limited_time(client, group, member, monkeypatch):
    monkeypatch.setattr(staffcache, "SECONDS", 0)  # expired as soon as stored
    _login(client, member)
    _page, rendered = _get(client, HOME)
    _page, again = _get(client, HOME)
    assert again == rendered > 1


@pytest.mark.parametrize("leaves", ["a cookie", "a changed session"])
def test_a_response_that_changes_cookies_or_the_session_is_never_kept(rf, member, leaves):
    calls = []

    @staffcache.per_session
    def view(request):
        calls.append(request)
        response = HttpResponse("sida")
        if leaves == "a cookie":
            response.set_cookie("something", "x")
        else:
            request.session["something"] = "x"
        return response

    session = SessionStore()
    session.create()
    for _ in range(2):
        request = rf.get("/")
        request.user = member.user
        request.session = SessionStore(session.session_key)
        request.COOKIES["csrftoken"] = request.META["CSRF_COOKIE"] = "a" * 32
        request._messages = FallbackStorage(request)
        assert view(request).content == b"sida"
    assert len(calls) == 2


def test_the_cache_folders_are_the_apps_alone(settings):
    for config in settings.CACHES.values():
        caches_folder = config["LOCATION"]
        SharedCache(caches_folder, {"SHARDS": 1})
        assert stat.S_IMODE(os.stat(caches_folder).st_mode) == 0o700
