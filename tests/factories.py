"""Small factories: plain functions that make valid objects with believable defaults."""

import itertools

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from groupwork.models import Group, Membership, Person
from publishing import gate

_seq = itertools.count(1)


def make_group(name="Föräldragruppen", slug=None, **fields):
    slug = slug or f"grupp-{next(_seq)}"
    return Group.objects.create(name=name, slug=slug, **fields)


def make_user(email=None, password="ett-bra-losen-123"):
    email = email or f"person{next(_seq)}@exempel.se"
    user = get_user_model().objects.create_user(
        username=f"u{next(_seq)}", email=email, password=password
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def make_person(first_name="Eva", with_user=True, **fields):
    user = make_user() if with_user else None
    return Person.objects.create(first_name=first_name, user=user, **fields)


def make_member(group, first_name="Eva", role=Membership.Role.MEMBER, represents="", **fields):
    person = make_person(first_name, **fields)
    Membership.objects.create(group=group, person=person, role=role, represents=represents)
    return person


def make_facilitator(group, first_name="Anne", **fields):
    return make_member(group, first_name, role=Membership.Role.FACILITATOR, **fields)


def make_meeting(group, starts_at=None, status="draft", **fields):
    from datetime import timedelta

    from django.utils import timezone

    from meetings.models import Meeting

    starts_at = starts_at or timezone.now() - timedelta(days=1)
    return Meeting.objects.create(group=group, starts_at=starts_at, status=status, **fields)


def make_item(meeting, heading="Osloresan", position=None, **fields):
    from meetings.models import AgendaItem

    if position is None:
        position = meeting.items.count() + 1
    return AgendaItem.objects.create(meeting=meeting, heading=heading, position=position, **fields)


def make_task(group, owners=(), title="Maila och kolla", **fields):
    from actions.models import ActionItem

    task = ActionItem.objects.create(group=group, title=title, **fields)
    task.owners.set(owners)
    return task


def make_visit(group, destination="Oslo", **fields):
    from visits.models import StudyVisit

    return StudyVisit.objects.create(group=group, destination=destination, **fields)


def make_attendance(meeting, person=None, guest_name="", **fields):
    from meetings.models import Attendance

    return Attendance.objects.create(
        meeting=meeting, person=person, guest_name=guest_name, **fields
    )


def make_published_meeting(group, by=None, **fields):
    """Approved minutes with one clean item, published through the privacy check."""
    meeting = make_meeting(group, status="approved", **fields)
    make_item(meeting, "Osloresan", notes="Vi åker buss till Oslo.")
    gate.publish_minutes(meeting, by=by)
    return meeting


def make_swollen_docx(text_bytes=10_000_000):
    """A real .docx of some 70 kB whose document.xml unpacks to text_bytes of paragraphs."""
    import io
    import zipfile

    import docx

    plain = io.BytesIO()
    docx.Document().save(plain)
    paragraph = "<w:p><w:r><w:t>Möte 24 oktober 2017</w:t></w:r></w:p>".encode()
    swollen = io.BytesIO()
    out = zipfile.ZipFile(swollen, "w", zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(plain) as source, out:
        for name in source.namelist():
            data = source.read(name)
            if name == "word/document.xml":
                body = paragraph * (text_bytes // len(paragraph))
                data = data.replace(b"<w:body>", b"<w:body>" + body, 1)
            out.writestr(name, data)
    return swollen.getvalue()


def confirm_findings(meeting):
    """A facilitator marks every finding of the minutes' check as fine (an attachment is a
    finding until someone has looked at it)."""
    from publishing import gate, privacy

    for finding in privacy.check_meeting(meeting):
        gate.confirm(meeting, finding.kind, finding.match, by=None)
