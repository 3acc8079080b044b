"""Who may see what: one place for the group check that every staff view makes."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from groupwork.models import Membership


def membership_for(request, group_slug, facilitator=False):
    """The request's active membership of the group with this slug.

    An outsider gets 404, so that a group's existence does not leak; a member who is
    not a facilitator gets 403 where facilitator=True.
    """
    person = getattr(request.user, "person", None)
    if person is None:
        raise Http404
    try:
        # get(): one row at most (membership_unique_person), so no ORDER BY and its joins;
        # whether it is active is asked of the row (Membership.is_active), which costs less
        # than building the two conditions of Membership.objects.active() into the query.
        membership = Membership.objects.select_related("group").get(
            group__slug=group_slug, person_id=person.pk
        )
    except Membership.DoesNotExist:
        raise Http404 from None
    if not membership.is_active:
        raise Http404
    membership.person = person  # loaded with the user already
    if facilitator and not membership.is_facilitator:
        raise PermissionDenied
    return membership
