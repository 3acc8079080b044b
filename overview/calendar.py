"""Calendar feeds (iCalendar, RFC 5545): a private feed per person, single-event downloads of
a meeting or a study visit, and a public feed of each public group's upcoming meetings.

Every event has a UID that never changes ("meeting-12@groupwork"), LAST-MODIFIED and DTSTAMP
from the object's updated_at, and a SEQUENCE that grows with it, so that Google Calendar,
Outlook and Apple Calendar replace an event when it changes. A cancelled meeting or visit stays
in the feed with STATUS:CANCELLED. Meeting times carry TZID=Europe/Stockholm and the
calendar its VTIMEZONE.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actions.models import ActionItem
from groupwork.models import Group, Person, new_token
from meetings.access import meeting_for
from meetings.models import Meeting
from publishing import detection
from visits.access import visit_for
from visits.models import StudyVisit

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# SEQUENCE is the number of seconds from this moment to the last change: it grows with every
# change and fits the 32-bit integer that calendar programs expect until the 2080s.
SEQUENCE_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
# A meeting without an end time is shown as two hours long.
MEETING_LENGTH = timedelta(hours=2)
# How far back the private feed reaches: older meetings are in the minutes, not the calendar.
FEED_HISTORY = timedelta(days=365)
# The forms keep dates within 2000-2100, but a row saved before they did may hold year 9999:
# a later time is shown as this one (the same day), so that Stockholm time and the two hours
# added for the end cannot overflow the last day of the calendar.
LATEST = datetime(9999, 12, 31, 20, tzinfo=UTC)
# Calendar programs read SEQUENCE as a 32-bit integer.
MAX_SEQUENCE = 2**31 - 1


def _stockholm_timezone():
    """VTIMEZONE for Europe/Stockholm by its rule (summer time from the last Sunday of March
    to the last Sunday of October), valid for any year, unlike a list of dates."""
    timezone_ = icalendar.Timezone()
    timezone_.add("tzid", "Europe/Stockholm")
    for kind, name, month, start, offset_from, offset_to in [
        (icalendar.TimezoneDaylight, "CEST", 3, datetime(1970, 3, 29, 2), 1, 2),
        (icalendar.TimezoneStandard, "CET", 10, datetime(1970, 10, 25, 3), 2, 1),
    ]:
        part = kind()
        part.add("tzname", name)
        part.add("dtstart", start)
        part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        part.add("tzoffsetfrom", timedelta(hours=offset_from))
        part.add("tzoffsetto", timedelta(hours=offset_to))
        timezone_.add_component(part)
    return timezone_


def _calendar(name):
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Groupwork//Kalender//SV")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Stockholm")
    # How often a subscribed calendar should fetch the feed again.
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    calendar.add_component(_stockholm_timezone())
    return calendar


def _event(uid, summary, changed_at, cancelled=False):
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstamp", changed_at)
    event.add("last-modified", changed_at)
    sequence = int((changed_at - SEQUENCE_EPOCH).total_seconds())
    event.add("sequence", min(max(sequence, 0), MAX_SEQUENCE))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _meeting_event(meeting, summary, location, url=None):
    event = _event(
        f"meeting-{meeting.pk}@groupwork",
        summary,
        meeting.updated_at,
        cancelled=meeting.status == Meeting.Status.CANCELLED,
    )
    starts = _stockholm_time(meeting.starts_at)
    ends = _stockholm_time(meeting.ends_at) if meeting.ends_at else None
    event.add("dtstart", starts)
    event.add("dtend", ends or starts + MEETING_LENGTH)
    if location:
        event.add("location", location)
    if url:
        event.add("url", url)
        event.add("description", url)
    return event


def _stockholm_time(moment):
    return timezone.localtime(min(moment, LATEST), STOCKHOLM)


def _staff_meeting_event(request, meeting):
    summary = f"{meeting.group.name}: {meeting.title or _('möte')}"
    url = request.build_absolute_uri(meeting.get_absolute_url())
    return _meeting_event(meeting, summary, meeting.location, url)


def _all_day(event, first, last):
    event.add("dtstart", first)
    # DTEND of an all-day event is the day after the last day (if the calendar has one).
    event.add("dtend", last + timedelta(days=1) if last < date.max else last)
    event.add("transp", "TRANSPARENT")
    return event


def _visit_event(request, visit):
    event = _event(
        f"visit-{visit.pk}@groupwork",
        _("Studiebesök: %(visit)s") % {"visit": visit},
        visit.updated_at,
        cancelled=visit.status == StudyVisit.Status.CANCELLED,
    )
    event.add("location", visit.destination)
    url = request.build_absolute_uri(visit.get_absolute_url())
    event.add("url", url)
    event.add("description", url)
    return _all_day(event, visit.starts_on, visit.ends_on or visit.starts_on)


def _task_event(request, task):
    event = _event(
        f"task-{task.pk}@groupwork",
        _("Klart senast: %(task)s") % {"task": task.title},
        task.updated_at,
    )
    url = request.build_absolute_uri(task.get_absolute_url())
    event.add("url", url)
    event.add("description", url)
    return _all_day(event, task.due_date, task.due_date)


def _response(calendar, filename, download=False):
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def feed(request, token):
    """A person's private feed. Whoever has the URL sees it: the token is the password."""
    person = Person.objects.filter(calendar_token=token).first()
    if person is None:
        raise Http404
    group_ids = list(person.memberships.active().values_list("group_id", flat=True))
    since = timezone.now() - FEED_HISTORY
    calendar = _calendar(_("Groupwork – %(name)s") % {"name": person.first_name})
    meetings = Meeting.objects.filter(group_id__in=group_ids, starts_at__gte=since)
    for meeting in meetings.select_related("group"):
        calendar.add_component(_staff_meeting_event(request, meeting))
    visits = StudyVisit.objects.filter(
        group_id__in=group_ids, starts_on__isnull=False, starts_on__gte=since.date()
    )
    for visit in visits.select_related("group"):
        calendar.add_component(_visit_event(request, visit))
    tasks = ActionItem.objects.open().owned_by(person).filter(
        group_id__in=group_ids, due_date__isnull=False
    )
    for task in tasks.select_related("group"):
        calendar.add_component(_task_event(request, task))
    response = _response(calendar, "groupwork.ics")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def meeting_ics(request, group_slug, pk):
    membership, meeting = meeting_for(request, group_slug, pk)
    calendar = _calendar(membership.group.name)
    calendar.add_component(_staff_meeting_event(request, meeting))
    day = _stockholm_time(meeting.starts_at).date()
    return _response(calendar, f"mote-{day:%Y-%m-%d}.ics", download=True)


@login_required
def visit_ics(request, group_slug, pk):
    membership, visit = visit_for(request, group_slug, pk)
    if visit.starts_on is None:
        raise Http404
    calendar = _calendar(membership.group.name)
    calendar.add_component(_visit_event(request, visit))
    return _response(calendar, f"studiebesok-{visit.starts_on:%Y-%m-%d}.ics", download=True)


def public_feed(request, group_slug):
    """A public group's upcoming meetings: the time and a neutral title, nothing about who
    comes or what is planned. The place only if the facilitator marked it public and the
    privacy check finds nothing in it: these meetings have not been published."""
    group = get_object_or_404(Group, slug=group_slug, is_public=True)
    members = Person.objects.filter(memberships__group=group)
    names = frozenset(detection.first_name(n) for n in members.values_list("first_name", flat=True))
    calendar = _calendar(group.name)
    summary = _("%(group)s: möte") % {"group": group.name}
    upcoming = group.meetings.filter(starts_at__gte=timezone.now()).order_by("starts_at")
    for meeting in upcoming:
        place = meeting.location_is_public and detection.checked_place(meeting.location, names)
        calendar.add_component(_meeting_event(meeting, summary, place or ""))
    response = _response(calendar, f"{group.slug}.ics")
    response["Cache-Control"] = "public, max-age=900"
    return response


@login_required
def subscribe(request):
    person = getattr(request.user, "person", None)
    if person is None:
        raise Http404
    path = reverse("groupwork:calendar_feed", args=[person.calendar_token])
    url = request.build_absolute_uri(path)
    return render(
        request,
        "overview/calendar.html",
        {"feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]},
    )


@require_POST
@login_required
def regenerate_token(request):
    person = getattr(request.user, "person", None)
    if person is None:
        raise Http404
    # The old address stops working at once: the token is the only key to the feed.
    person.calendar_token = new_token()
    person.save(update_fields=["calendar_token"])
    messages.success(
        request,
        _("Du har fått en ny kalenderadress. Den gamla fungerar inte längre: lägg in den nya i "
          "din kalender."),
    )
    return redirect("groupwork:calendar")
