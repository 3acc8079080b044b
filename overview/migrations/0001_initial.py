"""The search index moves here from groupwork: the model changes app, its table and rows stay."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("groupwork", "0004_search_group_date"),
        ("meetings", "0003_location_is_public"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SearchEntry",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("minutes", "protokoll"), ("decision", "beslut"), ("task", "uppgift"), ("visit", "studiebesök")], max_length=20)),
                        ("source", models.CharField(max_length=40, unique=True)),
                        ("is_public", models.BooleanField(default=False)),
                        ("object_id", models.PositiveBigIntegerField()),
                        ("title", models.CharField(max_length=300)),
                        ("decision", models.TextField(blank=True)),
                        ("body", models.TextField(blank=True)),
                        ("date", models.DateField(blank=True, null=True)),
                        ("search_vector", django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
                        ("group", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="search_entries", to="groupwork.group")),
                        ("meeting", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="meetings.meeting")),
                    ],
                    options={
                        "verbose_name": "sökpost",
                        "verbose_name_plural": "sökposter",
                        "db_table": "groupwork_searchentry",
                        "ordering": ["-date", "-id"],
                        "indexes": [
                            django.contrib.postgres.indexes.GinIndex(fields=["search_vector"], name="search_vector_gin"),
                            models.Index(fields=["group", "kind", "date"], name="search_group_kind_date"),
                            models.Index(fields=["group", "date"], name="search_group_date"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
