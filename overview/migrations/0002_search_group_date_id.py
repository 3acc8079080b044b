"""The staff search page (search._newest_page) reads a group's entries newest first, in its own
order (date, id), until enough of them match: the index on (group, date) gains the id, and the
group's index of its own goes (the two others lead with the group)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("overview", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="searchentry",
            index=models.Index(fields=["group", "date", "id"], name="search_group_date_id"),
        ),
        migrations.RemoveIndex(
            model_name="searchentry",
            name="search_group_date",
        ),
        migrations.AlterField(
            model_name="searchentry",
            name="group",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="search_entries",
                to="groupwork.group",
            ),
        ),
    ]
