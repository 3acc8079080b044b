from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from publishing.models import Confirmation, Mirror, WordPressSite
from publishing.wordpress import is_local


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

    def clean_app_password(self):
        password = self.cleaned_data["app_password"]
        if not password and not (self.instance.pk and self.instance.app_password):
            raise ValidationError(_("Ange applikationslösenordet."))
        return password or self.instance.app_password


@admin.register(WordPressSite)
class WordPressSiteAdmin(admin.ModelAdmin):
    form = WordPressSiteForm
    list_display = ["group", "url", "username", "category_id", "content", "with_pdf"]
    list_select_related = ["group"]


@admin.register(Mirror)
class MirrorAdmin(admin.ModelAdmin):
    list_display = ["slug", "group", "state", "reason", "post_url", "updated_at"]
    list_filter = ["state"]
    list_select_related = ["group"]
    readonly_fields = [f.name for f in Mirror._meta.fields]

    def has_add_permission(self, request):
        return False
