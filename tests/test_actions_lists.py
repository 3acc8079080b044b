"""The start page's own tasks and the group's task list: content, order, filters, query counts."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import ActionItem
from groupwork.models import Membership
from tests.factories import make_group, make_item, make_meeting, make_member, make_task, make_visit

pytestmark = pytest.mark.django_db


def days(n):
    return timezone.localdate() + timedelta(days=n)


@pytest.fixture
def barbro_in_two_groups(group, other_group, member):
    Membership.objects.create(group=other_group, person=member)
    return member


def test_my_tasks_lists_own_open_tasks_of_both_groups_overdue_first(
    client, group, other_group, barbro_in_two_groups, facilitator
):
    barbro = barbro_in_two_groups
    meeting = make_meeting(group, starts_at=timezone.now() - timedelta(days=7))
    item = make_item(meeting, heading="Osloresan")
    make_task(group, [barbro], "Boka bussen", due_date=days(5), meeting=meeting, agenda_item=item)
    make_task(other_group, [barbro], "Svara nätverket", due_date=days(-2))
    make_task(group, [barbro], "Läsa rapporten")
    make_task(group, [barbro, facilitator], "Ringa Malmö", due_date=days(1))
    make_task(group, [facilitator], "Annes egen uppgift", due_date=days(-5))
    make_task(group, [barbro], "Struken uppgift", status="dropped")
    long_done = make_task(group, [barbro], "Klar för länge sedan")
    long_done.complete(by=barbro.user)
    ActionItem.objects.filter(pk=long_done.pk).update(done_at=timezone.now() - timedelta(days=40))
    client.force_login(barbro.user)
    page = client.get(reverse("groupwork:home")).content.decode()
    section = page[page.index("Mina uppgifter"):]
    order = ["Svara nätverket", "Ringa Malmö", "Boka bussen", "Läsa rapporten"]
    positions = [section.index(title) for title in order]
    assert positions == sorted(positions)
    assert "Försenad" in section[: section.index("Ringa Malmö")]
    assert "Socialchefsnätverket" in section
    assert "Osloresan" in section and "från mötet" in section
    assert "Ansvariga: Anne, Barbro" in section
    for hidden in ("Annes egen uppgift", "Struken uppgift", "Klar för länge sedan"):
        assert hidden not in page


def test_my_tasks_do_not_include_a_group_the_person_has_left(client, group, other_group, barbro_in_two_groups):
    Membership.objects.filter(group=other_group, person=barbro_in_two_groups).update(
        active_to=days(-1)
    )
    make_task(other_group, [barbro_in_two_groups], "Svara nätverket")
    client.force_login(barbro_in_two_groups.user)
    assert "Svara nätverket" not in client.get(reverse("groupwork:home")).content.decode()


def test_a_task_done_this_week_stays_on_the_start_page_to_be_reopened(client, group, member):
    task = make_task(group, [member], "Maila Danmark")
    task.complete(by=member.user)
    client.force_login(member.user)
    page = client.get(reverse("groupwork:home")).content.decode()
    assert "Maila Danmark" in page and "Öppna igen" in page


def _tasks_with_many_owners(group, count, owners):
    for number in range(count):
        task = make_task(group, owners, f"Uppgift {number}", due_date=days(number - 2))
        task.progress_notes.create(author=owners[0], text="På gång")


@pytest.mark.parametrize("count", [1, 8])
def test_my_tasks_take_a_fixed_number_of_queries(
    rf, group, member, count, django_assert_num_queries
):
    owners = [member] + [make_member(group, f"Medlem{n}") for n in range(4)]
    meeting = make_meeting(group)
    for number in range(count):
        task = make_task(group, owners, f"Uppgift {number}", due_date=days(number - 2), meeting=meeting)
        task.progress_notes.create(author=member, text="På gång")
    request = rf.get("/")
    request.user = member.user
    # tasks with group, origin and latest progress note; owners
    with django_assert_num_queries(2):
        my_tasks = list(ActionItem.objects.for_start_page(member, [group]))
        html = render_to_string(
            "actions/_my_tasks.html", {"my_tasks": my_tasks, "person": member}, request=request
        )
    assert html.count('<li id="my-task-') == count


def test_the_start_page_shows_each_tasks_latest_note_and_the_one_just_added(
    client, group, member
):
    task = make_task(group, [member], "Boka bussen")
    task.progress_notes.create(author=member, text="Offert begärd")
    client.force_login(member.user)
    page = client.get(reverse("groupwork:home")).content.decode()
    assert "Offert begärd" in page

    row = client.post(
        reverse("actions:add_note", args=[group.slug, task.pk]),
        {"text": "Bussen är bokad", "row": "mine"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert row.lstrip().startswith(f'<li id="my-task-{task.pk}"')
    assert "Bussen är bokad" in row and "Offert begärd" not in row


def test_the_start_page_costs_the_same_for_one_task_and_many(client, group, member):
    owners = [member] + [make_member(group, f"Medlem{n}") for n in range(3)]
    client.force_login(member.user)
    make_task(group, owners, "Första")
    client.get(reverse("groupwork:home"))  # warm the session
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("groupwork:home"))
    for number in range(6):
        make_task(group, owners, f"Uppgift {number}", meeting=make_meeting(group))
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("groupwork:home")).content.decode()
    assert page.count('<li id="my-task-') == 7
    assert len(many) == len(one)


def test_a_row_of_tasks_reads_as_the_task_it_shows(group, facilitator, member):
    meeting = make_meeting(group)
    item = make_item(meeting, heading="Osloresan")
    visit = make_visit(group, "Oslo", host="Skolan")
    eva = make_member(group, "Eva", known_as="Familjehem")
    task = make_task(
        group, [member, eva, facilitator], "Boka bussen", due_date=days(-1),
        meeting=meeting, agenda_item=item, study_visit=visit,
    )
    [row] = ActionItem.objects.filter(pk=task.pk).rows()
    assert (row.pk, row.title, row.status) == (task.pk, task.title, "open")
    assert row.due_date == task.due_date
    assert row.owner_names == [str(owner) for owner in task.owners.all()]
    assert row.owner_names == ["Anne", "Barbro", "Eva, Familjehem"]
    assert row.is_overdue and task.is_overdue
    assert (row.group_slug, row.meeting_starts_at, row.agenda_item_heading) == (
        task.group_slug, task.meeting_starts_at, task.agenda_item_heading
    )
    assert row.study_visit == str(task.study_visit) == "Oslo, Skolan"
    assert row.get_status_display() == task.get_status_display()
    outsider = make_member(make_group("Annan grupp", slug="annan"), "Olle")
    for user in (member.user, facilitator.user, outsider.user):
        membership = Membership.objects.filter(person__user=user, group=group).first()
        assert row.can_be_changed_by(membership, user) == task.can_be_changed_by(membership, user)
    assert not row.can_be_changed_by(None, outsider.user)


def test_the_rows_owners_are_the_orms_in_persons_order(group, member):
    # actions.models._owners writes out the owners' query for many tasks at once: the same
    # people as the ORM gives, in Person's order (by first name, then known-as, then id).
    eva_b = make_member(group, "Eva", known_as="Bygdegården")
    eva_a = make_member(group, "Eva", known_as="Arbetsgruppen")
    eva, eva_again = make_member(group, "Eva"), make_member(group, "Eva")
    tasks = [
        make_task(group, [eva_b, member, eva_again, eva_a, eva], "Ett"),
        make_task(group, [eva_again, eva_b], "Två"),
        make_task(group, [], "Tre"),
    ]
    rows = {row.pk: row for row in ActionItem.objects.filter(group=group).rows()}
    for task in tasks:
        owners = list(task.owners.all())
        assert rows[task.pk].owner_names == [str(owner) for owner in owners]
        assert rows[task.pk].owner_ids == {owner.pk for owner in owners}
    assert rows[tasks[0].pk].owner_names == [
        "Barbro", "Eva", "Eva", "Eva, Arbetsgruppen", "Eva, Bygdegården"
    ]


# The group's task list


def test_group_list_shows_open_tasks_sorted_overdue_first(client, group, facilitator, member):
    make_task(group, [member], "Senare", due_date=days(20))
    make_task(group, [member], "Utan datum")
    make_task(group, [facilitator], "Försenad uppgift", due_date=days(-3))
    make_task(group, [member], "Redan klar", status="done")
    client.force_login(facilitator.user)
    page = client.get(reverse("actions:list", args=[group.slug])).content.decode()
    positions = [page.index(f">{t}</a>") for t in ("Försenad uppgift", "Senare", "Utan datum")]
    assert positions == sorted(positions)
    assert "Redan klar" not in page
    assert "3 uppgifter" in page


@pytest.mark.parametrize(
    "query, shown",
    [
        ({"due": "overdue"}, {"Försenad"}),
        ({"due": "week"}, {"Idag"}),
        ({"due": "later"}, {"Om en månad", "Från mötet"}),
        ({"due": "none"}, {"Utan datum"}),
        ({"status": "done"}, {"Klar"}),
        ({"status": "all"}, {"Försenad", "Idag", "Om en månad", "Utan datum", "Klar", "Från mötet"}),
        ({"owner": "anne"}, {"Försenad"}),
        ({"meeting": "meeting"}, {"Från mötet"}),
        ({"due": "nonsense"}, {"Försenad", "Idag", "Om en månad", "Utan datum", "Från mötet"}),
    ],
)
def test_group_list_filters(client, group, facilitator, member, query, shown):
    meeting = make_meeting(group)
    make_task(group, [facilitator], "Försenad", due_date=days(-1))
    make_task(group, [member], "Idag", due_date=days(0))
    make_task(group, [member], "Om en månad", due_date=days(30))
    make_task(group, [member], "Utan datum")
    make_task(group, [member], "Klar", status="done")
    make_task(group, [member], "Från mötet", meeting=meeting, due_date=days(8))
    values = {"anne": facilitator.pk, "meeting": meeting.pk}
    query = {key: values.get(value, value) for key, value in query.items()}
    client.force_login(facilitator.user)
    response = client.get(reverse("actions:list", args=[group.slug]), query)
    page = response.content.decode()
    titles = {"Försenad", "Idag", "Om en månad", "Utan datum", "Klar", "Från mötet"}
    listed = {title for title in titles if f">{title}</a>" in page}
    assert listed == shown


def test_the_meeting_filter_offers_the_last_twelve_months_and_each_year(
    client, group, facilitator, member
):
    recent = make_meeting(group, starts_at=timezone.now() - timedelta(days=30))
    old = make_meeting(group, starts_at=timezone.now() - timedelta(days=3 * 365))
    make_task(group, [member], "Från i höstas", meeting=recent)
    make_task(group, [member], "Från förr", meeting=old)
    old_year = timezone.localtime(old.starts_at).year
    client.force_login(facilitator.user)
    url = reverse("actions:list", args=[group.slug])

    def meeting_options(query):
        page = client.get(url, query).content.decode()
        options = re.search(r'<select name="meeting".*?</select>', page).group()
        return page, options

    page, options = meeting_options({})
    assert f'<option value="{recent.pk}">' in options
    assert f'<option value="{old.pk}">' not in options  # not every meeting of every year
    assert f'<option value="{old_year}">{old_year}</option>' in page

    page, options = meeting_options({"year": old_year})
    assert f'<option value="{old.pk}">' in options and f'value="{recent.pk}"' not in options
    assert ">Från förr</a>" in page and ">Från i höstas</a>" not in page

    page, options = meeting_options({"year": old_year, "meeting": old.pk})
    assert f'<option value="{old.pk}" selected>' in options
    assert ">Från förr</a>" in page and ">Från i höstas</a>" not in page

    # An address that names an older meeting (a bookmark) still filters by it.
    page, options = meeting_options({"meeting": old.pk})
    assert f'<option value="{old.pk}" selected>' in options
    assert ">Från förr</a>" in page and ">Från i höstas</a>" not in page


def test_the_years_come_from_every_meeting_when_none_of_the_last_year_has_tasks(
    client, group, facilitator, member
):
    old = make_meeting(group, starts_at=timezone.now() - timedelta(days=3 * 365))
    make_meeting(group, starts_at=timezone.now() - timedelta(days=30))  # without tasks
    make_task(group, [member], "Från förr", meeting=old)
    old_year = timezone.localtime(old.starts_at).year
    this_year = timezone.localtime(timezone.now() - timedelta(days=30)).year
    client.force_login(facilitator.user)
    url = reverse("actions:list", args=[group.slug])

    page = client.get(url).content.decode()
    years = re.search(r'<select name="year".*?</select>', page).group()
    assert f'<option value="{old_year}">' in years and f'<option value="{this_year}">' in years
    assert f'value="{old.pk}"' not in re.search(r'<select name="meeting".*?</select>', page).group()

    # A year without meetings is no choice: the last twelve months are offered, as without one.
    page = client.get(url, {"year": old_year - 5}).content.decode()
    assert 'aria-invalid="true" id="id_year"' in page
    assert f'value="{old.pk}"' not in re.search(r'<select name="meeting".*?</select>', page).group()
    assert ">Från förr</a>" in page


def test_bad_filter_values_are_ignored_and_good_ones_kept(client, group, facilitator, member):
    make_task(group, [facilitator], "Annes uppgift")
    make_task(group, [member], "Barbros uppgift")
    client.force_login(facilitator.user)
    url = reverse("actions:list", args=[group.slug])
    response = client.get(url, {"owner": member.pk, "meeting": "x", "due": "ja", "sida": "sista"})
    page = response.content.decode()
    assert response.status_code == 200
    assert ">Barbros uppgift</a>" in page and ">Annes uppgift</a>" not in page
    assert client.get(url, {"owner": "999999"}).status_code == 200
    # An id is read as a number, as the person's primary key would be.
    page = client.get(url, {"owner": f"00{member.pk}"}).content.decode()
    assert ">Barbros uppgift</a>" in page and ">Annes uppgift</a>" not in page


def test_group_list_is_paginated(client, group, facilitator):
    for number in range(30):
        make_task(group, [facilitator], f"Uppgift nummer {number}", due_date=days(number))
    client.force_login(facilitator.user)
    url = reverse("actions:list", args=[group.slug])
    first = client.get(url).content.decode()
    second = client.get(url, {"sida": 2}).content.decode()
    assert "Sida 1 av 2" in first and "Uppgift nummer 24<" in first
    assert "Uppgift nummer 25<" in second and "Uppgift nummer 0<" not in second
    past_the_end = client.get(url, {"sida": 9}).content.decode()
    assert "Sida 2 av 2" in past_the_end and "Uppgift nummer 29<" in past_the_end
    assert "30 uppgifter" in past_the_end


def test_member_sees_the_group_list_and_can_tick_off_only_own_tasks(
    client, group, facilitator, member
):
    own = make_task(group, [member], "Barbros uppgift")
    other = make_task(group, [facilitator], "Annes uppgift")
    client.force_login(member.user)
    page = client.get(reverse("actions:list", args=[group.slug])).content.decode()
    assert "Barbros uppgift" in page and "Annes uppgift" in page
    assert reverse("actions:complete", args=[group.slug, own.pk]) in page
    assert reverse("actions:complete", args=[group.slug, other.pk]) not in page
    assert "Ny uppgift" not in page


def test_ticking_off_in_the_list_returns_the_row(client, group, facilitator, member):
    task = make_task(group, [member], "Barbros uppgift")
    client.force_login(facilitator.user)
    response = client.post(
        reverse("actions:complete", args=[group.slug, task.pk]),
        {"row": "list"},
        HTTP_HX_REQUEST="true",
    )
    assert response.content.decode().lstrip().startswith(f'<tr id="task-row-{task.pk}"')


@pytest.mark.parametrize("count", [1, 12])
def test_group_list_takes_a_fixed_number_of_queries(
    client, group, facilitator, count, django_assert_num_queries
):
    owners = [facilitator] + [make_member(group, f"Medlem{n}") for n in range(5)]
    meeting = make_meeting(group)
    item = make_item(meeting)
    for number in range(count):
        make_task(group, owners, f"Uppgift {number}", meeting=meeting, agenda_item=item, due_date=days(number - 3))
    client.force_login(facilitator.user)
    url = reverse("actions:list", args=[group.slug])
    # user with person, membership, the owner filter, the meetings offered with the years,
    # the page's tasks with their total, owners
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.content.decode().count('id="task-row-') == count
