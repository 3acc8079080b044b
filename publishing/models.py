"""What the public may see, frozen when it passed the privacy check.

Every public output (pages, feed, exports, the Öppna soc block, public search) reads a
Snapshot and nothing else: an edit after publishing changes nothing public until the
facilitator runs the check and publishes again, and unpublishing deletes the snapshot.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groupwork.models import Group
from meetings.models import Meeting
from visits.models import StudyVisit


class Snapshot(models.Model):
    class Kind(models.TextChoices):
        MINUTES = "minutes", _("anteckningar")
        REPORT = "report", _("rapport")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="snapshots")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="snapshot"
    )
    visit = models.OneToOneField(
        StudyVisit, on_delete=models.CASCADE, null=True, blank=True, related_name="snapshot"
    )
    public_slug = models.SlugField(max_length=80)
    # The public list's order and title, so that the list reads no content.
    date = models.DateField()
    title = models.CharField(max_length=300)
    # The public view-model (publishing.privacy.PublicMinutes / PublicReport) as JSON.
    content = models.JSONField()
    published_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("publicerad version")
        verbose_name_plural = _("publicerade versioner")
        indexes = [
            # The public group page and the feed: a group's entries, newest first.
            models.Index(fields=["group", "-date", "-id"], name="snapshot_group_date"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "kind", "public_slug"], name="snapshot_unique_public_slug"
            ),
            models.CheckConstraint(
                condition=(Q(kind="minutes") & Q(meeting__isnull=False) & Q(visit__isnull=True))
                | (Q(kind="report") & Q(visit__isnull=False) & Q(meeting__isnull=True)),
                name="snapshot_of_one_thing",
            ),
        ]

    def __str__(self):
        return f"{self.group}: {self.title}"


class Confirmation(models.Model):
    """A facilitator's word that one match of the privacy check is fine in one meeting's
    minutes or one visit's report ("Anna Lindh-huset")."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    visit = models.ForeignKey(
        StudyVisit, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=30)
    match = models.CharField(max_length=300)
    # "A place or an organisation, not a person": a name finding so confirmed is fine in every
    # meeting and visit of the group. A person's name is confirmed one meeting at a time.
    is_place = models.BooleanField(_("ort eller organisation"), default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-confirmed_at"]
        verbose_name = _("bekräftat fynd")
        verbose_name_plural = _("bekräftade fynd")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "kind", "match"], name="confirmation_unique_in_meeting"
            ),
            models.UniqueConstraint(
                fields=["visit", "kind", "match"], name="confirmation_unique_in_visit"
            ),
            models.CheckConstraint(
                condition=Q(meeting__isnull=False, visit__isnull=True)
                | Q(meeting__isnull=True, visit__isnull=False),
                name="confirmation_of_one_thing",
            ),
        ]

    def __str__(self):
        return f"{self.meeting or self.visit}: {self.match}"
