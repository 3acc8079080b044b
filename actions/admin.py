from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from actions.models import ActionItem, ProgressNote, ReminderSent


class ProgressNoteInline(admin.TabularInline):
    model = ProgressNote
    extra = 0
    raw_id_fields = ["author"]


@admin.register(ActionItem)
class ActionItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "group", "status", "due_date", "done_at"]
    list_filter = ["group", "status"]
    search_fields = ["title"]
    raw_id_fields = ["meeting", "agenda_item", "study_visit", "created_by"]
    autocomplete_fields = ["owners"]
    inlines = [ProgressNoteInline]


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ["sent_on", "person", "action_item"]
    list_filter = ["sent_on"]
    raw_id_fields = ["person", "action_item"]
