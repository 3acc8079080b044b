"""The mirror's answers to what a real WordPress cannot be made to say on demand (429 with
retry_after, 5xx, 400, 403), through a fake HTTP layer (`responses`); the real WordPress is
tests/test_wordpress.py. Also: the Application Password stays a secret, the connection's
admin page, the WORDPRESS_* defaults, the payload."""

import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
import responses
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from publishing import gate, mirror, wordpress
from publishing.models import Mirror, Snapshot, WordPressSite
from tests.factories import make_facilitator, make_group, make_item, make_meeting, make_user

pytestmark = pytest.mark.django_db

SITE = "https://oppnasoc.exempel.se"
POSTS = f"{SITE}/wp-json/wp/v2/posts"
SECRET = "Kanarielosen abcd efgh ijkl"
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def connected(db):
    group = make_group("Föräldragruppen", slug="foraldragruppen", is_public=True)
    anne = make_facilitator(group, "Anne")
    site = WordPressSite.objects.create(group=group, url=SITE, username="groupwork",
                                        app_password=SECRET, category_id=7, with_pdf=False)
    meeting = make_meeting(group, starts_at=datetime(2026, 1, 16, 10, 30, tzinfo=STOCKHOLM),
                           status=Meeting.Status.APPROVED)
    make_item(meeting, "Osloresan", notes="Vi åker buss.")
    gate.publish_minutes(meeting, by=anne.user)
    return group, anne, site, Mirror.objects.get(meeting=meeting)


def _created(post_id=41):
    return {"id": post_id, "status": "publish", "link": f"{SITE}/minnesanteckningar/",
            "slug": "minnesanteckningar-foraldragruppen-2026-01-16"}


def _find_nothing(rsps):
    rsps.get(POSTS, json=[])


@responses.activate
def test_a_429_with_retry_after_is_waited_for_and_tried_again(connected):
    group, anne, site, row = connected
    _find_nothing(responses)
    responses.post(POSTS, status=429, json={"code": "too_many", "data": {"retry_after": 1}})
    responses.post(POSTS, status=201, json=_created())
    started = time.monotonic()
    done = mirror.run(row.pk)
    assert time.monotonic() - started >= 1  # retry_after honoured, not guessed
    assert done.state == Mirror.State.MIRRORED and done.post_id == 41
    assert [c.request.method for c in responses.calls] == ["GET", "POST", "POST"]


@responses.activate
def test_a_long_retry_after_leaves_the_item_pending_until_then(connected):
    group, anne, site, row = connected
    _find_nothing(responses)
    responses.post(POSTS, status=429, headers={"Retry-After": "600"}, json={})
    done = mirror.run(row.pk)
    assert done.state == Mirror.State.PENDING and "HTTP 429" in done.reason
    assert timedelta(seconds=590) < done.next_attempt_at - timezone.now() <= timedelta(seconds=600)
    assert len(responses.calls) == 2  # asked once, not hammered
    assert mirror.due() == []  # cron leaves it until then
    assert mirror.due(now=timezone.now() + timedelta(seconds=601)) == [row.pk]


@responses.activate
def test_a_server_error_on_an_update_is_retried_with_backoff(connected):
    group, anne, site, row = connected
    Mirror.objects.filter(pk=row.pk).update(post_id=41)
    responses.post(f"{POSTS}/41", status=502, body="Bad gateway")
    responses.post(f"{POSTS}/41", status=200, json=_created())
    done = mirror.run(row.pk, sleep=lambda seconds: None)
    assert done.state == Mirror.State.MIRRORED
    assert [c.request.method for c in responses.calls] == ["POST", "POST"]


@responses.activate
def test_server_errors_that_last_leave_the_item_pending(connected):
    group, anne, site, row = connected
    _find_nothing(responses)
    responses.post(POSTS, status=503, body="")
    done = mirror.run(row.pk, sleep=lambda seconds: None)
    assert done.state == Mirror.State.PENDING and "HTTP 503" in done.reason
    assert done.next_attempt_at > timezone.now()


@pytest.mark.parametrize(
    ("status", "code", "words"),
    [
        (400, "rest_invalid_param", "Kontrollera kategorins nummer"),
        (401, "incorrect_password", "Kontrollera användarnamnet och applikationslösenordet"),
        (403, "rest_cannot_create", "rollen Författare"),
        (404, "rest_no_route", "Kontrollera webbplatsens adress"),
    ],
)
@responses.activate
def test_a_refusal_stops_with_the_reason_in_swedish(connected, status, code, words):
    group, anne, site, row = connected
    _find_nothing(responses)
    responses.post(POSTS, status=status,
                   json={"code": code, "message": f"{SECRET} echoed back", "data": {}})
    done = mirror.run(row.pk)
    assert done.state == Mirror.State.FAILED
    assert f"HTTP {status}, {code}" in done.reason and words in done.reason
    assert SECRET not in done.reason and "echoed" not in done.reason
    assert len(responses.calls) == 2  # not retried: someone has to fix something first
    assert mirror.due() == []


@responses.activate
def test_the_application_password_is_in_no_log_reason_repr_or_admin_page(
    connected, client, caplog
):
    group, anne, site, row = connected
    responses.get(POSTS, body=requests.ConnectionError(f"refused {SECRET}?"))
    done = mirror.run(row.pk, sleep=lambda seconds: None)
    assert done.state == Mirror.State.PENDING and "svarar inte" in done.reason
    sent = responses.calls[0].request.headers["Authorization"]
    assert sent.startswith("Basic ")  # sent to WordPress, and there only
    client_ = wordpress.Client(site)
    admin = make_user("admin@exempel.se")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    pages = [client.get(reverse("admin:publishing_wordpresssite_change", args=[site.pk])),
             client.get(reverse("admin:publishing_wordpresssite_changelist")),
             client.get(reverse("admin:publishing_mirror_changelist"))]
    assert all(p.status_code == 200 for p in pages)
    shown = [done.reason, caplog.text, repr(client_), repr(client_.auth), repr(site), str(site),
             *(p.content.decode() for p in pages)]
    for text in shown:
        assert "Kanarielosen" not in text


def test_the_admin_keeps_the_saved_password_when_the_field_is_left_empty(connected, client):
    group, anne, site, row = connected
    admin = make_user("admin@exempel.se")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    url = reverse("admin:publishing_wordpresssite_change", args=[site.pk])
    form = {"group": group.pk, "url": SITE, "username": "ny", "app_password": "",
            "category_id": "7", "content": "full", "with_pdf": ""}
    assert client.post(url, form).status_code == 302
    site.refresh_from_db()
    assert site.username == "ny" and site.app_password == SECRET
    refused = client.post(url, {**form, "url": "http://oppnasoc.exempel.se"})
    assert "https://" in refused.content.decode()


def test_plain_http_is_refused_except_on_this_machine(connected):
    group, anne, site, row = connected
    site.url = "http://oppnasoc.exempel.se"
    with pytest.raises(wordpress.WordPressError, match="https://"):
        wordpress.Client(site)
    site.url = "http://127.0.0.1:8080"
    wordpress.Client(site)


@responses.activate
def test_a_group_without_a_site_of_its_own_mirrors_to_the_default(settings):
    settings.WORDPRESS_URL = SITE
    settings.WORDPRESS_USER = "groupwork"
    settings.WORDPRESS_APP_PASSWORD = SECRET
    settings.WORDPRESS_CATEGORY_ID = 3
    group = make_group("Föräldragruppen", slug="foraldragruppen", is_public=True)
    private = make_group("Internt", slug="internt")
    for g in (group, private):
        meeting = make_meeting(g, status=Meeting.Status.APPROVED)
        make_item(meeting, "Osloresan")
        gate.publish_minutes(meeting)
    _find_nothing(responses)
    responses.get(f"{SITE}/wp-json/wp/v2/media", json=[])
    responses.post(f"{SITE}/wp-json/wp/v2/media", status=201,
                   json={"id": 5, "source_url": f"{SITE}/a.pdf"})
    responses.post(POSTS, status=201, json=_created())
    call_command("mirror_to_wordpress", stdout=open("/dev/null", "w"))
    [row] = Mirror.objects.all()  # the group that does not publish makes no post
    assert row.group == group and row.state == Mirror.State.MIRRORED
    sent = [c for c in responses.calls if c.request.url == POSTS and c.request.method == "POST"]
    assert b'"categories": [3]' in sent[0].request.body


def test_nothing_is_mirrored_for_a_group_with_no_site():
    group = make_group("Föräldragruppen", slug="foraldragruppen", is_public=True)
    meeting = make_meeting(group, status=Meeting.Status.APPROVED)
    make_item(meeting, "Osloresan")
    gate.publish_minutes(meeting)
    assert not Mirror.objects.exists()


@responses.activate
def test_a_site_connected_later_gets_what_was_published_before(settings):
    group = make_group("Föräldragruppen", slug="foraldragruppen", is_public=True)
    meeting = make_meeting(group, status=Meeting.Status.APPROVED)
    make_item(meeting, "Osloresan")
    gate.publish_minutes(meeting)
    WordPressSite.objects.create(group=group, url=SITE, username="groupwork",
                                 app_password=SECRET, with_pdf=False)
    assert Mirror.objects.get(meeting=meeting).state == Mirror.State.PENDING


def test_the_post_is_the_snapshot_and_nothing_else(connected):
    group, anne, site, row = connected
    snapshot = Snapshot.objects.get(meeting=row.meeting)
    post = wordpress.post_for(snapshot, site, row.slug)
    assert post["title"] == "Minnesanteckningar från Föräldragruppen 16 januari 2026"
    assert post["comment_status"] == "closed" and post["categories"] == [7]
    # The same words as the Öppna soc block of /oppet/, which a person pasted by hand before.
    block = re.search(r'<textarea id="snippet" readonly rows="12">(.*?)</textarea>',
                      _get_snippet(snapshot), re.S).group(1)
    import html

    assert html.unescape(block).strip() in post["content"]


def _get_snippet(snapshot):
    from django.test import Client

    url = reverse("public:minutes_snippet", args=[snapshot.group.slug, snapshot.public_slug])
    return Client().get(url).content.decode()


@pytest.mark.parametrize("size", [1, 4])
def test_publishing_page_query_count_is_fixed_with_mirror_states(
    client, django_assert_num_queries, size
):
    group = make_group("Föräldragruppen", slug="foraldragruppen", is_public=True)
    anne = make_facilitator(group, "Anne")
    WordPressSite.objects.create(group=group, url=SITE, username="groupwork",
                                 app_password=SECRET, with_pdf=False)
    for day in range(size):
        meeting = make_meeting(group, status=Meeting.Status.APPROVED,
                               starts_at=timezone.now() - timedelta(days=day + 1))
        make_item(meeting, "Osloresan")
        gate.publish_minutes(meeting, by=anne.user)
    Mirror.objects.update(state=Mirror.State.FAILED, reason="Öppna soc svarade HTTP 418.")
    client.force_login(anne.user)
    url = reverse("groupwork:publishing", args=[group.slug])
    client.get(url)
    with django_assert_num_queries(6):
        page = client.get(url).content.decode()
    assert page.count("Försök igen") == size and page.count("HTTP 418") == size
