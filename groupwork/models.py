import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_token():
    # 256 bits from the OS random source: an invitation or calendar token cannot be guessed.
    return secrets.token_urlsafe(32)


class Group(models.Model):
    name = models.CharField(_("namn"), max_length=200)
    slug = models.SlugField(_("kortnamn"), max_length=80, unique=True)
    description = models.TextField(_("beskrivning"), blank=True)
    is_public = models.BooleanField(
        _("publiceras på Öppna soc"),
        default=False,
        help_text=_("Godkända och publicerade anteckningar speglas till den öppna webbplatsen."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("grupp")
        verbose_name_plural = _("grupper")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("groupwork:group", args=[self.slug])


class Person(models.Model):
    """Someone in a group. Shown by first name only; there is deliberately no surname field."""

    first_name = models.CharField(_("förnamn"), max_length=60)
    known_as = models.CharField(
        _("särskiljande"),
        max_length=60,
        blank=True,
        help_text=_("Kort tillägg när två har samma förnamn, t.ex. ”Familjehem”."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    task_digest = models.BooleanField(_("påminnelser om uppgifter via e-post"), default=True)
    minutes_mail = models.BooleanField(_("justerade anteckningar via e-post"), default=True)
    calendar_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["first_name", "known_as", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("personer")

    def __str__(self):
        return f"{self.first_name}, {self.known_as}" if self.known_as else self.first_name


class MembershipQuerySet(models.QuerySet):
    def active(self):
        """Memberships active today (as Membership.is_active says of one)."""
        today = timezone.localdate()
        return self.filter(
            Q(active_from__isnull=True) | Q(active_from__lte=today),
            Q(active_to__isnull=True) | Q(active_to__gte=today),
        )


class Membership(models.Model):
    class Role(models.TextChoices):
        FACILITATOR = "facilitator", _("samordnare")
        MEMBER = "member", _("ledamot")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    represents = models.CharField(
        _("representerar"),
        max_length=120,
        blank=True,
        help_text=_("T.ex. ”Föräldrarepresentant”, ”Familjehemsavdelningen”, en förening."),
    )
    active_from = models.DateField(_("aktiv från"), null=True, blank=True)
    active_to = models.DateField(_("aktiv till"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["group", "person__first_name", "person__known_as"]
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        constraints = [
            models.UniqueConstraint(fields=["group", "person"], name="membership_unique_person"),
        ]

    def __str__(self):
        return f"{self.person} ({self.group})"

    @property
    def is_facilitator(self):
        return self.role == self.Role.FACILITATOR

    @property
    def is_active(self):
        """Active today: the rule of Membership.objects.active(), for a row already read."""
        today = timezone.localdate()
        return (self.active_from is None or self.active_from <= today) and (
            self.active_to is None or self.active_to >= today
        )


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


def _invitation_expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_DAYS)


class Invitation(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-post"))
    first_name = models.CharField(_("förnamn"), max_length=60)
    known_as = models.CharField(_("särskiljande"), max_length=60, blank=True)
    role = models.CharField(
        _("roll"), max_length=20, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    represents = models.CharField(_("representerar"), max_length=120, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("inbjudan")
        verbose_name_plural = _("inbjudningar")

    def __str__(self):
        return f"{self.first_name} → {self.group}"

    def get_absolute_url(self):
        return reverse("groupwork:accept_invitation", args=[self.token])

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()
