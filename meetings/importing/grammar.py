"""The grammar of Swedish minutes: dates, labels, headings, attendee lines and sentences.

Plain patterns and functions of one line or one sentence; where a line stands among the
others (the first line, a list under its label, a heading between blank lines) is the
parser's business.
"""

import difflib
import re
from datetime import date as Date
from datetime import time

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from groupwork.forms import check_date_range
from groupwork.names import FIRST_NAME, LOWER, UPPER
from meetings.importing import ImportProblem
from meetings.importing.minutes import Attendee

# ---------------------------------------------------------------------------------------
# Dates

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


def find_date(text, need_year=True):
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


def following(after, month, day):
    """The first such day after the meeting: "7 nov" written in October 2017 is 2017-11-07."""
    for year in (after.year, after.year + 1, after.year + 2):
        try:
            candidate = Date(year, month, day)
        except ValueError:  # 29 februari outside a leap year
            continue
        if candidate > after:
            return candidate
    return Date(after.year + 1, month, day)


# ---------------------------------------------------------------------------------------
# Names, labels and headings

# A word of a surname: in capitals ("ESKILSSON"), in parts ("O'Neil", "Lindberg-Mohlin"),
# or a particle ("von").
_SURNAME_WORD = rf"(?:[{UPPER}][{LOWER}{UPPER}'’-]+|von|af|de|van|der)"
_FULL_NAME = rf"{FIRST_NAME}(?: +{_SURNAME_WORD}){{0,3}}"

ATTENDEE_LABEL = re.compile(
    r"^(?P<label>närvarande(?: ledamöter| deltagare)?|deltagare|deltog|fasta ledamöter|"
    r"(?:ordinarie )?ledamöter|ersättare|övriga(?: deltagare| närvarande)?|gäster|gäst|"
    r"adjungerade?|inbjudna|frånvarande|ej närvarande|anmält förhinder|förhinder|"
    r"anmäld frånvaro)\s*(?::\s*(?P<rest>.*))?$",
    re.I,
)
ABSENT_LABELS = (
    "frånvarande", "ej närvarande", "anmält förhinder", "förhinder", "anmäld frånvaro",
)
PLACE_LABEL = re.compile(
    r"^(?:plats(?:\s+och\s+lokal)?|lokal|mötesplats)\s*:\s*(?P<rest>.+)$", re.I
)
DATE_LABEL = re.compile(
    r"^(?:datum(?:\s+och\s+tid)?|tid(?:\s+och\s+plats)?|när)\s*:\s*(?P<rest>.+)$", re.I
)
_NOTE_TAKER_LABEL = re.compile(
    r"^(?:vid pennan|vid tangenterna|antecknat av|antecknades av|antecknare|sekreterare|"
    r"protokollförare|minnesanteckningar förda av|anteckningar förda av)\s*:?\s*(?P<rest>.*)$",
    re.I,
)
_ADJUSTER_LABEL = re.compile(
    r"^(?:justeras(?: av)?|justerat av|justerad av|justerare|justeringsperson)"
    r"\s*:?\s*(?P<rest>.*)$",
    re.I,
)
# The writer's initials after a name ("Maria Svensson /MS"), as a note taker signs.
INITIALS = re.compile(
    rf"\s*/\s*(?![{UPPER}][{LOWER}]+$)[{UPPER}{LOWER}]{{1,4}}\.?$"
)
# The roles are attributes of Minutes.
ROLE_LABELS = (("note_taker", _NOTE_TAKER_LABEL), ("adjuster", _ADJUSTER_LABEL))
DECISION_LABEL = re.compile(r"^beslut\b\s*:?\s*(?P<rest>.*)$", re.I)
SIGNATURE = re.compile(rf"^/\s*(?P<first>{_FULL_NAME})$")
SIGNATURE_PAIR = re.compile(
    rf"^(?P<first>{_FULL_NAME})\s*/\s*(?P<second>{_FULL_NAME})$"
)
SEPARATOR = re.compile(r"^[-–—=_*~\s]{3,}$")
_MD_HEADING = re.compile(r"^#{1,6}\s+(?P<text>.+?)\s*#*$")
_BOLD_LINE = re.compile(r"^(?:[-–—•*+]\s+)?(\*\*|__)(?P<text>[^*_].*?)\1\s*:?$")
_NUMBERED = re.compile(r"^(?:§\s*\d{1,3}|\d{1,2}[.)])\s+(?P<text>\S.{0,120})$")
_BULLET = re.compile(r"^(?:[-–—•*+]\s+)")
_NUMBER_PREFIX = re.compile(r"^(?:§\s*\d{1,3}\.?|\d{1,2}[.)])\s+")
# Section words that frame the minutes rather than name an agenda item.
FRAME_WORDS = {
    "anteckningar", "minnesanteckningar", "mötesanteckningar", "protokoll", "dagordning",
}


def plain(line):
    """The line without markdown emphasis, heading marks and bullets, for recognising labels."""
    line = re.sub(r"[*_]+", "", line).strip()
    line = re.sub(r"^#{1,6}\s+", "", line)
    return _BULLET.sub("", line).strip()


def explicit_heading(line):
    """The heading of a line marked as one (#, a bold line, a number), or None."""
    for pattern in (_MD_HEADING, _BOLD_LINE):
        if match := pattern.match(line):
            return heading_text(match["text"])
    if (match := _NUMBERED.match(line)) and not re.search(r"[.!?]$", line):
        return heading_text(match["text"])
    return None


def looks_like_heading(plain_line):
    """Whether an unmarked line is short and capitalised, without the punctuation of text."""
    return (
        0 < len(plain_line) <= 90  # "**" alone has no text left
        and len(plain_line.split()) <= 12
        and not re.search(r"[.!?,;]$", plain_line)
        and (plain_line[0].isupper() or plain_line[0].isdigit())
    )


def heading_text(text):
    text = _NUMBER_PREFIX.sub("", re.sub(r"[*_]{2,}", "", text)).strip()
    return text.rstrip(":").strip()


# ---------------------------------------------------------------------------------------
# People


def attendee(entry):
    """One attendee entry ("Bo Pettersson, Ria/G7 (ej närvarande)") as an Attendee, or None."""
    entry = _BULLET.sub("", re.sub(r"[*_]+", "", entry)).strip().rstrip(".;")
    if not entry or len(entry) > 160:
        return None
    notes = re.findall(r"\(([^)]*)\)", entry)
    rest = re.sub(r"\s*\([^)]*\)", "", entry).strip()
    match = re.match(
        rf"^(?P<name>{_FULL_NAME})(?:(?:\t+|\s*,\s*|\s+[-–—]\s+|\s{{2,}})(?P<aff>\S.*))?$", rest
    )
    if not match:
        return None
    first, _sep, surname = match["name"].partition(" ")
    columns = (match["aff"] or "").split("\t")
    affiliation = " ".join(part.strip() for part in columns if part.strip())
    present, only_items = True, ""
    extra = []
    for note in [affiliation, *notes]:
        # Contact details never become an affiliation.
        note = re.sub(r"\S+@\S+|\+?\d[\d \-]{6,}\d", "", note)
        if re.search(r"\b(?:ej|inte) närvarande\b|\bfrånvarande\b|\bförhinder\b", note, re.I):
            note = ""
            present = False
        items = re.search(r"\b(?:punkt(?:erna)?|p\.)\s*\d+(?:\s*(?:[-–,]|och)\s*\d+)*", note, re.I)
        if items:
            only_items = items.group(0)
            note = note[: items.start()] + note[items.end():]
            note = re.sub(r"\b(?:endast|bara|deltog i|deltog|under)\b", "", note, flags=re.I)
        note = note.strip(" ,-–")
        if note:
            extra.append(note)
    affiliation = extra[0] + "".join(f" ({note})" for note in extra[1:]) if extra else ""
    return Attendee(
        name=first,
        surname=surname.strip(),
        affiliation=affiliation[:120],
        present=present,
        only_items=only_items[:60],
    )


def attendees_in_line(text, inline=False):
    """An attendee line: a list ("Barbro, Eva och Anne") or one person with an affiliation.

    `inline` is a list after its label ("Närvarande: ..."), where a comma separates people;
    on a line of its own a comma usually starts the affiliation ("Per Norbeck, Bryggan").
    Returns a list of Attendees, or None when the line is not an attendee line.
    """
    text = re.sub(r"[*_]+", "", text).strip().rstrip(".")
    parts = [p for p in re.split(r"\s*[,;]\s*(?![^(]*\))|\s+(?:och|samt|&)\s+", text) if p]
    full = [re.fullmatch(rf"{_FULL_NAME}(?:\s*\([^)]*\))?", part) for part in parts]
    is_list = (
        re.search(r"\s(?:och|samt|&)\s", text)
        or all(re.fullmatch(FIRST_NAME, part) for part in parts)
        or inline and all(full) and (" " in parts[-1] or "(" in parts[-1])
    )
    if "\t" in text or not is_list or len(parts) == 1:
        person = attendee(text)
        return [person] if person else None
    people = [attendee(part) for part in parts]
    return None if None in people else people


def rewrite_names(text, full_names):
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

        text = re.sub(rf"\b{re.escape(first)}\s+([{UPPER}][{LOWER}-]+)", _near, text)
    return text


# ---------------------------------------------------------------------------------------
# Sentences

DECISION = re.compile(
    r"^(?:(?:gruppen|vi|nätverket|mötet|styrgruppen|ledningsgruppen|arbetsgruppen)\s+"
    r"(?:\w+\s+)?(?:beslutar|beslutade|bestämmer|bestämde|enas|enades|kommer överens|"
    r"kom överens|är överens|var överens)\b|(?:det\s+)?beslutades\b)",
    re.I,
)
DEFERRED = re.compile(
    r"\b(?:bordläggs|bordlades|bordlagd|bordlägger|flyttas till nästa möte|flyttas fram|"
    r"skjuts upp|sköts upp|hanns inte med|tas upp (?:igen )?(?:på|vid) nästa möte|"
    r"(?:punkten )?(?:utgick|utgår)(?!\s+från))\b",
    re.I,
)
NEXT_MEETING = re.compile(
    r"(?:vi ses igen|nästa\s+(?:[\"”“']?\w+[\"”“']?\s+)?\w*(?:möte|träff)"
    r"(?:\s+(?:är|blir|hålls))?)\s*:?\s*",
    re.I,
)
SENTENCE_END = re.compile(rf"(?<=[.!?])\s+(?=[\"”*_]*[{UPPER}0-9])")

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
_OWNERS = (
    rf"(?P<owners>{FIRST_NAME}(?:\s*,\s*{FIRST_NAME})*(?:\s+(?:och|&)\s+{FIRST_NAME})?)"
)
_TASK = re.compile(
    rf"(?:^|[,;:]\s+|\batt\s+){_OWNERS}\s+(?:(?:ska|skall|kommer att)\s+)?"
    rf"(?P<verb>{_VERB_ALTERNATION})\b(?P<rest>[^.!?]*)"
)
_ASKED = re.compile(rf"^\s+{_OWNERS}\s+(?:att\s+)?(?P<what>\w.*)$")


def task(sentence, known, heading):
    """A sentence that gives someone a task, as (title, owners), or None.

    `known` are the first names of the meeting's people and the group's members: only they
    own a task they take on themselves.
    """
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
    return title[:300], tuple(owners)
