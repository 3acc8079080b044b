"""The import of existing minutes: read a file, parse it into `Minutes`, save the meeting.

Groups arrive with years of minutes written in Word, Markdown or plain text, each group in
its own way. The package reads the family of formats rather than one layout:

- `files`: the bytes of a .docx, .md or .txt file as text.
- `grammar`: the patterns of Swedish minutes: dates, labels, headings, attendee lines and
  the sentences that carry decisions, deferrals, tasks and the next meeting.
- `parser`: the lines of one file, in order, into `Minutes` (nothing is saved).
- `minutes`: what a parsed file is: `Minutes`, `Attendee`, `Item`, `Task`.
- `originals`: the redacted copy of a file, kept only when the facilitator asks.
- `saving`: `Minutes` into a meeting, its attendances, people and agenda items, in one
  transaction. The tasks and publishing are not meetings' business: the pages and the
  command that import (in `overview`) add them.

People are kept by first name only: surnames from the attendee lists are dropped and the
full names are rewritten to first names wherever they occur in the text. The file itself is
not kept unless asked for, and then only without surnames and e-mail addresses.
"""


class ImportProblem(Exception):
    """A file that cannot be imported; the message says why, in Swedish."""


class AlreadyImported(ImportProblem):
    pass
