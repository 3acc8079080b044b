"""Minutes and reports on the open site without a snapshot get one, so that they stay there.

A snapshot is what the public pages showed, and only the pipeline's own code can make one, so
where there is something to freeze this runs the current code on the current models (not
the historical ones): it depends on the newest migration of every app, and a later migration
that changes a model the pipeline reads must say `run_before` this one. Published content that
has a snapshot is left as it is; a new database has nothing to freeze.
"""

from django.db import migrations


def freeze_published(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    StudyVisit = apps.get_model("visits", "StudyVisit")
    meetings = Meeting.objects.filter(status="published").filter(snapshot__isnull=True)
    reports = StudyVisit.objects.filter(
        report_publish=True, report_published_at__isnull=False, report_unpublished_at__isnull=True
    ).filter(snapshot__isnull=True)
    if not meetings.exists() and not reports.exists():
        return

    from meetings.models import Meeting
    from publishing import privacy
    from visits.models import StudyVisit

    for meeting in Meeting.objects.filter(pk__in=meetings.values("pk")).select_related("group"):
        privacy.freeze_minutes(meeting)
    for visit in StudyVisit.objects.filter(pk__in=reports.values("pk")).select_related("group"):
        privacy.freeze_report(visit)


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0003_confirmation"),
        ("groupwork", "0005_search_and_confirmations_move"),
        ("overview", "0001_initial"),
        ("meetings", "0005_redact_import_originals"),
        ("visits", "0001_initial"),
        ("actions", "0001_initial"),
    ]

    operations = [migrations.RunPython(freeze_published, migrations.RunPython.noop)]
