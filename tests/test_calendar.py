from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from django.urls import reverse
from django.utils import timezone

from groupwork.models import Membership
from meetings.models import Meeting
from tests.factories import make_meeting, make_task, make_visit

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _feed_url(person):
    return reverse("groupwork:calendar_feed", args=[person.calendar_token])


def _events(response):
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def _next_week(hour=18):
    day = timezone.localdate() + timedelta(days=7)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def planned(group, member, other_group):
    """A meeting, a visit and tasks of the group, and a meeting of another group."""
    meeting = make_meeting(
        group, starts_at=_next_week(), status="planned", title="Höstmöte", location="Stadshuset"
    )
    visit = make_visit(
        group, destination="Oslo", host="Barnevernet", starts_on=date(2030, 5, 6),
        ends_on=date(2030, 5, 7), status="booked",
    )
    own = make_task(group, [member], title="Boka tåget", due_date=date(2030, 4, 1))
    make_task(group, [member], title="Redan klar", due_date=date(2030, 4, 2), status="done")
    make_task(group, [], title="Någon annans", due_date=date(2030, 4, 3))
    make_meeting(other_group, starts_at=_next_week(), title="Nätverksmöte")
    return meeting, visit, own


def test_feed_has_the_groups_meetings_visits_and_own_open_tasks(client, member, planned):
    meeting, visit, task = planned
    response = client.get(_feed_url(member))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = _events(response)
    assert set(events) == {
        f"meeting-{meeting.pk}@groupwork",
        f"visit-{visit.pk}@groupwork",
        f"task-{task.pk}@groupwork",
    }
    event = events[f"meeting-{meeting.pk}@groupwork"]
    assert event["summary"] == "Föräldragruppen: Höstmöte"
    assert event["location"] == "Stadshuset"
    assert event["status"] == "CONFIRMED"
    assert event.decoded("dtstart") == _next_week()
    assert event["dtstart"].params["TZID"] == "Europe/Stockholm"
    assert event.decoded("dtend") == _next_week(20)
    visit_event = events[f"visit-{visit.pk}@groupwork"]
    assert visit_event.decoded("dtstart") == date(2030, 5, 6)
    assert visit_event.decoded("dtend") == date(2030, 5, 8)
    task_event = events[f"task-{task.pk}@groupwork"]
    assert task_event.decoded("dtstart") == date(2030, 4, 1)
    assert "Boka tåget" in str(task_event["summary"])


def test_feed_carries_the_stockholm_time_zone(client, member, planned):
    calendar = icalendar.Calendar.from_ical(client.get(_feed_url(member)).content)
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Stockholm"]


def test_feed_parses_with_a_second_independent_parser(client, member, planned):
    meeting, visit, task = planned
    parsed = vobject.readOne(client.get(_feed_url(member)).content.decode())
    uids = sorted(event.uid.value for event in parsed.vevent_list)
    assert uids == sorted(
        [
            f"meeting-{meeting.pk}@groupwork",
            f"visit-{visit.pk}@groupwork",
            f"task-{task.pk}@groupwork",
        ]
    )
    vmeeting = next(e for e in parsed.vevent_list if e.uid.value.startswith("meeting-"))
    assert vmeeting.dtstart.value == _next_week()
    assert vmeeting.dtstart.value.utcoffset() == _next_week().utcoffset()


def test_feed_is_the_same_across_calls_and_uids_are_stable(client, member, planned):
    first = client.get(_feed_url(member)).content
    assert client.get(_feed_url(member)).content == first


def test_a_changed_meeting_keeps_its_uid_with_a_higher_sequence(client, member, planned):
    meeting = planned[0]
    # Planned an hour ago, changed now.
    Meeting.objects.filter(pk=meeting.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    meeting.refresh_from_db()
    uid = f"meeting-{meeting.pk}@groupwork"
    before = _events(client.get(_feed_url(member)))[uid]
    meeting.location = "Biblioteket"
    meeting.save()
    after = _events(client.get(_feed_url(member)))[uid]
    assert after["location"] == "Biblioteket"
    assert after["sequence"] > before["sequence"]
    assert after.decoded("last-modified") > before.decoded("last-modified")


def test_a_cancelled_meeting_and_visit_appear_as_cancelled(client, member, planned):
    meeting, visit, _task = planned
    meeting.status = "cancelled"
    meeting.save()
    visit.status = "cancelled"
    visit.save()
    events = _events(client.get(_feed_url(member)))
    assert events[f"meeting-{meeting.pk}@groupwork"]["status"] == "CANCELLED"
    assert events[f"visit-{visit.pk}@groupwork"]["status"] == "CANCELLED"


def test_a_wrong_or_empty_token_gets_a_plain_404(client, member):
    for token in ["x" * 43, "", member.calendar_token[:-1]]:
        response = client.get(f"/kalender/{token}.ics")
        assert response.status_code == 404
        assert b"Barbro" not in response.content


def test_a_former_member_no_longer_sees_the_groups_meetings(client, group, member, planned):
    Membership.objects.filter(person=member).update(active_to=date.today() - timedelta(days=1))
    assert _events(client.get(_feed_url(member))) == {}


def test_regenerating_the_token_stops_the_old_address_at_once(client, member):
    old_url = _feed_url(member)
    client.force_login(member.user)
    response = client.post(reverse("groupwork:calendar_regenerate"))
    assert response.status_code == 302
    member.refresh_from_db()
    assert client.get(old_url).status_code == 404
    assert client.get(_feed_url(member)).status_code == 200
    page = client.get(reverse("groupwork:calendar")).content.decode()
    assert member.calendar_token in page
    assert "Den gamla fungerar inte längre" in page


def test_regenerating_needs_a_post(client, member):
    client.force_login(member.user)
    token = member.calendar_token
    assert client.get(reverse("groupwork:calendar_regenerate")).status_code == 405
    member.refresh_from_db()
    assert member.calendar_token == token


def test_profile_page_links_to_the_calendar_page(client, member):
    client.force_login(member.user)
    content = client.get(reverse("groupwork:profile")).content.decode()
    assert reverse("groupwork:calendar") in content


def test_feed_makes_the_same_number_of_queries_for_one_and_many_events(
    client, group, member, django_assert_num_queries
):
    make_meeting(group, starts_at=_next_week())
    make_visit(group, starts_on=date(2030, 1, 1))
    make_task(group, [member], due_date=date(2030, 1, 1))
    with django_assert_num_queries(5):
        client.get(_feed_url(member))
    for days in range(1, 15):
        make_meeting(group, starts_at=_next_week() + timedelta(days=days))
        make_visit(group, starts_on=date(2030, 1, days))
        make_task(group, [member], due_date=date(2030, 2, days))
    with django_assert_num_queries(5):
        response = client.get(_feed_url(member))
    assert len(_events(response)) == 45


# Single events


def test_member_downloads_a_meeting_as_one_event(client, group, member):
    meeting = make_meeting(group, starts_at=_next_week(), location="Stadshuset")
    client.force_login(member.user)
    response = client.get(reverse("groupwork:meeting_ics", args=[group.slug, meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    events = _events(response)
    assert list(events) == [f"meeting-{meeting.pk}@groupwork"]
    parsed = vobject.readOne(response.content.decode())
    assert parsed.vevent.uid.value == f"meeting-{meeting.pk}@groupwork"


def test_member_downloads_a_visit_as_one_event(client, group, member):
    visit = make_visit(group, starts_on=date(2030, 5, 6))
    client.force_login(member.user)
    response = client.get(reverse("groupwork:visit_ics", args=[group.slug, visit.pk]))
    assert list(_events(response)) == [f"visit-{visit.pk}@groupwork"]


def test_outsider_gets_404_for_another_groups_event(client, group, outsider, other_group):
    meeting = make_meeting(group)
    visit = make_visit(group, starts_on=date(2030, 5, 6))
    client.force_login(outsider.user)
    for name, pk in [("meeting_ics", meeting.pk), ("visit_ics", visit.pk)]:
        assert client.get(reverse(f"groupwork:{name}", args=[group.slug, pk])).status_code == 404
    # Their own group's slug with this group's meeting: still 404.
    url = reverse("groupwork:meeting_ics", args=[other_group.slug, meeting.pk])
    assert client.get(url).status_code == 404


# The public feed


def test_public_feed_has_upcoming_meetings_without_private_places_or_names(client, group, member):
    group.is_public = True
    group.save()
    upcoming = make_meeting(
        group,
        starts_at=_next_week(),
        title="Intern rubrik",
        location="Hos Barbro",
        note_taker=member,
    )
    open_place = make_meeting(
        group, starts_at=_next_week() + timedelta(days=7), location="Stadshuset",
        location_is_public=True,
    )
    make_meeting(group, starts_at=timezone.now() - timedelta(days=7), location="Förr")
    response = client.get(reverse("public:calendar", args=[group.slug]))
    events = _events(response)
    assert set(events) == {f"meeting-{upcoming.pk}@groupwork", f"meeting-{open_place.pk}@groupwork"}
    assert "location" not in events[f"meeting-{upcoming.pk}@groupwork"]
    assert events[f"meeting-{open_place.pk}@groupwork"]["location"] == "Stadshuset"
    content = response.content.decode()
    assert "Barbro" not in content and "Intern rubrik" not in content
    assert vobject.readOne(content).vevent_list


def test_public_feed_of_a_group_that_is_not_public_is_404(client, group):
    make_meeting(group, starts_at=_next_week())
    assert client.get(reverse("public:calendar", args=[group.slug])).status_code == 404


def test_public_feed_makes_the_same_number_of_queries_for_one_and_many_meetings(
    client, group, django_assert_num_queries
):
    group.is_public = True
    group.save()
    make_meeting(group, starts_at=_next_week())
    url = reverse("public:calendar", args=[group.slug])
    # The group, its members' first names (for the check of a place), the meetings.
    with django_assert_num_queries(3):
        client.get(url)
    for days in range(1, 10):
        make_meeting(group, starts_at=_next_week() + timedelta(days=days))
    with django_assert_num_queries(3):
        assert len(_events(client.get(url))) == 10


def test_summer_and_winter_times_read_right_in_the_second_parser(client, group, member):
    summer = make_meeting(group, starts_at=datetime(2030, 7, 1, 18, tzinfo=STOCKHOLM))
    winter = make_meeting(group, starts_at=datetime(2030, 1, 14, 18, tzinfo=STOCKHOLM))
    parsed = vobject.readOne(client.get(_feed_url(member)).content.decode())
    starts = {e.uid.value: e.dtstart.value for e in parsed.vevent_list}
    assert starts[f"meeting-{summer.pk}@groupwork"].utcoffset() == timedelta(hours=2)
    assert starts[f"meeting-{winter.pk}@groupwork"].utcoffset() == timedelta(hours=1)
    assert starts[f"meeting-{summer.pk}@groupwork"] == summer.starts_at


def test_facilitator_finds_the_download_on_the_meeting_and_visit_pages(client, group, facilitator):
    meeting = make_meeting(group, starts_at=_next_week())
    visit = make_visit(group, starts_on=date(2030, 5, 6))
    client.force_login(facilitator.user)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert reverse("groupwork:meeting_ics", args=[group.slug, meeting.pk]) in page
    page = client.get(visit.get_absolute_url()).content.decode()
    assert reverse("groupwork:visit_ics", args=[group.slug, visit.pk]) in page
