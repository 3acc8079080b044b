from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from groupwork.models import Group, Person


class StudyVisitQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=StudyVisit.Status.CANCELLED)

    @staticmethod
    def _still_ahead(prefix=""):
        # An idea without a date is still ahead of the group; a visit ends on its last day.
        # `prefix` names the visit from a row that points to it ("visit__").
        today = timezone.localdate()
        return (
            Q(**{f"{prefix}starts_on__isnull": True})
            | Q(**{f"{prefix}starts_on__gte": today})
            | Q(**{f"{prefix}ends_on__gte": today})
        )

    def upcoming(self):
        """Not yet done or cancelled, and not in the past: the top of the group's visits page."""
        return self.filter(self._upcoming()).order_by(F("starts_on").asc(nulls_last=True), "id")

    @classmethod
    def _upcoming(cls, prefix=""):
        """upcoming()'s condition; `prefix` as for _still_ahead()."""
        over = [StudyVisit.Status.DONE, StudyVisit.Status.CANCELLED]
        return ~Q(**{f"{prefix}status__in": over}) & cls._still_ahead(prefix)

    def past(self):
        """Done, cancelled or with dates behind us, most recent first."""
        finished = Q(status__in=[StudyVisit.Status.DONE, StudyVisit.Status.CANCELLED])
        return self.filter(finished | ~self._still_ahead()).order_by(
            F("starts_on").desc(nulls_last=True), "-id"
        )


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

    @property
    def is_upcoming(self):
        if self.status in (self.Status.DONE, self.Status.CANCELLED):
            return False
        last_day = self.ends_on or self.starts_on
        return last_day is None or last_day >= timezone.localdate()

    # The life of a visit: idea -> planning -> booked -> done, or cancelled on the way.
    def start_planning(self, by=None):
        self._move(self.Status.PLANNING, {self.Status.IDEA}, by)

    def book(self, by=None):
        self._move(self.Status.BOOKED, {self.Status.IDEA, self.Status.PLANNING}, by)

    def mark_done(self, by=None):
        self._move(self.Status.DONE, {self.Status.BOOKED}, by)

    def cancel(self, by=None):
        self._move(
            self.Status.CANCELLED, {self.Status.IDEA, self.Status.PLANNING, self.Status.BOOKED}, by
        )

    def _move(self, status, allowed_from, by):
        if self.status not in allowed_from:
            raise ValidationError(
                _("Studiebesöket är %(now)s och kan inte bli %(new)s.")
                % {"now": self.get_status_display(), "new": self.Status(status).label}
            )
        self.status = status
        self._history_user = by
        self.save(update_fields=["status", "updated_at"])

    def next_steps(self):
        """The status changes a facilitator can make now, as (method name, button text)."""
        steps = {
            self.Status.IDEA: [
                ("start_planning", _("Börja planera")),
                ("book", _("Markera som bokat")),
            ],
            self.Status.PLANNING: [("book", _("Markera som bokat"))],
            self.Status.BOOKED: [("mark_done", _("Markera som genomfört"))],
        }.get(self.status, [])
        if self.status in (self.Status.IDEA, self.Status.PLANNING, self.Status.BOOKED):
            steps.append(("cancel", _("Ställ in besöket")))
        return steps

    def save_report(self, text, version, by=None):
        """Save the report if nobody saved since `version`: the contract of Meeting.save_edit.
        The new version, or None if someone saved first (the visit then holds the saved text
        and the current version).

        The conditional UPDATE takes the row, so of two editors saving on the same version
        exactly one wins and the other is told about the conflict: no lost update.
        """
        with transaction.atomic():
            won = StudyVisit.objects.filter(pk=self.pk, report_version=version).update(
                report_version=version + 1
            )
            self.refresh_from_db()
            if not won:
                return None
            self.report = text
            self._history_user = by
            # A second write in the same transaction, so that the history keeps who and when.
            self.save(update_fields=["report", "updated_at"])
        return self.report_version

    def mark_report_for_publication(self, publish, by=None):
        """The writers' wish; only publishing.gate puts it on the open site.
        Unmarking takes a published report off the open site at once."""
        self.report_publish = publish
        self._history_user = by
        self.save(update_fields=["report_publish", "updated_at"])
        if not publish:
            self.unpublish_report(by=by)

    def report_versions(self):
        """The saved versions of the report, newest first, one per change of its text."""
        records = self.history.order_by("history_date", "history_id").select_related(
            "history_user__person"
        )
        versions, previous = [], None
        for record in records:
            if record.report != previous and (record.report or previous is not None):
                versions.append(record)
            previous = record.report
        return versions[::-1]

    def can_write_report(self, membership, participants):
        """Facilitators, and the participants the facilitator marked as writing the report.

        Writers are chosen (like the note taker of a meeting) rather than every confirmed
        participant, because the report may be published and the group decides who holds
        the pen. `participants` is the visit's participant list already on the page.
        """
        if membership.is_facilitator:
            return True
        return any(
            p.person_id == membership.person_id and p.writes_report for p in participants
        )

    # The open site: publishing.gate decides whether these may happen.
    def mark_report_published(self, by, public_slug):
        """The report is on the open site; its public slug is set once and never changed."""
        changed = not self.public_slug or not self.report_is_public
        self.public_slug = self.public_slug or public_slug
        if not self.report_is_public:
            self.report_publish = True
            self.report_published_at = self.report_published_at or timezone.now()
            self.report_unpublished_at = None
        if changed:
            self._history_user = by
            self.save()

    @property
    def report_is_public(self):
        return bool(
            self.report_publish and self.report_published_at and not self.report_unpublished_at
        )

    def unpublish_report(self, by=None):
        """Take the report off the open site: its page answers 410 Gone at once (publishing
        drops its snapshot)."""
        if not self.report_published_at or self.report_unpublished_at:
            return
        # With the snapshot that publishing drops on this save, or not at all.
        with transaction.atomic():
            self.report_unpublished_at = timezone.now()
            self._history_user = by
            self.save()


class ParticipantQuerySet(models.QuerySet):
    def upcoming_for(self, person, memberships):
        """The person's places on upcoming visits of their groups (the start page), each
        visit with its group taken from the memberships rather than joined again."""
        groups = {membership.group_id: membership.group for membership in memberships}
        # StudyVisit.objects.upcoming()'s condition on the joined visit (not a subquery of
        # it, which cost a fifth more to build).
        places = list(
            self.filter(
                StudyVisitQuerySet._upcoming("visit__"), person=person, visit__group_id__in=groups
            )
            .select_related("visit")
            .order_by(F("visit__starts_on").asc(nulls_last=True), "visit_id")
        )
        for place in places:
            place.visit.group = groups[place.visit.group_id]
        return places


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
    objects = ParticipantQuerySet.as_manager()

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

    @property
    def is_guest(self):
        return self.person_id is None

    def confirm(self, by=None):
        self._answer(self.Status.CONFIRMED, by)

    def decline(self, by=None):
        self._answer(self.Status.DECLINED, by)

    def _answer(self, status, by):
        self.status = status
        self._history_user = by
        self.save(update_fields=["status"])
