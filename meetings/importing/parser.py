"""The parser: the lines of one file, read in order, into `Minutes`.

A file is read twice over: first line by line, where each kind of line (the title, an
attendee label, a listed attendee, the place, the date, a role, a signature, a heading, a
decision label, running text) has its method, and then as a whole, where full names are
rewritten to first names and the items' paragraphs are read for decisions, deferrals,
tasks and the next meeting.
"""

import re
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext as _

from meetings.importing import ImportProblem, grammar
from meetings.importing.minutes import DEFAULT_TIME, Item, Minutes, Task, aware
from meetings.models import AgendaItem


def parse(text, date=None, member_names=()):
    """Read minutes into `Minutes`; nothing is saved.

    `date` is used when the text has no date; `member_names` are the group's first names,
    so that tasks for members who are not in the attendee list are recognised too.
    """
    return Parser(text, date=date, member_names=member_names).parse()


@dataclass(frozen=True)
class _Line:
    index: int
    raw: str  # as written, for the text of the minutes
    text: str  # without surrounding space
    plain: str  # without markdown, for recognising labels


@dataclass
class _Draft:
    """An agenda item while its lines are read."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)  # paragraphs after "Beslut:"


class Parser:
    """Reads one file's lines in order; `parse` returns the `Minutes`."""

    def __init__(self, text, date=None, member_names=()):
        self.lines = [
            line.rstrip()
            for line in text.replace("\r\n", "\n").replace("\r", "\n")
            .replace("\u00a0", " ").replace("\ufeff", "").split("\n")
        ]
        self.date = date
        self.member_names = member_names
        self.minutes = Minutes()
        # Whether the file marks its agenda items (#, bold lines, numbers): then only those
        # count as headings.
        content = [line.strip() for line in self.lines if line.strip()][1:]
        self.explicit = any(grammar.explicit_heading(line) for line in content)
        self.full_names = []  # (first name, surname), rewritten to the first name at the end
        self.opening = []  # the paragraphs before the first item
        self.drafts = []
        self.item = None  # the item being read
        self.paragraph = []
        self.paragraph_is_decision = False
        self.section = None  # under an attendee label: whether its people were present
        self.awaited_role = None  # "note_taker" or "adjuster": the next line names them
        self.first_line = True

    def parse(self):
        for index, raw in enumerate(self.lines):
            self._read(index, raw)
        self._end_paragraph()
        minutes = self.minutes
        if minutes.date is None and self.date is not None:
            minutes.date = self.date
        if minutes.date is None:
            raise ImportProblem(
                _("Inget datum hittades i texten. Ange datumet med --date eller i formuläret.")
            )
        if self.awaited_role:
            minutes.unclear.append(_("Namnet efter ”vid pennan” eller ”justerare” saknas."))
        if not self.drafts:
            minutes.unclear.append(_("Inga punkter hittades: all text blir inledningen."))
        self._finish()
        minutes.full_names = list(dict.fromkeys(self.full_names))
        return minutes

    # -----------------------------------------------------------------------------------
    # One line at a time: the first method that recognises the line takes it.

    def _read(self, index, raw):
        text = raw.strip()
        if not text or grammar.SEPARATOR.match(text):
            self._end_paragraph()
            return
        line = _Line(index, raw, text, grammar.plain(text))
        readers = (
            self._role_name,
            self._title,
            self._attendee_label,
            self._listed_attendee,
            self._place,
            self._date,
            self._role,
            self._signature,
            self._heading,
            self._decision_label,
        )
        if not any(read(line) for read in readers):
            self._text(line)

    def _role_name(self, line):
        """The line after a bare "Vid pennan" or "Justerare": the person's name."""
        if self.awaited_role is None:
            return False
        role, self.awaited_role = self.awaited_role, None
        if self._take_role(role, line.plain):
            return True
        self.minutes.unclear.append(_("Namnet efter ”vid pennan” eller ”justerare” saknas."))
        return False

    def _title(self, line):
        """The first line, with the date in it as often as not, unless it is a label."""
        if not self.first_line:
            return False
        self.first_line = False
        labels = (grammar.ATTENDEE_LABEL, grammar.DATE_LABEL, grammar.PLACE_LABEL)
        if any(label.match(line.plain) for label in labels):
            return False
        self.minutes.title = grammar.heading_text(line.plain)[:200]
        self._take_date(line.plain)
        return True

    def _attendee_label(self, line):
        """"Närvarande: Anne, Eva och Leif", or "Frånvarande:" above a list."""
        label = grammar.ATTENDEE_LABEL.match(line.plain)
        if not label or (label["rest"] is None and not self._next_is_person(line.index)):
            return False
        self._end_paragraph()
        present = label["label"].lower() not in grammar.ABSENT_LABELS
        self.section = present
        if label["rest"]:
            people = grammar.attendees_in_line(label["rest"], inline=True)
            if people is None:
                self.minutes.unclear.append(line.text)
            else:
                self._add_attendees(people, present)
            self.section = None
        return True

    def _listed_attendee(self, line):
        """A line of the list under an attendee label, until the text starts again."""
        if self.section is None:
            return False
        people = grammar.attendees_in_line(line.text)
        after_blank = line.index > 0 and not self.lines[line.index - 1].strip()
        if people and not (after_blank and self._next_is_text(line.index)):
            self._add_attendees(people, self.section)
            return True
        self.section = None
        return False

    def _place(self, line):
        if self.item is not None or not (found := grammar.PLACE_LABEL.match(line.plain)):
            return False
        self._end_paragraph()
        self.minutes.location = found["rest"][:200]
        return True

    def _date(self, line):
        if self.item is not None or not (found := grammar.DATE_LABEL.match(line.plain)):
            return False
        self._end_paragraph()
        self._take_date(found["rest"])
        return True

    def _role(self, line):
        """"Vid pennan: Eva", "Justerare: Leif", or the label alone with the name below."""
        found = next(
            (
                (role, match)
                for role, label in grammar.ROLE_LABELS
                if (match := label.match(line.plain))
            ),
            None,
        )
        if found is None:
            return False
        role, match = found
        if not match["rest"]:
            self._end_paragraph()
            self.awaited_role = role
            return True
        # "Sekreterare på enheten berättar ..." names nobody: it stays text.
        if self._take_role(role, match["rest"]):
            self._end_paragraph()
            return True
        return False

    def _signature(self, line):
        """A signature closes the minutes: "/Anne", "*Anne/Leif*" (note taker/adjuster)."""
        signature = grammar.SIGNATURE.match(line.plain) or grammar.SIGNATURE_PAIR.match(line.plain)
        if not signature or not self._is_last(line.index):
            return False
        self._end_paragraph()
        self._take_role("note_taker", signature["first"])
        if signature.groupdict().get("second"):
            self._take_role("adjuster", signature["second"])
        return True

    def _heading(self, line):
        """An agenda item's heading; the words that frame the minutes start no item."""
        heading = self._heading_text(line)
        if heading is None:
            return False
        self._end_paragraph()
        if heading.lower() not in grammar.FRAME_WORDS:
            self.item = _Draft(heading[:300])
            self.drafts.append(self.item)
        return True

    def _decision_label(self, line):
        """"Beslut: att ..." at the start of a paragraph: the paragraph is the decision."""
        if self.item is None or self.paragraph:
            return False
        if not (found := grammar.DECISION_LABEL.match(line.plain)):
            return False
        self.paragraph_is_decision = True
        if found["rest"]:
            self.paragraph.append(found["rest"])
        return True

    def _text(self, line):
        """Running text: the opening before the first item, the item's notes after it."""
        if self.item is None and self.minutes.date is None:
            self._take_date(line.plain)
        self.paragraph.append(line.raw)

    # -----------------------------------------------------------------------------------
    # What the readers share

    def _end_paragraph(self):
        if self.paragraph:
            block = "\n".join(self.paragraph).strip()
            if self.item is None:
                self.opening.append(block)
            elif self.paragraph_is_decision:
                self.item.decisions.append(block)
            else:
                self.item.paragraphs.append(block)
        self.paragraph, self.paragraph_is_decision = [], False

    def _take_date(self, text):
        if self.minutes.date is not None:
            return
        found = grammar.find_date(text)
        if found:
            self.minutes.date, self.minutes.start, self.minutes.end = found

    def _take_role(self, role, value):
        """Set the note taker or adjuster if `value` names a person; False otherwise."""
        person = grammar.attendee(grammar.INITIALS.sub("", value.lstrip("/ ").strip()))
        if person is None:
            return False
        setattr(self.minutes, role, person.name)
        if person.surname:
            self.full_names.append((person.name, person.surname))
        return True

    def _add_attendees(self, people, present):
        for person in people:
            person = replace(person, present=person.present and present)
            if person.surname:
                self.full_names.append((person.name, person.surname))
            self.minutes.attendees.append(person)

    def _heading_text(self, line):
        if self.explicit:
            return grammar.explicit_heading(line.text)
        # Without markup an item heading is a short line standing alone between blank lines.
        index = line.index
        before = index == 0 or not self.lines[index - 1].strip()
        after = index + 1 == len(self.lines) or not self.lines[index + 1].strip()
        if before and after and grammar.looks_like_heading(line.plain):
            return grammar.heading_text(line.plain)
        return None

    def _next_nonblank(self, index):
        for line in self.lines[index + 1:]:
            line = line.strip()
            if line and not grammar.SEPARATOR.match(line):
                return line
        return None

    def _is_last(self, index):
        return not any(line.strip() for line in self.lines[index + 1:])

    def _next_is_person(self, index):
        following = self._next_nonblank(index)
        return following is not None and grammar.attendees_in_line(following) is not None

    def _next_is_text(self, index):
        """Whether the next line reads as running text: then a short line before it is a
        heading, not a listed attendee."""
        following = self._next_nonblank(index)
        if following is None:
            return False
        plain = grammar.plain(following)
        return not (grammar.attendees_in_line(following) or grammar.ATTENDEE_LABEL.match(plain))

    # -----------------------------------------------------------------------------------
    # The whole file

    def _finish(self):
        """Rewrite full names, then read decisions, outcomes, tasks and the next meeting."""
        minutes = self.minutes
        minutes.title = self._rewrite(minutes.title)
        minutes.location = self._rewrite(minutes.location)
        minutes.opening = self._rewrite("\n\n".join(self.opening))
        known = {attendee.name for attendee in minutes.attendees} | set(self.member_names)
        known |= {minutes.note_taker, minutes.adjuster} - {""}
        for number, draft in enumerate(self.drafts):
            item = self._item(draft)
            minutes.items.append(item)
            for sentence in grammar.SENTENCE_END.split(item.notes + "\n\n" + item.decision):
                found = grammar.task(grammar.plain(sentence), known, item.heading)
                if not found:
                    continue
                title, owners = found
                task = Task(title=title, owners=owners, item=number, heading=item.heading)
                # A decision inside a paragraph is read twice (notes and decision): one task.
                if task not in minutes.tasks:
                    minutes.tasks.append(task)
        minutes.next_meeting = self._next_meeting()

    def _rewrite(self, text):
        return grammar.rewrite_names(text, self.full_names)

    def _item(self, draft):
        heading = self._rewrite(draft.heading)
        notes, decisions = [], [self._rewrite(d) for d in draft.decisions]
        for block in draft.paragraphs:
            block = self._rewrite(block)
            sentences = grammar.SENTENCE_END.split(block)
            decided = [s.strip() for s in sentences if grammar.DECISION.match(grammar.plain(s))]
            decisions += decided
            # A decision inside a longer paragraph stays there too: its neighbours may
            # refer to it ("Ett sätt är att ...").
            if len(decided) < len(sentences):
                notes.append(block)
        notes, decision = "\n\n".join(notes), "\n\n".join(decisions)
        if grammar.DEFERRED.search("\n".join([heading, notes, decision])):
            outcome = AgendaItem.Outcome.DEFERRED
        elif decision:
            outcome = AgendaItem.Outcome.DECIDED
        else:
            outcome = AgendaItem.Outcome.DISCUSSED
        return Item(heading=heading, notes=notes, decision=decision, outcome=outcome)

    def _next_meeting(self):
        """The next meeting's start, from "Vi ses igen den 7 nov kl 10.30" and the like."""
        minutes = self.minutes
        texts = [minutes.opening]
        for item in minutes.items:
            texts += [item.notes, item.decision]
            if re.search(r"\bnästa (?:\w+)?möte\b", item.heading, re.I):
                texts.append("nästa möte " + item.notes[:80])
        for text in texts:
            text = re.sub(r"[*_]+", "", text)
            for trigger in grammar.NEXT_MEETING.finditer(text):
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
                    found = grammar.find_date(window, need_year=False)
                except ImportProblem as problem:
                    minutes.unclear.append(str(problem))
                    continue
                if not found:
                    continue
                when, start, _end = found
                if isinstance(when, tuple):
                    when = grammar.following(minutes.date, *when)
                if when > minutes.date:
                    return aware(when, start or minutes.start or DEFAULT_TIME)
        return None
