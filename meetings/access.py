"""Who may see which meeting: the one place that loads a meeting for a request."""

from django.shortcuts import get_object_or_404

from groupwork.access import membership_for


def meeting_for(request, group_slug, pk, facilitator=False):
    """The request's membership and the group's meeting `pk`.

    An outsider, or another group's meeting id, gets 404; a member who is not a facilitator
    gets 403 where facilitator=True. Whether a draft's text may be read is the caller's
    question (`meeting.can_be_read_by(membership)`).
    """
    membership = membership_for(request, group_slug, facilitator=facilitator)
    meeting = get_object_or_404(
        membership.group.meetings.select_related("note_taker", "adjuster", "approved_by__person"),
        pk=pk,
    )
    meeting.group = membership.group
    return membership, meeting
