from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from visits.models import Participant, StudyVisit


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    raw_id_fields = ["person"]


@admin.register(StudyVisit)
class StudyVisitAdmin(SimpleHistoryAdmin):
    list_display = ["destination", "host", "group", "starts_on", "status", "report_publish"]
    list_filter = ["status", "group"]
    search_fields = ["destination", "host"]
    date_hierarchy = "starts_on"
    # Publishing goes through the check (the publishing page), never through the admin.
    readonly_fields = [
        "report_version", "report_publish", "report_published_at", "report_unpublished_at",
        "public_slug",
    ]
    inlines = [ParticipantInline]
