"""Meetings: planning, reading, the status changes and who may do what."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from meetings.models import AgendaItem, Attachment, Attendance, LockedError, Meeting, StatusError
from tests.factories import (
    make_facilitator,
    make_item,
    make_meeting,
    make_member,
    make_task,
    make_visit,
)

pytestmark = pytest.mark.django_db


def _url(name, meeting, *args):
    return reverse(name, args=[meeting.group.slug, meeting.pk, *args])


# --- the model -------------------------------------------------------------------------


def test_saving_an_edit_claims_the_next_version_and_keeps_the_old_one(group, facilitator):
    meeting = make_meeting(group, opening="Välkommen")
    assert meeting.save_edit(1, {"opening": "Välkommen Annika"})
    meeting.refresh_from_db()
    assert meeting.version == 2
    assert meeting.opening == "Välkommen Annika"
    assert [r.opening for r in meeting.history.all()] == ["Välkommen Annika", "Välkommen"]


def test_an_edit_made_on_an_old_version_is_refused_not_saved_over_the_newer(group):
    meeting = make_meeting(group, opening="Original")
    first, second = Meeting.objects.get(pk=meeting.pk), Meeting.objects.get(pk=meeting.pk)
    assert first.save_edit(1, {"opening": "Först"})
    assert not second.save_edit(1, {"opening": "Sen"})
    meeting.refresh_from_db()
    assert meeting.opening == "Först"
    assert meeting.version == 2


def test_two_people_writing_under_different_items_do_not_conflict(group):
    meeting = make_meeting(group)
    oslo, kopenhamn = make_item(meeting, "Osloresan"), make_item(meeting, "Köpenhamn")
    assert oslo.save_edit(1, {"notes": "Buss"})
    assert kopenhamn.save_edit(1, {"notes": "Evas anteckningar"})
    assert not AgendaItem.objects.get(pk=oslo.pk).save_edit(1, {"notes": "Tåg"})
    assert AgendaItem.objects.get(pk=oslo.pk).notes == "Buss"


def test_approved_and_published_minutes_are_locked(group):
    for status in (Meeting.Status.APPROVED, Meeting.Status.PUBLISHED):
        meeting = make_meeting(group, status=status, opening="Justerad text")
        item = make_item(meeting)
        with pytest.raises(LockedError):
            meeting.save_edit(meeting.version, {"opening": "Ändrad"})
        with pytest.raises(LockedError):
            item.save_edit(item.version, {"notes": "Ändrad"})
        meeting.refresh_from_db()
        assert meeting.opening == "Justerad text"


def test_status_changes_are_methods_and_are_recorded(group, facilitator):
    user = facilitator.user
    meeting = make_meeting(group, status="planned")
    meeting.start_writing(by=user)
    assert meeting.status == Meeting.Status.DRAFT
    meeting.approve(by=user)
    assert meeting.status == Meeting.Status.APPROVED
    assert meeting.approved_by == user and meeting.approved_at is not None
    meeting.reopen(by=user, reason="Fel datum för nästa möte")
    assert meeting.status == Meeting.Status.DRAFT and meeting.approved_at is None
    meeting.cancel(by=user)
    assert meeting.status == Meeting.Status.CANCELLED
    reasons = [r.history_change_reason for r in meeting.status_changes()]
    assert reasons == [
        "Mötet ställdes in",
        "Öppnat för rättelse: Fel datum för nästa möte",
        "Justerat",
        "Anteckningarna började skrivas",
    ]
    assert all(r.history_user == user for r in meeting.status_changes())


def test_a_status_change_that_does_not_fit_is_refused(group, facilitator):
    meeting = make_meeting(group, status="approved")
    with pytest.raises(StatusError):
        meeting.approve(by=facilitator.user)
    with pytest.raises(StatusError):
        meeting.cancel(by=facilitator.user)
    with pytest.raises(StatusError):
        make_meeting(group, status="draft").reopen(by=facilitator.user, reason="x")


def test_deferred_items_wait_until_a_later_agenda_carries_them(group, other_group):
    earlier = make_meeting(group, status="approved")
    deferred = make_item(earlier, "Samarbete med Nacka", outcome=AgendaItem.Outcome.DEFERRED)
    make_item(earlier, "Osloresan", outcome=AgendaItem.Outcome.DECIDED)
    make_item(make_meeting(other_group), "Annan grupp", outcome=AgendaItem.Outcome.DEFERRED)
    assert list(AgendaItem.objects.deferred_open(group)) == [deferred]
    make_item(make_meeting(group, status="planned"), deferred.heading, deferred_from=deferred)
    assert list(AgendaItem.objects.deferred_open(group)) == []


# --- the list --------------------------------------------------------------------------


def test_member_sees_upcoming_and_past_meetings_newest_first(client, group, member):
    now = timezone.now()
    make_meeting(group, starts_at=now - timedelta(days=30), title="Gammalt", status="approved")
    make_meeting(group, starts_at=now - timedelta(days=2), title="Nyligen", status="approved")
    make_meeting(group, starts_at=now + timedelta(days=14), title="Nästa", status="planned")
    client.force_login(member.user)
    response = client.get(reverse("meetings:list", args=[group.slug]))
    text = response.content.decode()
    assert text.index("Kommande möten") < text.index("Nästa") < text.index("Tidigare möten")
    assert text.index("Nyligen") < text.index("Gammalt")
    assert "Planera ett möte" not in text


def test_the_list_of_past_meetings_is_paginated(client, group, member):
    start = timezone.now() - timedelta(days=400)
    for week in range(25):
        make_meeting(group, starts_at=start + timedelta(weeks=week), title=f"Möte {week:02}")
    client.force_login(member.user)
    url = reverse("meetings:list", args=[group.slug])
    first = client.get(url).content.decode()
    assert "Möte 24" in first and "Möte 04" not in first and "Sida 1 av 2" in first
    second = client.get(url, {"sida": 2}).content.decode()
    assert "Möte 04" in second and "Möte 24" not in second
    assert client.get(url, {"sida": "x"}).status_code == 200


@pytest.mark.parametrize("count", [1, 12])
def test_meeting_list_makes_a_fixed_number_of_queries(
    client, group, facilitator, count, django_assert_num_queries
):
    for day in range(count):
        make_meeting(group, starts_at=timezone.now() + timedelta(days=day - 6))
    client.force_login(facilitator.user)
    with django_assert_num_queries(5):
        client.get(reverse("meetings:list", args=[group.slug]))


# --- planning --------------------------------------------------------------------------


def test_facilitator_plans_a_meeting_whose_agenda_starts_with_the_deferred_items(
    client, group, facilitator
):
    earlier = make_meeting(group, status="approved")
    deferred = make_item(earlier, "Samarbete med Nacka", outcome=AgendaItem.Outcome.DEFERRED)
    client.force_login(facilitator.user)
    url = reverse("meetings:plan", args=[group.slug])
    form = client.get(url).content.decode()
    assert "Samarbete med Nacka" in form and "checked" in form
    response = client.post(
        url,
        {
            "starts_at": "2030-11-07T10:30",
            "location": "Kärnan",
            "agenda": "Osloresan\n- Övriga frågor\n\n",
            "deferred": [deferred.pk],
        },
    )
    meeting = Meeting.objects.get(location="Kärnan")
    assert response.url == _url("meetings:edit", meeting)
    assert meeting.status == Meeting.Status.PLANNED
    assert [(i.heading, i.deferred_from_id) for i in meeting.items.all()] == [
        ("Samarbete med Nacka", deferred.pk),
        ("Osloresan", None),
        ("Övriga frågor", None),
    ]


def test_planning_the_next_meeting_from_the_current_one_keeps_place_and_time(
    client, group, facilitator
):
    current = make_meeting(group, location="Familjehemsavdelningen")
    client.force_login(facilitator.user)
    url = reverse("meetings:plan", args=[group.slug])
    text = client.get(url, {"fran": current.pk}).content.decode()
    assert 'value="Familjehemsavdelningen"' in text
    later = timezone.localtime(current.starts_at) + timedelta(weeks=2)
    assert f'value="{later:%Y-%m-%dT%H:%M}"' in text


def test_a_date_in_the_wrong_format_gets_a_swedish_message_and_keeps_the_text(
    client, group, facilitator
):
    client.force_login(facilitator.user)
    response = client.post(
        reverse("meetings:plan", args=[group.slug]),
        {"starts_at": "7 nov kl 10.30", "location": "Kärnan", "agenda": "Osloresan"},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Skriv datum och tid som 2017-10-24 10:30." in text
    assert "Osloresan" in text and 'value="Kärnan"' in text
    assert not Meeting.objects.exists()


def test_a_meeting_cannot_end_before_it_starts(client, group, facilitator):
    client.force_login(facilitator.user)
    response = client.post(
        reverse("meetings:plan", args=[group.slug]),
        {"starts_at": "2030-11-07T10:30", "ends_at": "2030-11-07T09:00"},
    )
    assert "Mötet kan inte sluta innan det börjar." in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_double_submitted_plan_makes_one_meeting(client, group, facilitator):
    client.force_login(facilitator.user)
    data = {"starts_at": "2030-11-07T10:30", "agenda": "Osloresan"}
    url = reverse("meetings:plan", args=[group.slug])
    client.post(url, data)
    response = client.post(url, data, follow=True)
    assert Meeting.objects.count() == 1
    assert AgendaItem.objects.count() == 1
    assert "Mötet fanns redan" in response.content.decode()


# --- reading ---------------------------------------------------------------------------


def test_member_reads_approved_minutes(client, group, member, facilitator):
    meeting = make_meeting(
        group, status="approved", opening="Välkommen Annika!", note_taker=facilitator
    )
    make_item(meeting, "Osloresan", notes="Det lutar åt buss.", decision="att Anne frågar")
    Attendance.objects.create(meeting=meeting, person=member)
    Attendance.objects.create(meeting=meeting, guest_name="David", affiliation="kommunikatör")
    client.force_login(member.user)
    text = client.get(meeting.get_absolute_url()).content.decode()
    for expected in ("Välkommen Annika!", "Det lutar åt buss.", "att Anne frågar", "Barbro",
                     "David (kommunikatör)", "/Anne"):
        assert expected in text
    assert "Skriv anteckningar" not in text and "Justera anteckningarna" not in text


def test_member_sees_that_a_meeting_is_planned_but_not_the_draft_text(client, group, member):
    meeting = make_meeting(
        group, status="draft", location="Kärnan", opening="Hemligt utkast", title="Oslo"
    )
    make_item(meeting, "Osloresan", notes="Utkast till anteckning", decision="Utkast till beslut")
    client.force_login(member.user)
    text = client.get(meeting.get_absolute_url()).content.decode()
    assert "Kärnan" in text and "Osloresan" in text
    assert "Anteckningarna skrivs och visas här när de är justerade." in text
    assert "Hemligt utkast" not in text
    assert "Utkast till anteckning" not in text and "Utkast till beslut" not in text


def test_the_named_adjuster_reads_the_draft_and_approves_it(client, group, member, facilitator):
    meeting = make_meeting(group, status="draft", adjuster=member)
    make_item(meeting, "Osloresan", notes="Utkast till anteckning")
    client.force_login(member.user)
    text = client.get(meeting.get_absolute_url()).content.decode()
    assert "Utkast till anteckning" in text and "Justera anteckningarna" in text
    response = client.post(_url("meetings:approve", meeting), follow=True)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.APPROVED
    assert meeting.approved_by == member.user
    assert "Anteckningarna är justerade och låsta." in response.content.decode()


def test_a_member_who_is_not_the_adjuster_cannot_approve(client, group, member):
    meeting = make_meeting(group, status="draft")
    client.force_login(member.user)
    assert client.post(_url("meetings:approve", meeting)).status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DRAFT


def test_outsider_gets_404_for_other_groups_meeting(client, group, outsider, other_group):
    meeting = make_meeting(group, status="approved")
    client.force_login(outsider.user)
    assert client.get(meeting.get_absolute_url()).status_code == 404
    # The other group's own facilitator cannot reach it through their group's URL either.
    anna = make_facilitator(other_group, "Anna")
    client.force_login(anna.user)
    url = reverse("meetings:detail", args=[other_group.slug, meeting.pk])
    assert client.get(url).status_code == 404
    approve = reverse("meetings:approve", args=[other_group.slug, meeting.pk])
    assert client.post(approve).status_code == 404


def test_meeting_page_names_who_wrote_adjusted_approved_and_changed_it_by_first_name(
    client, group, facilitator, member
):
    facilitator.user.last_name = "Holmström"
    facilitator.user.save()
    meeting = make_meeting(group, status="draft", note_taker=facilitator, adjuster=member)
    Attendance.objects.create(meeting=meeting, person=member, affiliation="Föräldrar")
    Attendance.objects.create(meeting=meeting, guest_name="Gästen", present=False)
    meeting.approve(by=facilitator.user)
    client.force_login(member.user)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Vid pennan</dt><dd>Anne</dd>" in page and "Justerare</dt><dd>Barbro</dd>" in page
    assert "av Anne" in page and '<p class="signature">/Anne</p>' in page
    assert "Barbro (Föräldrar)" in page and "Frånvarande:</strong> Gästen" in page
    assert "Justerat (Anne)" in page  # "Justering och rättelser"
    assert "Holmström" not in page


@pytest.mark.parametrize("count", [1, 6])
def test_meeting_page_makes_a_fixed_number_of_queries(
    client, group, facilitator, count, django_assert_num_queries
):
    meeting = make_meeting(group, status="approved", note_taker=facilitator, adjuster=facilitator)
    for n in range(count):
        item = make_item(meeting, f"Punkt {n}", notes="**Text**", decision="att göra")
        Attendance.objects.create(meeting=meeting, person=make_member(group, f"Person {n}"))
        Attendance.objects.create(meeting=meeting, guest_name=f"Gäst {n}")
        for target in (item, None):
            Attachment.objects.create(
                meeting=meeting, item=target, file=ContentFile(b"%PDF", name="a.pdf"),
                name=f"bilaga{n}.pdf", content_type="application/pdf", size=4,
            )
    make_task(group, [facilitator], "Gammal uppgift")
    client.force_login(facilitator.user)
    with django_assert_num_queries(7):
        response = client.get(meeting.get_absolute_url())
    assert response.content.decode().count("bilaga") == 2 * count
    # Approved minutes are history: no follow-up of the group's open tasks.
    assert "Gammal uppgift" not in response.content.decode()


@pytest.mark.parametrize("count", [1, 40])
def test_follow_up_on_a_planned_meeting_is_bounded_in_rows_and_queries(
    client, group, facilitator, count, django_assert_num_queries
):
    meeting = make_meeting(group)
    earlier = make_meeting(group, starts_at=timezone.now() - timedelta(days=30), status="published")
    item = make_item(earlier, "Resan")
    visit = make_visit(group, "Oslo", host="Skolan")
    for n in range(count):
        make_task(
            group, [facilitator, make_member(group, f"Person {n}")], f"Uppgift {n:02}",
            meeting=earlier, agenda_item=item, study_visit=visit,
        )
    client.force_login(facilitator.user)
    with django_assert_num_queries(9):
        page = client.get(meeting.get_absolute_url()).content.decode()
    assert page.count('<li id="follow-up-') == min(count, 30)
    assert "Uppgift 00" in page and "Resan" in page and "Oslo, Skolan" in page
    if count > 30:
        assert "och 10 uppgifter till" in page
        assert reverse("actions:list", args=[group.slug]) in page
    else:
        assert "uppgifter till" not in page


# --- status changes through the pages --------------------------------------------------


def test_approving_twice_says_it_is_already_approved(client, group, facilitator):
    meeting = make_meeting(group, status="draft")
    client.force_login(facilitator.user)
    client.post(_url("meetings:approve", meeting))
    response = client.post(_url("meetings:approve", meeting), follow=True)
    assert "Anteckningarna är redan justerade." in response.content.decode()
    assert meeting.history.filter(history_change_reason="Justerat").count() == 1


def test_approved_minutes_open_for_the_editor_only_through_a_correction(client, group, facilitator):
    meeting = make_meeting(group, status="approved")
    client.force_login(facilitator.user)
    response = client.get(_url("meetings:edit", meeting), follow=True)
    assert "Anteckningarna är låsta" in response.content.decode()
    response = client.post(_url("meetings:reopen", meeting), {"reason": ""})
    assert "Skriv kort vad som ska rättas." in response.content.decode()
    response = client.post(_url("meetings:reopen", meeting), {"reason": "Fel tid för nästa möte"})
    assert response.url == _url("meetings:edit", meeting)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DRAFT
    text = client.get(meeting.get_absolute_url()).content.decode()
    assert "Öppnat för rättelse: Fel tid för nästa möte (Anne)" in text


def test_published_minutes_must_be_unpublished_before_a_correction(client, group, facilitator):
    meeting = make_meeting(group, status="published")
    client.force_login(facilitator.user)
    response = client.post(_url("meetings:reopen", meeting), {"reason": "Fel"}, follow=True)
    assert "Avpublicera anteckningarna först" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED


def test_facilitator_starts_writing_and_cancels_a_meeting(client, group, facilitator):
    meeting = make_meeting(group, status="planned")
    client.force_login(facilitator.user)
    client.post(_url("meetings:start_writing", meeting))
    client.post(_url("meetings:start_writing", meeting))  # a double click changes nothing
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DRAFT
    response = client.post(_url("meetings:cancel", meeting), follow=True)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert "Mötet är inställt." in response.content.decode()


def test_cancelled_meeting_shows_as_cancelled_to_members(client, group, member):
    meeting = make_meeting(group, status="cancelled")
    client.force_login(member.user)
    assert "Mötet är inställt." in client.get(meeting.get_absolute_url()).content.decode()


def test_group_page_links_to_the_meetings(client, group, member):
    client.force_login(member.user)
    text = client.get(group.get_absolute_url()).content.decode()
    assert reverse("meetings:list", args=[group.slug]) in text


def test_demo_has_approved_minutes_a_draft_and_a_next_meeting_carrying_the_deferred_item(db):
    from django.core.management import call_command

    call_command("demo_data", stdout=open("/dev/null", "w"))
    meetings = Meeting.objects.filter(group__slug="foraldragruppen")
    assert meetings.filter(status__in=[Meeting.Status.APPROVED, Meeting.Status.PUBLISHED]).count() >= 3
    assert meetings.filter(status=Meeting.Status.DRAFT).count() == 1
    upcoming = meetings.upcoming().get()
    assert upcoming.items.first().deferred_from.outcome == AgendaItem.Outcome.DEFERRED
    assert all(m.note_taker.first_name == "Anne" for m in meetings)


def test_start_page_shows_the_next_meeting_of_each_group(client, group, member):
    def days(n):
        return timezone.now() + timedelta(days=n)

    soon = make_meeting(group, starts_at=days(7), status="planned", location="Kärnan")
    make_meeting(group, starts_at=days(21), status="planned", location="Senare")
    make_meeting(group, starts_at=days(3), status="cancelled", location="Inställt")
    client.force_login(member.user)
    text = client.get(reverse("groupwork:home")).content.decode()
    assert "Nästa möte" in text and soon.get_absolute_url() in text and "Kärnan" in text
    assert "Senare" not in text and "Inställt" not in text
