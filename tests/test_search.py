from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from overview.models import SearchEntry
from overview import search
from overview.search import _stem, published_entries, run_search
from publishing import gate
from groupwork.models import Membership
from tests.factories import (
    make_group,
    make_item,
    make_meeting,
    make_member,
    make_task,
    make_visit,
)

pytestmark = pytest.mark.django_db

SEARCH = reverse("groupwork:search")
PUBLIC_SEARCH = reverse("public:search")


def _minutes(group, **fields):
    """Approved minutes: what every member of the group may read."""
    return make_meeting(group, status="approved", **fields)


def _titles(response):
    return [entry.title for entry in response.context["page"]]


def _search(client, person, q, **filters):
    client.force_login(person.user)
    return client.get(SEARCH, {"q": q, **filters})


# The index


def test_saving_an_item_puts_its_heading_notes_and_decision_in_the_index(group):
    meeting = make_meeting(group)
    item = make_item(
        meeting, heading="Osloresan", notes="Vi pratade om **tåget**.", decision="Vi åker."
    )
    entry = SearchEntry.objects.get(source=f"item:{item.pk}")
    assert entry.title == "Osloresan"
    assert entry.body == "Vi pratade om tåget."
    assert entry.decision == "Vi åker."
    assert entry.kind == SearchEntry.Kind.DECISION
    assert entry.group == group


def test_internal_notes_are_never_indexed(client, group, facilitator):
    item = make_item(make_meeting(group), notes="Öppet", internal_notes="Hemligt samtal med Kalle")
    entry = SearchEntry.objects.get(source=f"item:{item.pk}")
    assert "Hemligt" not in f"{entry.title} {entry.decision} {entry.body}"
    assert _titles(_search(client, facilitator, "Hemligt")) == []


def test_an_edited_task_is_reindexed_and_a_deleted_one_leaves_the_index(group, member):
    task = make_task(group, [member], title="Boka buss")
    task.title = "Boka tåg"
    task.save()
    assert SearchEntry.objects.get(source=f"task:{task.pk}").title == "Boka tåg"
    task.delete()
    assert not SearchEntry.objects.filter(source__startswith="task:").exists()


def test_moving_a_meeting_moves_the_date_of_its_items(group):
    meeting = make_meeting(group)
    item = make_item(meeting)
    meeting.starts_at -= timedelta(days=400)
    meeting.save()
    assert SearchEntry.objects.get(source=f"item:{item.pk}").date == timezone.localtime(
        meeting.starts_at
    ).date()


def test_rebuild_search_index_indexes_existing_texts(group, member):
    meeting = make_meeting(group, opening="Välkomna")
    make_item(meeting, heading="Osloresan")
    make_task(group, [member], title="Boka tåg")
    make_visit(group, destination="Oslo")
    SearchEntry.objects.all().delete()
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))
    assert SearchEntry.objects.count() == 4


def test_light_stem_brings_swedish_inflections_together():
    assert _stem("studiebesöket") == _stem("studiebesök") == "studiebesök"
    assert _stem("föräldrarna") == _stem("förälder") == "föräld"
    assert _stem("besluten") == _stem("beslutet") == "beslut"


# Who finds what


def test_member_never_finds_another_groups_text(client, group, other_group, member, outsider):
    make_item(_minutes(group), heading="Osloresan", notes="Hemligt om Oslo")
    make_item(_minutes(other_group), heading="Oslo i nätverket", notes="Nätverket om Oslo")
    make_task(other_group, [outsider], title="Oslo-biljetter")
    make_visit(other_group, destination="Oslo")
    response = _search(client, member, "Oslo")
    assert {e.group for e in response.context["page"]} == {group}
    assert "Nätverket" not in response.content.decode()

    response = _search(client, outsider, "Oslo")
    assert {e.group for e in response.context["page"]} == {other_group}
    assert "Hemligt" not in response.content.decode()


def test_a_group_filter_naming_another_group_finds_nothing_of_it(
    client, group, other_group, member
):
    make_item(_minutes(other_group), heading="Oslo i nätverket")
    response = _search(client, member, "Oslo", grupp=other_group.slug)
    assert response.status_code == 200
    assert response.context["page"] is None
    assert "Nätverket" not in response.content.decode()
    assert "Välj ett giltigt alternativ" in response.content.decode()


def test_a_former_member_no_longer_finds_the_groups_text(client, group, member):
    make_item(_minutes(group), heading="Osloresan")
    member.memberships.update(active_to=date.today() - timedelta(days=1))
    response = _search(client, member, "Osloresan")
    assert _titles(response) == []


def test_the_search_reads_the_same_memberships_as_the_rest_of_the_site(group, member):
    # search._memberships() writes out person.memberships.active() (with its groups' spans).
    today = date.today()
    for name, active_from, active_to in [
        ("Ekonomi", None, None),
        ("Budget", today, today),
        ("Cirkeln", None, today - timedelta(days=1)),
        ("Dialogen", today + timedelta(days=1), None),
        ("Arbetet", today - timedelta(days=9), today + timedelta(days=9)),
    ]:
        Membership.objects.create(
            group=make_group(name, slug=name.lower()),
            person=member,
            role=Membership.Role.FACILITATOR if name == "Budget" else Membership.Role.MEMBER,
            active_from=active_from,
            active_to=active_to,
        )
    make_task(group, [member], title="Boka", due_date=date(2024, 5, 1))
    make_task(group, [member], title="Skicka", due_date=date(2026, 2, 1))
    expected = list(member.memberships.active().select_related("group"))
    found = search._memberships(member)
    assert [(m.group, m.is_facilitator) for m in found] == [
        (m.group, m.is_facilitator) for m in expected
    ]
    assert [m.group.name for m in found] == ["Arbetet", "Budget", "Ekonomi", "Föräldragruppen"]
    assert [(m.first_date, m.last_date) for m in found if m.group == group] == [
        (date(2024, 5, 1), date(2026, 2, 1))
    ]


def test_filters_by_kind_and_year(client, group, member):
    old = _minutes(group, starts_at=timezone.now() - timedelta(days=800))
    make_item(old, heading="Oslo förr", decision="Vi åker till Oslo")
    make_item(_minutes(group), heading="Oslo nu", notes="Om Oslo")
    make_task(group, [member], title="Boka Oslo")
    this_year = timezone.localdate().year
    old_year = timezone.localtime(old.starts_at).year

    assert _titles(_search(client, member, "Oslo", typ="decision")) == ["Oslo förr"]
    assert _titles(_search(client, member, "Oslo", typ="task")) == ["Boka Oslo"]
    assert sorted(_titles(_search(client, member, "Oslo", typ="minutes"))) == [
        "Oslo förr",
        "Oslo nu",
    ]
    assert _titles(_search(client, member, "Oslo", ar=old_year)) == ["Oslo förr"]
    assert "Oslo förr" not in _titles(_search(client, member, "Oslo", ar=this_year))


def test_results_link_straight_to_the_item_in_its_meeting(client, group, member):
    meeting = make_meeting(group, status="approved")
    item = make_item(meeting, heading="Osloresan")
    response = _search(client, member, "Osloresan")
    assert f'href="{meeting.get_absolute_url()}#punkt-{item.pk}"' in response.content.decode()


# Bad input


def test_empty_query_asks_for_words(client, member):
    response = _search(client, member, "   ")
    assert response.status_code == 200
    assert "Skriv ett eller flera ord" in response.content.decode()


def test_very_long_query_is_cut_with_a_notice(client, group, member):
    make_item(_minutes(group), heading="Osloresan")
    response = _search(client, member, "Osloresan " + "x" * 5000)
    assert response.status_code == 200
    assert len(response.context["query"]) == 200
    assert "har kortats till 200 tecken" in response.content.decode()


@pytest.mark.parametrize(
    "q",
    [
        '"Oslo',
        "Oslo & | ! ( ) :* <->",
        "-",
        '""',
        "or or or",
        "'; drop table x; --",
        "\\",
        "***",
        "Oslo 100 % %s %(words)s",
    ],
)
def test_queries_with_operators_and_quotes_give_an_answer(client, group, member, q):
    make_item(_minutes(group), heading="Osloresan", notes="Vi åker till Oslo")
    response = _search(client, member, q)
    assert response.status_code == 200
    assert "träff" in response.content.decode() or "Skriv ett" in response.content.decode()


def test_a_found_text_is_escaped_in_the_excerpt(client, group, member):
    make_item(_minutes(group), heading="Osloresan", notes="Oslo <script>alert(1)</script> & buss")
    content = _search(client, member, "Oslo").content.decode()
    assert "<mark>Oslo</mark>" in content
    assert "<script>alert" not in content
    assert "&amp; buss" in content


def test_a_quoted_phrase_and_a_minus_word_are_honoured(client, group, member):
    make_item(_minutes(group), heading="Resan", notes="familjehem i Oslo")
    make_item(_minutes(group), heading="Bussen", notes="familjehem och buss i Oslo")
    assert _titles(_search(client, member, '"familjehem i Oslo"')) == ["Resan"]
    assert _titles(_search(client, member, "Oslo -buss")) == ["Resan"]


# The query count


def test_search_page_makes_the_same_number_of_queries_for_one_and_many_results(
    client, group, member, django_assert_num_queries
):
    meeting = _minutes(group)
    make_item(meeting, heading="Oslo 1")
    client.force_login(member.user)
    # The user with the person, the memberships with their groups' years, the page of results
    # with the total (the session is in the cache).
    with django_assert_num_queries(3):
        client.get(SEARCH, {"q": "Oslo"})
    for number in range(2, 30):
        make_item(meeting, heading=f"Oslo {number}")
    with django_assert_num_queries(3):
        response = client.get(SEARCH, {"q": "Oslo"})
    assert len(response.context["page"]) == 20
    assert 'href="?q=Oslo&amp;sida=2"' in response.content.decode()
    response = client.get(SEARCH, {"q": "Oslo", "sida": 2})
    assert len(response.context["page"]) == 9


# PostgreSQL: Swedish stemming, ranking, highlighting


@pytest.mark.postgres
@pytest.mark.parametrize(
    "written, searched",
    [
        ("Vi planerar ett studiebesök i Oslo.", "studiebesöket"),
        ("Studiebesöket i Oslo blev bra.", "studiebesök"),
        ("En förälder berättade om mötet.", "föräldrarna"),
        ("Föräldrarna var med.", "förälder"),
        ("Besluten fattades i juni.", "beslut"),
    ],
)
def test_swedish_inflections_find_each_other(group, written, searched):
    make_item(_minutes(group), heading="Punkt", notes=written)
    found = run_search(SearchEntry.objects.filter(group=group), searched)
    assert [e.body for e in found] == [written]


@pytest.mark.postgres
def test_a_decision_matching_twice_ranks_above_a_passing_mention(group):
    meeting = _minutes(group)
    make_item(meeting, heading="Övrigt", notes="Någon nämnde Oslo i förbigående.")
    make_item(
        meeting,
        heading="Resan",
        decision="Gruppen beslutar att göra studiebesöket i Oslo. Oslo bokas i maj.",
    )
    found = list(run_search(SearchEntry.objects.filter(group=group), "Oslo"))
    assert [e.title for e in found] == ["Resan", "Övrigt"]
    assert found[0].rank > found[1].rank


@pytest.mark.postgres
def test_a_common_word_ranks_the_newest_matches_and_says_there_are_more(
    client, group, other_group, member, monkeypatch
):
    # The page ranks the newest 200 matches (CANDIDATES) and shows 20 a page; here 2 and 2.
    monkeypatch.setattr(search, "CANDIDATES", 2)
    monkeypatch.setattr(search, "PER_PAGE", 2)
    Membership.objects.create(group=other_group, person=member)
    now = timezone.now()
    for days, heading, where in [
        (40, "Oslo i titeln, äldst", group),
        (30, "Punkt tre", group),
        (20, "Punkt två", other_group),
        (10, "Oslo i titeln, nyast", other_group),
    ]:
        meeting = _minutes(where, starts_at=now - timedelta(days=days))
        make_item(meeting, heading=heading, notes="Vi pratade om Oslo.")
    response = _search(client, member, "Oslo")
    # The newest of the two groups, the best first: a match in the title ranks above one in
    # the notes alone.
    assert _titles(response) == ["Oslo i titeln, nyast", "Punkt två"]
    assert "Fler än 2 träffar på ”Oslo”" in response.content.decode()
    assert _titles(_search(client, member, "Oslo", sida=2)) == _titles(response)
    # Fewer matches than that are all ranked and counted.
    response = _search(client, member, "Oslo", grupp=group.slug)
    assert _titles(response) == ["Oslo i titeln, äldst", "Punkt tre"]
    assert "2 träffar på ”Oslo”" in response.content.decode()


@pytest.mark.postgres
def test_a_page_past_the_last_of_the_newest_matches_is_the_last_page(
    client, group, member, monkeypatch
):
    monkeypatch.setattr(search, "CANDIDATES", 10)
    monkeypatch.setattr(search, "PER_PAGE", 2)
    meeting = _minutes(group)
    for number in range(1, 4):
        make_item(meeting, heading=f"Oslo {number}")
    response = _search(client, member, "Oslo", sida=4)
    assert response.context["page"].number == 2
    assert len(response.context["page"]) == 1
    assert "3 träffar på ”Oslo”" in response.content.decode()
    assert _search(client, member, "Oslo", sida=2).context["page"].object_list == list(
        response.context["page"]
    )


@pytest.mark.postgres
def test_the_matching_passage_is_highlighted(client, group, member):
    make_item(
        _minutes(group),
        heading="Resan",
        notes="Vi pratade länge om vädret. Föräldrarna vill åka tåg & buss till Oslo.",
    )
    content = _search(client, member, "förälder").content.decode()
    assert "<mark>Föräldrarna</mark> vill åka tåg &amp; buss" in content


@pytest.mark.postgres
def test_the_stored_vector_is_filled_on_save(group):
    item = make_item(_minutes(group), heading="Osloresan")
    assert SearchEntry.objects.get(source=f"item:{item.pk}").search_vector


# SQLite: the fallback (run on any database through the same code path on SQLite)


def test_sqlite_fallback_excerpt_marks_the_match_and_escapes_first():
    from overview.search import _excerpt

    html = _excerpt("Vi pratade om <b>föräldrarna</b> och resan.", "förälder")
    assert "&lt;b&gt;<mark>föräld</mark>rarna&lt;/b&gt;" in html


def test_sqlite_fallback_filter_finds_inflections(group):
    from overview.search import _sqlite_filter

    make_item(_minutes(group), heading="Punkt", notes="Studiebesöket i Oslo.")
    make_item(_minutes(group), heading="Annan", notes="Om föräldrarna.")
    entries = SearchEntry.objects.filter(group=group)
    assert [e.title for e in _sqlite_filter(entries, "studiebesök")] == ["Punkt"]
    assert [e.title for e in _sqlite_filter(entries, "föräldrar")] == ["Annan"]
    assert [e.title for e in _sqlite_filter(entries, "Oslo -studiebesöket")] == []


# The public search


def _publish(meeting, facilitator):
    meeting.approve(by=facilitator.user)
    gate.publish_minutes(meeting, by=facilitator.user)


def test_public_search_finds_only_published_minutes_of_public_groups(
    client, group, other_group, facilitator
):
    group.is_public = True
    group.save()
    other_group.is_public = False
    other_group.save()
    published = make_meeting(group)
    make_item(
        published,
        heading="Om resan till Oslo",
        notes="Oslo är fint. [intern]Hemlig Oslo-plan[/intern]",
        internal_notes="Internt om Oslo",
    )
    _publish(published, facilitator)
    make_item(make_meeting(group), heading="Utkast om Oslo")
    unpublished = make_meeting(group)
    make_item(unpublished, heading="Avpublicerad punkt om Oslo")
    _publish(unpublished, facilitator)
    unpublished.unpublish(by=facilitator.user)
    closed = make_meeting(other_group)
    make_item(closed, heading="Stängd grupp om Oslo")
    _publish(closed, make_member(other_group, "Olle", role="facilitator"))
    make_task(group, title="Uppgift Oslo")
    make_visit(group, destination="Oslo", contact_name="Ingrid")

    response = client.get(PUBLIC_SEARCH, {"q": "Oslo"})
    assert _titles(response) == ["Om resan till Oslo"]
    content = response.content.decode()
    assert "Hemlig" not in content and "Internt" not in content and "Utkast" not in content
    assert _titles(client.get(PUBLIC_SEARCH, {"q": "Hemlig"})) == []
    assert _titles(client.get(PUBLIC_SEARCH, {"q": "Internt"})) == []
    assert {e.source for e in published_entries()} == {
        f"public-meeting:{published.pk}",
        f"public-item:{published.pk}:1",
    }
    assert f'href="/oppet/{group.slug}/{published.public_slug}/"' in content


def test_unpublishing_removes_the_minutes_from_the_public_search(client, group, facilitator):
    group.is_public = True
    group.save()
    meeting = make_meeting(group)
    make_item(meeting, heading="Osloresan")
    _publish(meeting, facilitator)
    assert _titles(client.get(PUBLIC_SEARCH, {"q": "Osloresan"})) == ["Osloresan"]
    meeting.unpublish(by=facilitator.user)
    assert _titles(client.get(PUBLIC_SEARCH, {"q": "Osloresan"})) == []
    assert not published_entries().exists()


def test_public_search_page_makes_the_same_number_of_queries_for_one_and_many_results(
    client, group, facilitator, django_assert_num_queries
):
    group.is_public = True
    group.save()
    meeting = make_meeting(group)
    make_item(meeting, heading="Oslo 1")
    _publish(meeting, facilitator)
    # The public groups, the years, the page of results with the total.
    with django_assert_num_queries(3):
        client.get(PUBLIC_SEARCH, {"q": "Oslo"})
    other = make_meeting(group, starts_at=timezone.now() - timedelta(days=30))
    for number in range(2, 30):
        make_item(other, heading=f"Oslo {number}")
    _publish(other, facilitator)
    with django_assert_num_queries(3):
        response = client.get(PUBLIC_SEARCH, {"q": "Oslo"})
    assert len(response.context["page"]) == 20


def test_the_public_search_is_not_bounded_and_every_page_of_it_can_be_reached(
    client, group, facilitator, monkeypatch
):
    # Only the staff search on PostgreSQL ranks the newest CANDIDATES matches (_newest); the
    # public search ranks and pages through all of them.
    monkeypatch.setattr(search, "CANDIDATES", 2)
    monkeypatch.setattr(search, "PER_PAGE", 2)
    group.is_public = True
    group.save()
    meeting = make_meeting(group)
    for number in range(1, 6):
        make_item(meeting, heading=f"Oslo {number}")
    _publish(meeting, facilitator)
    pages = [client.get(PUBLIC_SEARCH, {"q": "Oslo", "sida": n}) for n in (1, 2, 3)]
    assert all(page.status_code == 200 for page in pages)
    assert sorted(title for page in pages for title in _titles(page)) == [
        f"Oslo {number}" for number in range(1, 6)
    ]
    assert "Fler än" not in pages[0].content.decode()
    assert "5 träffar" in pages[0].content.decode()


# What a member may read


def test_a_member_does_not_find_draft_minutes_but_the_facilitator_does(
    client, group, facilitator, member
):
    make_item(make_meeting(group, status="draft"), heading="Osloresan", notes="Utkast om Oslo")
    assert _titles(_search(client, member, "Oslo")) == []
    assert _titles(_search(client, facilitator, "Oslo")) == ["Osloresan"]


def test_the_adjuster_finds_the_draft_they_must_approve(client, group, member):
    make_item(make_meeting(group, status="draft", adjuster=member), heading="Osloresan")
    assert _titles(_search(client, member, "Osloresan")) == ["Osloresan"]


def test_a_member_finds_approved_minutes_and_the_visit_contact(client, group, member):
    make_item(make_meeting(group, status="approved"), heading="Osloresan")
    make_visit(group, destination="Bergen", contact_name="Ingrid", contact_role="enhetschef")
    assert _titles(_search(client, member, "Osloresan")) == ["Osloresan"]
    assert _titles(_search(client, member, "enhetschef")) == ["Bergen"]


def test_search_box_is_in_the_menu_of_a_logged_in_person(client, member):
    client.force_login(member.user)
    content = client.get(reverse("groupwork:home")).content.decode()
    assert 'for="nav-search-q"' in content
    assert f'action="{SEARCH}"' in content


def test_member_of_two_groups_can_pick_one(client, group, other_group, member):
    from groupwork.models import Membership

    Membership.objects.create(group=other_group, person=member)
    make_item(_minutes(group), heading="Oslo här")
    make_item(_minutes(other_group), heading="Oslo där")
    assert sorted(_titles(_search(client, member, "Oslo"))) == ["Oslo där", "Oslo här"]
    assert _titles(_search(client, member, "Oslo", grupp=other_group.slug)) == ["Oslo där"]
