from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from publishing.mirror import on_site
from publishing.models import Confirmation, Mirror, WordPressSite
from publishing.wordpress import is_local

_TAKE_DOWN_FIRST = _(
    "Stäng först av ”publiceras på Öppna soc” för gruppen och vänta tills speglingen har "
    "tagit ner inläggen (eller kör mirror_to_wordpress)."
)


@admin.register(Confirmation)
class ConfirmationAdmin(admin.ModelAdmin):
    list_display = ["match", "kind", "meeting", "visit", "confirmed_by", "confirmed_at"]
    list_select_related = ["meeting__group", "visit__group", "confirmed_by"]


class WordPressSiteForm(forms.ModelForm):
    url = forms.URLField(
        label=_("webbplatsens adress"),
        assume_scheme="https",
        help_text=WordPressSite._meta.get_field("url").help_text,
    )
    # Written, never shown: the page is sent without it, and an empty field keeps the one saved.
    app_password = forms.CharField(
        label=_("applikationslösenord"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Skapas i WordPress under Profil → Applikationslösenord. Visas aldrig här; "
                    "lämna tomt för att behålla det som är sparat."),
    )

    class Meta:
        model = WordPressSite
        fields = ["group", "url", "username", "app_password", "category_id", "content",
                  "with_pdf"]

    def clean_url(self):
        url = self.cleaned_data["url"].rstrip("/")
        if not url.startswith("https://") and not is_local(url):
            raise ValidationError(_("Adressen måste börja med https:// (lösenordet skickas "
                                    "med varje anrop)."))
        if "@" in url.split("/")[2]:
            raise ValidationError(_("Skriv inloggningen i fälten nedan, inte i adressen."))
        return url

    def clean_username(self):
        return _latin1(self.cleaned_data["username"], _("användarnamnet"))

    def clean_app_password(self):
        password = self.cleaned_data["app_password"]
        if not password and not (self.instance.pk and self.instance.app_password):
            raise ValidationError(_("Ange applikationslösenordet."))
        return _latin1(password, _("applikationslösenordet")) or self.instance.app_password

    def clean(self):
        cleaned = super().clean()
        saved = self.instance.pk and WordPressSite.objects.filter(pk=self.instance.pk).first()
        if saved and (cleaned.get("url", saved.url).rstrip("/") != saved.url.rstrip("/")
                      or cleaned.get("group", saved.group) != saved.group):
            # The posts on the old site (or of the old group) could never be taken down.
            live = len(on_site(saved.group))
            if live:
                raise ValidationError(
                    _("%(group)s har %(n)s inlägg eller filer publicerade på %(url)s; adressen "
                      "eller gruppen kan inte ändras medan de är publicerade där.")
                    % {"group": saved.group, "n": live, "url": saved.url}
                    + " " + _TAKE_DOWN_FIRST
                )
        return cleaned


def _latin1(value, what):
    # HTTP Basic auth sends these as Latin-1; anything else cannot be sent at all.
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        raise ValidationError(
            _("Det finns tecken i %(what)s som inte kan skickas till WordPress. Kopiera det "
              "igen från WordPress.") % {"what": what}
        ) from None
    return value


@admin.register(WordPressSite)
class WordPressSiteAdmin(admin.ModelAdmin):
    form = WordPressSiteForm
    list_display = ["group", "url", "username", "category_id", "content", "with_pdf"]
    list_select_related = ["group"]
    readonly_fields = ["password_saved"]

    @admin.display(description=_("applikationslösenord"))
    def password_saved(self, obj):
        return _("sparat") if obj and obj.app_password else _("inte sparat")

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            # Read-only fields are shown with their value: the password never is.
            fields = [f for f in fields if f != "app_password"]
        return fields

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for site in objs:
            for mirror in on_site(site.group):
                protected.append(
                    _("%(post)s är publicerat på Öppna soc (%(url)s).")
                    % {"post": mirror.slug, "url": mirror.post_url or mirror.site_url}
                    + " " + _TAKE_DOWN_FIRST
                )
        return deleted, counts, perms_needed, protected


@admin.register(Mirror)
class MirrorAdmin(admin.ModelAdmin):
    list_display = ["slug", "group", "state", "reason", "post_url", "updated_at"]
    list_filter = ["state"]
    list_select_related = ["group"]
    readonly_fields = [f.name for f in Mirror._meta.fields]

    def has_add_permission(self, request):
        return False
