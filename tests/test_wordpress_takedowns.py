"""What must never stay public on Öppna soc when it left /oppet/, and what must never be made
twice there: marks during a run, lost answers to a create, deleted meetings and visits, a
connection removed or moved, the Application Password in the admin. Through a fake HTTP layer
(`responses`), on both databases; the real WordPress is tests/test_wordpress.py."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import requests
import responses
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from meetings.models import Meeting
from publishing import gate, mirror, wordpress
from publishing.models import Mirror, Snapshot, WordPressSite
from tests.factories import (
    make_facilitator,
    make_group,
    make_item,
    make_meeting,
    make_user,
    make_visit,
)

pytestmark = pytest.mark.django_db

SITE = "https://oppnasoc.exempel.se"
POSTS = f"{SITE}/wp-json/wp/v2/posts"
MEDIA = f"{SITE}/wp-json/wp/v2/media"
SECRET = "Kanarielosen abcd efgh ijkl"
STOCKHOLM = ZoneInfo("Europe/Stockholm")
SLUG = "minnesanteckningar-foraldragruppen-2026-01-16"


@pytest.fixture
def connected(db):
    group = make_group("Föräldragruppen", slug="foraldragruppen", is_public=True)
    anne = make_facilitator(group, "Anne")
    site = WordPressSite.objects.create(group=group, url=SITE, username="groupwork",
                                        app_password=SECRET, category_id=7, with_pdf=False)
    meeting = _published(group, anne)
    return group, anne, site, meeting, Mirror.objects.get(meeting=meeting)


def _published(group, anne, day=16):
    meeting = make_meeting(group, starts_at=datetime(2026, 1, day, 10, 30, tzinfo=STOCKHOLM),
                           status=Meeting.Status.APPROVED)
    make_item(meeting, "Osloresan", notes="Vi åker buss.")
    gate.publish_minutes(meeting, by=anne.user)
    return meeting


def _post(status="publish", post_id=41, link=f"{SITE}/p/41/"):
    return {"id": post_id, "status": status, "link": link, "slug": SLUG}


def _mirrored(row):
    """The row's post made on the site, published."""
    with responses.RequestsMock() as rsps:
        rsps.get(POSTS, json=[])
        rsps.post(POSTS, status=201, json=_post())
        mirror.run(row.pk)
    row.refresh_from_db()
    assert row.post_status == "publish" and row.post_id == 41


def _sent(method, url):
    return [c.request for c in responses.calls
            if c.request.method == method and c.request.url.split("?")[0] == url]


def _admin(client, *codenames):
    user = make_user()
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return user


# --- 1. a mark while a run is sending ---------------------------------------------------------


@responses.activate
def test_an_unpublish_while_the_post_is_being_sent_takes_it_down_all_the_same(connected):
    group, anne, site, meeting, row = connected
    responses.get(POSTS, json=[])

    def create(request):
        meeting.refresh_from_db()
        meeting.unpublish(by=anne.user)  # the facilitator unpublishes while the run sends
        return (201, {}, json.dumps(_post()))

    responses.add_callback(responses.POST, POSTS, callback=create)
    responses.post(f"{POSTS}/41", json=_post("draft"))
    done = mirror.run(row.pk)

    assert not Snapshot.objects.filter(meeting=meeting).exists()
    row.refresh_from_db()
    assert row.state == Mirror.State.MIRRORED and row.post_status == "draft"
    [draft] = _sent("POST", f"{POSTS}/41")
    assert json.loads(draft.body) == {"status": "draft", "content": "", "excerpt": ""}
    assert done.post_status == "draft"


# --- 2. a create whose answer was lost --------------------------------------------------------


@pytest.mark.parametrize("lost", [requests.exceptions.ReadTimeout("read timed out"), 504])
@responses.activate
def test_a_post_whose_answer_was_lost_is_found_by_its_slug_not_made_again(connected, lost):
    group, anne, site, meeting, row = connected
    responses.get(POSTS, json=[])
    if isinstance(lost, int):
        responses.post(POSTS, status=lost)
    else:
        responses.post(POSTS, body=lost)
    responses.get(POSTS, json=[_post()])  # WordPress made it all the same
    responses.post(f"{POSTS}/41", json=_post())
    done = mirror.run(row.pk, sleep=lambda seconds: None)
    assert len(_sent("POST", POSTS)) == 1
    assert done.state == Mirror.State.MIRRORED and done.post_id == 41


@responses.activate
def test_a_post_that_was_not_made_after_all_is_made_once_by_the_next_run(connected):
    group, anne, site, meeting, row = connected
    responses.get(POSTS, json=[])
    responses.post(POSTS, body=requests.exceptions.ReadTimeout("read timed out"))
    done = mirror.run(row.pk, sleep=lambda seconds: None)
    assert done.state == Mirror.State.PENDING and len(_sent("POST", POSTS)) == 1
    responses.replace(responses.POST, POSTS, status=201, json=_post())
    mirror.run(row.pk, sleep=lambda seconds: None)
    assert len(_sent("POST", POSTS)) == 2
    assert Mirror.objects.get(pk=row.pk).state == Mirror.State.MIRRORED


@responses.activate
def test_a_pdf_whose_upload_answer_was_lost_is_found_not_uploaded_again(connected):
    group, anne, site, meeting, row = connected
    WordPressSite.objects.filter(pk=site.pk).update(with_pdf=True)
    responses.get(MEDIA, json=[])
    responses.post(MEDIA, status=504)
    snapshot = Snapshot.objects.get(meeting=meeting)
    slug = wordpress.pdf_slug(row.slug, wordpress.pdf_key(snapshot))
    responses.get(MEDIA, json=[{"id": 5, "slug": slug, "source_url": f"{SITE}/{slug}.pdf"}])
    responses.get(POSTS, json=[])
    responses.post(POSTS, status=201, json=_post())
    done = mirror.run(row.pk, sleep=lambda seconds: None)
    assert len(_sent("POST", MEDIA)) == 1
    assert done.state == Mirror.State.MIRRORED and done.media_id == 5
    assert f"{SITE}/{slug}.pdf" in json.loads(_sent("POST", POSTS)[0].body)["content"]


# --- 3 and 4. a published meeting or visit deleted --------------------------------------------


@responses.activate
def test_deleting_a_published_meeting_takes_its_post_down(connected):
    group, anne, site, meeting, row = connected
    _mirrored(row)
    meeting.delete()
    row.refresh_from_db()
    assert row.meeting_id is None and row.pk in mirror.due()
    responses.post(f"{POSTS}/41", json=_post("draft"))
    mirror.run(row.pk)
    row.refresh_from_db()
    assert row.state == Mirror.State.MIRRORED and row.post_status == "draft"


@responses.activate
def test_deleting_a_visit_with_a_published_report_takes_its_post_down(connected):
    group, anne, site, meeting, row = connected
    visit = make_visit(group, "Malmö", report="Vi lärde oss mycket om familjehem.")
    gate.publish_report(visit, by=anne.user)
    row = Mirror.objects.get(visit=visit)
    _mirrored(row)
    visit.delete()
    assert row.pk in mirror.due()
    responses.post(f"{POSTS}/41", json=_post("draft"))
    assert mirror.run(row.pk).post_status == "draft"


@responses.activate
def test_publishing_minutes_of_a_deleted_meetings_date_again_brings_back_the_same_post(
    connected,
):
    group, anne, site, meeting, row = connected
    _mirrored(row)
    meeting.delete()
    again = _published(group, anne)  # the same date: the same public slug, the same post
    row.refresh_from_db()
    assert row.meeting_id == again.pk and Mirror.objects.count() == 1
    responses.post(f"{POSTS}/41", json=_post())
    done = mirror.run(row.pk)
    assert done.state == Mirror.State.MIRRORED and done.post_status == "publish"
    assert _sent("POST", POSTS) == []  # no second post


# --- 5. the connection removed or moved -------------------------------------------------------


def test_a_group_whose_posts_are_public_is_not_deleted(connected):
    group, anne, site, meeting, row = connected
    _mirrored(row)
    with pytest.raises(ProtectedError):
        group.delete()
    assert Mirror.objects.filter(pk=row.pk).exists()


@responses.activate
def test_a_group_whose_posts_were_taken_down_can_be_deleted(connected):
    group, anne, site, meeting, row = connected
    _mirrored(row)
    group.is_public = False  # "publiceras på Öppna soc" off: every post comes down
    group.save()
    responses.post(f"{POSTS}/41", json=_post("draft"))
    mirror.run(row.pk)
    group.delete()
    assert not Mirror.objects.exists()


def test_a_connection_whose_posts_are_public_is_not_removed(connected, client):
    group, anne, site, meeting, row = connected
    _mirrored(row)
    with pytest.raises(ProtectedError), transaction.atomic():
        site.delete()
    _admin(client, "view_wordpresssite", "delete_wordpresssite")
    url = reverse("admin:publishing_wordpresssite_delete", args=[site.pk])
    page = client.post(url, {"post": "yes"}).content.decode()
    assert "är publicerat på Öppna soc" in page and "publiceras på Öppna soc" in page
    assert WordPressSite.objects.filter(pk=site.pk).exists()


def test_the_address_of_a_connection_whose_posts_are_public_is_not_changed(connected, client):
    group, anne, site, meeting, row = connected
    _mirrored(row)
    _admin(client, "view_wordpresssite", "change_wordpresssite")
    url = reverse("admin:publishing_wordpresssite_change", args=[site.pk])
    form = {"group": group.pk, "url": "https://annan.exempel.se", "username": "groupwork",
            "app_password": "", "category_id": "7", "content": "summary", "with_pdf": ""}
    page = client.post(url, form)
    assert page.status_code == 200 and "kan inte ändras medan de är publicerade" in (
        page.content.decode())
    site.refresh_from_db()
    assert site.url == SITE


@responses.activate
def test_a_post_public_on_a_site_no_longer_connected_is_kept_and_said_so(connected):
    group, anne, site, meeting, row = connected
    _mirrored(row)
    WordPressSite.objects.filter(pk=site.pk).update(url="https://annan.exempel.se")
    meeting.refresh_from_db()
    meeting.unpublish(by=anne.user)
    done = mirror.run(row.pk)
    assert done.state == Mirror.State.FAILED and "fortfarande publicerat på" in done.reason
    row.refresh_from_db()
    assert row.post_id == 41 and row.post_status == "publish"  # not forgotten
    assert len(responses.calls) == 0


@responses.activate
def test_emptied_settings_leave_the_post_known_and_the_reason_says_it_is_still_public(
    settings,
):
    settings.WORDPRESS_URL = SITE
    settings.WORDPRESS_USER = "groupwork"
    settings.WORDPRESS_APP_PASSWORD = SECRET
    group = make_group("Föräldragruppen", slug="foraldragruppen", is_public=True)
    anne = make_facilitator(group, "Anne")
    settings.WORDPRESS_CATEGORY_ID = None
    meeting = _published(group, anne)
    row = Mirror.objects.get(meeting=meeting)
    responses.get(MEDIA, json=[])
    responses.post(MEDIA, status=201, json={"id": 5, "slug": "x", "source_url": f"{SITE}/x.pdf"})
    responses.get(POSTS, json=[])
    responses.post(POSTS, status=201, json=_post())
    assert mirror.run(row.pk).post_status == "publish"
    settings.WORDPRESS_URL = settings.WORDPRESS_APP_PASSWORD = ""
    meeting.refresh_from_db()
    meeting.unpublish(by=anne.user)
    done = mirror.run(row.pk)
    assert done.state == Mirror.State.FAILED and "fortfarande publicerat på" in done.reason
    assert SECRET not in done.reason


# --- 6. the Application Password in the admin -------------------------------------------------


def test_staff_who_may_only_view_the_connection_never_see_its_password(connected, client):
    group, anne, site, meeting, row = connected
    _admin(client, "view_wordpresssite")
    page = client.get(reverse("admin:publishing_wordpresssite_change", args=[site.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "groupwork" in text
    assert "Kanarielosen" not in text and "sparat" in text


def test_a_password_that_http_cannot_send_is_refused_in_the_admin(connected, client):
    group, anne, site, meeting, row = connected
    _admin(client, "view_wordpresssite", "change_wordpresssite")
    url = reverse("admin:publishing_wordpresssite_change", args=[site.pk])
    form = {"group": group.pk, "url": SITE, "username": "groupwork",
            "app_password": "abcd efgh — ijkl", "category_id": "7", "content": "summary",
            "with_pdf": ""}
    page = client.post(url, form)
    assert page.status_code == 200 and "tecken i applikationslösenordet" in (
        page.content.decode())
    site.refresh_from_db()
    assert site.app_password == SECRET
    site.app_password = "abcd — efgh"
    with pytest.raises(wordpress.WordPressError, match="tecken"):
        wordpress.Client(site)


# --- the smaller ones -------------------------------------------------------------------------


def test_a_group_change_sends_all_its_posts_from_one_thread(
    connected, settings, django_capture_on_commit_callbacks
):
    group, anne, site, meeting, row = connected
    _published(group, anne, day=23)
    settings.WORDPRESS_MIRROR_AFTER_COMMIT = True
    with django_capture_on_commit_callbacks() as callbacks:
        group.name = "Föräldragruppen Norr"
        group.save()
    assert len([c for c in callbacks if c.__module__ == "publishing.mirror"]) == 1


@responses.activate
def test_a_post_deleted_on_the_site_counts_as_taken_down(connected):
    group, anne, site, meeting, row = connected
    _mirrored(row)
    meeting.refresh_from_db()
    meeting.unpublish(by=anne.user)
    responses.post(f"{POSTS}/41", status=404,
                   json={"code": "rest_post_invalid_id", "message": "Ogiltigt ID"})
    done = mirror.run(row.pk)
    assert done.state == Mirror.State.MIRRORED and done.post_id is None


def test_two_runs_making_the_same_mirror_at_once_both_go_on(connected):
    group, anne, site, meeting, row = connected
    Mirror.objects.all().delete()
    made = []

    def another_run_makes_it(execute, sql, params, many, context):
        # Right after this run looked for the row, before it makes it.
        result = execute(sql, params, many, context)
        if not made and "publishing_mirror" in sql and "LIKE" in sql:
            made.append(Mirror.objects.create(group=group, meeting=meeting, slug=SLUG))
        return result

    with connection.execute_wrapper(another_run_makes_it):
        ids = mirror.missing()
    assert made and ids == [made[0].pk]
    assert Mirror.objects.get().state == Mirror.State.PENDING


@responses.activate
def test_a_post_link_that_is_not_a_web_address_is_not_kept(connected):
    group, anne, site, meeting, row = connected
    responses.get(POSTS, json=[])
    responses.post(POSTS, status=201, json=_post(link="javascript:alert(1)"))
    done = mirror.run(row.pk)
    assert done.state == Mirror.State.MIRRORED and done.post_url == ""
