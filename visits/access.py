"""Who may see which study visit: the one place that loads a visit for a request."""

from django.shortcuts import get_object_or_404

from groupwork.access import membership_for


def visit_for(request, group_slug, pk, facilitator=False):
    """The request's membership and the group's study visit `pk`.

    An outsider, or another group's visit id, gets 404; a member who is not a facilitator
    gets 403 where facilitator=True. Who may write the report is the caller's question
    (`visit.can_write_report(...)`).
    """
    membership = membership_for(request, group_slug, facilitator=facilitator)
    visit = get_object_or_404(membership.group.study_visits, pk=pk)
    visit.group = membership.group
    return membership, visit
