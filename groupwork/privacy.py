"""The privacy pipeline: the one way anything reaches the public site.

Every public output (page, Atom feed, PDF, Markdown, the Öppna soc block) is built from
`public_minutes()` or `public_report()` and sent through `public_response()`. Text goes
through `public_text()` / `public_html()`: passages marked internal are cut, matches the
check found and nobody confirmed are masked, and e-mail addresses, phone numbers and
personal identity numbers are masked always, confirmed or not (defence in depth). People
are shown by first name only.

`check_meeting()` / `check_visit()` list the findings that must be resolved before
publishing (Meeting.publish and StudyVisit.publish_report refuse otherwise). A finding is
resolved by editing the text or by a PrivacyConfirmation of its scope, kind and match.
"""

import hashlib
import html
import json
import re
import secrets
import time
import unicodedata
from urllib.parse import unquote
from dataclasses import asdict, dataclass, field, fields, replace
from functools import lru_cache

from django.core.cache import cache, caches
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.formats import date_format
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import escape, linebreaks
from django.utils.http import http_date, parse_etags
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from groupwork.markdown import render_markdown
from groupwork.models import PrivacyConfirmation

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


class NotPublishable(Exception):
    """Publishing was refused: not approved, nothing to publish, or unresolved findings."""


# --- Detection -------------------------------------------------------------------------

_UPPER = "A-ZÅÄÖÆØÜÉÈ"
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
    rf"(?<![\w-])(?:[{_UPPER}][a-zåäöé]+ )?[A-Za-zÅÄÖåäöé][a-zåäöé-]+?(?:{_STREET})"
    r"[ \u00a0]\d{1,4}(?:[ \u00a0]?[A-Za-z](?![\w]))?(?:[-–]\d{1,4})?"
    r"(?:,?[ \u00a0](?:lgh|lägenhet)[ \u00a0]?\d+)?(?![\w])"
    rf"|(?<![\w-])\d{{3}}[ \u00a0]?\d{{2}}[ \u00a0][{_UPPER}][a-zåäö]+"
)
# A capitalised word with a typical Swedish surname ending, after another capitalised word
# ("Maria Svensson"), or any word ending in -sson on its own ("Andersson ringde").
_SURNAME_ENDINGS = "sson|ström|qvist|kvist|quist|gren|berg|lund|holm|dahl|blad|stedt|lind"
# The endings are surnames on their own too ("Eva Lind"), although also words and places.
_SURNAME_WORDS = "Lind|Berg|Lund|Holm|Dahl|Ström|Blom|Kvist|Qvist|Gren|Sten|Ek|Björk|Fors"
_UNKNOWN_NAME = re.compile(
    rf"(?<![\w-])(?P<first>[{_UPPER}][a-zåäöéü]+(?:-[{_UPPER}][a-zåäöéü]+)?){_SP}"
    rf"(?P<last>(?:[{_UPPER}][a-zåäöéü]*(?:{_SURNAME_ENDINGS})|{_SURNAME_WORDS})s?)(?![\w-])"
    rf"|(?<![\w-])(?P<alone>[{_UPPER}][a-zåäö]+sson)s?(?![\w-])"
)
_PARTICLE = rf"(?:(?:af|av|von|van|de|du|la|le|da|di|der|den){_SP})?"
# Two capitalised words in a row are a person's name far more often than not in Swedish,
# where an organisation's name capitalises only its first word ("Öppna soc"): flagged
# inside a sentence ("med Jessica Alfredson om"), and as a line of its own or the start
# of a list line ("Per Norbeck, Bryggan", "Filippa Kurve<tab>Ängelholm").
_CAPITALISED = rf"[{_UPPER}][a-zåäöéü]+(?:-[{_UPPER}]?[a-zåäöéü]+)*"
_NAME_PAIR = re.compile(
    rf"(?:(?<=[a-zåäöé,;:)] )|^[ \t]*(?:[-*•–][ \t]*)?(?={_CAPITALISED}(?: {_CAPITALISED})+"
    rf"[ \t]*(?:$|[,\t(]|  )))(?P<first>{_CAPITALISED})"
    # The rest is a lookahead, so that the next word is tried as a first name too.
    rf"(?= (?P<last>{_CAPITALISED}(?: {_CAPITALISED})*)(?![\w-]))"
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
    word = rf"[{_UPPER}]{_LETTER}*(?:[-'’]{_LETTER}+)*"
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
    if names:
        for m in _known_name_pattern(names).finditer(text):
            hits += _name_hit(m, text, names)
    for m in _NAME_PAIR.finditer(text):
        hits += _name_hit(m, text, names)
    for m in _UNKNOWN_NAME.finditer(text):
        if m.group("alone"):
            hits.append(_Hit("name", m.start(), m.end(), m.group(0), _PLACEHOLDERS["name"]))
        else:
            hits.append(_Hit("name", m.start(), m.end(), m.group(0), m.group("first")))
    return _without_overlaps(hits)


def _name_hit(m, text, names):
    """A first name and what follows it, unless that is another first name (a list of
    first names without commas: "Anne Barbro och Eva")."""
    following = m.group("last").split()[0].rstrip("'’")
    if following in names or following.removesuffix("s") in names:
        return []
    start, end = m.start("first"), m.end("last")
    return [_Hit("name", start, end, text[start:end], m.group("first"))]


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

# [intern] … [/intern], also as people type it: "[ Intern ]", "\\[intern\\]", "［intern］".
_MARKER = re.compile(r"\\?[\[［]\s*(?:(/)\s*)?intern\s*\\?[\]］]", re.IGNORECASE)


def _without_internal(text, keep_lines=False):
    """The text without its internal passages, nested ones included: (text, balanced).

    A passage left open hides the rest of the text; a closing marker with nothing open hides
    everything before it (its opening marker was mistyped). Either makes the text unbalanced,
    a finding to fix. keep_lines keeps a hidden passage's line breaks, so that line numbers
    still match the editor.
    """
    out, depth, pos, balanced = [], 0, 0, True

    def hide(part):
        return "\n" * part.count("\n") if keep_lines else ""

    for m in _MARKER.finditer(text or ""):
        part = text[pos : m.start()]
        out.append(part if depth == 0 else hide(part))
        if not m.group(1):
            depth += 1
        elif depth:
            depth -= 1
        else:
            balanced = False
            out = [hide("".join(out))]
        pos = m.end()
    rest = (text or "")[pos:]
    out.append(rest if depth == 0 else hide(rest))
    return "".join(out), balanced and depth == 0


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

    scope: str
    names: frozenset
    confirmed: set = field(default_factory=set)  # {(kind, match)}

    def public_text(self, text):
        """Plain text for the public: internal passages cut, findings masked."""
        text, _balanced = _without_internal(text)
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
        return hit.kind in ALWAYS_MASKED or (hit.kind, hit.match) not in self.confirmed

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
        text, balanced = _without_internal(text, keep_lines=True)
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
            resolved = kind not in NEVER_CONFIRMED and (kind, match) in context.confirmed
            findings.append(Finding(kind, match, label, line, item, url, resolved))
    return findings


def unresolved(findings):
    return [f for f in findings if not f.resolved]


def _confirmed(scopes):
    confirmed = {scope: set() for scope in scopes}
    for scope, kind, match in PrivacyConfirmation.objects.filter(scope__in=scopes).values_list(
        "scope", "kind", "match"
    ):
        confirmed[scope].add((kind, match))
    return confirmed


def meeting_scope(meeting):
    return f"meeting:{meeting.pk}"


def visit_scope(visit):
    return f"visit:{visit.pk}"


def _names(*lists):
    return frozenset(first_name(n) for names in lists for n in names if first_name(n))


def _represents(meetings_or_visits):
    """{group id: {person id: what they represent}}, one query for all groups."""
    from groupwork.models import Membership

    groups = {obj.group_id for obj in meetings_or_visits}
    result = {group_id: {} for group_id in groups}
    names = {group_id: [] for group_id in groups}
    for m in Membership.objects.filter(group_id__in=groups).select_related("person"):
        result[m.group_id][m.person_id] = m.represents
        names[m.group_id].append(m.person.first_name)
    return result, names


def _meeting_parts(meetings):
    """What meetings may publish, in a fixed number of queries however many meetings.

    Returns {meeting pk: (context, represents, attendances, items, attachments)}.
    """
    from meetings.models import AgendaItem, Attachment, Attendance

    meetings = list(meetings)
    ids = [m.pk for m in meetings]
    attendances = _by(
        "meeting_id",
        Attendance.objects.filter(meeting__in=ids, present=True).select_related("person"),
    )
    items = _by("meeting_id", AgendaItem.objects.filter(meeting__in=ids).order_by("position", "id"))
    attachments = _by(
        "meeting_id",
        Attachment.objects.filter(meeting__in=ids, is_public=True).order_by("uploaded_at", "id"),
    )
    represents, member_names = _represents(meetings)
    confirmed = _confirmed([meeting_scope(m) for m in meetings])
    parts = {}
    for meeting in meetings:
        present = attendances.get(meeting.pk, [])
        names = _names(member_names[meeting.group_id], [a.name for a in present])
        context = Context(meeting_scope(meeting), names, confirmed[meeting_scope(meeting)])
        parts[meeting.pk] = (
            context, represents[meeting.group_id], present, items.get(meeting.pk, []),
            attachments.get(meeting.pk, []),
        )
    return parts


def _by(key, queryset):
    """{key value: [rows]} in the queryset's order (the "id" order unless it says otherwise)."""
    grouped = {}
    for row in queryset.order_by(*(queryset.query.order_by or ["id"])):
        grouped.setdefault(getattr(row, key), []).append(row)
    return grouped


def _affiliation(attendance, represents):
    return attendance.affiliation or represents.get(attendance.person_id, "")


def check_meeting(meeting):
    """Every finding in what the minutes would publish, each with its place."""
    context, represents, attendances, items, attachments = _meeting_parts([meeting])[meeting.pk]
    # Approved minutes are locked: the editor tells the facilitator to reopen them first.
    edit = reverse("meetings:edit", args=[meeting.group.slug, meeting.pk])
    fields = [
        (_("Rubrik"), meeting.title, None, edit, False),
        (_("Inledning"), meeting.opening, None, edit, False),
    ]
    if meeting.location_is_public:
        fields.append((_("Plats"), meeting.location, None, edit, False))
    for attendance in attendances:
        fields.append((_("Närvarande"), attendance.name, None, edit, True))
        affiliation = _affiliation(attendance, represents)
        fields.append((_("Närvarandes tillhörighet"), affiliation, None, edit, False))
    for item in items:
        url = f"{edit}#punkt-{item.pk}"
        fields += [
            (_("Rubrik"), item.heading, item, url, False),
            (_("Anteckningar"), item.notes, item, url, False),
            (_("Beslut"), item.decision, item, url, False),
        ]
    for attachment in attachments:
        item = next((i for i in items if i.pk == attachment.item_id), None)
        fields.append((_("Bilagans namn"), attachment.name, item, edit, False))
    findings = _check(context, fields)
    for attachment in attachments:
        match = f"{attachment.name} (#{attachment.pk})"
        item = next((i for i in items if i.pk == attachment.item_id), None)
        findings.append(
            Finding("attachment", match, _("Bilaga"), 0, item, edit,
                    ("attachment", match) in context.confirmed)
        )
    return findings


def _visit_parts(visits):
    from visits.models import Participant

    visits = list(visits)
    participants = _by(
        "visit_id",
        Participant.objects.filter(
            visit__in=[v.pk for v in visits], status=Participant.Status.CONFIRMED
        ).select_related("person"),
    )
    represents, member_names = _represents(visits)
    confirmed = _confirmed([visit_scope(v) for v in visits])
    parts = {}
    for visit in visits:
        confirmed_participants = participants.get(visit.pk, [])
        names = _names(member_names[visit.group_id], [p.name for p in confirmed_participants])
        context = Context(visit_scope(visit), names, confirmed[visit_scope(visit)])
        parts[visit.pk] = (context, represents[visit.group_id], confirmed_participants)
    return parts


def check_visit(visit):
    """Every finding in what the study-visit report would publish."""
    context, represents, participants = _visit_parts([visit])[visit.pk]
    args = [visit.group.slug, visit.pk]
    edit = reverse("visits:edit", args=args)
    fields = [
        (_("Ort"), visit.destination, None, edit, False),
        (_("Värdorganisation"), visit.host, None, edit, False),
        (_("Syfte"), visit.purpose, None, edit, False),
        (_("Rapport"), visit.report, None, reverse("visits:report", args=args), False),
    ]
    for participant in participants:
        role = participant.guest_role or represents.get(participant.person_id, "")
        fields.append((_("Deltagare"), participant.name, None, visit.get_absolute_url(), True))
        fields.append(
            (_("Deltagarens roll"), role, None, visit.get_absolute_url(), False)
        )
    return _check(context, fields)


@dataclass
class PublicItem:
    position: int
    heading: str
    notes_html: str
    decision_html: str
    notes: str
    decision: str
    outcome: str
    attachments: list


@dataclass
class PublicMinutes:
    """Everything of a meeting the public may see, already through the pipeline."""

    group: object
    slug: str
    title: str
    starts_at: object
    place: str
    opening_html: str
    opening: str
    attendees: list  # (first name, affiliation, only_items)
    items: list
    attachments: list  # (name, public slug of meeting, pk) of the meeting itself
    published_at: object
    updated_at: object

    @property
    def summary(self):
        return ", ".join(item.heading for item in self.items)


def _public_attachment(attachment, context):
    return {"pk": attachment.pk, "name": context.public_text(attachment.name),
            "size": attachment.size}


def public_minutes(meeting):
    """The published view of a meeting: the only thing public views render."""
    return public_minutes_many([meeting])[0]


def public_minutes_many(meetings):
    """public_minutes() for several meetings (the feed) in the same number of queries."""
    parts = _meeting_parts(meetings)
    return [_public_minutes(m, *parts[m.pk]) for m in meetings]


def _public_minutes(meeting, context, represents, attendances, items, attachments):
    text, html = context.public_text, context.public_html
    public_items = []
    for item in items:
        public_items.append(
            PublicItem(
                position=item.position,
                heading=text(item.heading),
                notes_html=html(item.notes),
                decision_html=html(item.decision),
                notes=text(item.notes),
                decision=text(item.decision),
                outcome=item.get_outcome_display(),
                attachments=[
                    _public_attachment(a, context) for a in attachments if a.item_id == item.pk
                ],
            )
        )
    starts = timezone.localtime(meeting.starts_at)
    default_title = gettext("Anteckningar från mötet %(date)s") % {
        "date": date_format(starts.date(), "DATE_FORMAT")
    }
    return PublicMinutes(
        group=meeting.group,
        slug=meeting.public_slug,
        title=text(meeting.title) or default_title,
        starts_at=starts,
        place=text(meeting.location) if meeting.location_is_public else "",
        opening_html=html(meeting.opening),
        opening=text(meeting.opening),
        attendees=[
            (
                first_name(text(a.name)),
                text(_affiliation(a, represents)),
                text(a.only_items),
            )
            for a in attendances
        ],
        items=public_items,
        attachments=[_public_attachment(a, context) for a in attachments if a.item_id is None],
        published_at=meeting.published_at,
        updated_at=meeting.updated_at,
    )


@dataclass
class PublicReport:
    group: object
    slug: str
    title: str
    destination: str
    host: str
    starts_on: object
    ends_on: object
    purpose_html: str
    report_html: str
    report: str
    participants: list  # (first name, role)
    published_at: object
    updated_at: object


def public_report(visit):
    """The published view of a study-visit report. No host contact, no travel, no plan."""
    return public_reports_many([visit])[0]


def public_reports_many(visits):
    parts = _visit_parts(visits)
    return [_public_report(v, *parts[v.pk]) for v in visits]


def _public_report(visit, context, represents, participants):
    text = context.public_text
    destination, host = text(visit.destination), text(visit.host)
    return PublicReport(
        group=visit.group,
        slug=visit.public_slug,
        title=gettext("Studiebesök i %(destination)s") % {"destination": destination},
        destination=destination,
        host=host,
        starts_on=visit.starts_on,
        ends_on=visit.ends_on,
        purpose_html=context.public_html(visit.purpose),
        report_html=context.public_html(visit.report),
        report=text(visit.report),
        participants=[
            (first_name(text(p.name)), text(p.guest_role or represents.get(p.person_id, "")))
            for p in participants
        ],
        published_at=visit.report_published_at,
        updated_at=visit.updated_at,
    )


# --- Snapshots: what the public sees, frozen at publishing --------------------------------

# What a public view-model shares with the live rows: not frozen, set when a snapshot is read.
_LIVE = ("group", "published_at", "updated_at")


def _content(doc):
    """The view-model as JSON: what a Snapshot stores."""
    data = {f.name: getattr(doc, f.name) for f in fields(doc) if f.name not in _LIVE}
    if "items" in data:
        data["items"] = [asdict(item) for item in data["items"]]
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _as(cls, data, **given):
    """cls from a snapshot's JSON. A snapshot made by an older version keeps working: a field
    added since is empty, one dropped since is ignored. Rendered HTML came out of the pipeline
    when the snapshot was made: it is safe."""
    values = {}
    for f in fields(cls):
        if f.name in given:
            values[f.name] = given[f.name]
        else:
            value = data.get(f.name, [] if f.type is list else "")
            values[f.name] = mark_safe(value) if f.name.endswith("_html") else value
    return cls(**values)


def _live(snapshot):
    return {
        "group": snapshot.group,
        "published_at": snapshot.published_at,
        "updated_at": snapshot.updated_at,
    }


def minutes_from(snapshot):
    """The PublicMinutes a snapshot froze."""
    data = snapshot.content
    return _as(
        PublicMinutes,
        data,
        items=[_as(PublicItem, item) for item in data.get("items", [])],
        starts_at=timezone.localtime(parse_datetime(data["starts_at"])),
        **_live(snapshot),
    )


def report_from(snapshot):
    """The PublicReport a snapshot froze."""
    data = snapshot.content
    days = {day: data.get(day) and parse_date(data[day]) for day in ("starts_on", "ends_on")}
    return _as(PublicReport, data, **days, **_live(snapshot))


def doc_from(snapshot):
    return (minutes_from if snapshot.kind == "minutes" else report_from)(snapshot)


def snapshot_of(obj, doc):
    """An unsaved Snapshot of doc, the public view of obj (a meeting or a study visit)."""
    from publishing.models import Snapshot

    minutes = isinstance(doc, PublicMinutes)
    if minutes:
        day = doc.starts_at.date()
    else:
        day = obj.starts_on or timezone.localtime(obj.report_published_at).date()
    return Snapshot(
        kind=Snapshot.Kind.MINUTES if minutes else Snapshot.Kind.REPORT,
        group_id=obj.group_id,
        meeting=obj if minutes else None,
        visit=None if minutes else obj,
        public_slug=obj.public_slug,
        date=day,
        title=doc.title[:300],
        content=_content(doc),
        published_at=doc.published_at or timezone.now(),
        updated_at=timezone.now(),
    )


def _freeze(obj, doc):
    """Store doc as what the public sees of obj; True if that changed."""
    from publishing.models import Snapshot

    new = snapshot_of(obj, doc)
    old = Snapshot.objects.filter(meeting=new.meeting, visit=new.visit).first()
    same = ("public_slug", "date", "title", "content", "published_at")
    if old is not None and all(getattr(old, f) == getattr(new, f) for f in same):
        return False
    new.pk = old.pk if old is not None else None
    new.save()
    return True


def freeze_minutes(meeting):
    """Called by Meeting.publish once the check passed: the minutes as the public sees them."""
    with translation.override("sv"):
        return _freeze(meeting, public_minutes(meeting))


def freeze_report(visit):
    """Called by StudyVisit.publish_report once the check passed."""
    with translation.override("sv"):
        return _freeze(visit, public_report(visit))


def thaw(**owner):
    """Unpublish: the public version is gone from every output at once."""
    from publishing.models import Snapshot

    Snapshot.objects.filter(**owner).delete()


def public_version_is_older(obj, snapshot):
    """The text now would publish something else than the snapshot shows."""
    with translation.override("sv"):
        doc = public_report(obj) if snapshot.kind == "report" else public_minutes(obj)
    return _content(doc) != snapshot.content


def checked_place(location, names=frozenset()):
    """A meeting's place where no facilitator reviews findings (the public calendar): shown
    whole if the check finds nothing in it, else not at all."""
    text, balanced = _without_internal(location)
    if not balanced or text != location or _hits(location, names):
        return ""
    return location


def strict_text(text):
    """Text shown where no check has run (list titles): every finding is masked."""
    return Context("", frozenset()).public_text(text)


def strict_html(text):
    """Markdown that no check has covered (a group's description), strictly masked."""
    return render_markdown(strict_text(text))


def unique_public_slug(queryset, base):
    """base, or base-2, base-3 ... : the first not yet used in the group."""
    base = slugify(base)[:70] or "publicerat"
    taken = set(queryset.filter(public_slug__startswith=base).values_list("public_slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


# --- Sending it ------------------------------------------------------------------------


def gone(request, what):
    """410 Gone: it was published and is not any more."""
    with translation.override("sv"):
        return render(request, "public/gone.html", {"what": what}, status=410)


CACHE_SECONDS = 3600
_GENERATION = "public:generation"


def _new_generation():
    return secrets.token_hex(8), int(time.time())


# A renewal this process could not write (the shared cache was unreachable): written before
# this process reads the generation again, so that it never serves what a change made stale.
_unwritten_renewal = False


def _generation():
    """The current generation of the public site's content and when it began, from the cache
    that the server's processes share (settings.CACHES); a new one if the cache lost it, None
    if the cache cannot be reached (nothing is cached then)."""
    if _unwritten_renewal:
        _renew()
    generation = cache.get(_GENERATION)
    if generation is None:
        cache.add(_GENERATION, _new_generation(), None)
        generation = cache.get(_GENERATION)
    return generation


def _renew():
    global _unwritten_renewal
    generation = _new_generation()
    cache.set(_GENERATION, generation, None)
    _unwritten_renewal = cache.get(_GENERATION) != generation


def public_content_changed():
    """Something the public site shows has changed: every cached page and ETag is stale.

    Renewed at once, for what this transaction reads itself, and again after the commit, so
    that a page another process rendered meanwhile from the data before the commit is never
    served. groupwork.publishing calls this on every change to what public pages show, and
    after every migrate, so that a deployment never serves pages rendered by the code before.
    """
    _renew()
    transaction.on_commit(_renew)


def public_response(request, key, build, content_type="text/html; charset=utf-8"):
    """A public page with ETag and Last-Modified, 304 when unchanged, the body from the cache.

    `key` names the page: its path and whatever the view reads from the query string. The
    page is cached under the current generation (public_content_changed renews it), so a
    cached page or a 304 costs no query. `build()` reads and renders on a miss: it returns
    (content, last modified or None), or a response that is sent as it is and not cached
    (410 Gone); Http404 passes through.

    Last-Modified is the later of the page's own newest change and the generation's start:
    a list that lost its newest entry, or a group's new description, is newer than both.
    """
    generation = _generation()
    if generation is None:  # the shared cache is down: render, and promise nothing
        with translation.override("sv"):
            built = build()
        if isinstance(built, HttpResponse):
            return built
        response = HttpResponse(built[0], content_type=content_type)
        response["Cache-Control"] = "public, no-cache"
        return response
    token, began = generation
    digest = hashlib.sha256(repr((token, key)).encode()).hexdigest()[:40]
    etag = f'"{digest}"'
    # An ETag of this generation was only ever given to this page's content.
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
    else:
        entry = caches["pages"].get("public:" + digest)
        if entry is None:
            with translation.override("sv"):
                built = build()
            if isinstance(built, HttpResponse):
                return built
            content, last_modified = built
            changed = max(int(last_modified.timestamp()) if last_modified else 0, began)
            entry = (content, changed)
            caches["pages"].set("public:" + digest, entry, CACHE_SECONDS)
        content, timestamp = entry
        response = get_conditional_response(
            request, etag=etag, last_modified=timestamp
        ) or HttpResponse(content, content_type=content_type)
        response["Last-Modified"] = http_date(timestamp)
    response["ETag"] = etag
    # Anyone may keep a copy, but must ask again before using it: unpublishing is immediate.
    response["Cache-Control"] = "public, no-cache"
    return response
