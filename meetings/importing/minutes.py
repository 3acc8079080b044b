"""What a parsed file is: the meeting, its people, agenda items and suggested tasks.

`parser.parse` returns a `Minutes`; the preview page, the command and `saving` read it.
Nothing here is saved.
"""

from dataclasses import dataclass, field
from datetime import date as Date
from datetime import datetime, time

from django.utils import timezone

from meetings.models import AgendaItem

# A meeting whose minutes give no time is stored at this time of day.
DEFAULT_TIME = time(9, 0)


def aware(day, at):
    return timezone.make_aware(datetime.combine(day, at))


@dataclass(frozen=True)
class Attendee:
    """One entry of an attendee list. Only the first name is kept; the surname is read so
    that it can be removed from the text."""

    name: str
    surname: str = ""
    affiliation: str = ""
    present: bool = True
    only_items: str = ""  # "punkt 3": a guest for part of the meeting


@dataclass(frozen=True)
class Item:
    heading: str
    notes: str
    decision: str
    outcome: AgendaItem.Outcome


@dataclass(frozen=True)
class Task:
    """A sentence that reads as a task ("Eva kontaktar ..."), suggested for its owners."""

    title: str
    owners: tuple[str, ...]
    item: int  # its agenda item's index in Minutes.items
    heading: str  # that item's heading


@dataclass
class Minutes:
    title: str = ""
    date: Date | None = None
    start: time | None = None
    end: time | None = None
    location: str = ""
    opening: str = ""
    attendees: list[Attendee] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    note_taker: str = ""
    adjuster: str = ""
    next_meeting: datetime | None = None
    tasks: list[Task] = field(default_factory=list)
    unclear: list[str] = field(default_factory=list)  # lines and facts not understood
    # (first name, surname) of everyone named in full: what a kept original must lose.
    full_names: list[tuple[str, str]] = field(default_factory=list)

    @property
    def starts_at(self):
        return aware(self.date, self.start or DEFAULT_TIME)

    @property
    def ends_at(self):
        return aware(self.date, self.end) if self.end else None

    @property
    def present(self):
        return [attendee for attendee in self.attendees if attendee.present]

    @property
    def absent(self):
        return [attendee for attendee in self.attendees if not attendee.present]

    def names(self):
        """Every first name the meeting needs matched to a person, in order of appearance."""
        names = [attendee.name for attendee in self.attendees]
        names += [self.note_taker, self.adjuster]
        names += [owner for task in self.tasks for owner in task.owners]
        return [name for name in names if name]
