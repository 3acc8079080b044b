"""Once froze what was published; the freezing now runs last, in 0004_freeze_published, after
every model the pipeline reads has reached its current shape. Kept so that the graph of
databases that applied it stays whole."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("publishing", "0001_initial")]

    operations = []
