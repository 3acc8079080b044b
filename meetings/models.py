from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from groupwork.models import Group, Person
from meetings.signals import minutes_approved


class MeetingQuerySet(models.QuerySet):
    def upcoming(self):
        return self.filter(starts_at__gte=timezone.now()).exclude(status=Meeting.Status.CANCELLED)

    def past(self):
        return self.filter(starts_at__lt=timezone.now())

    def published(self):
        return self.filter(status=Meeting.Status.PUBLISHED)

    def readable(self):
        """Minutes that every member of the group may read."""
        return self.filter(status__in=Meeting.READABLE)

    def awaiting_review_by(self, person):
        """Drafts sent to this person to approve (the start page's "Att justera")."""
        return self.filter(
            adjuster=person, status=Meeting.Status.DRAFT, sent_for_review_at__isnull=False
        )


class LockedError(Exception):
    """The minutes are approved, published or cancelled: they cannot be edited now."""


class StatusError(Exception):
    """A status change that does not fit the meeting's current status."""


class Meeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planerat")
        DRAFT = "draft", _("utkast")
        APPROVED = "approved", _("justerat")
        PUBLISHED = "published", _("publicerat")
        CANCELLED = "cancelled", _("inställt")

    # Only planned meetings and drafts can be edited; approved and published minutes
    # are locked until a correction reopens them.
    EDITABLE = (Status.PLANNED, Status.DRAFT)
    READABLE = (Status.APPROVED, Status.PUBLISHED)
    # The fields the editor saves; status, version and publishing are changed by methods only.
    EDIT_FIELDS = (
        "title", "starts_at", "ends_at", "location", "location_is_public",
        "opening", "note_taker", "adjuster",
    )

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("rubrik"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("börjar"))
    ends_at = models.DateTimeField(_("slutar"), null=True, blank=True)
    location = models.CharField(_("plats"), max_length=200, blank=True)
    # Asked for explicitly: a place is often someone's home. Shown in the public calendar and
    # in published minutes, and only after the privacy check.
    location_is_public = models.BooleanField(
        _("platsen får visas öppet"),
        default=False,
        help_text=_(
            "I den öppna kalendern och i publicerade anteckningar. Låt bli för till exempel "
            "ett privat hem."
        ),
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
    # "Avsluta mötet" sends the draft to the adjuster: when (None: not waiting for them), and
    # the comment they gave when they sent it back to the facilitator instead of approving.
    sent_for_review_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(_("kommentar från justeraren"), blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    unpublished_at = models.DateTimeField(null=True, blank=True)
    # Set at first publication and never changed: the public URL stays stable.
    public_slug = models.SlugField(max_length=80, blank=True)
    # SHA-256 of an imported file, so that importing it again is recognised.
    import_checksum = models.CharField(max_length=64, blank=True)
    # What the projector view (…/visa/) shows: the item the facilitator is writing under and
    # since when (its timer), or the read-back of every decision and task. Set by show_item
    # and show_read_back with an UPDATE of their own: not an edit of the minutes, so no new
    # version and no history record.
    current_item = models.ForeignKey(
        "AgendaItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    current_item_since = models.DateTimeField(null=True, blank=True)
    reading_back = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["current_item", "current_item_since", "reading_back"]
    )
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

    @property
    def is_editable(self):
        return self.status in self.EDITABLE

    @property
    def is_readable_by_members(self):
        return self.status in self.READABLE

    def can_be_read_by(self, membership):
        """Drafts are for facilitators and the named adjuster (who must read them to approve)."""
        return (
            self.is_readable_by_members
            or membership.is_facilitator
            or (self.adjuster_id is not None and self.adjuster_id == membership.person_id)
        )

    def can_be_approved_by(self, membership):
        return membership.is_facilitator or (
            self.adjuster_id is not None and self.adjuster_id == membership.person_id
        )

    @property
    def is_awaiting_review(self):
        return self.status == self.Status.DRAFT and self.sent_for_review_at is not None

    def save_edit(self, version, changes, by=None, reason=None):
        """Save the editor's changes if nobody has saved since `version` was loaded.

        The contract of every text edited by several people (see also AgendaItem.save_edit
        and StudyVisit.save_report): the new version, or None if someone saved first; then
        the object holds what is saved now, current version included. Locked minutes raise
        LockedError.

        The conditional UPDATE claims the next version atomically (and holds the row lock
        until the transaction ends), so of two editors who loaded the same version exactly
        one wins; the other keeps their text. Then a normal save() writes the fields, so
        that simple-history records who changed what.
        """
        with transaction.atomic():
            claimed = Meeting.objects.filter(
                pk=self.pk, version=version, status__in=self.EDITABLE
            ).update(version=F("version") + 1)
            self.refresh_from_db()
            if not claimed:
                if not self.is_editable:
                    raise LockedError
                return None
            for field, value in changes.items():
                setattr(self, field, value)
            self._change_reason = reason
            if by is not None:
                self._history_user = by
            self.save()
        return self.version

    def _change_status(self, status, allowed_from, by, reason, only_if=None, **fields):
        """Move to `status` only from one of `allowed_from` (and where the lookups of
        `only_if` hold), recorded in the history."""
        with transaction.atomic():
            changed = Meeting.objects.filter(
                pk=self.pk, status__in=allowed_from, **(only_if or {})
            ).update(
                status=status, version=F("version") + 1, **fields
            )
            if not changed:
                self.refresh_from_db()
                raise StatusError(self.status)
            self.refresh_from_db()
            self._change_reason = str(reason)[:100]
            self._history_user = by
            self.save()

    def start_writing(self, by=None):
        """Planned → draft: the minutes are being written."""
        self._change_status(
            self.Status.DRAFT, [self.Status.PLANNED], by, _("Anteckningarna började skrivas")
        )

    def send_for_review(self, by):
        """"Avsluta mötet": the draft goes to the adjuster, who approves it or sends it back.

        Once until it comes back (a double click asks the adjuster once): StatusError when it
        is already waiting, is locked, or has no adjuster.
        """
        self._change_status(
            self.Status.DRAFT,
            self.EDITABLE,
            by,
            _("Skickat till justeraren"),
            only_if={"sent_for_review_at__isnull": True, "adjuster__isnull": False},
            sent_for_review_at=timezone.now(),
            returned_at=None,
            review_comment="",
        )

    def send_back(self, by, comment):
        """The adjuster does not approve yet: the draft goes back to the facilitator with a
        comment (kept on the meeting until it is sent for review again)."""
        self._change_status(
            self.Status.DRAFT,
            [self.Status.DRAFT],
            by,
            _("Skickat tillbaka av justeraren"),
            only_if={"sent_for_review_at__isnull": False},
            sent_for_review_at=None,
            returned_at=timezone.now(),
            review_comment=comment,
        )

    def approve(self, by):
        """Draft → approved (justerat): the minutes are locked against edits, and
        meetings.signals.minutes_approved tells whoever sends them out."""
        with transaction.atomic():
            self._change_status(
                self.Status.APPROVED,
                [self.Status.DRAFT],
                by,
                _("Justerat"),
                approved_at=timezone.now(),
                approved_by=by,
            )
            minutes_approved.send(sender=Meeting, meeting=self)

    def reopen(self, by, reason):
        """Approved → draft for a correction; the reason stays visible in the history."""
        self._change_status(
            self.Status.DRAFT,
            [self.Status.APPROVED],
            by,
            _("Öppnat för rättelse: %(reason)s") % {"reason": reason},
            approved_at=None,
            approved_by=None,
            sent_for_review_at=None,
        )

    def cancel(self, by):
        self._change_status(
            self.Status.CANCELLED, self.EDITABLE, by, _("Mötet ställdes in")
        )

    def show_item(self, item):
        """The projector shows `item` from now on; its timer starts again unless it was the
        item already shown."""
        if item.pk == self.current_item_id and not self.reading_back:
            return
        self.current_item, self.current_item_since = item, timezone.now()
        self.reading_back = False
        Meeting.objects.filter(pk=self.pk).update(
            current_item=item, current_item_since=self.current_item_since, reading_back=False
        )

    def show_read_back(self):
        """The projector reads back every decision and task, for the group to confirm."""
        self.reading_back = True
        Meeting.objects.filter(pk=self.pk).update(reading_back=True)

    def status_changes(self):
        """The recorded status changes (approve, reopen, cancel ...), newest first. The
        meeting page reads only when, why and by whom (.values()): a history row holds a copy
        of the whole meeting. (`self.history` would also build a manager class per call.)"""
        return apps.get_model("meetings", "HistoricalMeeting").objects.filter(
            id=self.pk, history_change_reason__gt=""
        )

    # The open site: publishing.gate decides whether these may happen.
    def mark_published(self, by, public_slug):
        """Approved → published. The public slug is set at the first publication, never changed."""
        self._change_status(
            self.Status.PUBLISHED,
            [self.Status.APPROVED],
            by,
            _("Publicerat"),
            public_slug=public_slug,
            published_at=self.published_at or timezone.now(),
            unpublished_at=None,
        )

    def unpublish(self, by=None):
        """Published → approved: the public page answers 410 Gone at once (publishing drops
        its snapshot)."""
        if self.status != self.Status.PUBLISHED:
            return
        self._change_status(
            self.Status.APPROVED,
            [self.Status.PUBLISHED],
            by,
            _("Avpublicerat"),
            unpublished_at=timezone.now(),
        )


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


class AgendaItemQuerySet(models.QuerySet):
    def deferred_open(self, group):
        """Items deferred at a meeting and not yet put on a later agenda."""
        return self.filter(
            meeting__group=group, outcome=AgendaItem.Outcome.DEFERRED, carried_over__isnull=True
        ).exclude(meeting__status=Meeting.Status.CANCELLED)


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
    # From the plan ("Ekonomi (15 min)"): the projector's timer for the item.
    planned_minutes = models.PositiveSmallIntegerField(
        _("planerad tid (minuter)"), null=True, blank=True
    )
    # The item of an earlier meeting that was deferred to this one.
    deferred_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_over"
    )
    visits = models.ManyToManyField(
        "visits.StudyVisit", blank=True, related_name="agenda_items", verbose_name=_("studiebesök")
    )
    # Each item has its own version so that two people writing under different items
    # never conflict; only two saves of the same item can. The meeting's version covers
    # the meeting's own fields (time, place, opening, note taker, adjuster).
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()
    objects = AgendaItemQuerySet.as_manager()

    EDIT_FIELDS = ("heading", "notes", "decision", "internal_notes", "outcome")
    # What readers outside the editor see (the projector, the e-mailed minutes), with their
    # [intern] passages cut (groupwork.internal.cut_internal).
    OUTWARD_FIELDS = ("heading", "notes", "decision")

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("punkt")
        verbose_name_plural = _("punkter")

    def __str__(self):
        return self.heading

    def get_absolute_url(self):
        return f"{self.meeting.get_absolute_url()}#punkt-{self.pk}"

    def save_edit(self, version, changes, by=None, reason=None):
        """Same rule and answer as Meeting.save_edit, per item (see the comment on `version`)."""
        with transaction.atomic():
            claimed = AgendaItem.objects.filter(
                pk=self.pk, version=version, meeting__status__in=Meeting.EDITABLE
            ).update(version=F("version") + 1)
            self.refresh_from_db()
            if not claimed:
                if not Meeting.objects.filter(
                    pk=self.meeting_id, status__in=Meeting.EDITABLE
                ).exists():
                    raise LockedError
                return None
            for field, value in changes.items():
                setattr(self, field, value)
            self._change_reason = reason
            if by is not None:
                self._history_user = by
            self.save()
        return self.version


class AttachmentQuerySet(models.QuerySet):
    def visible_to(self, membership):
        """An imported file's kept original is for the group's facilitators only."""
        if membership.is_facilitator:
            return self
        return self.filter(is_import_original=False)


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
    # The redacted copy of an imported file, kept on request: for facilitators only.
    is_import_original = models.BooleanField(_("originalfil från import"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")
        constraints = [
            models.CheckConstraint(
                condition=~Q(is_import_original=True, is_public=True),
                name="attachment_import_original_never_public",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        # Served by a view that checks membership, never from MEDIA_URL.
        return reverse(
            "meetings:attachment", args=[self.meeting.group.slug, self.meeting_id, self.pk]
        )

    @property
    def is_image(self):
        return self.content_type.startswith("image/")
