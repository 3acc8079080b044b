from django.core.management.base import BaseCommand

from actions import minutes_mail


class Command(BaseCommand):
    help = (
        "Sends the approved minutes that are still waiting to go to the group's members "
        "(they are sent right after the approval; this catches what failed). Run from cron; "
        "each e-mail goes once, however often and on however many servers this runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Show, send nothing.")

    def handle(self, *args, dry_run, **options):
        if dry_run:
            count = minutes_mail.pending().count()
            self.stdout.write(f"{count} e-mail(s) waiting (dry run).")
            return
        self.stdout.write(f"Sent {minutes_mail.send_pending()} e-mail(s) with minutes.")
