"""Dates far outside any meeting (year 1, year 9999): the forms refuse them, and a row that
already holds one breaks no calendar and no page that plans from it."""

from datetime import UTC, date, datetime

import icalendar
import pytest
from django.urls import reverse

from actions.forms import TaskForm
from actions.models import ActionItem
from groupwork.forms import MembershipForm
from groupwork.models import Membership, Person
from meetings.forms import MeetingEditForm, PlanMeetingForm
from overview.imports import UploadForm
from tests.factories import make_meeting, make_task, make_visit
from visits.forms import StudyVisitForm

pytestmark = pytest.mark.django_db

MESSAGE = "Ange ett datum mellan år 2000 och 2100."
FAR_DAYS = ["9999-12-31", "0001-01-01"]
# The last minute a form could have stored: 23.30 in Stockholm on the last day of year 9999.
LAST_MINUTE = datetime(9999, 12, 31, 22, 30, tzinfo=UTC)


def _plan_form(group, day):
    data = {"starts_at": f"{day}T18:00", "ends_at": f"{day}T20:00"}
    return PlanMeetingForm(data, group=group), ["starts_at", "ends_at"]


def _edit_form(group, day):
    meeting = make_meeting(group)
    data = {"starts_at": f"{day}T18:00", "ends_at": f"{day}T20:00"}
    return MeetingEditForm(data, instance=meeting, people=Person.objects.none()), [
        "starts_at",
        "ends_at",
    ]


def _visit_form(group, day):
    data = {"destination": "Oslo", "starts_on": day, "ends_on": day}
    return StudyVisitForm(data), ["starts_on", "ends_on"]


def _task_form(group, day):
    owner = Person.objects.get(memberships__group=group)
    data = {"title": "Boka resan", "owners": [owner.pk], "due_date": day}
    return TaskForm(data, instance=ActionItem(group=group), group=group), ["due_date"]


def _import_form(group, day):
    return UploadForm({"date": day}), ["date"]


def _membership_form(group, day):
    membership = Membership.objects.get(group=group)
    data = {"role": "member", "active_from": day, "active_to": day}
    return MembershipForm(data, instance=membership), ["active_from", "active_to"]


@pytest.mark.parametrize("day", FAR_DAYS)
@pytest.mark.parametrize(
    "make_form",
    [_plan_form, _edit_form, _visit_form, _task_form, _import_form, _membership_form],
)
def test_every_date_a_person_types_is_refused_outside_2000_to_2100(group, member, make_form, day):
    form, fields = make_form(group, day)
    assert not form.is_valid()
    for field in fields:
        assert MESSAGE in form.errors[field]


def test_the_first_and_last_day_of_the_range_are_accepted(group, member):
    data = {"destination": "Oslo", "starts_on": "2000-01-01", "ends_on": "2100-12-31"}
    form = StudyVisitForm(data)
    assert form.is_valid(), form.errors


def test_planning_a_meeting_in_year_9999_shows_the_message_and_saves_nothing(
    client, group, facilitator
):
    client.force_login(facilitator.user)
    response = client.post(
        reverse("meetings:plan", args=[group.slug]), {"starts_at": "9999-12-31T23:30"}
    )
    assert MESSAGE in response.content.decode()
    assert not group.meetings.exists()


@pytest.fixture
def year_9999(group, member):
    """A meeting, a visit and a task saved at the very end of the calendar, as the forms
    allowed before they checked dates."""
    return {
        "meeting": make_meeting(
            group, starts_at=LAST_MINUTE, status="planned"
        ),
        "visit": make_visit(group, starts_on=date(9999, 12, 31), ends_on=date(9999, 12, 31)),
        "task": make_task(group, owners=[member], due_date=date(9999, 12, 31)),
    }


def _events(response):
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def test_the_private_feed_still_lists_events_in_year_9999(client, member, year_9999):
    response = client.get(reverse("groupwork:calendar_feed", args=[member.calendar_token]))
    assert response.status_code == 200
    events = _events(response)
    meeting, visit, task = year_9999["meeting"], year_9999["visit"], year_9999["task"]
    assert events[f"meeting-{meeting.pk}@groupwork"].decoded("dtstart").year == 9999
    assert events[f"visit-{visit.pk}@groupwork"].decoded("dtstart") == date(9999, 12, 31)
    assert "Maila och kolla" in events[f"task-{task.pk}@groupwork"]["summary"]


def test_the_meeting_and_visit_downloads_work_in_year_9999(client, group, member, year_9999):
    client.force_login(member.user)
    meeting, visit = year_9999["meeting"], year_9999["visit"]
    response = client.get(reverse("groupwork:meeting_ics", args=[group.slug, meeting.pk]))
    assert response.status_code == 200
    assert f"meeting-{meeting.pk}@groupwork" in _events(response)
    response = client.get(reverse("groupwork:visit_ics", args=[group.slug, visit.pk]))
    assert response.status_code == 200
    assert f"visit-{visit.pk}@groupwork" in _events(response)


def test_the_meeting_download_works_for_a_meeting_in_year_1(client, group, member):
    meeting = make_meeting(group, starts_at=datetime(1, 1, 1, 0, 0, tzinfo=UTC))
    client.force_login(member.user)
    response = client.get(reverse("groupwork:meeting_ics", args=[group.slug, meeting.pk]))
    assert response.status_code == 200
    assert _events(response)[f"meeting-{meeting.pk}@groupwork"].decoded("dtstart").year == 1


def test_planning_the_next_meeting_after_one_in_year_9999_keeps_the_place(
    client, group, facilitator
):
    last = make_meeting(
        group, starts_at=LAST_MINUTE, location="Stadshuset"
    )
    client.force_login(facilitator.user)
    response = client.get(reverse("meetings:plan", args=[group.slug]), {"fran": last.pk})
    page = response.content.decode()
    assert 'value="Stadshuset"' in page
    assert "Planera" in page
    assert group.meetings.count() == 1


def test_the_public_calendar_of_anyone_lists_a_meeting_in_year_9999(client, group):
    group.is_public = True
    group.save()
    meeting = make_meeting(group, starts_at=LAST_MINUTE, location="Stadshuset",
                           location_is_public=True)
    response = client.get(reverse("public:calendar", args=[group.slug]))
    assert response.status_code == 200
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [f"meeting-{meeting.pk}@groupwork"]
