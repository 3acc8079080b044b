"""Who may see and change which task: the one place that loads a task for a request."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from groupwork.access import membership_for


def task_for(request, group_slug, pk, change=False, facilitator=False):
    """The request's membership and the group's task `pk`.

    An outsider, or another group's task id, gets 404; a member gets 403 where
    facilitator=True, and where change=True unless they own the task.
    """
    membership = membership_for(request, group_slug, facilitator=facilitator)
    task = get_object_or_404(
        membership.group.action_items.with_origin().prefetch_related("owners"), pk=pk
    )
    if change and not (membership.is_facilitator or task.is_owned_by(membership.person)):
        raise PermissionDenied
    return membership, task
