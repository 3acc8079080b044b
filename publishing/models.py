"""What the public may see, frozen when it passed the privacy check.

Every public output (pages, feed, exports, the Öppna soc block, public search) reads a
Snapshot and nothing else: an edit after publishing changes nothing public until the
facilitator runs the check and publishes again, and unpublishing deletes the snapshot.
"""

from django.conf import settings
from django.db import models
from django.db.models import CASCADE, ProtectedError, Q
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


class WordPressSite(models.Model):
    """A group's own connection to Öppna soc, a WordPress site. Without one, a public group
    mirrors to the site of the WORDPRESS_* settings, if they are set (`publishing.mirror`).

    The Application Password is written, never shown: not in the admin, not in a log, not in
    an error message (a mirror's reason is made of the app's own words)."""

    class Content(models.TextChoices):
        SUMMARY = "summary", _("sammanfattning och punkter (som HTML-blocket)")
        FULL = "full", _("hela den öppna texten")

    group = models.OneToOneField(
        Group, on_delete=models.CASCADE, related_name="wordpress_site", verbose_name=_("grupp")
    )
    url = models.URLField(
        _("webbplatsens adress"),
        help_text=_("T.ex. https://oppnasoc.exempel.se. Bara https, utom på den egna datorn."),
    )
    username = models.CharField(_("användarnamn"), max_length=150)
    app_password = models.CharField(
        _("applikationslösenord"),
        max_length=200,
        help_text=_("Skapas i WordPress under Profil → Applikationslösenord. Visas aldrig igen."),
    )
    category_id = models.PositiveIntegerField(
        _("kategori (id)"), null=True, blank=True,
        help_text=_("Kategorins nummer i WordPress; tomt: ingen kategori."),
    )
    content = models.CharField(
        _("innehåll"), max_length=10, choices=Content.choices, default=Content.SUMMARY
    )
    with_pdf = models.BooleanField(_("ladda upp PDF"), default=True)

    class Meta:
        ordering = ["group__name"]
        verbose_name = _("koppling till Öppna soc")
        verbose_name_plural = _("kopplingar till Öppna soc")

    def __str__(self):
        return f"{self.group}: {self.url}"


def cascade_unless_on_site(collector, field, sub_objs, using):
    """Mirror.group's on_delete: a group whose posts or files are still public on Öppna soc
    is not deleted (nothing could take them down afterwards); its other rows go with it."""
    on_site = [mirror for mirror in sub_objs if mirror.is_on_site]
    if on_site:
        raise ProtectedError(
            _("Gruppen har inlägg eller filer som är publicerade på Öppna soc. Stäng av "
              "”publiceras på Öppna soc” för gruppen, vänta tills speglingen har tagit ner "
              "dem, och ta sedan bort gruppen."),
            on_site,
        )
    CASCADE(collector, field, sub_objs, using)


class Mirror(models.Model):
    """One published item's post on Öppna soc: which post, what was last sent, and how it went.

    A row stays when its minutes or report leave the open site (the post goes back to draft),
    so that publishing again brings back the same post and never makes a second one."""

    class State(models.TextChoices):
        PENDING = "pending", _("väntar")
        MIRRORED = "mirrored", _("speglad")
        FAILED = "failed", _("misslyckades")

    group = models.ForeignKey(Group, on_delete=cascade_unless_on_site, related_name="mirrors")
    # Kept when the meeting or visit is deleted: the post still has to go back to draft.
    meeting = models.OneToOneField(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="mirror"
    )
    visit = models.OneToOneField(
        StudyVisit, on_delete=models.SET_NULL, null=True, blank=True, related_name="mirror"
    )
    # The post's fixed slug on the site: how the post is found again if its id was lost.
    slug = models.SlugField(max_length=190)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    # In Swedish, for the facilitator; the app's own words and an HTTP status, nothing else.
    reason = models.CharField(max_length=300, blank=True)
    site_url = models.URLField(blank=True)
    post_id = models.PositiveBigIntegerField(null=True, blank=True)
    post_url = models.URLField(max_length=500, blank=True)
    post_status = models.CharField(max_length=20, blank=True)
    media_id = models.PositiveBigIntegerField(null=True, blank=True)
    media_url = models.URLField(max_length=500, blank=True)
    media_key = models.CharField(max_length=64, blank=True)
    # Uploaded PDFs that a newer one replaced, deleted once the post no longer links them.
    stale_media = models.JSONField(default=list, blank=True)
    payload_hash = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # One run at a time: a run claims the row until then (an UPDATE, not a held transaction:
    # the HTTP requests take seconds, and SQLite would lock the whole database meanwhile).
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    # Counts the marks: a run records its outcome only if no mark came while it was sending
    # (an unpublish during a run must not be overwritten by "mirrored").
    generation = models.PositiveIntegerField(default=0)
    mirrored_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("spegling till Öppna soc")
        verbose_name_plural = _("speglingar till Öppna soc")
        indexes = [
            # mirror_to_wordpress: what is pending and due.
            models.Index(fields=["state", "next_attempt_at"], name="mirror_state_due"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["group", "slug"], name="mirror_unique_slug"),
        ]

    def __str__(self):
        return f"{self.group}: {self.slug}"

    @property
    def is_on_site(self):
        """Whether something of this item may still be public on Öppna soc: a published post,
        its PDF, or a replaced PDF not yet deleted."""
        return self.post_status == "publish" or self.media_id is not None or bool(
            self.stale_media)
