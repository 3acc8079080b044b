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
from typing import NamedTuple

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.core.paginator import Page, Paginator
from django.db import connection, models
from django.db.models import F, Max, Min, Q, Value
from django.db.models.functions import Concat
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from groupwork.http import counted_page, page_link, whole_number
from groupwork.markdown import render_markdown
from groupwork.models import Group, Membership
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


def _tsquery_texts(query):
    """What Postgres parses for a query: the text for websearch_to_tsquery and, for a query of
    plain words, the prefix query of their light stems for to_tsquery (else None)."""
    query = _MINUS_RUN.sub("-", _LOOSE_MINUS.sub(" ", query))
    words = [text for _negated, text, _phrase in _parts(query)]
    if words and _is_plain(query):
        # Built from letters and digits only, so the raw syntax cannot be injected.
        prefixes = [f"{_stem(word)}:*" if len(word) >= 5 else word.lower() for word in words]
        return query, " & ".join(prefixes)
    return query, None


def _postgres_query(query):
    text, prefixes = _tsquery_texts(query)
    search = SearchQuery(text, config=CONFIG, search_type="websearch")
    if prefixes:
        search |= SearchQuery(prefixes, config=CONFIG, search_type="raw")
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
    # html.escape() is Django's escape() without its check for lazy text: 40 a page.
    return mark_safe(html.escape(raw).replace(_START, "<mark>").replace(_STOP, "</mark>"))


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


# The headlines' options, as SearchHeadline writes them (run_search).
_TITLE_OPTIONS = f"StartSel='{_START}', StopSel='{_STOP}', HighlightAll=true"
_EXCERPT_OPTIONS = (
    f"StartSel='{_START}', StopSel='{_STOP}', MaxWords=35, MinWords=15, MaxFragments=2, "
    "FragmentDelimiter=' … '"
)
# In the model's order of its fields, as Model.from_db() takes them.
_ROW_FIELDS = ["id", "group_id", "kind", "source", "object_id", "meeting_id", "title", "date"]
_ROW_COLUMNS = ", ".join(_ROW_FIELDS)


def _newest_page(memberships, person, data, query, number):
    """The page of the staff search on PostgreSQL: page `number` (or the last) of the newest
    CANDIDATES + 1 entries of the memberships' groups that match the query and that the
    person may read, best first, with their headlines; (count, entries).

    A common word matches thousands of entries ("studiebesök" 2,000 of the 15,000 of two
    groups on the bench data), and ranking them all means reading every entry of the groups.
    Each group's entries are read instead from the newest back, on the index on (group, date,
    id), until enough of them match (2,000 rows read, not 15,000); a rare word is looked up in
    the full-text index. One branch per group: the index gives one group's entries in date
    order, not several groups' together. Only the rows of the page get headlines (ts_headline
    parses the whole text again).

    One statement, written out, with its values in its text (compose_sql): as parameters of a
    prepared statement they would soon get a generic plan, which cannot know how many entries
    a word matches, and so reads every entry of the groups or every entry with the word.
    """
    if not memberships:
        return 0, []
    words, prefixes = _tsquery_texts(query)
    tsquery = f"websearch_to_tsquery('{CONFIG}', %(words)s)"
    if prefixes:
        tsquery = f"({tsquery} || to_tsquery('{CONFIG}', %(prefixes)s))"
    params = {
        "words": words,
        "prefixes": prefixes,
        "person": person.pk,
        "readable": list(Meeting.READABLE),
        "candidates": CANDIDATES + 1,
        "offset": (number - 1) * PER_PAGE,
        "per_page": PER_PAGE,
        "title_options": _TITLE_OPTIONS,
        "excerpt_options": _EXCERPT_OPTIONS,
    }
    where = ["NOT is_public", f"search_vector @@ {tsquery}"]
    if data.get("typ") == SearchEntry.Kind.MINUTES:
        # Decisions are part of the minutes too.
        where.append("kind = ANY(%(kinds)s)")
        params["kinds"] = [SearchEntry.Kind.MINUTES, SearchEntry.Kind.DECISION]
    elif data.get("typ"):
        where.append("kind = %(kind)s")
        params["kind"] = data["typ"]
    if data.get("ar"):
        where.append("date BETWEEN %(first)s AND %(last)s")
        year = int(data["ar"])
        params["first"], params["last"] = date(year, 1, 1), date(year, 12, 31)
    branches = []
    for i, membership in enumerate(memberships):
        group = f"group_{i}"  # the name of its parameter
        params[group] = membership.group.pk
        readable = ""
        if not membership.is_facilitator:
            # Not the minutes that only facilitators and the adjuster read yet (few: by id).
            readable = (
                " AND (meeting_id IS NULL OR meeting_id NOT IN (SELECT id FROM meetings_meeting"
                f" WHERE group_id = %({group})s AND NOT status = ANY(%(readable)s)"
                " AND adjuster_id IS DISTINCT FROM %(person)s))"
            )
        branches.append(
            f"(SELECT {_ROW_COLUMNS}, decision, body, ts_rank(search_vector, {tsquery}) AS rank"
            f" FROM groupwork_searchentry WHERE group_id = %({group})s AND {' AND '.join(where)}"
            f"{readable} ORDER BY date DESC, id DESC LIMIT %(candidates)s)"
        )
    sql = (
        f"SELECT {_ROW_COLUMNS}, ts_headline('{CONFIG}', title, {tsquery}, %(title_options)s),"
        f" ts_headline('{CONFIG}', decision || E'\\n' || body, {tsquery}, %(excerpt_options)s),"
        " total FROM (SELECT *, count(*) OVER () AS total,"
        " row_number() OVER (ORDER BY rank DESC, date DESC, id DESC) AS n"
        f" FROM (SELECT * FROM ({' UNION ALL '.join(branches)}) AS branches"
        " ORDER BY date DESC, id DESC LIMIT %(candidates)s) AS newest) AS ranked"
        # The page asked for, or the last one.
        " WHERE n > LEAST(%(offset)s, (total - 1) / %(per_page)s * %(per_page)s)"
        " ORDER BY n LIMIT %(per_page)s"
    )
    with connection.cursor() as cursor:
        cursor.execute(connection.ops.compose_sql(sql, params))
        rows = cursor.fetchall()
    groups = {m.group.pk: m.group for m in memberships}
    entries = []
    for *values, title_headline, headline, _total in rows:
        entry = SearchEntry.from_db(connection.alias, _ROW_FIELDS, values)
        entry.group = groups[entry.group_id]
        entry.title_html = _headline(title_headline)
        entry.excerpt = _headline(headline)
        entries.append(entry)
    return (rows[0][-1] if rows else 0), entries


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


def _filtered(entries, data):
    """The entries of the kind and year the form asks for (the group is the caller's)."""
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
    group (_memberships()); a year without entries just finds nothing."""
    spans = [(m.first_date, m.last_date) for m in memberships if m.first_date is not None]
    if not spans:
        return []
    first = min(first for first, _last in spans)
    last = max(last for _first, last in spans)
    return list(range(last.year, first.year - 1, -1))


class _Membership(NamedTuple):
    group: Group
    is_facilitator: bool
    first_date: date | None  # of the group's entries
    last_date: date | None


def _memberships(person):
    """The person's active memberships (those of person.memberships.active(); a test holds them
    equal), by group name, each with its group and the first and last date of the group's
    entries, read from an end of the index on (group, date, id) rather than by a MIN/MAX over
    every entry of the groups (200,000 on the bench data).

    Written out: the ORM takes longer to build this query than the database to answer it."""
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT g.id, g.name, g.slug, m.role,"
            " (SELECT date FROM groupwork_searchentry WHERE group_id = g.id ORDER BY date ASC"
            " LIMIT 1),"
            " (SELECT date FROM groupwork_searchentry WHERE group_id = g.id ORDER BY date DESC"
            " LIMIT 1)"
            " FROM groupwork_membership m JOIN groupwork_group g ON g.id = m.group_id"
            " WHERE m.person_id = %s AND (m.active_from IS NULL OR m.active_from <= %s)"
            " AND (m.active_to IS NULL OR m.active_to >= %s) ORDER BY g.name, g.id",
            [person.pk, today, today],
        )
        rows = cursor.fetchall()
    return [
        _Membership(
            Group.from_db(connection.alias, ["id", "name", "slug"], (pk, name, slug)),
            role == Membership.Role.FACILITATOR,
            first_date,
            last_date,
        )
        for pk, name, slug, role, first_date, last_date in rows
    ]


def _results(request, entries, form):
    """The page of results for a valid form with a query, or None."""
    query = form.cleaned_data["q"] if form.is_valid() else ""
    if not query:
        return None, query
    page = counted_page(run_search(entries, query), whole_number(request.GET.get("sida")), PER_PAGE)
    page.more_than = None
    with_excerpts(page.object_list, query)
    return page, query


def _newest_results(request, memberships, person, form):
    """The page of results of _newest_page(). If there are more than CANDIDATES matches, the
    page says "more than CANDIDATES" (page.more_than) and pages through the best CANDIDATES
    of the newest."""
    query = form.cleaned_data["q"]
    number = min(whole_number(request.GET.get("sida")) or 1, max(CANDIDATES // PER_PAGE, 1))
    count, entries = _newest_page(memberships, person, form.cleaned_data, query, number)
    paginator = Paginator((), PER_PAGE)
    paginator.count = min(count, CANDIDATES)
    page = Page(entries, min(number, paginator.num_pages), paginator)
    page.more_than = CANDIDATES if count > CANDIDATES else None
    return page, query


def _context(request, form, page, query, **extra):
    """The context of both search pages (jinja2/overview/_search.html): what Django's template
    tags made there before, made here for Jinja2 (the plural of the count, the links to the
    other pages, the labels of the kinds)."""
    context = {"form": form, "page": page, "query": query, **extra}
    if page is None:
        return context
    # As {% blocktranslate %} does: the values escaped, the catalogue's text as it is.
    if page.more_than:
        counted = gettext(
            "Fler än %(number)s träffar på ”%(query)s”. De senaste visas, de bästa träffarna"
            " först. Lägg till ett ord eller välj ett år för att hitta äldre."
        ) % {"number": page.more_than, "query": escape(query)}
    else:
        count = page.paginator.count
        counted = ngettext(
            "%(counter)s träff på ”%(query)s”.", "%(counter)s träffar på ”%(query)s”.", count
        ) % {"counter": count, "query": escape(query)}
    context["counted"] = mark_safe(counted)
    # As {% querystring sida=... %} does.
    if page.has_previous():
        context["previous_link"] = page_link(request, page.previous_page_number())
    if page.has_next():
        context["next_link"] = page_link(request, page.next_page_number())
    context["kinds"] = {kind: capfirst(str(label)) for kind, label in SearchEntry.Kind.choices}
    return context


def _readable(memberships, person):
    """The entries of the memberships' groups that the person may read: not the minutes that
    only facilitators and the adjuster read yet. Those are few, so they are excluded by id
    rather than by a join with every meeting."""
    unreadable = (
        Meeting.objects.filter(group__in=[m.group for m in memberships if not m.is_facilitator])
        .exclude(status__in=Meeting.READABLE)
        .exclude(adjuster=person)
    )
    return SearchEntry.objects.filter(
        is_public=False, group__in=[m.group for m in memberships]
    ).exclude(meeting__in=unreadable)


@login_required
def search(request):
    person = getattr(request.user, "person", None)
    memberships = _memberships(person) if person is not None else []
    groups = [m.group for m in memberships]
    # A year of unreadable minutes alone would just find nothing.
    form = SearchForm(request.GET or None, groups=groups, years=_years_of(memberships))
    # Only the person's own groups, whatever the filters say, and only what they may read.
    if form.is_valid() and form.cleaned_data["grupp"]:
        memberships = [m for m in memberships if m.group.slug == form.cleaned_data["grupp"]]
    if connection.vendor == "postgresql" and form.is_valid() and form.cleaned_data["q"]:
        page, query = _newest_results(request, memberships, person, form)
    else:
        entries = _readable(memberships, person).select_related("group")
        if form.is_valid():
            entries = _filtered(entries, form.cleaned_data)
        page, query = _results(request, entries, form)
    return render(
        request,
        "overview/search.html",
        _context(request, form, page, query, show_group=len(groups) > 1),
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
        if form.cleaned_data["grupp"]:
            groups_by_slug = {g.slug: g for g in groups}
            entries = entries.filter(group=groups_by_slug[form.cleaned_data["grupp"]])
        entries = _filtered(entries, form.cleaned_data)
    page, query = _results(request, entries, form)
    return render(
        request, "overview/search_public.html", _context(request, form, page, query)
    )
