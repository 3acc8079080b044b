"""Who may see which meeting: the one place that loads a meeting for a request."""

from django.db.models import F
from django.shortcuts import get_object_or_404

from groupwork.access import membership_for
from meetings.models import Meeting


def meeting_for(request, group_slug, pk, facilitator=False):
    """The request's membership and the group's meeting `pk`.

    An outsider, or another group's meeting id, gets 404; a member who is not a facilitator
    gets 403 where facilitator=True. Whether a draft's text may be read is the caller's
    question (`meeting.can_be_read_by(membership)`).

    The pages show the note taker, the adjuster and the approver by first name only: the
    meeting comes with those three names (note_taker_name, adjuster_name, approved_by_name),
    which cost the query less than joining in the people themselves.
    """
    membership = membership_for(request, group_slug, facilitator=facilitator)
    meeting = get_object_or_404(
        Meeting.objects.annotate(
            note_taker_name=F("note_taker__first_name"),
            adjuster_name=F("adjuster__first_name"),
            approved_by_name=F("approved_by__person__first_name"),
        ),
        group_id=membership.group_id,
        pk=pk,
    )
    meeting.group = membership.group
    return membership, meeting
