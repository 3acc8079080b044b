"""The mirror into Öppna soc against a real WordPress on this machine (tests/wordpress/local.py:
Debian's wordpress, php-cli and php-mysql, a MariaDB of its own, `php -S`). Postgres only: the
SQLite run proves the quick start's database, not WordPress (tests/test_wordpress_http.py runs
on both, with a fake HTTP layer for what a real WordPress cannot be made to answer)."""

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import requests
from django.core.management import call_command
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse

from meetings.models import Meeting
from publishing import gate, mirror, privacy
from publishing.models import Mirror, Snapshot, WordPressSite
from tests.factories import (
    make_attendance,
    make_facilitator,
    make_group,
    make_item,
    make_meeting,
    make_member,
    make_visit,
)

pytestmark = [pytest.mark.postgres, pytest.mark.wordpress, pytest.mark.django_db]

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SECRET_CANARY = "Kanarielosen"


@pytest.fixture
def world(wp):
    """Föräldragruppen, public and connected to the local WordPress; Anne and Barbro."""
    group = make_group("Föräldragruppen", slug="foraldragruppen", is_public=True)
    anne = make_facilitator(group, "Anne", represents="Socialförvaltningen")
    barbro = make_member(group, "Barbro", represents="Föräldrarepresentant")
    site = WordPressSite.objects.create(
        group=group, url=wp.url, username=wp.user, app_password=wp.password,
        category_id=wp.category_id,
    )
    return group, anne, barbro, site


def posts(wp):
    return wp.api("posts", status="any", per_page=100)


def media(wp):
    return wp.api("media", per_page=100)


def _minutes(group, barbro, day=(2026, 1, 16)):
    """Approved minutes with what must never reach Öppna soc: a guest's surname, an e-mail
    address, a phone number, an internal passage and an item's internal note."""
    meeting = make_meeting(group, starts_at=datetime(*day, 10, 30, tzinfo=STOCKHOLM),
                           status=Meeting.Status.APPROVED)
    make_attendance(meeting, person=barbro)
    make_attendance(meeting, guest_name="David Kanariesson", affiliation="Kommunikatör")
    make_item(meeting, "Osloresan", notes="Vi åker buss. [intern]Barbros ekonomi[/intern]",
              decision="Vi åker i maj.", internal_notes="Kanarienotis om familjen")
    make_item(meeting, "Föräldracaféet",
              notes="Frågor till kanarie@exempel.se eller 070-987 65 43.")
    for finding in privacy.check_meeting(meeting):
        if finding.can_be_confirmed:
            gate.confirm(meeting, finding.kind, finding.match, by=None)
    return meeting


def _publish(client, anne, meeting):
    client.force_login(anne.user)
    response = client.post(reverse("groupwork:publishing_meeting_publish",
                                   args=[meeting.group.slug, meeting.pk]))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED


def _mirror():
    call_command("mirror_to_wordpress", stdout=open("/dev/null", "w"))


def _leaks(text):
    return [leak for leak in ("Kanarie", "kanarie", "exempel.se", "987 65", "ekonomi",
                              SECRET_CANARY) if leak in text]


def test_published_minutes_become_one_post_with_title_category_content_link_and_pdf(
    client, world, wp
):
    group, anne, barbro, site = world
    meeting = _minutes(group, barbro)
    _publish(client, anne, meeting)
    assert posts(wp) == []  # nothing was sent while publishing: WordPress is not waited on
    _mirror()

    [post] = posts(wp)
    assert post["title"]["raw"] == "Minnesanteckningar från Föräldragruppen 16 januari 2026"
    assert post["status"] == "publish" and post["slug"] == "minnesanteckningar-foraldragruppen-2026-01-16"
    assert post["categories"] == [wp.category_id]
    assert post["comment_status"] == "closed" and post["ping_status"] == "closed"
    content = post["content"]["raw"]
    assert "Osloresan" in content and "Föräldracaféet" in content
    assert "/oppet/foraldragruppen/2026-01-16/" in content
    assert "Du kan läsa minnesanteckningarna här (pdf)" in content
    assert not _leaks(content + post["title"]["raw"] + post["excerpt"]["raw"])
    [pdf] = media(wp)
    assert pdf["mime_type"] == "application/pdf" and pdf["source_url"] in content
    row = Mirror.objects.get(meeting=meeting)
    assert row.state == Mirror.State.MIRRORED and row.post_id == post["id"]
    # What a reader of Öppna soc sees, and the PDF she downloads.
    page = requests.get(row.post_url, timeout=10)
    assert page.status_code == 200 and "Föräldracaféet" in page.text and not _leaks(page.text)
    assert requests.get(pdf["source_url"], timeout=10).content.startswith(b"%PDF")
    # The facilitator sees it on the publishing page, with a link to the post.
    overview = client.get(reverse("groupwork:publishing", args=[group.slug])).content.decode()
    assert "Öppna soc: speglad" in overview and row.post_url in overview


def test_mirroring_again_sends_nothing_when_nothing_changed(client, world, wp):
    group, anne, barbro, site = world
    meeting = _minutes(group, barbro)
    _publish(client, anne, meeting)
    _mirror()
    seen = len(wp.requests_seen())
    _publish(client, anne, meeting)  # publishing the same text again
    mirror.mark(group, meeting_id=meeting.pk)  # and marked pending all the same
    _mirror()
    _mirror()
    assert len(wp.requests_seen()) == seen
    assert len(posts(wp)) == 1 and len(media(wp)) == 1
    assert Mirror.objects.get(meeting=meeting).state == Mirror.State.MIRRORED


def test_a_corrected_and_republished_minutes_update_the_same_post_and_replace_the_pdf(
    client, world, wp
):
    group, anne, barbro, site = world
    meeting = _minutes(group, barbro)
    _publish(client, anne, meeting)
    _mirror()
    [before] = posts(wp)
    [old_pdf] = media(wp)

    meeting.unpublish(by=anne.user)
    meeting.reopen(by=anne.user, reason="Fel datum för resan")
    item = meeting.items.get(heading="Osloresan")
    item.heading = "Resan till Oslo"
    item.save()
    meeting.approve(by=anne.user)
    _publish(client, anne, meeting)
    _mirror()

    [after] = posts(wp)
    assert after["id"] == before["id"] and after["status"] == "publish"
    assert "Resan till Oslo" in after["content"]["raw"]
    assert "Osloresan" not in after["content"]["raw"]
    [new_pdf] = media(wp)
    assert new_pdf["id"] != old_pdf["id"] and new_pdf["source_url"] in after["content"]["raw"]
    assert requests.get(old_pdf["source_url"], timeout=10).status_code == 404


def test_the_whole_public_text_when_the_group_chose_it(client, world, wp):
    group, anne, barbro, site = world
    site.content = WordPressSite.Content.FULL
    site.with_pdf = False
    site.save()
    meeting = _minutes(group, barbro)
    _publish(client, anne, meeting)
    _mirror()
    [post] = posts(wp)
    content = post["content"]["raw"]
    assert "Vi åker i maj." in content and "Barbro, Föräldrarepresentant" in content
    assert "David, Kommunikatör" in content and not _leaks(content)
    assert media(wp) == [] and "(pdf)" not in content


def test_unpublishing_turns_the_post_to_draft_and_publishing_again_brings_it_back(
    client, world, wp
):
    group, anne, barbro, site = world
    meeting = _minutes(group, barbro)
    _publish(client, anne, meeting)
    _mirror()
    [post] = posts(wp)
    link = post["link"]

    client.post(reverse("groupwork:publishing_meeting_unpublish", args=[group.slug, meeting.pk]))
    _mirror()
    [draft] = posts(wp)
    assert draft["id"] == post["id"] and draft["status"] == "draft"
    assert draft["content"]["raw"] == ""  # the draft keeps nothing that left the open site
    assert media(wp) == []  # a file in the media library is public by its address
    assert requests.get(link, timeout=10).status_code == 404
    overview = client.get(reverse("groupwork:publishing", args=[group.slug])).content.decode()
    assert "Inlägget är ett utkast" in overview

    _publish(client, anne, meeting)
    _mirror()
    [back] = posts(wp)
    assert back["id"] == post["id"] and back["status"] == "publish"
    assert len(media(wp)) == 1


def test_a_lost_post_id_finds_the_same_post_by_its_slug(client, world, wp):
    group, anne, barbro, site = world
    meeting = _minutes(group, barbro)
    _publish(client, anne, meeting)
    _mirror()
    [post] = posts(wp)
    Mirror.objects.filter(meeting=meeting).update(post_id=None, payload_hash="")
    mirror.mark(group, meeting_id=meeting.pk)
    _mirror()
    [again] = posts(wp)
    assert again["id"] == post["id"]
    assert Mirror.objects.get(meeting=meeting).post_id == post["id"]


def test_a_second_run_while_one_holds_the_item_sends_nothing(client, world, wp):
    group, anne, barbro, site = world
    meeting = _minutes(group, barbro)
    _publish(client, anne, meeting)
    row = Mirror.objects.get(meeting=meeting)
    assert mirror._claim(row.pk)  # another run, on another server, has it
    assert mirror.run(row.pk) is None
    _mirror()
    assert wp.requests_seen() == [] and posts(wp) == []
    Mirror.objects.filter(pk=row.pk).update(claimed_until=None)  # that run died: its claim ends
    _mirror()
    assert len(posts(wp)) == 1


def test_a_wrong_password_fails_visibly_loses_nothing_and_a_retry_succeeds_once_fixed(
    client, world, wp, caplog
):
    group, anne, barbro, site = world
    site.app_password = f"{SECRET_CANARY} abcd efgh ijkl mnop"
    site.save()
    meeting = _minutes(group, barbro)
    _publish(client, anne, meeting)
    _mirror()

    row = Mirror.objects.get(meeting=meeting)
    assert row.state == Mirror.State.FAILED and "HTTP 401" in row.reason
    assert posts(wp) == [] and media(wp) == []
    public = client.get(reverse("public:minutes", args=[group.slug, meeting.public_slug]))
    assert public.status_code == 200 and Snapshot.objects.filter(meeting=meeting).exists()
    page = client.get(reverse("groupwork:publishing", args=[group.slug])).content.decode()
    assert "Öppna soc: misslyckades" in page
    assert "Öppna soc godtog inte inloggningen (HTTP 401" in page and "Försök igen" in page
    retry = reverse("groupwork:publishing_meeting_mirror", args=[group.slug, meeting.pk])
    assert f'action="{retry}"' in page
    for shown in (page, row.reason, caplog.text, repr(row), str(site)):
        assert SECRET_CANARY not in shown

    WordPressSite.objects.filter(pk=site.pk).update(app_password=wp.password)
    response = client.post(retry, follow=True)
    assert "Öppna soc är uppdaterat." in response.content.decode()
    assert Mirror.objects.get(meeting=meeting).state == Mirror.State.MIRRORED
    assert len(posts(wp)) == 1 and len(media(wp)) == 1


def test_wordpress_down_leaves_the_item_pending_and_it_is_mirrored_once_back(
    client, world, wp
):
    group, anne, barbro, site = world
    meeting = _minutes(group, barbro)
    _publish(client, anne, meeting)
    wp.stop_server()
    try:
        done = mirror.run(Mirror.objects.get(meeting=meeting).pk, patience=0)
        assert done.state == Mirror.State.PENDING and "svarar inte" in done.reason
        assert done.next_attempt_at is not None
        page = client.get(reverse("groupwork:publishing", args=[group.slug])).content.decode()
        assert "Öppna soc: väntar" in page and "Nästa försök kl." in page
    finally:
        wp.start_server()
    Mirror.objects.filter(meeting=meeting).update(next_attempt_at=None)  # its time has come
    _mirror()
    assert Mirror.objects.get(meeting=meeting).state == Mirror.State.MIRRORED
    assert len(posts(wp)) == 1


def test_a_study_visit_report_is_mirrored_too(client, world, wp):
    group, anne, barbro, site = world
    visit = make_visit(group, "Malmö", report="Vi lärde oss mycket om familjehem.")
    gate.publish_report(visit, by=anne.user)
    _mirror()
    [post] = posts(wp)
    assert post["title"]["raw"] == "Rapport från studiebesöket i Malmö"
    assert f"/oppet/{group.slug}/studiebesok/{visit.public_slug}/" in post["content"]["raw"]
    assert media(wp) == []  # a report has no PDF
    visit.unpublish_report(by=anne.user)
    _mirror()
    assert posts(wp)[0]["status"] == "draft"


@pytest.mark.django_db(transaction=True)
def test_publishing_sends_the_post_after_the_commit_without_waiting(client, wp, settings):
    settings.WORDPRESS_MIRROR_AFTER_COMMIT = True
    group = make_group("Föräldragruppen", slug="foraldragruppen", is_public=True)
    anne = make_facilitator(group, "Anne")
    barbro = make_member(group, "Barbro")
    WordPressSite.objects.create(group=group, url=wp.url, username=wp.user,
                                 app_password=wp.password, category_id=wp.category_id)
    meeting = _minutes(group, barbro)
    _publish(client, anne, meeting)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if Mirror.objects.filter(meeting=meeting, state=Mirror.State.MIRRORED).exists():
            break
        time.sleep(0.1)
    assert Mirror.objects.get(meeting=meeting).state == Mirror.State.MIRRORED
    assert len(posts(wp)) == 1


def test_deleting_published_minutes_takes_the_post_and_pdf_down_and_the_date_can_be_published_again(
    client, world, wp
):
    group, anne, barbro, site = world
    meeting = _minutes(group, barbro)
    _publish(client, anne, meeting)
    _mirror()
    [post] = posts(wp)
    meeting.delete()  # in the Django admin, say
    _mirror()
    [draft] = posts(wp)
    assert draft["id"] == post["id"] and draft["status"] == "draft" and media(wp) == []

    again = _minutes(group, barbro)  # the same date: the same post, not a second one
    _publish(client, anne, again)
    _mirror()
    [back] = posts(wp)
    assert back["id"] == post["id"] and back["status"] == "publish"
    assert len(media(wp)) == 1
    assert Mirror.objects.get().meeting_id == again.pk


def test_a_group_or_connection_with_public_posts_stays_until_they_are_taken_down(
    client, world, wp
):
    group, anne, barbro, site = world
    meeting = _minutes(group, barbro)
    _publish(client, anne, meeting)
    _mirror()
    with pytest.raises(ProtectedError), transaction.atomic():
        site.delete()
    group.is_public = False  # "publiceras på Öppna soc" off
    group.save()
    _mirror()
    assert [p["status"] for p in posts(wp)] == ["draft"] and media(wp) == []
    site.delete()
    group.delete()
