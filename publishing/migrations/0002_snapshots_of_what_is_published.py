"""Minutes and reports already on the open site get their snapshot, so that they stay there.

A snapshot is what the public pages showed, and only the pipeline's own code can make one, so
where there is something to freeze this runs the current code on the current models (not
the historical ones). A new database has nothing to freeze and never gets that far. A later
migration that changes a model the pipeline reads must say `run_before` this one, so that
a database that skips versions is brought up to the current models first.
"""

from django.db import migrations


def freeze_published(apps, schema_editor):
    published = apps.get_model("meetings", "Meeting").objects.filter(status="published")
    reports = apps.get_model("visits", "StudyVisit").objects.filter(
        report_publish=True, report_published_at__isnull=False, report_unpublished_at__isnull=True
    )
    if not published.exists() and not reports.exists():
        return

    from groupwork import privacy
    from meetings.models import Meeting
    from visits.models import StudyVisit

    for meeting in Meeting.objects.filter(status=Meeting.Status.PUBLISHED).select_related("group"):
        privacy.freeze_minutes(meeting)
    for visit in StudyVisit.objects.filter(
        report_publish=True, report_published_at__isnull=False, report_unpublished_at__isnull=True
    ).select_related("group"):
        privacy.freeze_report(visit)


class Migration(migrations.Migration):
    dependencies = [("publishing", "0001_initial")]

    operations = [migrations.RunPython(freeze_published, migrations.RunPython.noop)]
