"""The approved minutes by e-mail to every member of the group, with each person's own tasks.

Approving the minutes (meetings.signals.minutes_approved) makes one pending MinutesMail per
member who wants it, in the same transaction; after the commit they are sent. Whatever is
still pending (the mail server was down) is sent by `send_minutes` from cron. Each row is
claimed by marking it sent, in the transaction that sends it, so every e-mail goes once; who
left the group or turned the e-mail off since the approval gets nothing.

What an e-mail holds: the group's name, the date, attendance and each item's heading, notes
and decision, all by first name; never an internal note, an [intern] passage or anyone's
address. After a correction, the e-mail of the new approval begins with what changed since
the text that person was sent last.
"""

import difflib
import logging
from functools import partial

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone, translation

from actions.models import ActionItem, MinutesMail
from groupwork.diff import word_diff
from groupwork.internal import cut_internal, without_internal
from groupwork.models import Membership, Person
from meetings.models import AgendaItem, Meeting

logger = logging.getLogger(__name__)

# Words shown either side of a change in "what changed".
CONTEXT_WORDS = 6


def queue(sender, meeting, **kwargs):
    """Receiver of minutes_approved: one pending e-mail per active member who wants it."""
    active = Membership.objects.active().filter(group_id=meeting.group_id, person=OuterRef("pk"))
    people = (
        Person.objects.filter(Exists(active), minutes_mail=True, user__isnull=False)
        .exclude(user__email="")
        .values_list("pk", flat=True)
    )
    MinutesMail.objects.bulk_create(
        [
            MinutesMail(meeting=meeting, person_id=pk, approved_at=meeting.approved_at)
            for pk in people
        ],
        ignore_conflicts=True,
    )
    transaction.on_commit(partial(_send_after_commit, meeting.pk))


def _send_after_commit(meeting_id):
    # The approval is saved whatever happens here; cron sends what is left.
    try:
        send_pending(meeting_id)
    except Exception:
        logger.exception("Sending the minutes of meeting %s failed; send_minutes retries", meeting_id)


def pending(meeting_id=None):
    rows = MinutesMail.objects.filter(sent_at__isnull=True)
    if meeting_id is not None:
        rows = rows.filter(meeting_id=meeting_id)
    return rows


def send_pending(meeting_id=None):
    """Send every pending e-mail (of one meeting, or all); the number sent."""
    texts = {}
    sent = 0
    with get_connection() as connection:
        for pk in pending(meeting_id).order_by("id").values_list("pk", flat=True):
            try:
                sent += _send(pk, connection, texts)
            except Exception:
                # An address the mail server refuses holds up nobody else; the row stays
                # pending and the next run tries it again.
                logger.exception("The minutes e-mail %s was not sent; send_minutes retries", pk)
    return sent


def _send(pk, connection, texts):
    with transaction.atomic():
        # Claimed by marking it sent: a run on another server that comes now skips it (the row
        # lock, on Postgres) or finds it taken (on any database). If the sending fails, the
        # claim is rolled back with the rest.
        row = (
            MinutesMail.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=pk, sent_at__isnull=True)
            .select_related("person__user", "meeting__group")
            .first()
        )
        if row is None or not MinutesMail.objects.filter(pk=pk, sent_at__isnull=True).update(
            sent_at=timezone.now()
        ):
            return 0  # sent meanwhile, or another run is sending it now
        meeting, person = row.meeting, row.person
        still_wanted = person.minutes_mail and Membership.objects.active().filter(
            group_id=meeting.group_id, person=person
        ).exists()
        if (
            meeting.status not in Meeting.READABLE
            or meeting.approved_at != row.approved_at
            or not still_wanted
            or person.user is None
            or not person.user.email
        ):
            # Reopened since (the next approval sends again), left the group, turned the
            # e-mail off or has no address any more since the approval.
            row.delete()
            return 0
        if meeting.pk not in texts:
            texts[meeting.pk] = minutes_text(meeting)
        row.text = texts[meeting.pk]
        previous = (
            MinutesMail.objects.filter(
                meeting=meeting, person=person, sent_at__isnull=False, approved_at__lt=row.approved_at
            )
            .order_by("-approved_at")
            .first()
        )
        tasks = list(
            ActionItem.objects.filter(meeting=meeting, owners=person)
            .select_related("group")
            .order_by("status", "due_date", "id")
        )
        subject, body = _mail(meeting, person, row.text, tasks, previous)
        send_mail(subject, body, None, [person.user.email], connection=connection)
        row.save(update_fields=["text"])
    return 1


def minutes_text(meeting):
    """The minutes as plain text, as every member gets them."""
    attendances = list(meeting.attendances.select_related("person"))
    items = [cut_internal(item, *AgendaItem.OUTWARD_FIELDS) for item in meeting.items.all()]
    with translation.override("sv"):
        return render_to_string(
            "actions/email/minutes_text.txt",
            {
                "meeting": meeting,
                "opening": without_internal(meeting.opening)[0].strip(),
                "present": [a for a in attendances if a.present],
                "absent": [a for a in attendances if not a.present],
                "items": items,
            },
        ).strip()


def _mail(meeting, person, text, tasks, previous):
    context = {
        "meeting": meeting,
        "group": meeting.group,
        "person": person,
        "minutes_text": text,
        "tasks": tasks,
        "previous": previous,
        "changes": what_changed(previous.text, text) if previous else [],
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    # In Swedish, the language of the group, whatever the server's locale.
    with translation.override("sv"):
        subject = render_to_string("actions/email/minutes_subject.txt", context).strip()
        body = render_to_string("actions/email/minutes.txt", context)
    return subject, body


def what_changed(old, new):
    """One excerpt per changed passage of lines, removed words as [-…-] and added as [+…+],
    a long unchanged stretch shortened to a few words either side of a change."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    excerpts = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if a2 - a1 == b2 - b1:  # the same lines, changed: line by line
            pairs = zip(old_lines[a1:a2], new_lines[b1:b2])
        else:
            pairs = [(" ".join(old_lines[a1:a2]), " ".join(new_lines[b1:b2]))]
        for before, after in pairs:
            excerpt = _marked(word_diff(before, after))
            if excerpt:
                excerpts.append(excerpt)
    return excerpts


def _marked(pieces):
    words = []
    for index, (kind, text) in enumerate(pieces):
        part = text.split()
        if kind != "same":
            if part:
                words.append(("[-%s-]" if kind == "del" else "[+%s+]") % " ".join(part))
            continue
        first, last = index == 0, index == len(pieces) - 1
        if first and len(part) > CONTEXT_WORDS:
            part = ["…", *part[-CONTEXT_WORDS:]]
        elif last and len(part) > CONTEXT_WORDS:
            part = [*part[:CONTEXT_WORDS], "…"]
        elif not first and not last and len(part) > 2 * CONTEXT_WORDS:
            part = [*part[:CONTEXT_WORDS], "…", *part[-CONTEXT_WORDS:]]
        words.extend(part)
    return " ".join(words) if any(kind != "same" for kind, _text in pieces) else ""
