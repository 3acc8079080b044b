"""The start page: what is next for the person, across their groups."""

from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.shortcuts import render

from actions.models import ActionItem
from meetings.models import Meeting
from visits.models import Participant


@login_required
def home(request):
    person = getattr(request.user, "person", None)
    context = {"person": person, "memberships": []}
    if person is not None:
        # The active ones, asked of each row (Membership.is_active): a person has a few, and
        # the date conditions and the people's names in the ordering cost more to build.
        context["memberships"] = [
            membership
            for membership in person.memberships.select_related("group").order_by("group__name")
            if membership.is_active
        ]
        groups = {membership.group_id: membership.group for membership in context["memberships"]}
        # The next meeting of each group, however many are planned.
        first_upcoming = (
            Meeting.objects.upcoming()
            .filter(group=OuterRef("group"))
            .order_by("starts_at")
            .values("pk")[:1]
        )
        # Upcoming on the outside too: the subquery then runs for a group's few meetings ahead,
        # not for all of its past ones.
        context["next_meetings"] = _with_groups(
            Meeting.objects.upcoming()
            .filter(group__in=groups, pk=Subquery(first_upcoming))
            .order_by("starts_at")
            .values("pk", "group_id", "starts_at", "location"),
            groups,
        )
        context["to_review"] = _with_groups(
            Meeting.objects.awaiting_review_by(person)
            .filter(group__in=groups)
            .order_by("starts_at")
            .values("pk", "group_id", "starts_at", "sent_for_review_at"),
            groups,
        )
        context["my_tasks"] = list(ActionItem.objects.for_start_page(person, groups.values()))
        context["visit_participations"] = list(
            Participant.objects.upcoming_for(person, context["memberships"])
        )
    return render(request, "overview/home.html", context)


def _with_groups(meetings, groups):
    """The meetings (as values: the few columns shown), each with its group taken from those
    loaded with the memberships: joining the group again costs a query most of its time in
    building SQL and objects."""
    meetings = list(meetings)
    for meeting in meetings:
        meeting["group"] = groups[meeting["group_id"]]
    return meetings
