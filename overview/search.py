"""Search: one index of the groups' text, kept up to date by signals, and the two search pages.

The index (SearchEntry) holds one row per meeting (its opening text), agenda item, task and
study visit, as plain text. On PostgreSQL a stored tsvector with the Swedish configuration and a
GIN index make the search fast and ranked; on SQLite (the quick start) a plain substring match
stands in for it.

The staff rows hold what members read on the staff pages, with two exceptions that follow
those pages: the internal notes of an agenda item (shown to facilitators only) are not indexed,
and the minutes of a planned or draft meeting are found only by facilitators and the adjuster.
The host contact of a visit is indexed: every member sees it on the visit page.

Published minutes get rows of their own (is_public) built from publishing.privacy's
public_minutes(): exactly the text of the public page, internal passages cut and findings
masked. The public search reads only those rows, so it can never match text the public
cannot read.

PostgreSQL's Swedish snowball stemmer does not bring every inflection together
("studiebesöket" stays whole; "föräldrarna" becomes "föräldr" but "förälder" "föräld"), so a
query of plain words also matches each word as a prefix of its own light stem (_stem below).
A query with quotes or operators is left to websearch_to_tsquery alone.
"""

import html
import re
from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection, models
from django.db.models import F, Max, Min, OuterRef, Q, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from groupwork.http import counted_page, whole_number
from groupwork.markdown import render_markdown
from groupwork.models import Group
from meetings.models import Meeting
from overview.models import SearchEntry
from publishing import privacy

CONFIG = "swedish"
MAX_QUERY = 200
PER_PAGE = 20
# The staff search ranks the newest matches only, this many and one more to know whether there
# are more (see _newest).
CANDIDATES = 200
# Private-use characters mark the match inside a headline, so that the text can be escaped
# before the marks become <mark> tags; they are removed from indexed text.
_START, _STOP = "\ue000", "\ue001"


# The index: one function per kind of source, called by overview.signals and the
# rebuild_search_index command.


def _plain(markdown_text):
    """The words of a markdown text, without markup (for the index and its excerpts)."""
    text = html.unescape(strip_tags(render_markdown(markdown_text)))
    return text.replace(_START, "").replace(_STOP, "").strip()


def _vector():
    return (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("decision", weight="B", config=CONFIG)
        + SearchVector("body", weight="C", config=CONFIG)
    )


def _store(source, **fields):
    entry, _created = SearchEntry.objects.update_or_create(source=source, defaults=fields)
    if connection.vendor == "postgresql":
        SearchEntry.objects.filter(pk=entry.pk).update(search_vector=_vector())


def update_vectors(entries):
    """Recompute the stored vectors in one statement (after a bulk change)."""
    if connection.vendor == "postgresql":
        entries.update(search_vector=_vector())


def _meeting_title(meeting):
    when = timezone.localtime(meeting.starts_at).date()
    return meeting.title or gettext("Möte %(date)s") % {"date": when.isoformat()}


def index_meeting(meeting):
    when = timezone.localtime(meeting.starts_at).date()
    _store(
        f"meeting:{meeting.pk}",
        group_id=meeting.group_id,
        kind=SearchEntry.Kind.MINUTES,
        object_id=meeting.pk,
        meeting=meeting,
        title=_meeting_title(meeting)[:300],
        decision="",
        body=_plain(meeting.opening),
        date=when,
    )
    # The items carry the meeting's date: keep it when the meeting moves.
    SearchEntry.objects.filter(meeting=meeting, is_public=False).exclude(date=when).update(
        date=when
    )


def index_public(snapshot):
    """The public rows of published minutes: made from their snapshot, nothing else."""
    SearchEntry.objects.filter(meeting_id=snapshot.meeting_id, is_public=True).delete()
    doc = privacy.minutes_from(snapshot)
    common = {
        "group_id": snapshot.group_id,
        "is_public": True,
        "object_id": snapshot.meeting_id,
        "meeting_id": snapshot.meeting_id,
        "date": doc.starts_at.date(),
    }
    rows = [
        SearchEntry(
            source=f"public-meeting:{snapshot.meeting_id}",
            kind=SearchEntry.Kind.MINUTES,
            title=doc.title[:300],
            body=_plain(doc.opening),
            **common,
        )
    ]
    for number, item in enumerate(doc.items, 1):
        rows.append(
            SearchEntry(
                source=f"public-item:{snapshot.meeting_id}:{number}",
                kind=_item_kind(item.decision),
                title=item.heading[:300],
                decision=_plain(item.decision),
                body=_plain(item.notes),
                **common,
            )
        )
    SearchEntry.objects.bulk_create(rows)
    update_vectors(SearchEntry.objects.filter(meeting_id=snapshot.meeting_id, is_public=True))


def forget_public(snapshot):
    SearchEntry.objects.filter(meeting_id=snapshot.meeting_id, is_public=True).delete()


def _item_kind(decision):
    return SearchEntry.Kind.DECISION if decision.strip() else SearchEntry.Kind.MINUTES


def index_item(item):
    meeting = item.meeting
    _store(
        f"item:{item.pk}",
        group_id=meeting.group_id,
        kind=_item_kind(item.decision),
        object_id=item.pk,
        meeting=meeting,
        title=item.heading[:300],
        decision=_plain(item.decision),
        body=_plain(item.notes),
        date=timezone.localtime(meeting.starts_at).date(),
    )


def index_task(task):
    _store(
        f"task:{task.pk}",
        group_id=task.group_id,
        kind=SearchEntry.Kind.TASK,
        object_id=task.pk,
        meeting=None,
        title=task.title[:300],
        decision="",
        body=_plain(task.details),
        date=task.due_date or timezone.localtime(task.created_at).date(),
    )


def index_visit(visit):
    contact = ", ".join(filter(None, [visit.contact_name, visit.contact_role]))
    parts = [visit.purpose, visit.questions, visit.travel_details, contact, visit.report]
    _store(
        f"visit:{visit.pk}",
        group_id=visit.group_id,
        kind=SearchEntry.Kind.VISIT,
        object_id=visit.pk,
        meeting=None,
        title=str(visit)[:300],
        decision="",
        body="\n\n".join(_plain(part) for part in parts if part.strip()),
        date=visit.starts_on or timezone.localtime(visit.created_at).date(),
    )


def forget(source):
    # Deleting a meeting deletes its rows through the foreign key.
    SearchEntry.objects.filter(source=source).delete()


# The query.

# An optional minus (only at the start of a word), then a quoted phrase or a word.
_PART = re.compile(r'(?:(?<!\S)(-))?(?:"([^"]+)"|([^\W_]+))')
_VOWELS = "aeiouyåäö"
_SUFFIXES = sorted(
    "arnas ernas ornas andet arens hetens heten arna erna orna ande ades aste are ast "
    "ens ets et en na ar er or an as es a e s".split(),
    key=len,
    reverse=True,
)


def _stem(word):
    """A light Swedish stem for prefix matching: studiebesöket → studiebesök,
    föräldrarna and förälder → föräld."""
    word = word.lower()
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    # föräldr(ar) and föräld(er), vintr(ar) and vint(er): drop an r, l or n after a consonant.
    if len(word) > 4 and word[-1] in "rln" and word[-2] not in _VOWELS:
        word = word[:-1]
    return word


def _parts(query):
    """(negated, phrase or word, is_phrase) for each part of a query; "or" is skipped."""
    for match in _PART.finditer(query):
        minus, phrase, word = match.groups()
        if word and word.lower() == "or":
            continue
        yield bool(minus), phrase or word, phrase is not None


def _is_plain(query):
    return all(not negated and not is_phrase for negated, _text, is_phrase in _parts(query)) and (
        not re.search(r"(?i)(?<!\S)or(?!\S)", query)
    )


# A minus that negates nothing, or a run of them, is dropped: Postgres' websearch parser
# nests one NOT per minus and fails with "tsquery stack too small" on long runs.
_LOOSE_MINUS = re.compile(r"-+(?!\w)")
_MINUS_RUN = re.compile(r"-{2,}(?=\w)")


def _postgres_query(query):
    query = _MINUS_RUN.sub("-", _LOOSE_MINUS.sub(" ", query))
    search = SearchQuery(query, config=CONFIG, search_type="websearch")
    words = [text for _negated, text, _phrase in _parts(query)]
    if words and _is_plain(query):
        # Built from letters and digits only, so the raw syntax cannot be injected.
        prefixes = [f"{_stem(word)}:*" if len(word) >= 5 else word.lower() for word in words]
        search |= SearchQuery(" & ".join(prefixes), config=CONFIG, search_type="raw")
    return search


def _sqlite_filter(entries, query):
    for negated, text, is_phrase in _parts(query):
        needle = text if is_phrase or len(text) < 5 else _stem(text)  # as in _needles()
        match = (
            Q(title__icontains=needle) | Q(decision__icontains=needle) | Q(body__icontains=needle)
        )
        entries = entries.exclude(match) if negated else entries.filter(match)
    return entries


def _needles(query):
    """What the SQLite fallback looks for: phrases, short words, stems of longer words."""
    return [
        text if is_phrase or len(text) < 5 else _stem(text)
        for negated, text, is_phrase in _parts(query)
        if not negated
    ]


def _mark(text, needles):
    """The text escaped, with <mark> around each occurrence of a needle (any case)."""
    if not needles:
        return escape(text)
    alternatives = sorted({re.escape(n) for n in needles}, key=len, reverse=True)
    out, last = [], 0
    for match in re.finditer("|".join(alternatives), text, flags=re.IGNORECASE):
        out += [escape(text[last : match.start()]), "<mark>", escape(match[0]), "</mark>"]
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def _excerpt(text, query, width=90):
    """An escaped passage around the first match, with <mark> around the matches."""
    needles = _needles(query)
    lowered = text.lower()
    positions = [lowered.find(n.lower()) for n in needles if lowered.find(n.lower()) >= 0]
    start = max(min(positions) - width // 3, 0) if positions else 0
    end = start + width * 2
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + _mark(text[start:end], needles) + suffix)


def _headline(raw):
    return mark_safe(escape(raw).replace(_START, "<mark>").replace(_STOP, "</mark>"))


def run_search(entries, query):
    """Entries matching the query, best first, each with .excerpt (safe HTML)."""
    if connection.vendor == "postgresql":
        search = _postgres_query(query)
        return (
            entries.filter(search_vector=search)
            # The texts are read by the headlines in the database, not by the page.
            .defer("decision", "body", "search_vector")
            .annotate(
                rank=SearchRank(F("search_vector"), search),
                title_headline=SearchHeadline(
                    "title", search, config=CONFIG, start_sel=_START, stop_sel=_STOP,
                    highlight_all=True,
                ),
                headline=SearchHeadline(
                    Concat("decision", Value("\n"), "body", output_field=models.TextField()),
                    search,
                    config=CONFIG,
                    start_sel=_START,
                    stop_sel=_STOP,
                    max_words=35,
                    min_words=15,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                ),
            )
            .order_by("-rank", "-date", "-id")
        )
    return _sqlite_filter(entries, query).order_by("-date", "-id")


def _newest(entries, groups, query):
    """The newest CANDIDATES + 1 of the entries of `groups` that match the query (PostgreSQL).

    A common word matches thousands of entries ("studiebesök" 2,000 of the 15,000 of two groups
    on the bench data), and ranking them all means reading every entry of the groups (10-20 ms
    in Postgres). Each group's entries are read instead from the newest back, on the index on
    (group, date), until enough of them match (2,000 rows read, not 15,000). A rare word still
    reads the group's entries, as before, unless Postgres finds the full-text index cheaper.
    One subquery per group: the index gives one group's entries in date order, not several
    groups' together.
    """
    search = _postgres_query(query)
    per_group = [
        entries.filter(group=group, search_vector=search)
        .order_by("-date", "-id")
        .values("id", "date")[: CANDIDATES + 1]
        for group in groups
    ]
    if not per_group:
        return SearchEntry.objects.none()
    union = per_group[0].union(*per_group[1:], all=True) if len(per_group) > 1 else per_group[0]
    sql, params = union.query.sql_with_params()
    # The columns are named by the derived table: a name it lacked would silently mean the
    # outer query's own id.
    newest = RawSQL(
        f"SELECT newest.id FROM ({sql}) AS newest"
        " ORDER BY newest.date DESC, newest.id DESC LIMIT %s",
        (*params, CANDIDATES + 1),
    )
    return SearchEntry.objects.filter(pk__in=newest)


def with_excerpts(page_entries, query):
    for entry in page_entries:
        if hasattr(entry, "headline"):
            entry.title_html = _headline(entry.title_headline)
            entry.excerpt = _headline(entry.headline)
        else:
            entry.title_html = _mark(entry.title, _needles(query))
            entry.excerpt = _excerpt("\n".join(filter(None, [entry.decision, entry.body])), query)
    return page_entries


# The pages.

KIND_CHOICES = [
    ("", _("Allt")),
    (SearchEntry.Kind.MINUTES, _("Protokoll")),
    (SearchEntry.Kind.DECISION, _("Beslut")),
    (SearchEntry.Kind.TASK, _("Uppgifter")),
    (SearchEntry.Kind.VISIT, _("Studiebesök")),
]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Sök efter"), required=False)
    grupp = forms.ChoiceField(label=_("Grupp"), required=False)
    typ = forms.ChoiceField(label=_("Typ"), required=False, choices=KIND_CHOICES)
    ar = forms.ChoiceField(label=_("År"), required=False)

    def __init__(self, *args, groups, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget = forms.TextInput(attrs={"type": "search"})
        self.fields["grupp"].choices = [("", _("Alla mina grupper"))] + [
            (g.slug, g.name) for g in groups
        ]
        self.fields["ar"].choices = [("", _("Alla år"))] + [(str(y), str(y)) for y in years]
        self.truncated = False

    def clean_q(self):
        query = " ".join(self.cleaned_data["q"].split())
        if len(query) > MAX_QUERY:
            self.truncated = True
            query = query[:MAX_QUERY]
        return query


def _filtered(entries, data, groups_by_slug):
    if data.get("grupp"):
        entries = entries.filter(group=groups_by_slug[data["grupp"]])
    if data.get("typ") == SearchEntry.Kind.MINUTES:
        # Decisions are part of the minutes too.
        entries = entries.filter(kind__in=[SearchEntry.Kind.MINUTES, SearchEntry.Kind.DECISION])
    elif data.get("typ"):
        entries = entries.filter(kind=data["typ"])
    if data.get("ar"):
        year = int(data["ar"])
        entries = entries.filter(date__gte=date(year, 1, 1), date__lte=date(year, 12, 31))
    return entries


def _years(entries):
    """The years to filter by, newest first: from the first entry's to the last's.

    One MIN/MAX aggregate rather than the distinct years of every entry the reader may see
    (a sort of them all, each request); a year without entries just finds nothing.
    """
    span = entries.order_by().aggregate(first=Min("date"), last=Max("date"))
    if span["first"] is None:
        return []
    return list(range(span["last"].year, span["first"].year - 1, -1))


def _years_of(memberships):
    """_years() of the entries of the memberships' groups, from the first and last date of each
    group (_with_span()); a year without entries just finds nothing."""
    spans = [(m.first_date, m.last_date) for m in memberships if m.first_date is not None]
    if not spans:
        return []
    first = min(first for first, _last in spans)
    last = max(last for _first, last in spans)
    return list(range(last.year, first.year - 1, -1))


def _with_span(memberships):
    """The memberships with the first and last date of their group's entries, each read from an
    end of the index on (group, date), rather than a MIN/MAX over every entry of the groups
    (200,000 on the bench data); with the memberships' own query rather than one more."""
    dates = SearchEntry.objects.filter(group=OuterRef("group_id")).values("date")
    return memberships.annotate(
        first_date=Subquery(dates.order_by("date")[:1]),
        last_date=Subquery(dates.order_by("-date")[:1]),
    )


def _results(request, entries, form, bounded=False):
    """The page of results for a valid form with a query, or None. `bounded`: the entries are
    the newest CANDIDATES + 1 matches at most (_newest); if there are that many, the page says
    "more than CANDIDATES" (page.more_than) and pages through the best CANDIDATES of them."""
    query = form.cleaned_data["q"] if form.is_valid() else ""
    if not query:
        return None, query
    number = whole_number(request.GET.get("sida"))
    if bounded:
        number = min(number or 1, max(CANDIDATES // PER_PAGE, 1))
    page = counted_page(run_search(entries, query), number, PER_PAGE)
    page.more_than = None
    if bounded and page.paginator.count > CANDIDATES:
        page.paginator.count = page.more_than = CANDIDATES
    with_excerpts(page.object_list, query)
    return page, query


@login_required
def search(request):
    person = getattr(request.user, "person", None)
    memberships = []
    if person is not None:
        memberships = list(_with_span(person.memberships.active().select_related("group")))
    groups = [m.group for m in memberships]
    # Only the person's own groups, whatever the filters say, and only what they may read:
    # not the minutes that only facilitators and the adjuster read yet. Those are few, so
    # they are excluded by id rather than by a join with every meeting.
    unreadable = (
        Meeting.objects.filter(group__in=[m.group for m in memberships if not m.is_facilitator])
        .exclude(status__in=Meeting.READABLE)
        .exclude(adjuster=person)
    )
    # A year of unreadable minutes alone would just find nothing.
    years = _years_of(memberships)
    # Not yet limited to the person's groups: that is done below, group by group (_newest),
    # or for all of them at once.
    readable = SearchEntry.objects.filter(is_public=False).exclude(meeting__in=unreadable)
    form = SearchForm(request.GET or None, groups=groups, years=years)
    searched = groups
    if form.is_valid():
        groups_by_slug = {g.slug: g for g in groups}
        readable = _filtered(readable, form.cleaned_data, groups_by_slug)
        if form.cleaned_data.get("grupp"):
            searched = [groups_by_slug[form.cleaned_data["grupp"]]]
    bounded = connection.vendor == "postgresql" and form.is_valid() and bool(form.cleaned_data["q"])
    if bounded:
        entries = _newest(readable, searched, form.cleaned_data["q"])
    else:
        entries = readable.filter(group__in=searched)
    page, query = _results(request, entries.select_related("group"), form, bounded=bounded)
    return render(
        request,
        "overview/search.html",
        {"form": form, "page": page, "query": query, "show_group": len(groups) > 1},
    )


def published_entries():
    """Entries of published minutes of public groups: what the public search may find."""
    return SearchEntry.objects.filter(
        is_public=True,
        group__is_public=True,
        meeting__status=Meeting.Status.PUBLISHED,
        meeting__unpublished_at__isnull=True,
    )


def public_search(request):
    entries = published_entries().select_related("group", "meeting")
    groups = list(Group.objects.filter(is_public=True))
    form = SearchForm(request.GET or None, groups=groups, years=_years(entries))
    del form.fields["typ"]
    if form.is_valid():
        entries = _filtered(entries, form.cleaned_data, {g.slug: g for g in groups})
    page, query = _results(request, entries, form)
    return render(
        request,
        "overview/search_public.html",
        {"form": form, "page": page, "query": query},
    )
