from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from meetings.models import AgendaItem, Attachment, Attendance, Meeting


class AgendaItemInline(admin.StackedInline):
    model = AgendaItem
    extra = 0
    fields = [
        "position", "heading", "planned_minutes", "outcome", "notes", "decision", "internal_notes"
    ]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ["person"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["starts_at", "group", "title", "status"]
    list_filter = ["status", "group"]
    search_fields = ["title", "location"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["note_taker", "adjuster"]
    # Publishing goes through the check (the publishing page), never through the admin.
    readonly_fields = [
        "status", "version", "approved_at", "approved_by", "public_slug", "published_at",
        "unpublished_at", "current_item", "current_item_since", "reading_back",
    ]
    inlines = [AttendanceInline, AgendaItemInline]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["name", "meeting", "content_type", "size", "uploaded_at"]
    raw_id_fields = ["meeting", "item"]
    # What a published version lists is served as it was checked: no new file, no new state.
    readonly_fields = [
        "file", "is_public", "is_import_original", "content_type", "size", "uploaded_by"
    ]
