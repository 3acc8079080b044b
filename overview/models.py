"""The search index: one row per meeting (its opening text), agenda item, task and study
visit, as plain text, and one per published minutes and item (overview.search)."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from groupwork.jinja2 import url
from groupwork.models import Group


class SearchEntry(models.Model):
    class Kind(models.TextChoices):
        MINUTES = "minutes", _("protokoll")
        DECISION = "decision", _("beslut")
        TASK = "task", _("uppgift")
        VISIT = "visit", _("studiebesök")

    # No index of its own: the indexes below lead with the group (an index on the group alone
    # would tempt Postgres into reading all of a group's entries for the search page).
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="search_entries", db_index=False
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # "meeting:<pk>", "item:<pk>", "task:<pk>", "visit:<pk>"; "public-meeting:<pk>" and
    # "public-item:<meeting pk>:<number>" for the public rows.
    source = models.CharField(max_length=40, unique=True)
    is_public = models.BooleanField(default=False)
    object_id = models.PositiveBigIntegerField()
    # Set for the rows of a meeting and its items: who may read them depends on its status.
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(max_length=300)
    decision = models.TextField(blank=True)
    body = models.TextField(blank=True)
    date = models.DateField(null=True, blank=True)
    # Only filled on PostgreSQL.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        # The table keeps the name it had when the index lived in groupwork.
        db_table = "groupwork_searchentry"
        ordering = ["-date", "-id"]
        verbose_name = _("sökpost")
        verbose_name_plural = _("sökposter")
        indexes = [
            # The search pages: the full-text match. Created on PostgreSQL only (migration 0002).
            GinIndex(fields=["search_vector"], name="search_vector_gin"),
            # The search page's filters by group, kind and year.
            models.Index(fields=["group", "kind", "date"], name="search_group_kind_date"),
            # The staff search page: a group's entries newest first, in the page's order (read
            # until enough match, search._newest_page), and the years of the person's groups
            # (the first and last date).
            models.Index(fields=["group", "date", "id"], name="search_group_date_id"),
        ]

    def __str__(self):
        return self.title

    # url() is reverse() with the URL's shape reversed once: a page of results makes 20.
    def get_absolute_url(self):
        slug = self.group.slug
        if self.kind == self.Kind.TASK:
            return url("actions:detail", slug, self.object_id)
        if self.kind == self.Kind.VISIT:
            return url("visits:detail", slug, self.object_id)
        path = url("meetings:detail", slug, self.meeting_id)
        return path if self.source.startswith("meeting:") else f"{path}#punkt-{self.object_id}"

    def get_public_url(self):
        return url("public:minutes", self.group.slug, self.meeting.public_slug)
