from django.contrib import admin

from publishing.models import Confirmation


@admin.register(Confirmation)
class ConfirmationAdmin(admin.ModelAdmin):
    list_display = ["match", "kind", "meeting", "visit", "confirmed_by", "confirmed_at"]
    list_select_related = ["meeting__group", "visit__group", "confirmed_by"]
