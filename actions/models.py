from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from groupwork.models import Group, Person


class ActionItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=ActionItem.Status.OPEN)

    def owned_by(self, person):
        return self.filter(owners=person)

    def follow_up_for(self, meeting):
        """The tasks to go through on this meeting's agenda ("Uppföljning")."""
        # The tasks app makes this the group's open tasks and those done since the last meeting.
        return self.filter(group=meeting.group, status=ActionItem.Status.OPEN)


class ActionItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("öppen")
        DONE = "done", _("klar")
        DROPPED = "dropped", _("struken")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="action_items")
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("möte"),
    )
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("punkt"),
    )
    study_visit = models.ForeignKey(
        "visits.StudyVisit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("studiebesök"),
    )
    title = models.CharField(_("uppgift"), max_length=300)
    details = models.TextField(_("detaljer"), blank=True)
    owners = models.ManyToManyField(Person, related_name="action_items", verbose_name=_("ansvariga"))
    due_date = models.DateField(_("klart senast"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[owners])
    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = [models.F("due_date").asc(nulls_last=True), "id"]
        verbose_name = _("uppgift")
        verbose_name_plural = _("uppgifter")
        indexes = [
            # The group's task list, filtered by status and sorted by due date.
            models.Index(fields=["group", "status", "due_date"], name="action_group_status_due"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("actions:detail", args=[self.group.slug, self.pk])


class ProgressNote(models.Model):
    action_item = models.ForeignKey(
        ActionItem, on_delete=models.CASCADE, related_name="progress_notes"
    )
    author = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("anteckning"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("lägesanteckning")
        verbose_name_plural = _("lägesanteckningar")

    def __str__(self):
        return self.text[:60]


class ReminderSent(models.Model):
    """One row per task and person and day, so that a second run sends nothing new."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    action_item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()

    class Meta:
        ordering = ["-sent_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "action_item", "sent_on"], name="reminder_sent_once_a_day"
            ),
        ]

    def __str__(self):
        return f"{self.person} {self.action_item_id} {self.sent_on}"
