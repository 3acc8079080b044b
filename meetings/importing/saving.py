"""Saving parsed `Minutes`: the meeting, its attendances, people and agenda items, the file.

All of one file or nothing: `atomic_import` is a context manager, so that what the caller
adds inside its block (the tasks, created in `overview`) belongs to the same transaction;
`save` adds nothing. The original file is kept only on request (`keep_original`), redacted
(`originals`) and for facilitators only; it is stored last, so that a full disk undoes
everything before it.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import time, timedelta

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groupwork.models import Membership, Person
from meetings.importing import AlreadyImported, files, originals
from meetings.importing.minutes import aware
from meetings.models import AgendaItem, Attachment, Attendance, Meeting

# What becomes of a person the group does not know: a guest of the meeting, or an inactive
# member of the group.
NEW_PEOPLE = ("guests", "members")


@dataclass(frozen=True)
class Saved:
    """What `atomic_import` saved, for the caller's additions to link to."""

    meeting: Meeting
    items: list[AgendaItem]  # in the order of Minutes.items
    people: dict[str, Person | None]  # first name → Person (None: a guest)
    # The redacted original to be stored with it; None when not asked for or not possible.
    original: originals.Copy | None = None


def is_imported(group, data):
    return group.meetings.filter(import_checksum=files.checksum(data)).exists()


def match_people(minutes, group):
    """Each name in the minutes → the group's Person it matches, or None for a new person."""
    memberships = _memberships(group)
    affiliation = {a.name: a.affiliation for a in reversed(minutes.attendees)}
    found = {}
    for name in minutes.names():
        if name not in found:
            found[name] = _member(memberships, name, affiliation.get(name, ""))
    return found


@contextmanager
def atomic_import(minutes, group, data, filename, *, user=None, new_people="guests",
                  owners=(), plan_next=True, keep_original=False):
    """Create the meeting of one parsed file; yields what was saved, as a `Saved`.

    New people become guests or inactive members as `new_people` says; a note taker,
    adjuster or one of `owners` (of the tasks the caller creates) must be a person, so they
    become inactive members either way. With `keep_original` a redacted copy of the file
    is kept as an attachment for facilitators (`Saved.original`; None when none is safe).
    """
    digest = files.checksum(data)
    if group.meetings.filter(import_checksum=digest).exists():
        raise AlreadyImported(_("”%(name)s” är redan importerad.") % {"name": filename})
    copy = originals.redacted(data, filename, minutes.full_names) if keep_original else None
    attachment = None
    try:
        with transaction.atomic():
            meeting = _save_meeting(minutes, group, digest, user)
            people = _save_people(minutes, group, meeting, new_people, owners)
            items = [
                AgendaItem.objects.create(
                    meeting=meeting,
                    position=position,
                    heading=item.heading,
                    notes=item.notes,
                    decision=item.decision,
                    outcome=item.outcome,
                )
                for position, item in enumerate(minutes.items, start=1)
            ]
            yield Saved(meeting=meeting, items=items, people=people, original=copy)
            if plan_next and minutes.next_meeting:
                _plan(group, minutes.next_meeting)
            if copy is not None:
                attachment = Attachment(
                    meeting=meeting,
                    name=copy.name[:255],
                    content_type=copy.content_type,
                    size=len(copy.data),
                    is_public=False,
                    is_import_original=True,
                    uploaded_by=user,
                )
                attachment.file.save(copy.name, ContentFile(copy.data), save=False)
                attachment.save()
    except IntegrityError:
        _remove_file(attachment)
        if group.meetings.filter(import_checksum=digest).exists():
            raise AlreadyImported(
                _("”%(name)s” är redan importerad.") % {"name": filename}
            ) from None
        raise
    except BaseException:
        _remove_file(attachment)
        raise


def save(minutes, group, data, filename, **options):
    """The meeting of one parsed file alone, with nothing added; returns the meeting."""
    with atomic_import(minutes, group, data, filename, **options) as saved:
        pass
    return saved.meeting


def _memberships(group):
    return list(group.memberships.select_related("person").order_by("active_to", "id"))


def _member(memberships, name, affiliation):
    same = [m for m in memberships if m.person.first_name.lower() == name.lower()]
    if len(same) > 1 and affiliation:
        wanted = affiliation.lower()
        fitting = [
            m for m in same
            if m.represents and (m.represents.lower() in wanted or wanted in m.represents.lower())
            or m.person.known_as and m.person.known_as.lower() in wanted
        ]
        same = fitting or same
    return same[0].person if same else None


def _save_meeting(minutes, group, digest, user):
    day_start = aware(minutes.date, time.min)
    # A meeting planned when an earlier file was imported is filled in rather than doubled.
    meeting = (
        group.meetings.filter(
            status=Meeting.Status.PLANNED,
            import_checksum="",
            starts_at__gte=day_start,
            starts_at__lt=day_start + timedelta(days=1),
            items__isnull=True,
        ).first()
        or Meeting(group=group)
    )
    meeting.title = minutes.title
    meeting.starts_at = minutes.starts_at
    meeting.ends_at = minutes.ends_at
    meeting.location = minutes.location
    meeting.opening = minutes.opening
    meeting.status = Meeting.Status.APPROVED
    meeting.approved_at = timezone.now()
    meeting.approved_by = user
    meeting.import_checksum = digest
    meeting._change_reason = _("Importerat")
    meeting.save()
    return meeting


def _save_people(minutes, group, meeting, new_people, owners):
    """The meeting's attendances; returns first name → Person for the roles and owners."""
    memberships = _memberships(group)
    needs_person = {minutes.note_taker, minutes.adjuster, *owners} - {""}
    names = [attendee.name for attendee in minutes.attendees]
    left = min(minutes.date, timezone.localdate() - timedelta(days=1))
    people = {}

    def person_for(name, affiliation, create):
        person = _member(memberships, name, affiliation)
        if person is None and create:
            # Two of the same name in one file are told apart by what they represent.
            known_as = affiliation[:60] if names.count(name) > 1 else ""
            person = Person.objects.create(first_name=name, known_as=known_as)
            Membership.objects.create(
                group=group, person=person, represents=affiliation[:120], active_to=left
            )
        return person

    for attendee in minutes.attendees:
        name = attendee.name
        create = new_people == "members" or name in needs_person
        person = person_for(name, attendee.affiliation, create)
        if person is not None and person in people.values():
            continue  # listed twice
        if people.get(name) is None:
            people[name] = person
        Attendance.objects.create(
            meeting=meeting,
            person=person,
            guest_name="" if person else name,
            affiliation=attendee.affiliation,
            present=attendee.present,
            only_items=attendee.only_items,
        )
    for name in needs_person:
        if people.get(name) is None:
            people[name] = person_for(name, "", create=True)
    meeting.note_taker = people.get(minutes.note_taker)
    meeting.adjuster = people.get(minutes.adjuster)
    if meeting.note_taker or meeting.adjuster:
        meeting.save(update_fields=["note_taker", "adjuster"])
    return people


def _plan(group, start):
    day_start = start.replace(hour=0, minute=0)
    exists = group.meetings.filter(
        starts_at__gte=day_start, starts_at__lt=day_start + timedelta(days=1)
    ).exists()
    if not exists:
        Meeting.objects.create(group=group, starts_at=start, status=Meeting.Status.PLANNED)


def _remove_file(attachment):
    if attachment is not None and attachment.file.name:
        attachment.file.storage.delete(attachment.file.name)
