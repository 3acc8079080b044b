from django.core.management.base import BaseCommand

from publishing import mirror
from publishing.models import Mirror


class Command(BaseCommand):
    help = (
        "Brings Öppna soc (WordPress) up to date: sends every published, corrected or "
        "unpublished item whose post is pending and due, and makes the posts of items "
        "published before their group was connected. Run every few minutes from cron; a run "
        "with nothing pending sends nothing, and two runs at once never both send one item."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Show, send nothing.")

    def handle(self, *args, dry_run, **options):
        if dry_run:
            due = Mirror.objects.filter(pk__in=mirror.due()).select_related("group")
            for row in due:
                self.stdout.write(f"Would send {row} ({row.get_state_display()}).")
            self.stdout.write(f"{len(due)} pending (dry run).")
            return
        mirror.missing()
        counts = {}
        for pk in mirror.due():
            try:
                done = mirror.run(pk)
            except Exception as error:  # one item's surprise must not stop the others
                self.stderr.write(f"Mirror {pk}: {type(error).__name__}")
                counts["error"] = counts.get("error", 0) + 1
                continue
            state = "busy" if done is None else done.state
            counts[state] = counts.get(state, 0) + 1
            if done is not None and done.state != Mirror.State.MIRRORED:
                self.stdout.write(f"{done}: {done.get_state_display()}: {done.reason}")
        summary = ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
        self.stdout.write(f"Öppna soc: {summary or 'nothing pending'}.")
