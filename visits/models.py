from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from groupwork.models import Group, Person


class StudyVisitQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=StudyVisit.Status.CANCELLED)


class StudyVisit(models.Model):
    class Status(models.TextChoices):
        IDEA = "idea", _("idé")
        PLANNING = "planning", _("planeras")
        BOOKED = "booked", _("bokat")
        DONE = "done", _("genomfört")
        CANCELLED = "cancelled", _("inställt")

    class Travel(models.TextChoices):
        BUS = "bus", _("buss")
        TRAIN = "train", _("tåg")
        FLIGHT = "flight", _("flyg")
        CAR = "car", _("bil")
        OTHER = "other", _("annat")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="study_visits")
    destination = models.CharField(_("ort"), max_length=120)
    host = models.CharField(_("värdorganisation"), max_length=200, blank=True)
    starts_on = models.DateField(_("första dag"), null=True, blank=True)
    ends_on = models.DateField(_("sista dag"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IDEA)
    purpose = models.TextField(_("syfte"), blank=True)
    questions = models.TextField(_("frågor vi vill ha svar på"), blank=True)
    travel_mode = models.CharField(_("resesätt"), max_length=20, choices=Travel.choices, blank=True)
    travel_details = models.TextField(_("om resan"), blank=True)
    # The host contact is internal: never shown on the public site.
    contact_name = models.CharField(_("kontaktperson hos värden"), max_length=120, blank=True)
    contact_role = models.CharField(_("kontaktpersonens roll"), max_length=120, blank=True)
    report = models.TextField(_("rapport"), blank=True)
    # Bumped on every save of the report (same conflict rule as the minutes).
    report_version = models.PositiveIntegerField(default=1)
    report_publish = models.BooleanField(_("rapporten ska publiceras"), default=False)
    report_published_at = models.DateTimeField(null=True, blank=True)
    report_unpublished_at = models.DateTimeField(null=True, blank=True)
    public_slug = models.SlugField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = StudyVisitQuerySet.as_manager()

    class Meta:
        ordering = [models.F("starts_on").desc(nulls_first=True), "-id"]
        verbose_name = _("studiebesök")
        verbose_name_plural = _("studiebesök")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="visit_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["group", "public_slug"],
                condition=~Q(public_slug=""),
                name="visit_unique_public_slug",
            ),
        ]

    def __str__(self):
        return f"{self.destination}" + (f", {self.host}" if self.host else "")

    def get_absolute_url(self):
        return reverse("visits:detail", args=[self.group.slug, self.pk])


class Participant(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", _("inbjuden")
        CONFIRMED = "confirmed", _("kommer")
        DECLINED = "declined", _("kommer inte")

    visit = models.ForeignKey(StudyVisit, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="visit_participations",
    )
    guest_name = models.CharField(_("gästens förnamn"), max_length=60, blank=True)
    guest_role = models.CharField(_("gästens roll"), max_length=160, blank=True)
    status = models.CharField(
        _("svar"), max_length=20, choices=Status.choices, default=Status.INVITED
    )
    writes_report = models.BooleanField(_("skriver rapporten"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = _("deltagare")
        verbose_name_plural = _("deltagare")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(guest_name=""),
                name="participant_person_or_guest",
            ),
            models.UniqueConstraint(
                fields=["visit", "person"],
                condition=Q(person__isnull=False),
                name="participant_unique_person",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.person.first_name if self.person_id else self.guest_name
