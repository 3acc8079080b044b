"""Originals kept by imports before 0004: marked, and redacted as new ones are, or removed.

Until 0004 every import stored its file whole, readable by every member. An import
original is recognised by its bytes: their checksum is its meeting's import_checksum. The
file is parsed again for the full names in it and redacted by `originals.redacted`, the
code new imports use; when that is impossible (the file cannot be read any more, or no
copy without surnames and e-mail addresses can be made) the attachment is removed. One
line per file says which.
"""

import hashlib

from django.core.files.base import ContentFile
from django.db import migrations
from django.utils import timezone


def _say(line):
    print(f"  meetings.0005: {line}")  # noqa: T201 - a migration's only way to report


def redact_import_originals(apps, schema_editor):
    # The importer's code, as of this migration: it reads the file and knows what to drop.
    from meetings.importing import ImportProblem, files, originals, parser

    Attachment = apps.get_model("meetings", "Attachment")
    kept = (
        Attachment.objects.filter(item__isnull=True)
        .exclude(meeting__import_checksum="")
        .select_related("meeting")
        .order_by("id")
    )
    for attachment in kept:
        meeting = attachment.meeting
        label = f"bilaga {attachment.pk} ”{attachment.name}” (möte {meeting.pk})"
        storage, old_name = attachment.file.storage, attachment.file.name
        if not old_name or not storage.exists(old_name):
            continue
        with storage.open(old_name, "rb") as stored:
            data = stored.read()
        if hashlib.sha256(data).hexdigest() != meeting.import_checksum:
            continue  # a file attached by hand, not the imported one
        copy = None
        try:
            text = files.read_text(data, attachment.name)
            day = timezone.localtime(meeting.starts_at).date()
            minutes = parser.parse(text, date=day)
            copy = originals.redacted(data, attachment.name, minutes.full_names)
        except ImportProblem:
            pass
        if copy is None:
            attachment.delete()
            storage.delete(old_name)
            _say(f"{label}: borttagen, den gick inte att rensa från efternamn och e-post.")
            continue
        attachment.file.save(copy.name, ContentFile(copy.data), save=False)
        attachment.name = copy.name[:255]
        attachment.content_type = copy.content_type
        attachment.size = len(copy.data)
        attachment.is_import_original = True
        attachment.is_public = False
        attachment.save()
        storage.delete(old_name)
        how = f"sparad som text ({copy.name})" if copy.as_text else "rensad"
        _say(f"{label}: {how} ({len(minutes.full_names)} efternamn och all e-post borttagna).")


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0004_attachment_is_import_original"),
    ]

    operations = [
        migrations.RunPython(redact_import_originals, migrations.RunPython.noop),
    ]
