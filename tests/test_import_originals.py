"""Keep only first names, originals too; and say what happened (issue 18, items 3 and 4).

An import keeps no original file unless asked; a kept one is redacted as the imported text
is, for facilitators only and never public. The media storage is read after each kind of
import: no attendee's surname or e-mail address may be in any stored file.
"""

import io
import re
import zipfile

import docx
import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.urls import reverse

from meetings.importing import files, originals, parser
from meetings.models import Attachment, Meeting
from publishing import privacy
from tests.factories import make_member

pytestmark = pytest.mark.django_db

# A regional network's minutes as they come: full names and addresses in the list, the
# note taker signing with initials on the line after the label.
NETWORK = """Regionalt nätverk för familjehemsvård 14 mars 2024 kl. 9.30–12

Plats: Kommunhuset, Hörby

Närvarande:
Maria Svensson, Hörby, maria.svensson@horby.se
Gunnel Åkesson-Lind, Eslöv, gunnel.akesson-lind@eslov.se
Pekka Niemi, Höör (punkt 2)
Karin von Platen, Sjöbo, 0416-271 00

Frånvarande: Bo Ekdahl, Skurup

## 1. Familjehemsrekrytering

Maria Svensson berättade om höstens kampanj. Gunnel Åkesson-Linds förslag om en
gemensam informationskväll togs emot väl. Frågor till maria.svensson@horby.se.

## 2. Utbildning

Gruppen beslutar att Pekka ordnar en utbildningsdag i maj. Karin von Platen
kontaktar Ekdahl om lokalen.

Antecknat av
Maria Svensson /MS

Justeras
Karin von Platen /KvP
"""
SURNAMES = ["Svensson", "Åkesson", "Lind", "Niemi", "Platen", "Ekdahl"]
EMAILS = ["maria.svensson@horby.se", "gunnel.akesson-lind@eslov.se"]


def run(*paths, group, **options):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(
            "import_minutes", *map(str, paths), group=group.slug, stdout=out, stderr=err,
            **options,
        )
        failed = None
    except CommandError as error:
        failed = str(error)
    return out.getvalue(), err.getvalue(), failed


def _stored(storage=default_storage, folder=""):
    """Every file in the media storage: (name, bytes)."""
    folders, names = storage.listdir(folder) if storage.exists(folder or ".") else ([], [])
    for name in names:
        path = f"{folder}/{name}" if folder else name
        with storage.open(path, "rb") as stored:
            yield path, stored.read()
    for sub in folders:
        yield from _stored(storage, f"{folder}/{sub}" if folder else sub)


def _readable(data):
    """The text a person could find in stored bytes: a text file, or every part of a zip."""
    parts = [data]
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = [archive.read(info) for info in archive.infolist()]
    return "\n".join(part.decode("utf-8", errors="replace") for part in parts)


def _assert_no_surname_or_email_stored():
    stored = list(_stored())
    for name, data in stored:
        text = _readable(data)
        for secret in SURNAMES + EMAILS:
            assert not re.search(rf"(?<!\w){re.escape(secret)}", text, re.I), (name, secret)
        assert not re.search(r"[\w.+-]+@[\w-]+\.\w+", text), name
    return stored


def _network_docx(path):
    """The same minutes in Word: a table of attendees, a name split over two runs, a mailto
    link, the author in the document's properties and a footer."""
    document = docx.Document()
    document.core_properties.author = "Maria Svensson"
    document.core_properties.last_modified_by = "Maria Svensson"
    document.add_paragraph("Regionalt nätverk för familjehemsvård 14 mars 2024")
    document.add_paragraph("Närvarande:")
    table = document.add_table(rows=0, cols=3)
    for row in [("Maria Svensson", "Hörby", "maria.svensson@horby.se"),
                ("Gunnel Åkesson-Lind", "Eslöv", "gunnel.akesson-lind@eslov.se"),
                ("Pekka Niemi", "Höör", "")]:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = value
    document.add_heading("Familjehemsrekrytering", level=2)
    paragraph = document.add_paragraph("Gruppen beslutar att ")
    paragraph.add_run("Maria ")
    paragraph.add_run("Svensson").bold = True
    paragraph.add_run(" samordnar kampanjen.")
    document.add_paragraph("Antecknat av")
    document.add_paragraph("Maria Svensson /MS")
    document.sections[0].footer.paragraphs[0].text = "Maria Svensson, maria.svensson@horby.se"
    document.save(path)
    # A mailto link, as Word writes one, in the body and among the relationships.
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    rels = "word/_rels/document.xml.rels"
    parts[rels] = parts[rels].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdMail" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/hyperlink" Target="mailto:maria.svensson@horby.se" '
        b'TargetMode="External"/></Relationships>',
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


# --- the note taker and the adjuster ---------------------------------------------------

HEAD = "Arbetsgruppen 12 mars 2024\n\nNärvarande: Maria Svensson, Leif Ek och Anne Holm\n\n"
HEAD += "## Budget\n\nGruppen beslutar att anta budgeten.\n\n"


@pytest.mark.parametrize(
    "closing, note_taker, adjuster",
    [
        ("Antecknat av\nMaria Svensson /MS", "Maria", ""),
        ("Antecknat av:\n\nMaria Svensson / MS\n\nJusterare:\nLeif Ek /LE", "Maria", "Leif"),
        ("Vid pennan: Maria Svensson/MS\nJusteras: Leif Ek /le", "Maria", "Leif"),
        ("Vid pennan\nMaria\n\nJusteras\nAnne Holm /AH", "Maria", "Anne"),
        ("Sekreterare\nMaria Svensson\nJusteras av Leif", "Maria", "Leif"),
        ("Sekreterare: Maria /ms\nJusterare: Anne", "Maria", "Anne"),
        ("Justeras:\nLeif Ek\nVid pennan Maria Svensson", "Maria", "Leif"),
    ],
)
def test_note_taker_and_adjuster_are_read_in_the_usual_variants(closing, note_taker, adjuster):
    minutes = parser.parse(HEAD + closing)
    assert (minutes.note_taker, minutes.adjuster) == (note_taker, adjuster)
    assert not any("vid pennan" in line for line in minutes.unclear)
    assert "Budget" in [item.heading for item in minutes.items]


def test_a_note_taker_named_in_full_with_initials_loses_the_surname_everywhere():
    minutes = parser.parse(
        HEAD.replace("anta budgeten.", "anta budgeten. Karin Holm presenterade.")
        + "Antecknat av\nKarin Holm /KH"
    )
    assert minutes.note_taker == "Karin"
    assert ("Karin", "Holm") in minutes.full_names
    assert "Karin presenterade." in minutes.items[0].decision + minutes.items[0].notes


def test_a_sentence_that_starts_with_justeras_names_nobody():
    minutes = parser.parse(HEAD + "Justeras vid nästa möte.\n")
    assert minutes.adjuster == ""


def test_the_network_sample_reads_note_taker_and_adjuster_from_the_next_line(group):
    minutes = parser.parse(NETWORK)
    assert (minutes.note_taker, minutes.adjuster) == ("Maria", "Karin")
    assert minutes.unclear == []


# --- originals: none by default, redacted on request --------------------------------


def test_an_import_stores_no_file_at_all_by_default(group, tmp_path):
    path = tmp_path / "natverket-2024-03-14.md"
    path.write_text(NETWORK, encoding="utf-8")
    out, err, failed = run(path, group=group)
    assert failed is None, err
    assert not Attachment.objects.exists()
    assert _assert_no_surname_or_email_stored() == []


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_a_kept_text_original_has_no_surname_or_email_in_the_media_storage(
    group, tmp_path, encoding
):
    path = tmp_path / "natverket-2024-03-14.txt"
    path.write_bytes(NETWORK.encode(encoding))
    out, err, failed = run(path, group=group, keep_original=True)
    assert failed is None, err
    original = Attachment.objects.get(is_import_original=True)
    assert not original.is_public
    stored = _assert_no_surname_or_email_stored()
    assert [name for name, _data in stored] == [original.file.name]
    text = original.file.open("rb").read().decode("utf-8")
    assert "Maria, Hörby" in text and "Gunnel, Eslöv" in text
    assert "Gunnels förslag" in text
    assert "Regionalt nätverk för familjehemsvård 14 mars 2024" in text
    assert original.size == len(text.encode())


def test_a_kept_docx_original_is_rewritten_in_place_without_surnames_or_emails(
    group, tmp_path
):
    path = _network_docx(tmp_path / "natverket.docx")
    out, err, failed = run(path, group=group, keep_original=True)
    assert failed is None, err
    original = Attachment.objects.get(is_import_original=True)
    assert original.name == "natverket.docx"
    assert "Originalfilen sparades utan efternamn och e-postadresser" in out
    _assert_no_surname_or_email_stored()
    data = original.file.open("rb").read()
    # Still a Word document, with the text the group keeps.
    text = files.read_text(data, original.name)
    assert "Maria\tHörby" in text
    assert "Gruppen beslutar att Maria samordnar kampanjen." in text
    assert docx.Document(io.BytesIO(data)).core_properties.author == ""


def test_a_docx_that_cannot_be_rewritten_safely_is_kept_as_its_redacted_text():
    document = docx.Document()
    document.add_paragraph("Arbetsgruppen 12 mars 2024")
    document.add_paragraph("Närvarande: Maria Svensson och Leif Ek")
    document.add_heading("Budget", level=2)
    document.add_paragraph("Gruppen beslutar att anta budgeten.")
    buffer = io.BytesIO()
    document.save(buffer)
    # A part the rewriting does not read (a UTF-16 custom XML part) still names her.
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("customXml/item9.bin", "Maria Svensson".encode("utf-16"))
    data = buffer.getvalue()
    minutes = parser.parse(files.read_text(data, "m.docx"))
    copy = originals.redacted(data, "m.docx", minutes.full_names)
    assert copy.as_text and copy.name == "m.txt" and copy.content_type == "text/plain"
    assert "Svensson" not in copy.data.decode() and "Maria och Leif" in copy.data.decode()


def test_the_upload_page_offers_the_original_off_by_default_and_says_why(
    client, group, facilitator
):
    client.force_login(facilitator.user)
    response = client.post(
        reverse("meetings:import", args=[group.slug]),
        {"files": [_upload("natverket.md", NETWORK.encode())]},
    )
    page = response.content.decode()
    assert re.search(r'<input type="checkbox" name="keep_original" id="keep-original"[^>]*>', page)
    assert 'name="keep_original" id="keep-original" checked' not in page
    assert "originalet har fler uppgifter om personerna än gruppen behöver" in page
    assert "Originalfilen sparas inte, om du inte väljer det i nästa steg." in client.get(
        reverse("meetings:import", args=[group.slug])
    ).content.decode()


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def _import_through_the_pages(client, group, facilitator, **choices):
    client.force_login(facilitator.user)
    preview = client.post(
        reverse("meetings:import", args=[group.slug]),
        {"files": [_upload("natverket.md", NETWORK.encode())]},
    )
    tokens = re.findall(r'name="file" value="([^"]*)"', preview.content.decode())
    return client.post(
        reverse("meetings:import_confirm", args=[group.slug]),
        {"file": tokens, "include": ["0"], **choices},
        follow=True,
    )


def test_the_pages_store_no_file_unless_the_facilitator_ticks_the_box(
    client, group, facilitator
):
    response = _import_through_the_pages(client, group, facilitator)
    assert "natverket.md är importerad." in response.content.decode()
    assert Meeting.objects.filter(status=Meeting.Status.APPROVED).count() == 1
    assert not Attachment.objects.exists()
    assert _assert_no_surname_or_email_stored() == []


def test_a_ticked_box_keeps_a_redacted_copy_for_facilitators_only(
    client, group, facilitator, member
):
    response = _import_through_the_pages(client, group, facilitator, keep_original="on")
    assert "originalfilen sparades utan efternamn och e-postadresser" in (
        response.content.decode()
    )
    original = Attachment.objects.get()
    assert original.is_import_original and not original.is_public
    assert original.uploaded_by == facilitator.user
    _assert_no_surname_or_email_stored()
    meeting = original.meeting
    url = reverse("meetings:attachment", args=[group.slug, meeting.pk, original.pk])
    download = client.get(url)
    assert download.status_code == 200
    assert b"Maria, H\xc3\xb6rby" in b"".join(download.streaming_content)
    assert original.name in client.get(meeting.get_absolute_url()).content.decode()

    client.force_login(member.user)
    assert client.get(url).status_code == 403
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert meeting.items.first().heading in page  # she reads the minutes
    assert original.name not in page  # but not the original


def test_an_import_original_can_never_be_public_nor_listed_publicly(group, tmp_path):
    path = tmp_path / "natverket.md"
    path.write_text(NETWORK, encoding="utf-8")
    run(path, group=group, keep_original=True)
    original = Attachment.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Attachment.objects.filter(pk=original.pk).update(is_public=True)
    assert privacy.public_minutes(original.meeting).attachments == []


# --- say what happened -----------------------------------------------------------------


def test_status_published_into_a_group_that_does_not_publish_says_so_and_succeeds(
    group, tmp_path
):
    assert not group.is_public
    make_member(group, "Anne")
    path = tmp_path / "m.md"
    path.write_text(
        "Föräldragruppen 3 april 2024\n\nNärvarande: Anne och Barbro\n\n## Resan\n\n"
        "Gruppen beslutar att åka till Oslo i juni.\n",
        encoding="utf-8",
    )
    out, err, failed = run(path, group=group, status="published")
    assert failed is None, err
    assert "Justerad och klar att publicera. Gruppen publicerar inte på den öppna " in out
    assert "förrän en administratör slår på det." in out
    assert "Publicerad på den öppna webbplatsen" not in out
    assert group.meetings.get().status == Meeting.Status.APPROVED


def test_status_published_into_a_group_that_does_not_publish_lists_findings_too(
    group, tmp_path
):
    path = tmp_path / "natverket.md"
    path.write_text(NETWORK, encoding="utf-8")
    out, err, failed = run(path, group=group, status="published")
    assert failed is None, err
    assert "Gruppen publicerar inte på den öppna webbplatsen förrän en administratör" in out
    assert "integritetskontrollen hittade dessutom följande:" in out
    assert "Publicerad på den öppna webbplatsen" not in out
    assert group.meetings.get().status == Meeting.Status.APPROVED


@pytest.mark.parametrize("written", [
    "a.s(at)kommun.se", "anna snabel-a kommun.se", "mailto:anna%40kommun.se", "anna @ kommun . se",
])
def test_a_copy_that_still_shows_an_address_however_written_is_not_kept(written):
    text = f"Minnesanteckningar 2021-06-01\n\nNärvarande: Anna Svensson\n\nKontakt: {written}\n"
    minutes = parser.parse(text)
    assert originals.redacted(text.encode(), "m.md", minutes.full_names) is None


def test_a_surname_written_with_a_combining_mark_is_redacted():
    text = "Minnesanteckningar 2021-06-01\n\nNärvarande: Anna Sjöberg\n\nSjo\u0308berg ringer.\n"
    minutes = parser.parse(text)
    copy = originals.redacted(text.encode(), "m.md", minutes.full_names)
    assert copy is not None and "Sjöberg" not in copy.data.decode()


def test_a_file_name_with_a_surname_is_not_the_stored_name():
    text = "Minnesanteckningar 2021-06-01\n\nNärvarande: Anna Svensson\n"
    minutes = parser.parse(text)
    copy = originals.redacted(text.encode(), "Protokoll Svensson.md", minutes.full_names)
    assert copy.name == "original.md"


def test_a_kept_docx_loses_its_thumbnail_a_picture_of_the_first_page(tmp_path):
    data = _network_docx(tmp_path / "natverket.docx").read_bytes()
    assert "docProps/thumbnail.jpeg" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    minutes = parser.parse(files.read_text(data, "n.docx"))
    copy = originals.redacted(data, "n.docx", minutes.full_names)
    archive = zipfile.ZipFile(io.BytesIO(copy.data))
    assert not [n for n in archive.namelist() if "thumbnail" in n]
    assert b"thumbnail" not in archive.read("_rels/.rels")
    assert docx.Document(io.BytesIO(copy.data)).paragraphs
