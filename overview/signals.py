"""Keep the search index (overview.search) in step with the text it indexes."""

from django.db.models.signals import post_delete, post_save

from actions.models import ActionItem
from meetings.models import AgendaItem, Meeting
from overview import search
from publishing.models import Snapshot
from visits.models import StudyVisit

_INDEX = {
    Meeting: ("meeting", search.index_meeting),
    AgendaItem: ("item", search.index_item),
    ActionItem: ("task", search.index_task),
    StudyVisit: ("visit", search.index_visit),
}


def _saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _INDEX[sender][1](instance)


def _deleted(sender, instance, **kwargs):
    search.forget(f"{_INDEX[sender][0]}:{instance.pk}")


def _snapshot_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.kind == Snapshot.Kind.MINUTES:
        search.index_public(instance)


def _snapshot_deleted(sender, instance, **kwargs):
    search.forget_public(instance)


def connect():
    post_save.connect(_snapshot_saved, sender=Snapshot, dispatch_uid="search-save-snapshot")
    post_delete.connect(_snapshot_deleted, sender=Snapshot, dispatch_uid="search-delete-snapshot")
    for model in _INDEX:
        post_save.connect(_saved, sender=model, dispatch_uid=f"search-save-{model.__name__}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"search-delete-{model.__name__}")
