"""The search index now lives in overview and the privacy confirmations in publishing
(overview 0001, publishing 0003 copied them): the core forgets both."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("groupwork", "0004_search_group_date"),
        ("overview", "0001_initial"),
        ("publishing", "0003_confirmation"),
    ]

    operations = [
        # The table is overview's now: only the state forgets the model.
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SearchEntry")],
            database_operations=[],
        ),
        migrations.DeleteModel(name="PrivacyConfirmation"),
    ]
