"""Reading an uploaded or given file as text: .docx, .md or .txt, in the encodings they come in."""

import hashlib
import io
import re
import zipfile

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from meetings.importing import ImportProblem, grammar

EXTENSIONS = (".md", ".txt", ".docx")

# A .docx is a zip, and python-docx reads every part whole into memory: a 70 kB upload can
# unpack to 10 MB of text and take seconds and hundreds of megabytes to parse. Years of real
# minutes unpack to well under a megabyte; pictures (stored, not compressed) count too.
MAX_DOCX_UNPACKED = 5 * 1024 * 1024


def checksum(data):
    return hashlib.sha256(data).hexdigest()


def content_type(filename):
    if filename.lower().endswith(".docx"):
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if filename.lower().endswith(".md"):
        return "text/markdown"
    return "text/plain"


def read_text(data, filename=""):
    """The text of an uploaded or given file: UTF-8 (BOM or not), UTF-16, Windows-1252, .docx."""
    if not data.strip():
        raise ImportProblem(_("Filen är tom."))
    if filename.lower().endswith(".docx") or data.startswith(b"PK\x03\x04"):
        text = _docx_text(data)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    elif b"\x00" in data[:4096]:
        raise ImportProblem(_("Filen är inte en textfil (den innehåller binära data)."))
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Files saved by older Word and Notepad versions on Swedish Windows.
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise ImportProblem(
                    _("Filen går inte att läsa som text (okänd teckenkodning).")
                ) from None
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\n\r\f")
    if controls > max(2, len(text) // 100):
        raise ImportProblem(_("Filen är inte en textfil (den innehåller binära data)."))
    if not text.strip():
        raise ImportProblem(_("Filen är tom."))
    # A stray control character (Postgres refuses NUL in text) is noise, not content.
    return re.sub(r"[\x00-\x08\x0b\x0e-\x1f\x7f]", "", text)


def _docx_text(data):
    import docx
    from docx.table import Table

    unreadable = _("Filen kunde inte läsas som ett Word-dokument (.docx).")
    try:
        # The sizes in the zip's directory bound what reading can unpack: zipfile stops at
        # the stated size and fails the checksum of a part that claims less than it holds.
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise ImportProblem(unreadable) from None
    if unpacked > MAX_DOCX_UNPACKED:
        raise ImportProblem(
            _(
                "Word-dokumentet är för stort uppackat (%(size)s, högst %(max)s). Spara "
                "texten som en .txt-fil och importera den i stället."
            )
            % {"size": filesizeformat(unpacked), "max": filesizeformat(MAX_DOCX_UNPACKED)}
        )
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise ImportProblem(unreadable) from None
    out = []
    previous = None
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            rows = ["\t".join(cell.text.strip() for cell in row.cells) for row in block.rows]
            line, listed = "\n".join(rows), True
        else:
            line, listed = _docx_paragraph(block)
            if not line:
                continue
        # Consecutive names and list items stay one block; everything else is a paragraph.
        join = "\n" if listed and previous else "\n\n"
        out.append((join if out else "") + line)
        previous = listed
    return "".join(out)


def _docx_paragraph(paragraph):
    """A Word paragraph as a line of markdown, and whether it belongs to a list."""
    text = paragraph.text.strip()
    if not text:
        return "", False
    style = (paragraph.style.name if paragraph.style is not None else "").lower()
    if style.startswith("title") or style.startswith("rubrik 1"):
        return f"# {text}", False
    if style.startswith("heading") or style.startswith("rubrik"):
        return f"## {text}", False
    if style.startswith("list"):
        return f"- {text}", True
    runs = [run for run in paragraph.runs if run.text.strip()]
    if runs and all(run.bold for run in runs):
        return f"**{text}**", False
    return text, grammar.attendee(text) is not None
