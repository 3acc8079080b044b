from django.core.management.base import BaseCommand
from django.db import transaction

from actions.models import ActionItem
from meetings.models import AgendaItem, Meeting
from overview import search
from publishing.models import Snapshot
from visits.models import StudyVisit


class Command(BaseCommand):
    help = "Rebuilds the search index from all minutes, tasks and study visits."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")

    def handle(self, *args, dry_run=False, **options):
        sources = [
            (Meeting.objects.all(), search.index_meeting),
            (AgendaItem.objects.select_related("meeting"), search.index_item),
            (ActionItem.objects.all(), search.index_task),
            (StudyVisit.objects.all(), search.index_visit),
            # The public search: published minutes as they were published.
            (Snapshot.objects.filter(kind=Snapshot.Kind.MINUTES), search.index_public),
        ]
        count = sum(queryset.count() for queryset, _index in sources)
        if dry_run:
            self.stdout.write(f"Would index {count} texts.")
            return
        with transaction.atomic():
            search.SearchEntry.objects.all().delete()
            for queryset, index in sources:
                for obj in queryset.iterator():
                    index(obj)
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} texts."))
