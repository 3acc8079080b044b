from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone, translation

from actions.models import ActionItem, ReminderSent
from groupwork.models import Membership, Person


class Command(BaseCommand):
    help = (
        "Sends each person one e-mail with their open tasks that are overdue or due within "
        "--days days. Run daily from cron; a second run on the same day sends nothing new, "
        "and two runs at once (cron on two servers) send each digest once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=3, help="Due within this many days.")
        parser.add_argument("--dry-run", action="store_true", help="Show, send nothing.")

    def handle(self, *args, days, dry_run, **options):
        today = timezone.localdate()
        digests = _digests(today, days)
        for person, tasks in digests.items():
            if not dry_run:
                tasks = _send(person, tasks, today, days)
            if not tasks:
                continue
            verb = "Would send" if dry_run else "Sent"
            self.stdout.write(f"{verb} {len(tasks)} task(s) to person {person.pk} ({person}).")
        self.stdout.write(f"{len(digests)} digest(s){' (dry run)' if dry_run else ''}.")


def _digests(today, days):
    """Person -> their due tasks not yet reminded of today; only people who want the digest."""
    active = Membership.objects.active().filter(
        group=OuterRef("actionitem__group"), person=OuterRef("person")
    )
    sent = ReminderSent.objects.filter(
        person=OuterRef("person"), action_item=OuterRef("actionitem"), sent_on=today
    )
    rows = (
        ActionItem.owners.through.objects.filter(
            actionitem__status=ActionItem.Status.OPEN,
            actionitem__due_date__lte=today + timedelta(days=days),
            person__task_digest=True,
            person__user__isnull=False,
        )
        .exclude(person__user__email="")
        .filter(Exists(active))
        .exclude(Exists(sent))
        .select_related("person__user", "actionitem__group")
        .order_by("person_id", "actionitem__due_date", "actionitem_id")
    )
    digests = {}
    for row in rows:
        digests.setdefault(row.person, []).append(row.actionitem)
    return digests


def _send(person, tasks, today, days):
    """Mail the tasks not yet reminded of today; the tasks mailed. The person's row is held
    until the reminders are recorded, so that a run at the same time on another server skips
    the person or, once this one is done, finds them reminded."""
    with transaction.atomic():
        if Person.objects.select_for_update(skip_locked=True).filter(pk=person.pk).first() is None:
            return []
        sent = set(
            ReminderSent.objects.filter(person=person, sent_on=today).values_list(
                "action_item_id", flat=True
            )
        )
        tasks = [task for task in tasks if task.pk not in sent]
        if tasks:
            _mail(person, tasks, days)
            ReminderSent.objects.bulk_create(
                [ReminderSent(person=person, action_item=task, sent_on=today) for task in tasks]
            )
    return tasks


def _mail(person, tasks, days):
    context = {
        "person": person,
        "tasks": tasks,
        "days": days,
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    # The digest is in Swedish, the language of the group, whatever the server's locale.
    with translation.override("sv"):
        subject = render_to_string("actions/email/task_digest_subject.txt", context).strip()
        body = render_to_string("actions/email/task_digest.txt", context)
    send_mail(subject, body, None, [person.user.email])
