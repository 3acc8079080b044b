"""What the privacy check finds in a text, and how it masks it: plain functions, no models.

Detection runs on what a reader sees (_normalised: entities, escapes, dashes and spaces
folded, invisible marks dropped) and maps its findings back to the source. A Context holds
what one meeting or visit adds to that: its people's first names and the matches a
facilitator confirmed. `publishing.privacy` applies it to meetings and visits.
"""

import html
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

from django.utils.html import escape, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from groupwork.internal import without_internal
from groupwork.markdown import render_markdown
from groupwork.names import FIRST_NAME, LOWER, NAME_WORD, UPPER

KINDS = {
    "name": _("Namn som ser ut som förnamn och efternamn"),
    "email": _("E-postadress"),
    "phone": _("Telefonnummer"),
    "personnummer": _("Person- eller samordningsnummer"),
    "address": _("Gatuadress"),
    "attachment": _("Bilaga som visas öppet (innehållet granskas inte automatiskt)"),
    "internal": _("Intern-markering utan sin motsvarighet ([intern] … [/intern])"),
}
# Found only to be fixed in the text: a confirmation cannot make them fine.
NEVER_CONFIRMED = {"internal"}
# Masked on every public output even when a facilitator confirmed them.
ALWAYS_MASKED = {"email", "phone", "personnummer"}
_PLACEHOLDERS = {
    "email": _("[e-post borttagen]"),
    "phone": _("[telefonnummer borttaget]"),
    "personnummer": _("[personnummer borttaget]"),
    "address": _("[adress borttagen]"),
    "name": _("[namn borttaget]"),
}


# --- Detection -------------------------------------------------------------------------

_LETTER = r"[^\W\d_]"
_SP = r"[ \u00a0]+"  # a name and its surname stand on one line

# "anne@exempel.se", and as people dodge spam harvesters: "anne (at) exempel [punkt] se",
# "anne snabel-a exempel.se", spaces around the @.
_AT = r"(?:\s?@\s?|\s?[(\[{]\s?(?:at|snabel-?a)\s?[)\]}]\s?|\s(?:snabel-?a)\s)"
_DOT = r"(?:\.|\s?[(\[{]\s?(?:dot|punkt)\s?[)\]}]\s?)"
# The lookbehind starts a match only at the start of the address: linear on long lines.
_EMAIL = re.compile(rf"(?<![\w.+-])[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)+", re.IGNORECASE)
# A run of digit groups that starts like a phone number; _phone_span() checks the length.
# Groups separated by a space, a dash, a dot or a slash; the area code may stand in brackets
# ("(08) 123 45 67"). Detection runs on _normalised() text: every dash is "-", every space " ".
_PHONE = re.compile(
    r"(?<![\w+/.])(?<!\d[-.,])(?:\+\d{1,3}|00\d{1,3}|\(0\d{1,3}\)|0)(?: ?\(0\))?"
    r"(?:(?:[ \t]+(?:[./-][ \t]*)?|[./-][ \t]*)?\d{1,4}){1,6}(?!\d)"
)
# "06.03.2020", "06/03/2020": a date, although it starts like a phone number.
_DOTTED_DATE = re.compile(r"\d{2}[./]\d{2}[./](?:19|20)\d{2}")
# YYMMDD or YYYYMMDD, a separator or none, four digits. Day + 60 is a samordningsnummer.
# The check digit is not verified: a mistyped number is as personal as a correct one.
_PERSONNUMMER = re.compile(
    r"(?<![\w+-])(?:19|20)?\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])"
    r"(?P<sep>[ \t]*[-+][ \t]*|[ \t]+)?\d{4}(?!\d)"
)
_STREET = (
    r"gatan|gata|vägen|väg|gränd|gränden|stigen|allén|allé|backe|backen|torget|torg|platsen|"
    r"gången|kajen|esplanaden|promenaden|stråket|slingan|ringen|kroken|terrassen|liden"
)
_ADDRESS = re.compile(
    rf"(?<![\w-])(?:[{UPPER}][a-zåäöé]+ )?[A-Za-zÅÄÖåäöé][a-zåäöé-]+?(?:{_STREET})"
    r"[ \u00a0]\d{1,4}(?:[ \u00a0]?[A-Za-z](?![\w]))?(?:[-–]\d{1,4})?"
    r"(?:,?[ \u00a0](?:lgh|lägenhet)[ \u00a0]?\d+)?(?![\w])"
    rf"|(?<![\w-])\d{{3}}[ \u00a0]?\d{{2}}[ \u00a0][{UPPER}][a-zåäö]+"
)
# A capitalised word with a typical Swedish surname ending, after another capitalised word
# ("Maria Svensson"), or any word ending in -sson on its own ("Andersson ringde").
_SURNAME_ENDINGS = "sson|ström|qvist|kvist|quist|gren|berg|lund|holm|dahl|blad|stedt|lind"
# The endings are surnames on their own too ("Eva Lind"), although also words and places.
_SURNAME_WORDS = "Lind|Berg|Lund|Holm|Dahl|Ström|Blom|Kvist|Qvist|Gren|Sten|Ek|Björk|Fors"
_UNKNOWN_NAME = re.compile(
    rf"(?<![\w-])(?P<first>{FIRST_NAME}){_SP}"
    rf"(?P<last>(?:[{UPPER}][{LOWER}]*(?:{_SURNAME_ENDINGS})|{_SURNAME_WORDS})s?)(?![\w-])"
    rf"|(?<![\w-])(?P<alone>[{UPPER}][{LOWER}]+sson)s?(?![\w-])"
)
_PARTICLE = rf"(?:(?:af|av|von|van|de|du|la|le|da|di|der|den){_SP})?"
# Two capitalised words in a row are a person's name far more often than not in Swedish,
# where an organisation's name capitalises only its first word ("Öppna soc"): flagged
# inside a sentence ("med Jessica Alfredson om"), and as a line of its own or the start
# of a list line ("Per Norbeck, Bryggan", "Filippa Kurve<tab>Ängelholm").
_NAME_PAIR = re.compile(
    rf"(?:(?<=[{LOWER},;:)] )|^[ \t]*(?:[-*•–][ \t]*)?(?={NAME_WORD}(?: {NAME_WORD})+"
    rf"[ \t]*(?:$|[,\t(]|  )))(?P<first>{NAME_WORD})"
    # The rest is a lookahead, so that the next word is tried as a first name too.
    rf"(?= (?P<last>{NAME_WORD}(?: {NAME_WORD})*)(?![\w-]))"
)


@lru_cache(maxsize=256)
def _known_name_pattern(names):
    """A known first name followed, on the same line, by a capitalised word.

    In Swedish only names and a sentence's first word are capitalised, so a capitalised
    word right after a first name is a surname far more often than not, also when it is a
    common word ("Eva Lind", "Anna Berg"). "Cecilia och Barbro" and "Eva berättade" pass.
    """
    alternatives = "|".join(
        re.escape(n) for n in sorted({*names, *(n.upper() for n in names)}, key=len, reverse=True)
    )
    word = rf"[{UPPER}]{_LETTER}*(?:[-'’]{_LETTER}+)*"
    # Every capitalised word that follows belongs to the name ("Annette Lindberg Mohlin");
    # a lookahead, so that a skipped list ("Anne Barbro Eskilsson") is tried from "Barbro".
    return re.compile(
        rf"(?<![\w-])(?P<first>{alternatives})(?={_SP}(?P<last>{_PARTICLE}{word}(?:{_SP}{word})*))"
    )


@dataclass(frozen=True)
class _Hit:
    kind: str
    start: int
    end: int
    match: str
    replacement: str


def _phone_span(m):
    """The longest prefix of the digit groups that is a plausible phone number."""
    text = m.group(0)
    if _DOTTED_DATE.fullmatch(text):
        return None
    while text:
        digits = re.sub(r"\D", "", text)
        international = text.startswith(("+", "00"))
        if international:
            national = re.sub(r"^(?:\+|00)(?:46)?", "", re.sub(r"[^\d+]", "", text))
            national = national.removeprefix("0")
            ok = 7 <= len(national) <= 12 and 8 <= len(digits) <= 15
        else:
            ok = 8 <= len(digits) <= 10 and digits[1] != "0"
        # Dots only between all the groups ("070.123.45.67"): "08.30-10.00" is a time.
        if "." in text and re.search(r"\d[ \t-]+\d", text):
            ok = False
        if ok:
            return m.start(), m.start() + len(text)
        cut = max(text.rfind(c) for c in " \t-./")
        text = text[:cut].rstrip(" \t-./") if cut > 0 else ""
    return None


# What a reader cannot tell from a dash, from a space, or sees not at all.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d"
_SPACES = (
    "\r\x0b\x0c\x85\u2028\u2029\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
)
# Markdown's emphasis marks are not shown either ("070*12345*67" shows as 0701234567).
_INVISIBLE = "*`~\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff"
# One character as written, or what a browser or Markdown turns into one: an HTML entity
# ("&#64;", "&commat;", "&#x40"), a Markdown escape ("\\."), a URL's escape ("%40").
_WRITTEN = re.compile(
    r"&(?:#\d{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};)"
    r"|\\[\\`*_{}\[\]()#+\-.!>~|@:<&]|%[2-7][0-9A-Fa-f]|.",
    re.DOTALL,
)


@lru_cache(maxsize=4096)
def _fold(char):
    if char in _DASHES:
        return "-"
    if char in _SPACES:
        return " "
    if char in _INVISIBLE or unicodedata.category(char) == "Mn":  # and combining marks
        return ""
    return unicodedata.normalize("NFKC", char)


def _normalised(text):
    """The text as a reader sees it, for detection: entities and escapes decoded, NFKC,
    every dash "-" and every space " " (tabs stay: they separate columns), invisible
    characters gone. Returns it with, for each of its characters, the span of the source
    that shows it."""
    seen, spans = [], []
    for m in _WRITTEN.finditer(text):
        written = m.group(0)
        if len(written) > 1:
            if written[0] == "&":
                written = html.unescape(written)
            else:
                written = chr(int(written[1:], 16)) if written[0] == "%" else written[1:]
        for char in written:
            for folded in _fold(char):
                seen.append(folded)
                spans.append((m.start(), m.end()))
    return "".join(seen), spans


def _hits(line, names):
    """Every finding in one line as a reader sees it, each with its place in the source."""
    seen, spans = _normalised(line)
    return [
        replace(hit, start=spans[hit.start][0], end=spans[hit.end - 1][1])
        for hit in _scan(seen, names)
        if hit.end > hit.start
    ]


def _scan(text, names):
    """Every finding in one line or field of text, overlaps resolved, left to right."""
    hits = []
    for m in _EMAIL.finditer(text):
        hits.append(_Hit("email", m.start(), m.end(), m.group(0), _PLACEHOLDERS["email"]))
    for m in _PERSONNUMMER.finditer(text):
        hits.append(
            _Hit("personnummer", m.start(), m.end(), m.group(0), _PLACEHOLDERS["personnummer"])
        )
    for m in _PHONE.finditer(text):
        span = _phone_span(m)
        if span:
            value = text[span[0]:span[1]]
            hits.append(_Hit("phone", *span, value, _PLACEHOLDERS["phone"]))
    for m in _ADDRESS.finditer(text):
        hits.append(_Hit("address", m.start(), m.end(), m.group(0), _PLACEHOLDERS["address"]))
    names_found = []
    if names:
        for m in _known_name_pattern(names).finditer(text):
            names_found += _name_hit(m, text, names)
    for m in _NAME_PAIR.finditer(text):
        names_found += _name_hit(m, text, names)
    for m in _UNKNOWN_NAME.finditer(text):
        if m.group("alone"):
            hits.append(_Hit("name", m.start(), m.end(), m.group(0), _PLACEHOLDERS["name"]))
        else:
            names_found.append(_Hit("name", m.start(), m.end(), m.group(0), m.group("first")))
    # Before overlaps are resolved: a place dropped here leaves room for a name inside it.
    hits += [hit for hit in names_found if not place_not_person(hit.match, names)]
    return _without_overlaps(hits)


def _name_hit(m, text, names):
    """A first name and what follows it, unless that is another first name (a list of
    first names without commas: "Anne Barbro och Eva")."""
    following = m.group("last").split()[0].rstrip("'’")
    if following in names or following.removesuffix("s") in names:
        return []
    start, end = m.start("first"), m.end("last")
    return [_Hit("name", start, end, text[start:end], m.group("first"))]


# --- Places and organisations: what Swedish minutes are full of ---------------------------

_DATA = Path(__file__).parent / "data"


def _entries(filename):
    """The entries of a data file: one a line, "#" starts a comment line."""
    lines = (_DATA / filename).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@dataclass(frozen=True)
class _Vocabulary:
    places: frozenset  # words of municipalities, regions, counties, abbreviations
    also_first_names: frozenset  # places that are first names too ("Nora")
    words: frozenset  # place and organisation words wherever they stand ("Staden")
    before: frozenset  # name a place with the word after them ("Hotell", "Villa")
    after: frozenset  # name a place with the word before them ("Stad", "Gård")
    endings: tuple  # organisation endings ("-förvaltningen")
    not_names: frozenset  # capitalised words that are not names ("Beslut", "Nästa")
    first_names: frozenset  # common first names in Sweden
    organisations: frozenset  # whole names that pass as they are ("Familjen Helsingborg")


@lru_cache(maxsize=1)
def _vocabulary():
    places = {
        word
        for name in _entries("municipalities.txt") + _entries("regions.txt")
        for word in name.split()
    } | set(_entries("place_abbreviations.txt"))
    words, before, after, endings = set(), set(), set(), []
    for entry in _entries("place_words.txt"):
        if entry.startswith("-"):
            endings.append(entry[1:].lower())
        elif entry.startswith("… "):
            after.add(entry[2:])
        elif entry.endswith(" …"):
            before.add(entry[:-2])
        else:
            words.update(entry.split())
    return _Vocabulary(
        places=frozenset(places) - {"län"},
        also_first_names=frozenset(_entries("places_also_first_names.txt")),
        words=frozenset(words),
        before=frozenset(before),
        after=frozenset(after),
        endings=tuple(endings),
        not_names=frozenset(_entries("not_names.txt")),
        first_names=frozenset(_entries("first_names.txt")),
        organisations=frozenset(_entries("organisations.txt")),
    )


_SURNAME_SHAPE = re.compile(rf"(?:.*(?:{_SURNAME_ENDINGS}|sson)|{_SURNAME_WORDS})s?")


def _is_place(word, vocabulary):
    """A municipality, a region or a county, or its abbreviation, also in the genitive."""
    return word in vocabulary.places or (word[-1:] == "s" and word[:-1] in vocabulary.places)


def _is_place_word(word, vocabulary):
    return (
        _is_place(word, vocabulary)
        or word in vocabulary.words
        or word in vocabulary.before
        or word in vocabulary.after
        or word.lower().endswith(vocabulary.endings)
    )


def _is_first_name(word, names, vocabulary):
    """One of the meeting's people's first names, or a common first name in Sweden."""
    return (
        word in names
        or word.removesuffix("s") in names
        or word in vocabulary.first_names
        or word in vocabulary.also_first_names
    )


def place_not_person(match, names=frozenset()):
    """True if a match that looks like "first name + surname" is a place or an organisation
    ("Upplands Väsby", "Malmö Stad", "Hotell Kramer", "Villa Fridhem", "Clarion Hotel
    Scandinavia"). When in doubt it is a person: a first name anywhere in it ("Lars Gård",
    "Juni Nordin", "Nora Lund"), or a word left alone after a heading's or a role's word
    ("Justerare Nordin") unless that word names an organisation or a kind of place.
    """
    vocabulary = _vocabulary()
    if match in vocabulary.organisations:
        return True
    words = match.split()
    if any(_is_first_name(w, names, vocabulary) for w in words):
        return False
    # A heading's or a sentence's first word is not part of a name ("Beslut Anna Svensson").
    while words and words[0] in vocabulary.not_names:
        words.pop(0)
    while words and words[-1] in vocabulary.not_names:
        words.pop()
    if not words:
        return True
    if len(words) == 1:
        # A municipality can be a surname too ("Salem", "Mora"): only an organisation's or a
        # place's own word passes ("Skrivelse Medelpunkten").
        word = words[0]
        return not _is_place(word, vocabulary) and _is_place_word(word, vocabulary)
    if all(_is_place_word(w, vocabulary) for w in words):
        return True
    return len(words) == 2 and (words[0] in vocabulary.before or words[1] in vocabulary.after)


# A family is people: "Familjen Salem" is never a place for the whole group.
_FAMILY = {"Familjen", "Familj", "Fam"}


def could_be_place(match, names=frozenset()):
    """Whether a name finding may be confirmed as a place or an organisation for the whole
    group ("Vorta Drom"). A person's name is asked about again in every meeting, so when in
    doubt, no: not one word ("Andersson"), nor a first name ("Sofia Nyman"), a word shaped
    like a surname, a municipality that is also a surname ("Salem") or a family."""
    vocabulary = _vocabulary()
    words = match.split()
    return len(words) > 1 and not any(
        _is_first_name(w, names, vocabulary)
        or _SURNAME_SHAPE.fullmatch(w)
        or _is_place(w, vocabulary)
        or w in _FAMILY
        for w in words
    )


def _without_overlaps(hits):
    def rank(hit):
        # The same digits can be both: "070123-4567" written with the personnummer's dash
        # is a personnummer, "0701234567" without it is read as a phone number.
        if hit.kind == "personnummer" and re.search(r"\d[-+]\d{4}$", hit.match):
            priority = 0
        else:
            priority = {"email": 0, "phone": 1, "personnummer": 2}.get(hit.kind, 3)
        return (hit.start, priority, -(hit.end - hit.start))

    kept, end = [], -1
    for hit in sorted(hits, key=rank):
        if hit.start >= end:
            kept.append(hit)
            end = hit.end
    return kept


def _full_name_in_name_field(name):
    """'Anna Svensson' in a field meant for a first name (an attendee, a guest)."""
    words = name.split()
    return len(words) > 1 and any(w[:1].isupper() for w in words[1:])


def first_name(name):
    """The first word of a name: what the public site shows of any person."""
    words = (name or "").split()
    return words[0] if words else ""


# --- What a meeting or a visit publishes ---------------------------------------------

# Where rendered HTML breaks a line; other tags join their text ("070<em>1234</em>567").
_BLOCK_TAG = re.compile(
    r"</?(?:p|br|li|ul|ol|h\d|tr|td|th|table|thead|tbody|pre|blockquote|hr)\b[^>]*>"
)
_TAG = re.compile(r"<[^>]*>")


_HREF = re.compile(r'href="([^"]*)"')


def _visible_lines(rendered):
    """The lines a browser shows of rendered HTML."""
    text = _TAG.sub("", _BLOCK_TAG.sub("\n", str(rendered)))
    return html.unescape(text).split("\n")


def _always_masked_shown(rendered, names):
    """E-mail addresses, phone numbers and personnummer that rendered HTML shows, in its
    text or in its links ("mailto:anne%40exempel.se")."""
    links = [unquote(html.unescape(href)) for href in _HREF.findall(str(rendered))]
    return [
        hit
        for line in _visible_lines(rendered) + links
        for hit in _hits(line, names)
        if hit.kind in ALWAYS_MASKED
    ]


@dataclass
class Context:
    """What the pipeline needs to know about one meeting or visit."""

    names: frozenset
    confirmed: set = field(default_factory=set)  # {(kind, match)}
    # Name matches the group's facilitators confirmed as a place or an organisation.
    places: frozenset = frozenset()

    def is_confirmed(self, kind, match):
        if kind in NEVER_CONFIRMED:
            return False
        if (kind, match) in self.confirmed:
            return True
        # Never for what could be a person's name: "Hotell Anna" confirmed as a place in May
        # is asked about again when Anna attends in June.
        return kind == "name" and match in self.places and could_be_place(match, self.names)

    def public_text(self, text):
        """Plain text for the public: internal passages cut, findings masked."""
        text, _balanced = without_internal(text)
        out = []
        for line in text.split("\n"):
            # Again after masking: a match can hide another that overlaps it ("070-123 45
            # 67.anne@exempel.se"), which shows once the first is masked.
            for _round in range(3):
                hits = [hit for hit in _hits(line, self.names) if self.masks(hit)]
                for hit in reversed(hits):
                    line = line[: hit.start] + str(hit.replacement) + line[hit.end :]
                if not hits:
                    break
            out.append(line)
        return "\n".join(out).strip()

    def masks(self, hit):
        return hit.kind in ALWAYS_MASKED or not self.is_confirmed(hit.kind, hit.match)

    def public_html(self, text):
        """Markdown rendered safely after public_text(), and checked again as it will show.

        If the rendering shows an e-mail address, a phone number or a personnummer that the
        source did not (a number split by emphasis), the masked plain text is published
        instead of the rendering.
        """
        rendered = render_markdown(self.public_text(text))
        if _always_masked_shown(rendered, self.names):
            plain = self.public_text("\n".join(_visible_lines(rendered)))
            return mark_safe(linebreaks(escape(plain)))
        return rendered


@dataclass(frozen=True)
class Finding:
    kind: str
    match: str
    field: str
    line: int = 0
    item: object = None
    edit_url: str = ""
    resolved: bool = False
    # A name finding that may be confirmed as a place for the whole group (could_be_place).
    may_be_place: bool = False

    @property
    def kind_label(self):
        return KINDS[self.kind]

    @property
    def can_be_confirmed(self):
        return self.kind not in NEVER_CONFIRMED

    @property
    def place(self):
        parts = []
        if self.item is not None:
            parts.append(
                gettext("Punkt %(position)s ”%(heading)s”")
                % {"position": self.item.position, "heading": self.item.heading}
            )
        parts.append(str(self.field))
        if self.line:
            parts.append(gettext("rad %(line)s") % {"line": self.line})
        return ", ".join(parts)


def _check(context, fields):
    """fields: (label, text, item, edit_url, is_name_field)."""
    findings, seen = [], set()
    for label, text, item, url, is_name_field in fields:
        if not text:
            continue
        found = []
        if is_name_field and _full_name_in_name_field(text):
            found.append(("name", text.strip(), 0))
        text, balanced = without_internal(text, keep_lines=True)
        if not balanced:
            found.append(("internal", str(_("[intern] eller [/intern] saknas")), 0))
        for number, line in enumerate(text.split("\n"), start=1):
            found += [
                (hit.kind, hit.match, number)
                for hit in _hits(line, context.names)
                if not (is_name_field and hit.kind == "name")  # the whole field is checked above
            ]
        # What the rendering shows that the source hid (a number split by emphasis); such a
        # finding has no line. Names are left to the source: Markdown's tabs and list marks
        # would only add false alarms.
        shown = {(kind, match) for kind, match, _line in found}
        found += [
            (hit.kind, hit.match, 0)
            for hit in _always_masked_shown(render_markdown(text), context.names)
            if (hit.kind, hit.match) not in shown
        ]
        for kind, match, line in found:
            key = (kind, match, label, line, item.pk if item is not None else None)
            if key in seen:
                continue
            seen.add(key)
            resolved = context.is_confirmed(kind, match)
            may_be_place = kind == "name" and could_be_place(match, context.names)
            findings.append(Finding(kind, match, label, line, item, url, resolved, may_be_place))
    return findings



def checked_place(location, names=frozenset()):
    """A meeting's place where no facilitator reviews findings (the public calendar): shown
    whole if the check finds nothing in it, else not at all."""
    text, balanced = without_internal(location)
    if not balanced or text != location or _hits(location, names):
        return ""
    return location


def strict_text(text):
    """Text shown where no check has run (list titles): every finding is masked."""
    return Context(frozenset()).public_text(text)


def strict_html(text):
    """Markdown that no check has covered (a group's description), strictly masked."""
    return render_markdown(strict_text(text))
