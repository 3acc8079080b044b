from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from groupwork.models import Group, Person


class MeetingQuerySet(models.QuerySet):
    def upcoming(self):
        return self.filter(starts_at__gte=timezone.now()).exclude(status=Meeting.Status.CANCELLED)

    def past(self):
        return self.filter(starts_at__lt=timezone.now())

    def published(self):
        return self.filter(status=Meeting.Status.PUBLISHED)


class Meeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planerat")
        DRAFT = "draft", _("utkast")
        APPROVED = "approved", _("justerat")
        PUBLISHED = "published", _("publicerat")
        CANCELLED = "cancelled", _("inställt")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("rubrik"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("börjar"))
    ends_at = models.DateTimeField(_("slutar"), null=True, blank=True)
    location = models.CharField(_("plats"), max_length=200, blank=True)
    location_is_private = models.BooleanField(
        _("platsen visas inte öppet"),
        default=False,
        help_text=_("Till exempel ett privat hem: platsen visas bara för gruppen."),
    )
    opening = models.TextField(_("inledning"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    note_taker = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings_noted",
        verbose_name=_("vid pennan"),
    )
    adjuster = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings_adjusted",
        verbose_name=_("justerare"),
    )
    # Bumped on every save of the minutes; an editor that saves with an older number
    # is refused instead of overwriting someone else's text.
    version = models.PositiveIntegerField(default=1)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    unpublished_at = models.DateTimeField(null=True, blank=True)
    # Set at first publication and never changed: the public URL stays stable.
    public_slug = models.SlugField(max_length=80, blank=True)
    # SHA-256 of an imported file, so that importing it again is recognised.
    import_checksum = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("möte")
        verbose_name_plural = _("möten")
        indexes = [
            # The group's meeting list and the previous/next meeting lookups.
            models.Index(fields=["group", "-starts_at"], name="meeting_group_starts"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="meeting_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["group", "public_slug"],
                condition=~Q(public_slug=""),
                name="meeting_unique_public_slug",
            ),
            models.UniqueConstraint(
                fields=["group", "import_checksum"],
                condition=~Q(import_checksum=""),
                name="meeting_unique_import",
            ),
        ]

    def __str__(self):
        return f"{self.group}: {timezone.localtime(self.starts_at):%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.group.slug, self.pk])


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="attendances"
    )
    guest_name = models.CharField(_("gästens förnamn"), max_length=60, blank=True)
    affiliation = models.CharField(_("tillhör"), max_length=120, blank=True)
    present = models.BooleanField(_("närvarande"), default=True)
    only_items = models.CharField(
        _("deltog i punkt"), max_length=60, blank=True, help_text=_("T.ex. ”punkt 3”.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = _("närvaro")
        verbose_name_plural = _("närvaro")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(guest_name=""),
                name="attendance_person_or_guest",
            ),
            models.UniqueConstraint(
                fields=["meeting", "person"],
                condition=Q(person__isnull=False),
                name="attendance_unique_person",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.person.first_name if self.person_id else self.guest_name


class AgendaItem(models.Model):
    class Outcome(models.TextChoices):
        INFORMATION = "information", _("information")
        DISCUSSED = "discussed", _("diskuterad")
        DECIDED = "decided", _("beslutad")
        DEFERRED = "deferred", _("bordlagd")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("ordning"), default=0)
    heading = models.CharField(_("rubrik"), max_length=300)
    notes = models.TextField(_("anteckningar"), blank=True)
    decision = models.TextField(_("beslut"), blank=True)
    internal_notes = models.TextField(
        _("intern anteckning"),
        blank=True,
        help_text=_("Visas bara för gruppen, aldrig på den öppna webbplatsen."),
    )
    outcome = models.CharField(
        _("utfall"), max_length=20, choices=Outcome.choices, default=Outcome.DISCUSSED
    )
    # The item of an earlier meeting that was deferred to this one.
    deferred_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_over"
    )
    visits = models.ManyToManyField(
        "visits.StudyVisit", blank=True, related_name="agenda_items", verbose_name=_("studiebesök")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("punkt")
        verbose_name_plural = _("punkter")

    def __str__(self):
        return self.heading

    def get_absolute_url(self):
        return f"{self.meeting.get_absolute_url()}#punkt-{self.pk}"


class Attachment(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments")
    item = models.ForeignKey(
        AgendaItem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(_("fil"), upload_to="attachments/%Y/%m/")
    name = models.CharField(_("namn"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    is_public = models.BooleanField(_("visas öppet"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")

    def __str__(self):
        return self.name
