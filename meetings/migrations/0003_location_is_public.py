"""A meeting's place is public only when the facilitator says so (it is often someone's home).

Until now it was public unless marked private: existing meetings keep what they showed.
"""

from django.db import migrations, models


def keep_what_was_shown(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    Meeting.objects.filter(location_is_private=False).exclude(location="").update(
        location_is_public=True
    )


class Migration(migrations.Migration):
    dependencies = [("meetings", "0002_agenda_item_version")]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="location_is_public",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "I den öppna kalendern och i publicerade anteckningar. Låt bli för till "
                    "exempel ett privat hem."
                ),
                verbose_name="platsen får visas öppet",
            ),
        ),
        migrations.RunPython(keep_what_was_shown, migrations.RunPython.noop),
        migrations.RemoveField(model_name="meeting", name="location_is_private"),
        migrations.RemoveField(model_name="historicalmeeting", name="location_is_private"),
        migrations.AddField(
            model_name="historicalmeeting",
            name="location_is_public",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "I den öppna kalendern och i publicerade anteckningar. Låt bli för till "
                    "exempel ett privat hem."
                ),
                verbose_name="platsen får visas öppet",
            ),
        ),
    ]
