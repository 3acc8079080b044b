"""Confirmations move here from groupwork, with foreign keys instead of a "meeting:12" scope."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def copy_confirmations(apps, schema_editor):
    Old = apps.get_model("groupwork", "PrivacyConfirmation")
    Confirmation = apps.get_model("publishing", "Confirmation")
    meetings = set(apps.get_model("meetings", "Meeting").objects.values_list("pk", flat=True))
    visits = set(apps.get_model("visits", "StudyVisit").objects.values_list("pk", flat=True))
    new, given = [], []
    for old in Old.objects.all():
        kind, _colon, pk = old.scope.partition(":")
        owner = {"meeting": ("meeting_id", meetings), "visit": ("visit_id", visits)}.get(kind)
        if owner is None or not pk.isdigit() or int(pk) not in owner[1]:
            continue  # what it confirmed is gone
        new.append(
            Confirmation(
                **{owner[0]: int(pk)},
                kind=old.kind,
                match=old.match,
                confirmed_by_id=old.confirmed_by_id,
            )
        )
        given.append(old.confirmed_at)
    Confirmation.objects.bulk_create(new)
    # auto_now_add stamped each with the time of the migration: put back when it was given.
    for confirmation, confirmed_at in zip(new, given):
        Confirmation.objects.filter(pk=confirmation.pk).update(confirmed_at=confirmed_at)


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0002_snapshots_of_what_is_published"),
        ("groupwork", "0004_search_group_date"),
        ("meetings", "0003_location_is_public"),
        ("visits", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Confirmation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=30)),
                ("match", models.CharField(max_length=300)),
                ("is_place", models.BooleanField(default=False, verbose_name="ort eller organisation")),
                ("confirmed_at", models.DateTimeField(auto_now_add=True)),
                ("confirmed_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("meeting", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="meetings.meeting")),
                ("visit", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="visits.studyvisit")),
            ],
            options={
                "verbose_name": "bekräftat fynd",
                "verbose_name_plural": "bekräftade fynd",
                "ordering": ["-confirmed_at"],
                "constraints": [
                    models.UniqueConstraint(fields=("meeting", "kind", "match"), name="confirmation_unique_in_meeting"),
                    models.UniqueConstraint(fields=("visit", "kind", "match"), name="confirmation_unique_in_visit"),
                    models.CheckConstraint(condition=models.Q(("meeting__isnull", False), ("visit__isnull", True)) | models.Q(("meeting__isnull", True), ("visit__isnull", False)), name="confirmation_of_one_thing"),
                ],
            },
        ),
        migrations.RunPython(copy_confirmations, migrations.RunPython.noop),
    ]
