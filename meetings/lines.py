"""What a line typed into the minutes means: the one reading of the editor's quick entry.

"Beslut: att Eva ringer" is a decision; "@Eva 12/3 ringer Malmö" is a task for Eva due the
next 12 March; anything else is a note. The editor shows what was understood before it acts
(meetings.views.understand), and the task is created from the same reading
(actions.views.quick_task), so the browser never guesses on its own.

A line that looks like a task but cannot be read (an unknown or ambiguous name, a date that
does not exist, no text) is an error with a message, never a guess.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from groupwork.forms import FIRST_DAY, LAST_DAY
from meetings.importing.grammar import MONTHS  # "12 mars", "3 okt", as the importer reads them

NOTE, DECISION, TASK, ERROR = "note", "decision", "task", "error"

_DECISION = re.compile(r"\s*beslut\s*:\s*(.*)", re.IGNORECASE | re.DOTALL)
_OWNER = re.compile(r"@(\S+)\s*")
_NUMERIC_DATE = re.compile(r"(\d{1,2})/(\d{1,2})(?:/(\d{4}))?(?=\s|$)\s*")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?=\s|$)\s*")
_NAMED_DATE = re.compile(r"(\d{1,2})\s+([a-zåäö]+)\.?(?:\s+(\d{4}))?(?=\s|$)\s*", re.IGNORECASE)


@dataclass
class Line:
    kind: str
    text: str = ""
    owners: list = field(default_factory=list)
    due: date | None = None
    message: str = ""

    def summary(self):
        """What was understood, in words, for the editor to show before anything is saved."""
        if self.kind == DECISION:
            return _("Beslut: %(text)s") % {"text": self.text}
        if self.kind == TASK:
            names = ", ".join(str(person) for person in self.owners)
            if self.due:
                return _("Uppgift till %(names)s, klar %(date)s: %(text)s") % {
                    "names": names, "date": date_format(self.due, "DATE_FORMAT"),
                    "text": self.text,
                }
            return _("Uppgift till %(names)s, utan datum: %(text)s") % {
                "names": names, "text": self.text,
            }
        return self.message


def _key(text):
    return "".join(ch for ch in text.lower() if ch.isalpha())


def _names(person):
    """The ways a person can be written after @: "Eva", "Eva-Lena", "Anna-Familjehem"."""
    keys = {_key(person.first_name)}
    if person.known_as:
        keys.add(_key(person.known_as))
        keys.add(_key(person.first_name + person.known_as))
    return keys


def _owner(word, people):
    """The one person `word` names, or an error message."""
    matches = [person for person in people if _key(word) in _names(person)]
    if len(matches) == 1:
        return matches[0], ""
    if not matches:
        return None, _("Ingen i gruppen heter ”%(name)s”. Skriv förnamnet som det står i gruppen.") % {
            "name": word
        }
    ways = ", ".join(
        f"@{p.first_name}-{p.known_as}" if p.known_as else f"@{p.first_name}" for p in matches
    )
    return None, _("Flera i gruppen heter ”%(name)s”. Skriv vem: %(ways)s.") % {
        "name": word, "ways": ways,
    }


def _next_date(day, month, today, year=None):
    """The date day/month in `year`, or the next one from `today` on; None if none exists."""
    if year is not None:
        try:
            return date(year, month, day)
        except ValueError:
            return None
    # Four years ahead finds every 29 February.
    for candidate_year in range(today.year, today.year + 5):
        try:
            candidate = date(candidate_year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None


def _due(rest, today):
    """(date or None, the rest of the line, error message) for a date at the start of rest."""
    match = _ISO_DATE.match(rest)
    if match:
        year, month, day = (int(g) for g in match.groups())
        found = _next_date(day, month, today, year)
    else:
        match = _NUMERIC_DATE.match(rest)
        if match:
            day, month = int(match[1]), int(match[2])
            found = _next_date(day, month, today, int(match[3]) if match[3] else None)
        else:
            match = _NAMED_DATE.match(rest)
            if not match or match[2].lower() not in MONTHS:
                return None, rest, ""
            day, month = int(match[1]), MONTHS[match[2].lower()]
            found = _next_date(day, month, today, int(match[3]) if match[3] else None)
    if found is None:
        return None, rest, _("Datumet ”%(date)s” finns inte.") % {"date": match[0].strip()}
    if not FIRST_DAY <= found <= LAST_DAY:  # as every date field of the app (groupwork.forms)
        return None, rest, _("Ange ett datum mellan år %(first)s och %(last)s.") % {
            "first": FIRST_DAY.year, "last": LAST_DAY.year,
        }
    return found, rest[match.end():], ""


def understand(line, people, today):
    """Read one line of the minutes. people: the group's active members (Person objects)."""
    line = line.strip()
    decision = _DECISION.fullmatch(line)
    if decision:
        text = decision[1].strip()
        if not text:
            return Line(ERROR, message=_("Skriv beslutet efter ”Beslut:”."))
        return Line(DECISION, text=text)
    if not line.startswith("@"):
        return Line(NOTE, text=line)
    owners, rest = [], line
    while True:
        match = _OWNER.match(rest)
        if not match:
            break
        person, error = _owner(match[1].rstrip(",.:;"), people)
        if error:
            return Line(ERROR, message=error)
        if person not in owners:
            owners.append(person)
        rest = rest[match.end():]
    if not owners:
        return Line(ERROR, message=_("Skriv ett namn direkt efter @, till exempel @Eva."))
    due, rest, error = _due(rest, today)
    if error:
        return Line(ERROR, message=error)
    text = rest.strip(" :–-")
    if not text:
        return Line(ERROR, message=_("Skriv vad som ska göras efter namnet och datumet."))
    if len(text) > 300:
        return Line(ERROR, message=_("Uppgiften får vara högst 300 tecken."))
    return Line(TASK, text=text, owners=owners, due=due)
