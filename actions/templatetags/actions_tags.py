from django import template

from actions.forms import suggested_due_date

register = template.Library()


@register.simple_tag
def next_meeting_date(meeting):
    """The due date to suggest for a task from this meeting; looked up once per meeting."""
    if not hasattr(meeting, "_next_meeting_date"):
        meeting._next_meeting_date = suggested_due_date(meeting.group_id, meeting)
    return meeting._next_meeting_date


@register.simple_tag(takes_context=True)
def can_change_task(context, task):
    """Whether the viewer may tick off this task: a facilitator of its group, or an owner."""
    membership = context.get("membership")
    if membership is not None and membership.group_id == task.group_id and membership.is_facilitator:
        return True
    return task.is_owned_by(getattr(context["request"].user, "person", None))
