"""Minutes and reports already on the open site get their snapshot, so that they stay there.

Runs the current pipeline on the current models (not the historical ones): it is the code
that made the public pages until now, and a snapshot is what those pages showed.
"""

from django.db import migrations


def freeze_published(apps, schema_editor):
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
