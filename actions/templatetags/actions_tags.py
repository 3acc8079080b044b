from django import template

from actions.forms import suggested_due_date

register = template.Library()


@register.simple_tag
def next_meeting_date(meeting):
    """The due date to suggest for a task from this meeting; looked up once per meeting."""
    if not hasattr(meeting, "_next_meeting_date"):
        meeting._next_meeting_date = suggested_due_date(meeting.group_id, meeting)
    return meeting._next_meeting_date

