"""The original file of an import, kept only when the facilitator asks, and never whole.

The app keeps first names only; a stored original would keep everything else. When a
facilitator opts in, the stored copy is redacted as the imported text is: the attendees'
full names become first names, a surname left standing alone goes, and every e-mail
address goes. A .md or .txt file is rewritten as text (stored as UTF-8); in a .docx the
text of every part (the body, tables, headers, footers, notes, comments, link targets, the
document's properties) is rewritten in place. A copy is kept only when a last reading of
every stored byte finds none of those surnames or addresses; otherwise the redacted imported
text is kept as a .txt instead, and when even that cannot be made nothing is kept.
"""

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from meetings.importing import ImportProblem, files, grammar

# Written the ways people type them; the fullwidth @ comes from phones.
EMAIL = re.compile(r"[\w.+-]+\s*(?:@|＠|&#64;|\\@|\s\(at\)\s)\s*[\w-]+(?:\.[\w-]+)+", re.I)
# What is left of an address however it was written ("%40", "(at)", "snabel-a"): a copy
# that still shows one is not kept, whether or not EMAIL read it as an address.
_ADDRESS_MARK = re.compile(r"@|%40|&#0*64;|&#x0*40;|&commat;|[(\[{]\s*at\s*[)\]}]|snabel-?a", re.I)
# Surname words that are not a surname alone.
_PARTICLES = {"von", "af", "de", "van", "der", "la", "le", "du", "da"}
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# The document's author and last editor: personal names whoever they are.
_PROPERTY_NAMES = ("}creator", "}lastModifiedBy")


@dataclass(frozen=True)
class Copy:
    """A redacted copy to store: its bytes, file name and content type."""

    data: bytes
    name: str
    content_type: str
    as_text: bool = False  # a .docx that could not be rewritten, kept as its text


def surnames(full_names):
    """The words of the surnames, as a redacted copy must not contain them."""
    words = {
        word.strip("'’-")
        for _first, surname in full_names
        for word in re.split(r"[\s-]+", surname)
    }
    return sorted(w for w in words if len(w) > 1 and w.lower() not in _PARTICLES)


def redact_text(text, full_names):
    """The text with full names as first names, no surname alone and no e-mail address."""
    text = unicodedata.normalize("NFC", text)
    text = grammar.rewrite_names(text, full_names)
    text = EMAIL.sub("", text)
    for word in surnames(full_names):
        text = re.sub(rf"(?<!\w){re.escape(word)}s?(?!\w)", "", text, flags=re.I)
    return text


def leaks(data, full_names):
    """Whether stored bytes (a text file or any part of a zip) name a surname or an address."""
    texts = []
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                # A document embedded in the document is not read here: not kept.
                if any("embeddings/" in info.filename for info in archive.infolist()):
                    return True
                texts = [
                    (archive.read(info), info.filename.endswith((".xml", ".rels")))
                    for info in archive.infolist()
                ]
        except (zipfile.BadZipFile, ValueError):
            return True
    else:
        texts = [(data, True)]
    # Images and other binary parts hold "@" and "%40" by chance: only text is read for them.
    for part, is_text in texts:
        encodings = ("utf-8", "cp1252") + (("utf-16",) if b"\x00" in part else ())
        for encoding in encodings:
            text = unicodedata.normalize("NFKC", part.decode(encoding, errors="ignore"))
            if EMAIL.search(text) or (is_text and _ADDRESS_MARK.search(text)) or any(
                re.search(rf"(?<!\w){re.escape(word)}s?(?!\w)", text, re.I)
                for word in surnames(full_names)
            ):
                return True
    return False


def redacted(data, filename, full_names):
    """The `Copy` of an original to store, or None when no safe copy can be made."""
    text = files.read_text(data, filename)  # ImportProblem for a file that cannot be read
    if leaks(PurePath(filename).stem.encode(), full_names):  # "Protokoll_Svensson.docx"
        filename = "original" + PurePath(filename).suffix
    if _is_docx(data, filename):
        try:
            rewritten = _docx(data, full_names)
            files.read_text(rewritten, filename)  # still a document Word can open
        except (ImportProblem, zipfile.BadZipFile, ValueError, KeyError, SyntaxError):
            rewritten = None
        if rewritten is not None and not leaks(rewritten, full_names):
            return Copy(rewritten, filename, files.content_type(filename))
        name = str(PurePath(filename).with_suffix(".txt"))
        copy = Copy(redact_text(text, full_names).encode(), name, "text/plain", as_text=True)
    else:
        copy = Copy(
            redact_text(text, full_names).encode(), filename, files.content_type(filename)
        )
    return None if leaks(copy.data, full_names) else copy


def _is_docx(data, filename):
    return filename.lower().endswith(".docx") or data.startswith(b"PK\x03\x04")


def _docx(data, full_names):
    from lxml import etree

    # No entities, no network: the parts come from an uploaded file.
    xml = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename.startswith("docProps/thumbnail"):
                continue  # a picture of the first page, names and all
            part = source.read(info)
            if info.filename.endswith((".xml", ".rels")):
                root = etree.fromstring(part, xml)
                for entry in list(root):  # the thumbnail's relationship and content type
                    if "thumbnail" in entry.get("Target", "") + entry.get("PartName", ""):
                        root.remove(entry)
                _rewrite(root, full_names)
                part = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                      standalone=True)
            target.writestr(info, part)
    return out.getvalue()


def _rewrite(root, full_names):
    """Redact one XML part in place: paragraph by paragraph, then every other string."""
    for paragraph in root.iter(f"{_W}p"):
        runs = list(paragraph.iter(f"{_W}t"))
        joined = "".join(run.text or "" for run in runs)
        wanted = redact_text(joined, full_names)
        if wanted == joined:
            continue
        for run in runs:
            run.text = redact_text(run.text or "", full_names)
        if "".join(run.text for run in runs) != wanted:
            # A name split over runs: the paragraph's text goes into its first run, and
            # the formatting of the rest of the paragraph with it.
            runs[0].text = wanted
            runs[0].set(_XML_SPACE, "preserve")
            for run in runs[1:]:
                run.text = ""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag.endswith(_PROPERTY_NAMES):
            element.text = ""
        elif element.text:
            element.text = redact_text(element.text, full_names)
        if element.tail:
            element.tail = redact_text(element.tail, full_names)
        for key, value in element.attrib.items():
            element.set(key, redact_text(value, full_names))
