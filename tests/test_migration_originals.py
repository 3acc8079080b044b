"""meetings.0005: originals kept by imports before 0004 are redacted, or removed."""

import hashlib
import io
from datetime import datetime

import docx
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("meetings", "0003_location_is_public")]
AFTER = [("meetings", "0005_redact_import_originals")]

MINUTES = """Nätverket 6 mars 2020

Närvarande:
Cathrine Eriksson, Höganäs, cathrine.eriksson@hoganas.se
Johan Lindberg, Örkelljunga

## Budget

Cathrine Eriksson redovisade. Gruppen beslutar att anta budgeten.

Antecknat av
Johan Lindberg /JL
"""


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_apps():
    """The models as they were before 0004 (no is_import_original); the latest state is
    restored afterwards."""
    apps = _migrate(BEFORE)
    yield apps
    _migrate(_latest())


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _old_original(apps, name, data, checksum=None):
    """An import original as saving.py stored it before 0004: the file whole."""
    Group = apps.get_model("groupwork", "Group")
    Meeting = apps.get_model("meetings", "Meeting")
    Attachment = apps.get_model("meetings", "Attachment")
    group, _ = Group.objects.get_or_create(slug="natverket", defaults={"name": "Nätverket"})
    meeting = Meeting.objects.create(
        group=group,
        starts_at=timezone.make_aware(datetime(2020, 3, 6, 9)),
        status="approved",
        import_checksum=checksum or hashlib.sha256(data).hexdigest(),
    )
    attachment = Attachment(
        meeting=meeting, name=name, content_type="text/markdown", size=len(data),
        is_public=False,
    )
    attachment.file.save(name, ContentFile(data), save=False)
    attachment.save()
    return attachment.pk, attachment.file.name


def test_an_old_text_original_is_redacted_and_marked(old_apps, capsys):
    pk, old_name = _old_original(old_apps, "natverket.md", MINUTES.encode())
    _migrate(AFTER)
    from meetings.models import Attachment

    original = Attachment.objects.get(pk=pk)
    assert original.is_import_original and not original.is_public
    kept = original.file.open("rb").read().decode()
    assert "Eriksson" not in kept and "Lindberg" not in kept and "@" not in kept
    assert "Cathrine, Höganäs" in kept and "Cathrine redovisade." in kept
    assert original.size == len(kept.encode())
    assert not default_storage.exists(old_name) or old_name == original.file.name
    assert f"bilaga {pk} ”natverket.md”" in capsys.readouterr().out


def test_an_old_docx_original_is_rewritten(old_apps, capsys):
    document = docx.Document()
    for line in MINUTES.split("\n"):
        if line:
            document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    pk, _name = _old_original(old_apps, "natverket.docx", buffer.getvalue())
    _migrate(AFTER)
    from meetings.models import Attachment

    original = Attachment.objects.get(pk=pk)
    text = "\n".join(p.text for p in docx.Document(original.file.open("rb")).paragraphs)
    assert "Cathrine, Höganäs" in text
    assert "Eriksson" not in text and "Lindberg" not in text and "@" not in text
    assert "rensad" in capsys.readouterr().out


def test_an_old_original_that_cannot_be_read_is_removed(old_apps, capsys):
    broken = b"PK\x03\x04 not a zip at all, Cathrine Eriksson"
    pk, old_name = _old_original(old_apps, "trasig.docx", broken)
    _migrate(AFTER)
    from meetings.models import Attachment

    assert not Attachment.objects.filter(pk=pk).exists()
    assert not default_storage.exists(old_name)
    assert f"bilaga {pk} ”trasig.docx” (möte" in capsys.readouterr().out


def test_a_file_attached_by_hand_to_an_imported_meeting_is_left_alone(old_apps):
    pk, old_name = _old_original(
        old_apps, "program.md", b"Cathrine Eriksson talar", checksum="0" * 64
    )
    _migrate(AFTER)
    from meetings.models import Attachment

    attachment = Attachment.objects.get(pk=pk)
    assert not attachment.is_import_original
    assert attachment.file.name == old_name
    assert attachment.file.open("rb").read() == b"Cathrine Eriksson talar"
