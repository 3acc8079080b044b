"""Import of existing minutes: read a file, parse it into a plain preview, save it.

Groups arrive with years of minutes written in Word, Markdown or plain text, each group in
its own way. The parser reads the family of formats rather than one layout: a title line
with the date, attendee lists in several shapes, agenda items marked by markdown headings,
bold lines, numbers or just a short line of their own, and the sentences that carry
decisions, deferrals, tasks and the next meeting. `parse` returns plain dicts and lists
(the preview); `save` turns a preview into a meeting in one transaction.

People are kept by first name only: surnames from the attendee lists are dropped and the
full names are rewritten to first names wherever they occur in the text.
"""

import difflib
import hashlib
import io
import re
import zipfile
from datetime import date as Date
from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.models import ActionItem
from groupwork.forms import check_date_range
from groupwork.models import Membership, Person
from meetings.models import AgendaItem, Attachment, Attendance, Meeting

NEW_PEOPLE = ("guests", "members")


class ImportProblem(Exception):
    """A file that cannot be imported; the message says why, in Swedish."""


class AlreadyImported(ImportProblem):
    pass


# ---------------------------------------------------------------------------------------
# Reading the bytes


def checksum(data):
    return hashlib.sha256(data).hexdigest()


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


# A .docx is a zip, and python-docx reads every part whole into memory: a 70 kB upload can
# unpack to 10 MB of text and take seconds and hundreds of megabytes to parse. Years of real
# minutes unpack to well under a megabyte; pictures (stored, not compressed) count too.
MAX_DOCX_UNPACKED = 5 * 1024 * 1024


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
    return text, _person(text) is not None


# ---------------------------------------------------------------------------------------
# Patterns

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "mars": 3, "mar": 3, "april": 4,
    "apr": 4, "maj": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augusti": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "oktober": 10, "okt": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_TIME = (
    r"(?:\s*,?\s*(?:kl\.?|klockan)\s*(?P<hour>\d{1,2})(?:[.:](?P<minute>\d{2}))?"
    r"(?:\s*[-–]\s*(?P<end_hour>\d{1,2})(?:[.:](?P<end_minute>\d{2}))?)?)?"
)
_DATES = [
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b" + _TIME),
    re.compile(
        rf"\b(?P<day>\d{{1,2}})\s+(?P<month>{_MONTH})\.?(?:\s+(?P<year>\d{{4}}))?\b" + _TIME,
        re.I,
    ),
    re.compile(r"\b(?P<day>\d{1,2})[./](?P<month>\d{1,2})[./ ](?P<year>\d{4})\b" + _TIME),
]

_UPPER = "A-ZÅÄÖÉÜ"
_LOWER = "a-zåäöéüèáø"
NAME = rf"[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?"
_SURNAME_WORD = rf"(?:[{_UPPER}][{_LOWER}{_UPPER}'’-]+|von|af|de|van|der)"
FULL_NAME = rf"{NAME}(?: +{_SURNAME_WORD}){{0,3}}"

_ATTENDEE_LABEL = re.compile(
    r"^(?P<label>närvarande(?: ledamöter| deltagare)?|deltagare|deltog|fasta ledamöter|"
    r"(?:ordinarie )?ledamöter|ersättare|övriga(?: deltagare| närvarande)?|gäster|gäst|"
    r"adjungerade?|inbjudna|frånvarande|ej närvarande|anmält förhinder|förhinder|"
    r"anmäld frånvaro)\s*(?::\s*(?P<rest>.*))?$",
    re.I,
)
_ABSENT_LABELS = (
    "frånvarande", "ej närvarande", "anmält förhinder", "förhinder", "anmäld frånvaro",
)
_PLACE_LABEL = re.compile(
    r"^(?:plats(?:\s+och\s+lokal)?|lokal|mötesplats)\s*:\s*(?P<rest>.+)$", re.I
)
_DATE_LABEL = re.compile(
    r"^(?:datum(?:\s+och\s+tid)?|tid(?:\s+och\s+plats)?|när)\s*:\s*(?P<rest>.+)$", re.I
)
_NOTE_TAKER_LABEL = re.compile(
    r"^(?:vid pennan|vid tangenterna|antecknat av|antecknades av|antecknare|sekreterare|"
    r"protokollförare|minnesanteckningar förda av|anteckningar förda av)\s*:?\s*(?P<rest>.*)$",
    re.I,
)
_ADJUSTER_LABEL = re.compile(
    r"^(?:justeras av|justerat av|justerad av|justerare)\s*:?\s*(?P<rest>.*)$", re.I
)
_DECISION_LABEL = re.compile(r"^beslut\b\s*:?\s*(?P<rest>.*)$", re.I)
_ROLE_LABELS = (("note_taker", _NOTE_TAKER_LABEL), ("adjuster", _ADJUSTER_LABEL))
_SIGNATURE = re.compile(rf"^/\s*(?P<first>{FULL_NAME})$")
_SIGNATURE_PAIR = re.compile(rf"^(?P<first>{FULL_NAME})\s*/\s*(?P<second>{FULL_NAME})$")
_SEPARATOR = re.compile(r"^[-–—=_*~\s]{3,}$")
_MD_HEADING = re.compile(r"^#{1,6}\s+(?P<text>.+?)\s*#*$")
_BOLD_LINE = re.compile(r"^(?:[-–—•*+]\s+)?(\*\*|__)(?P<text>[^*_].*?)\1\s*:?$")
_NUMBERED = re.compile(r"^(?:§\s*\d{1,3}|\d{1,2}[.)])\s+(?P<text>\S.{0,120})$")
_BULLET = re.compile(r"^(?:[-–—•*+]\s+)")
_NUMBER_PREFIX = re.compile(r"^(?:§\s*\d{1,3}\.?|\d{1,2}[.)])\s+")
# Section words that frame the minutes rather than name an agenda item.
_FRAME_WORDS = {
    "anteckningar", "minnesanteckningar", "mötesanteckningar", "protokoll", "dagordning",
}

_DECISION = re.compile(
    r"^(?:(?:gruppen|vi|nätverket|mötet|styrgruppen|ledningsgruppen|arbetsgruppen)\s+"
    r"(?:\w+\s+)?(?:beslutar|beslutade|bestämmer|bestämde|enas|enades|kommer överens|"
    r"kom överens|är överens|var överens)\b|(?:det\s+)?beslutades\b)",
    re.I,
)
_DEFERRED = re.compile(
    r"\b(?:bordläggs|bordlades|bordlagd|bordlägger|flyttas till nästa möte|flyttas fram|"
    r"skjuts upp|sköts upp|hanns inte med|tas upp (?:igen )?(?:på|vid) nästa möte|"
    r"(?:punkten )?(?:utgick|utgår)(?!\s+från))\b",
    re.I,
)
_NEXT_MEETING = re.compile(
    r"(?:vi ses igen|nästa\s+(?:[\"”“']?\w+[\"”“']?\s+)?\w*(?:möte|träff)"
    r"(?:\s+(?:är|blir|hålls))?)\s*:?\s*",
    re.I,
)

# Present tense in the minutes → the imperative that starts a task's title.
_TASK_VERBS = {
    "kontaktar": "kontakta", "tar kontakt": "ta kontakt", "frågar": "fråga",
    "pratar": "prata", "mailar": "maila", "mejlar": "mejla", "meddelar": "meddela",
    "skickar": "skicka", "vidarebefordrar": "vidarebefordra", "återkommer": "återkom",
    "jobbar vidare": "jobba vidare", "arbetar vidare": "arbeta vidare", "tar fram": "ta fram",
    "tar upp": "ta upp", "undersöker": "undersök", "kollar": "kolla", "bokar": "boka",
    "ringer": "ring", "ordnar": "ordna", "bjuder in": "bjud in", "sammanställer": "sammanställ",
    "förbereder": "förbered", "skriver": "skriv", "tar reda på": "ta reda på",
    "ansvarar för": "ansvara för", "ser över": "se över", "följer upp": "följ upp",
    "påminner": "påminn", "ber": "",
}
_INFINITIVES = {
    "kontakta", "ta kontakt", "fråga", "prata", "maila", "mejla", "meddela", "skicka",
    "vidarebefordra", "återkomma", "jobba vidare", "arbeta vidare", "ta fram", "ta upp",
    "undersöka", "kolla", "boka", "ringa", "ordna", "bjuda in", "sammanställa", "förbereda",
    "skriva", "ta reda på", "ansvara för", "se över", "följa upp", "påminna",
}
_VERB_ALTERNATION = "|".join(
    re.escape(v) for v in sorted({*_TASK_VERBS, *_INFINITIVES}, key=len, reverse=True)
)
_OWNERS = rf"(?P<owners>{NAME}(?:\s*,\s*{NAME})*(?:\s+(?:och|&)\s+{NAME})?)"
_TASK = re.compile(
    rf"(?:^|[,;:]\s+|\batt\s+){_OWNERS}\s+(?:(?:ska|skall|kommer att)\s+)?"
    rf"(?P<verb>{_VERB_ALTERNATION})\b(?P<rest>[^.!?]*)"
)
_ASKED = re.compile(rf"^\s+{_OWNERS}\s+(?:att\s+)?(?P<what>\w.*)$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"”*_]*[A-ZÅÄÖÉ0-9])")


def _plain(line):
    """The line without markdown emphasis, heading marks and bullets, for recognising labels."""
    line = re.sub(r"[*_]+", "", line).strip()
    line = re.sub(r"^#{1,6}\s+", "", line)
    return _BULLET.sub("", line).strip()


# ---------------------------------------------------------------------------------------
# Dates


# A meeting whose minutes give no time is stored at this time of day.
DEFAULT_TIME = time(9, 0)


def _find_date(text, need_year=True):
    """The first date in the text as (date or (month, day), start time, end time), or None.

    A written date that does not exist ("31 februari 2017") is an error, not a guess.
    """
    text = re.sub(r"[*_]+", "", text)
    found = []
    for pattern in _DATES:
        match = pattern.search(text)
        if match and (match["year"] or not need_year):
            found.append(match)
    if not found:
        return None
    match = min(found, key=lambda m: m.start())
    month = match["month"]
    month = int(month) if month.isdigit() else MONTHS[month.lower()]
    day = int(match["day"])
    try:
        if match["year"]:
            when = Date(int(match["year"]), month, day)
        else:
            Date(2000, month, day)  # a leap year, so that 29 februari passes
            when = (month, day)
        start = _time(match["hour"], match["minute"])
        end = _time(match["end_hour"], match["end_minute"])
    except ValueError:
        raise ImportProblem(
            _("Datumet ”%(date)s” finns inte.") % {"date": match.group(0).strip()}
        ) from None
    if isinstance(when, Date):
        try:
            check_date_range(when)  # the forms' range: no year 1 or 9999 from a file either
        except ValidationError as outside:
            raise ImportProblem(outside.messages[0]) from None
    return when, start, end


def _time(hour, minute):
    return time(int(hour), int(minute or 0)) if hour is not None else None


def _aware(day, at):
    return timezone.make_aware(datetime.combine(day, at))


# ---------------------------------------------------------------------------------------
# People


def _person(entry):
    """One attendee entry ("Bo Pettersson, Ria/G7 (ej närvarande)") as a dict, or None."""
    entry = _BULLET.sub("", re.sub(r"[*_]+", "", entry)).strip().rstrip(".;")
    if not entry or len(entry) > 160:
        return None
    notes = re.findall(r"\(([^)]*)\)", entry)
    rest = re.sub(r"\s*\([^)]*\)", "", entry).strip()
    match = re.match(
        rf"^(?P<name>{FULL_NAME})(?:(?:\t+|\s*,\s*|\s+[-–—]\s+|\s{{2,}})(?P<aff>\S.*))?$", rest
    )
    if not match:
        return None
    first, _sep, surname = match["name"].partition(" ")
    columns = (match["aff"] or "").split("\t")
    affiliation = " ".join(part.strip() for part in columns if part.strip())
    person = {
        "name": first,
        "surname": surname.strip(),
        "affiliation": "",
        "present": True,
        "only_items": "",
    }
    extra = []
    for note in [affiliation, *notes]:
        # Contact details never become an affiliation.
        note = re.sub(r"\S+@\S+|\+?\d[\d \-]{6,}\d", "", note)
        if re.search(r"\b(?:ej|inte) närvarande\b|\bfrånvarande\b|\bförhinder\b", note, re.I):
            note = ""
            person["present"] = False
        items = re.search(r"\b(?:punkt(?:erna)?|p\.)\s*\d+(?:\s*(?:[-–,]|och)\s*\d+)*", note, re.I)
        if items:
            person["only_items"] = items.group(0)
            note = note[: items.start()] + note[items.end():]
            note = re.sub(r"\b(?:endast|bara|deltog i|deltog|under)\b", "", note, flags=re.I)
        note = note.strip(" ,-–")
        if note:
            extra.append(note)
    if extra:
        person["affiliation"] = extra[0] + "".join(f" ({note})" for note in extra[1:])
    person["affiliation"] = person["affiliation"][:120]
    person["only_items"] = person["only_items"][:60]
    return person


def _people_in_line(text, inline=False):
    """An attendee line: a list ("Barbro, Eva och Anne") or one person with an affiliation.

    `inline` is a list after its label ("Närvarande: ..."), where a comma separates people;
    on a line of its own a comma usually starts the affiliation ("Per Norbeck, Bryggan").
    """
    text = re.sub(r"[*_]+", "", text).strip().rstrip(".")
    parts = [p for p in re.split(r"\s*[,;]\s*(?![^(]*\))|\s+(?:och|samt|&)\s+", text) if p]
    full = [re.fullmatch(rf"{FULL_NAME}(?:\s*\([^)]*\))?", part) for part in parts]
    is_list = (
        re.search(r"\s(?:och|samt|&)\s", text)
        or all(re.fullmatch(NAME, part) for part in parts)
        or inline and all(full) and (" " in parts[-1] or "(" in parts[-1])
    )
    if "\t" in text or not is_list or len(parts) == 1:
        person = _person(text)
        return [person] if person else None
    people = [_person(part) for part in parts]
    return None if None in people else people


def _rewrite_names(text, full_names):
    """Full names ("Anne Eskilsson", "Anne Eskilssons") → first names ("Anne", "Annes")."""
    for first, surname in full_names:
        possessive = "" if first[-1] in "sxz" else "s"
        spaced = r"\s+".join(re.escape(word) for word in surname.split())
        text = re.sub(
            rf"\b{re.escape(first)}\s+{spaced}(s)?\b",
            lambda m, first=first, possessive=possessive: first + (possessive if m[1] else ""),
            text,
        )

        # A misspelt surname after the first name ("Filippa Kurdve" for Kurve) goes too.
        def _near(m, first=first, surname=surname):
            close = difflib.SequenceMatcher(None, m[1], surname).ratio() >= 0.75
            return first if close else m.group(0)

        text = re.sub(rf"\b{re.escape(first)}\s+([{_UPPER}][{_LOWER}-]+)", _near, text)
    return text


# ---------------------------------------------------------------------------------------
# Parsing


def parse(text, date=None, member_names=()):
    """Read minutes into a plain preview (dicts and lists); nothing is saved.

    `date` is used when the text has no date; `member_names` are the group's first names,
    so that tasks for members who are not in the attendee list are recognised too.
    """
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n")
             .replace("\u00a0", " ").replace("\ufeff", "").split("\n")]
    preview = {
        "title": "",
        "date": None,
        "start": None,
        "end": None,
        "location": "",
        "opening": [],
        "attendees": [],
        "items": [],
        "note_taker": "",
        "adjuster": "",
        "next_meeting": None,
        "tasks": [],
        "unclear": [],
    }
    full_names = []
    explicit = _uses_explicit_headings(lines)
    item = None
    section = None
    paragraph, paragraph_is_decision = [], False
    take_name = None  # "note_taker" / "adjuster": the next line names that person
    first_line = True

    def flush():
        nonlocal paragraph, paragraph_is_decision
        if paragraph:
            block = "\n".join(paragraph).strip()
            if item is None:
                preview["opening"].append(block)
            elif paragraph_is_decision:
                item["decisions"].append(block)
            else:
                item["paragraphs"].append(block)
        paragraph, paragraph_is_decision = [], False

    def take_role(role, value):
        """Set the note taker or adjuster if `value` names a person; False otherwise."""
        person = _person(value.lstrip("/ ").strip())
        if person is None:
            return False
        preview[role] = person["name"]
        if person["surname"]:
            full_names.append((person["name"], person["surname"]))
        return True

    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            flush()
            continue
        plain = _plain(line)
        if _SEPARATOR.match(line):
            flush()
            continue
        if take_name:
            role, take_name = take_name, None
            if take_role(role, plain):
                continue
            preview["unclear"].append(_("Namnet efter ”vid pennan” eller ”justerare” saknas."))
        if first_line:
            first_line = False
            if not any(p.match(plain) for p in (_ATTENDEE_LABEL, _DATE_LABEL, _PLACE_LABEL)):
                preview["title"] = _heading_text(plain)[:200]
                _take_date(preview, plain)
                continue

        label = _ATTENDEE_LABEL.match(plain)
        if label and (label["rest"] is not None or _next_is_person(lines, i)):
            flush()
            present = label["label"].lower() not in _ABSENT_LABELS
            section = present
            if label["rest"]:
                people = _people_in_line(label["rest"], inline=True)
                if people is None:
                    preview["unclear"].append(line)
                else:
                    _add_attendees(preview, full_names, people, present)
                section = None
            continue
        if section is not None:
            people = _people_in_line(line)
            after_blank = i > 0 and not lines[i - 1].strip()
            if people and not (after_blank and _next_is_text(lines, i)):
                _add_attendees(preview, full_names, people, section)
                continue
            section = None

        if item is None and (found := _PLACE_LABEL.match(plain)):
            flush()
            preview["location"] = found["rest"][:200]
            continue
        if item is None and (found := _DATE_LABEL.match(plain)):
            flush()
            _take_date(preview, found["rest"])
            continue
        role = next(
            ((role, m) for role, pattern in _ROLE_LABELS if (m := pattern.match(plain))), None
        )
        if role and not role[1]["rest"]:
            flush()
            take_name = role[0]
            continue
        # "Sekreterare på enheten berättar ..." names nobody: it stays text.
        if role and take_role(role[0], role[1]["rest"]):
            flush()
            continue
        # A signature closes the minutes: "/Anne", "*Anne/Leif*" (note taker/adjuster).
        signature = _SIGNATURE.match(plain) or _SIGNATURE_PAIR.match(plain)
        if signature and _is_last(lines, i):
            flush()
            take_role("note_taker", signature["first"])
            if signature.groupdict().get("second"):
                take_role("adjuster", signature["second"])
            continue

        heading = _heading(lines, i, explicit)
        if heading is not None:
            flush()
            if heading.lower() in _FRAME_WORDS:
                continue
            item = {"heading": heading[:300], "paragraphs": [], "decisions": []}
            preview["items"].append(item)
            continue
        if item is not None and not paragraph and (found := _DECISION_LABEL.match(plain)):
            paragraph_is_decision = True
            if found["rest"]:
                paragraph.append(found["rest"])
            continue
        if item is None and preview["date"] is None:
            _take_date(preview, plain)
        paragraph.append(raw)
    flush()

    if preview["date"] is None and date is not None:
        preview["date"] = date
    if preview["date"] is None:
        raise ImportProblem(
            _("Inget datum hittades i texten. Ange datumet med --date eller i formuläret.")
        )
    if take_name:
        preview["unclear"].append(_("Namnet efter ”vid pennan” eller ”justerare” saknas."))
    if not preview["items"]:
        preview["unclear"].append(_("Inga punkter hittades: all text blir inledningen."))
    _finish(preview, full_names, member_names)
    return preview


def _take_date(preview, text):
    if preview["date"] is not None:
        return
    found = _find_date(text)
    if found:
        preview["date"], preview["start"], preview["end"] = found


def _add_attendees(preview, full_names, people, present):
    for person in people:
        person["present"] = person["present"] and present
        if person["surname"]:
            full_names.append((person["name"], person["surname"]))
        preview["attendees"].append(person)


def _next_nonblank(lines, i):
    for j in range(i + 1, len(lines)):
        line = lines[j].strip()
        if line and not _SEPARATOR.match(line):
            return line
    return None


def _is_last(lines, i):
    return not any(lines[j].strip() for j in range(i + 1, len(lines)))


def _next_is_person(lines, i):
    following = _next_nonblank(lines, i)
    return following is not None and _people_in_line(following) is not None


def _next_is_text(lines, i):
    """Whether the next line reads as running text: then a short line before it is a heading."""
    following = _next_nonblank(lines, i)
    if following is None:
        return False
    plain = _plain(following)
    return not (_people_in_line(following) or _ATTENDEE_LABEL.match(plain))


def _uses_explicit_headings(lines):
    """Whether the file marks its agenda items (#, bold lines, numbers): then only those count."""
    content = [line.strip() for line in lines if line.strip()][1:]
    return any(_explicit_heading(line) for line in content)


def _explicit_heading(line):
    for pattern in (_MD_HEADING, _BOLD_LINE):
        if match := pattern.match(line):
            return _heading_text(match["text"])
    if (match := _NUMBERED.match(line)) and not re.search(r"[.!?]$", line):
        return _heading_text(match["text"])
    return None


def _heading_text(text):
    text = _NUMBER_PREFIX.sub("", re.sub(r"[*_]{2,}", "", text)).strip()
    return text.rstrip(":").strip()


def _heading(lines, i, explicit):
    line = lines[i].strip()
    if explicit:
        return _explicit_heading(line)
    # Without markup an item heading is a short line standing alone between blank lines.
    before = i == 0 or not lines[i - 1].strip()
    after = i + 1 == len(lines) or not lines[i + 1].strip()
    alone = before and after
    plain = _plain(line)
    if (
        alone
        and len(plain) <= 90
        and len(plain.split()) <= 12
        and not re.search(r"[.!?,;]$", plain)
        and (plain[0].isupper() or plain[0].isdigit())
    ):
        return _heading_text(plain)
    return None


def _finish(preview, full_names, member_names):
    """Rewrite full names, then read decisions, outcomes, tasks and the next meeting."""
    rewrite = lambda text: _rewrite_names(text, full_names)  # noqa: E731
    preview["title"] = rewrite(preview["title"])
    preview["location"] = rewrite(preview["location"])
    preview["opening"] = rewrite("\n\n".join(preview["opening"]))
    known = {a["name"] for a in preview["attendees"]} | set(member_names)
    known |= {preview["note_taker"], preview["adjuster"]} - {""}
    for number, item in enumerate(preview["items"]):
        item["heading"] = rewrite(item["heading"])
        notes, decisions = [], [rewrite(d) for d in item.pop("decisions")]
        for block in item.pop("paragraphs"):
            block = rewrite(block)
            sentences = _SENTENCE_END.split(block)
            decided = [s.strip() for s in sentences if _DECISION.match(_plain(s))]
            decisions += decided
            # A decision inside a longer paragraph stays there too: its neighbours may
            # refer to it ("Ett sätt är att ...").
            if len(decided) < len(sentences):
                notes.append(block)
        item["notes"] = "\n\n".join(notes)
        item["decision"] = "\n\n".join(decisions)
        text = "\n".join([item["heading"], item["notes"], item["decision"]])
        if _DEFERRED.search(text):
            item["outcome"] = AgendaItem.Outcome.DEFERRED
        elif item["decision"]:
            item["outcome"] = AgendaItem.Outcome.DECIDED
        else:
            item["outcome"] = AgendaItem.Outcome.DISCUSSED
        for sentence in _SENTENCE_END.split(item["notes"] + "\n\n" + item["decision"]):
            task = _task(_plain(sentence), known, item["heading"])
            # A decision inside a paragraph is read twice (notes and decision): one task.
            if task and {**task, "item": number} not in preview["tasks"]:
                preview["tasks"].append({**task, "item": number})
    preview["next_meeting"] = _next_meeting(preview)


def _task(sentence, known, heading):
    match = _TASK.search(sentence)
    if not match:
        return None
    owners = re.split(r"\s*,\s*|\s+(?:och|&)\s+", match["owners"])
    verb, rest = match["verb"], match["rest"]
    if verb == "ber":
        asked = _ASKED.match(rest)
        if not asked:
            return None
        owners = re.split(r"\s*,\s*|\s+(?:och|&)\s+", asked["owners"])
        title = asked["what"]
    else:
        # "Filippa meddelar att ..." reports what was said; it is not a task.
        if not set(owners) <= known or re.match(r"\s+att\b", rest):
            return None
        title = (_TASK_VERBS.get(verb) or verb) + rest
    title = title.strip(" ,;:")
    if re.search(r"\bfrågan\b", title) and heading:
        title = f"{title} ({heading})"
    title = title[:1].upper() + title[1:]
    return {"title": title[:300], "owners": owners}


def _next_meeting(preview):
    """The next meeting's start, from "Vi ses igen den 7 nov kl 10.30" and the like."""
    texts = [preview["opening"]]
    for item in preview["items"]:
        texts += [item["notes"], item["decision"]]
        if re.search(r"\bnästa (?:\w+)?möte\b", item["heading"], re.I):
            texts.append("nästa möte " + item["notes"][:80])
    for text in texts:
        text = re.sub(r"[*_]+", "", text)
        for trigger in _NEXT_MEETING.finditer(text):
            # "den 7 nov", "på tisdag den 7 nov", "tisdag 7 nov"
            window = re.sub(
                r"^(?:(?:den|på)\s+)?(?:\w+dag(?:en)?\s+)?(?:den\s+)?",
                "",
                text[trigger.end():trigger.end() + 40],
                flags=re.I,
            )
            if not re.match(r"\d", window):
                continue
            try:
                found = _find_date(window, need_year=False)
            except ImportProblem as problem:
                preview["unclear"].append(str(problem))
                continue
            if not found:
                continue
            when, start, _end = found
            if isinstance(when, tuple):
                when = _following(preview["date"], *when)
            if when > preview["date"]:
                return _aware(when, start or preview["start"] or DEFAULT_TIME)
    return None


def _following(after, month, day):
    """The first such day after the meeting: "7 nov" written in October 2017 is 2017-11-07."""
    for year in (after.year, after.year + 1, after.year + 2):
        try:
            candidate = Date(year, month, day)
        except ValueError:  # 29 februari outside a leap year
            continue
        if candidate > after:
            return candidate
    return Date(after.year + 1, month, day)


def starts_at(preview):
    return _aware(preview["date"], preview["start"] or DEFAULT_TIME)


def ends_at(preview):
    return _aware(preview["date"], preview["end"]) if preview["end"] else None


# ---------------------------------------------------------------------------------------
# Saving


def match_people(preview, group):
    """Each name in the preview → the group's Person it matches, or None for a new person."""
    memberships = list(group.memberships.select_related("person").order_by("active_to", "id"))
    affiliation = {a["name"]: a["affiliation"] for a in reversed(preview["attendees"])}
    names = [a["name"] for a in preview["attendees"]]
    names += [preview["note_taker"], preview["adjuster"]]
    names += [owner for task in preview["tasks"] for owner in task["owners"]]
    found = {}
    for name in filter(None, names):
        if name not in found:
            found[name] = _member(memberships, name, affiliation.get(name, ""))
    return found


def _member(memberships, name, affiliation):
    same = [m for m in memberships if m.person.first_name.lower() == name.lower()]
    if len(same) > 1 and affiliation:
        wanted = affiliation.lower()
        fitting = [
            m for m in same
            if m.represents and (m.represents.lower() in wanted or wanted in m.represents.lower())
            or m.person.known_as and m.person.known_as.lower() in wanted
        ]
        same = fitting or same
    return same[0].person if same else None


def save(preview, group, data, filename, *, user=None, new_people="guests", tasks=(),
         plan_next=True):
    """Create the meeting of one parsed file, all of it or nothing; returns the meeting.

    `tasks` are the indexes of the suggested tasks the facilitator confirmed. New people
    become guests or inactive members as chosen; a note taker, adjuster or task owner must
    be a person, so they become inactive members either way.
    """
    digest = checksum(data)
    if group.meetings.filter(import_checksum=digest).exists():
        raise AlreadyImported(_("”%(name)s” är redan importerad.") % {"name": filename})
    attachment = None
    try:
        with transaction.atomic():
            meeting = _save_meeting(preview, group, digest, user)
            people = _save_people(preview, group, meeting, new_people, tasks)
            for position, item in enumerate(preview["items"], start=1):
                item["saved"] = AgendaItem.objects.create(
                    meeting=meeting,
                    position=position,
                    heading=item["heading"],
                    notes=item["notes"],
                    decision=item["decision"],
                    outcome=item["outcome"],
                )
            for index in sorted(set(tasks)):
                task = preview["tasks"][index]
                action = ActionItem.objects.create(
                    group=group,
                    meeting=meeting,
                    agenda_item=preview["items"][task["item"]]["saved"],
                    title=task["title"],
                    created_by=user,
                )
                action.owners.set({people[owner] for owner in task["owners"]})
            if plan_next and preview["next_meeting"]:
                _plan(group, preview["next_meeting"])
            attachment = Attachment(
                meeting=meeting,
                name=filename[:255],
                content_type=_content_type(filename),
                size=len(data),
                is_public=False,
                uploaded_by=user,
            )
            attachment.file.save(filename, ContentFile(data), save=False)
            attachment.save()
    except IntegrityError:
        _remove_file(attachment)
        if group.meetings.filter(import_checksum=digest).exists():
            raise AlreadyImported(
                _("”%(name)s” är redan importerad.") % {"name": filename}
            ) from None
        raise
    except BaseException:
        _remove_file(attachment)
        raise
    return meeting


def _save_meeting(preview, group, digest, user):
    start = starts_at(preview)
    day_start = _aware(preview["date"], time.min)
    # A meeting planned when an earlier file was imported is filled in rather than doubled.
    meeting = (
        group.meetings.filter(
            status=Meeting.Status.PLANNED,
            import_checksum="",
            starts_at__gte=day_start,
            starts_at__lt=day_start + timedelta(days=1),
            items__isnull=True,
        ).first()
        or Meeting(group=group)
    )
    meeting.title = preview["title"]
    meeting.starts_at = start
    meeting.ends_at = ends_at(preview)
    meeting.location = preview["location"]
    meeting.opening = preview["opening"]
    meeting.status = Meeting.Status.APPROVED
    meeting.approved_at = timezone.now()
    meeting.approved_by = user
    meeting.import_checksum = digest
    meeting._change_reason = _("Importerat")
    meeting.save()
    return meeting


def _save_people(preview, group, meeting, new_people, tasks):
    """The meeting's attendances; returns first name → Person for the roles and tasks."""
    memberships = list(group.memberships.select_related("person").order_by("active_to", "id"))
    needs_person = {preview["note_taker"], preview["adjuster"]} - {""}
    needs_person |= {owner for i in tasks for owner in preview["tasks"][i]["owners"]}
    names = [a["name"] for a in preview["attendees"]]
    left = min(preview["date"], timezone.localdate() - timedelta(days=1))
    people = {}

    def person_for(name, affiliation, create):
        person = _member(memberships, name, affiliation)
        if person is None and create:
            # Two of the same name in one file are told apart by what they represent.
            known_as = affiliation[:60] if names.count(name) > 1 else ""
            person = Person.objects.create(first_name=name, known_as=known_as)
            Membership.objects.create(
                group=group, person=person, represents=affiliation[:120], active_to=left
            )
        return person

    for attendee in preview["attendees"]:
        name = attendee["name"]
        create = new_people == "members" or name in needs_person
        person = person_for(name, attendee["affiliation"], create)
        if person is not None and person in people.values():
            continue  # listed twice
        if people.get(name) is None:
            people[name] = person
        Attendance.objects.create(
            meeting=meeting,
            person=person,
            guest_name="" if person else name,
            affiliation=attendee["affiliation"],
            present=attendee["present"],
            only_items=attendee["only_items"],
        )
    for name in needs_person:
        if people.get(name) is None:
            people[name] = person_for(name, "", create=True)
    meeting.note_taker = people.get(preview["note_taker"])
    meeting.adjuster = people.get(preview["adjuster"])
    if meeting.note_taker or meeting.adjuster:
        meeting.save(update_fields=["note_taker", "adjuster"])
    return people


def _plan(group, start):
    day_start = start.replace(hour=0, minute=0)
    exists = group.meetings.filter(
        starts_at__gte=day_start, starts_at__lt=day_start + timedelta(days=1)
    ).exists()
    if not exists:
        Meeting.objects.create(group=group, starts_at=start, status=Meeting.Status.PLANNED)


def _content_type(filename):
    if filename.lower().endswith(".docx"):
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if filename.lower().endswith(".md"):
        return "text/markdown"
    return "text/plain"


def _remove_file(attachment):
    if attachment is not None and attachment.file.name:
        attachment.file.storage.delete(attachment.file.name)
