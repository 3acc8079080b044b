from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import ActionItem, ProgressNote
from groupwork.models import Membership
from tests.factories import make_item, make_meeting, make_member, make_task, make_visit

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def today():
    return timezone.localdate()


def _create_url(group, **origin):
    query = "&".join(f"{key}={value}" for key, value in origin.items())
    return reverse("actions:create", args=[group.slug]) + (f"?{query}" if query else "")


# Creating


def test_facilitator_creates_a_task_on_its_own(client, group, facilitator, member):
    client.force_login(facilitator.user)
    response = client.post(
        _create_url(group),
        {"title": "Maila Danmark", "owners": [member.pk], "due_date": "2030-01-15"},
    )
    task = ActionItem.objects.get()
    assert response.status_code == 302
    assert response.url == task.get_absolute_url()
    assert (task.title, task.group, task.status) == ("Maila Danmark", group, "open")
    assert list(task.owners.all()) == [member]
    assert task.created_by == facilitator.user
    assert task.meeting is None and task.agenda_item is None and task.study_visit is None
    page = client.get(response.url).content.decode()
    assert "Maila Danmark" in page and "15 januari 2030" in page


def test_without_javascript_a_task_from_the_editor_returns_to_the_editor(
    client, group, facilitator, member
):
    item = make_item(make_meeting(group))
    editor = f"/grupper/{group.slug}/moten/{item.meeting.pk}/skriv/"
    client.force_login(facilitator.user)
    response = client.post(
        _create_url(group, agenda_item=item.pk),
        {"title": "Ring Nacka", "owners": [member.pk], "next": editor},
    )
    assert response.status_code == 302
    assert response.url == editor
    assert ActionItem.objects.get().agenda_item == item


def test_a_next_address_on_another_site_is_ignored(client, group, facilitator, member):
    client.force_login(facilitator.user)
    response = client.post(
        _create_url(group),
        {"title": "Ring Nacka", "owners": [member.pk], "next": "https://example.com/"},
    )
    assert response.url == ActionItem.objects.get().get_absolute_url()


def test_facilitator_creates_a_task_from_a_study_visit(client, group, facilitator, member):
    visit = make_visit(group, destination="Oslo")
    client.force_login(facilitator.user)
    form = client.get(_create_url(group, study_visit=visit.pk)).content.decode()
    assert "Till studiebesöket Oslo." in form
    response = client.post(
        _create_url(group, study_visit=visit.pk),
        {"title": "Boka bussen till Oslo", "owners": [member.pk]},
    )
    task = ActionItem.objects.get()
    assert task.study_visit == visit and task.meeting is None
    assert response.url == visit.get_absolute_url()


def test_the_new_task_form_suggests_the_next_meetings_date(client, group, facilitator):
    meeting = make_meeting(group)
    make_meeting(group, starts_at=timezone.now() + timedelta(days=10), status="planned")
    client.force_login(facilitator.user)
    response = client.get(_create_url(group, meeting=meeting.pk))
    suggested = (today() + timedelta(days=10)).isoformat()
    assert f'value="{suggested}"' in response.content.decode()


@pytest.mark.parametrize("origin", ["agenda_item", "meeting", "study_visit"])
def test_an_origin_of_another_group_gives_404(client, group, other_group, facilitator, origin):
    meeting = make_meeting(other_group)
    objects = {
        "agenda_item": make_item(meeting),
        "meeting": meeting,
        "study_visit": make_visit(other_group),
    }
    client.force_login(facilitator.user)
    assert client.get(_create_url(group, **{origin: objects[origin].pk})).status_code == 404
    assert client.get(_create_url(group, **{origin: "x1"})).status_code == 404


def test_an_owner_from_outside_the_group_is_refused_with_a_clear_message(
    client, group, facilitator, outsider
):
    client.force_login(facilitator.user)
    response = client.post(_create_url(group), {"title": "Ring Nacka", "owners": [outsider.pk]})
    assert response.status_code == 200
    assert "Välj ansvariga bland gruppens medlemmar." in response.content.decode()
    assert not ActionItem.objects.exists()


def test_a_former_member_cannot_be_made_owner(client, group, facilitator):
    former = make_member(group, "Linda")
    Membership.objects.filter(person=former).update(active_to=today() - timedelta(days=1))
    client.force_login(facilitator.user)
    response = client.post(_create_url(group), {"title": "Ring Nacka", "owners": [former.pk]})
    assert "Linda är inte aktiv medlem i gruppen och kan inte vara ansvarig." in (
        response.content.decode()
    )
    assert not ActionItem.objects.exists()


def test_a_task_needs_a_title_and_an_owner(client, group, facilitator):
    client.force_login(facilitator.user)
    page = client.post(_create_url(group), {"title": " "}).content.decode()
    assert "Skriv vad som ska göras." in page and "Välj minst en ansvarig." in page
    assert not ActionItem.objects.exists()


def test_a_due_date_in_the_past_is_allowed_and_shown_as_overdue(client, group, facilitator, member):
    client.force_login(facilitator.user)
    yesterday = today() - timedelta(days=1)
    response = client.post(
        _create_url(group),
        {"title": "Svara Malmö", "owners": [member.pk], "due_date": yesterday.isoformat()},
        follow=True,
    )
    task = ActionItem.objects.get()
    assert task.due_date == yesterday and task.is_overdue
    assert "Försenad" in response.content.decode()


def test_facilitator_changes_owners_and_due_date(client, group, facilitator, member):
    task = make_task(group, owners=[member], title="Ring Nacka")
    client.force_login(facilitator.user)
    response = client.post(
        reverse("actions:edit", args=[group.slug, task.pk]),
        {"title": "Ring Nacka och Malmö", "owners": [facilitator.pk], "due_date": "2030-02-01"},
    )
    task.refresh_from_db()
    assert response.status_code == 302
    assert task.title == "Ring Nacka och Malmö"
    assert list(task.owners.all()) == [facilitator]
    assert task.due_date.isoformat() == "2030-02-01"


def test_member_cannot_change_the_title_of_their_own_task(client, group, member):
    task = make_task(group, owners=[member], title="Ring Nacka")
    client.force_login(member.user)
    response = client.post(
        reverse("actions:edit", args=[group.slug, task.pk]),
        {"title": "Något annat", "owners": [member.pk]},
    )
    task.refresh_from_db()
    assert response.status_code == 403
    assert task.title == "Ring Nacka"


# Ticking off, reopening, notes


def test_member_ticks_off_own_task_with_a_note_without_reloading(client, group, member):
    task = make_task(group, owners=[member], title="Maila Danmark")
    client.force_login(member.user)
    response = client.post(
        reverse("actions:complete", args=[group.slug, task.pk]),
        {"row": "mine", "note": "Mailat, svar väntas"},
        **HTMX,
    )
    page = response.content.decode()
    task.refresh_from_db()
    assert response.status_code == 200
    assert page.lstrip().startswith(f'<li id="my-task-{task.pk}"')
    assert "Uppgiften är markerad som klar." in page and "Öppna igen" in page
    assert task.status == ActionItem.Status.DONE and task.done_at is not None
    note = ProgressNote.objects.get()
    assert (note.text, note.author, note.action_item) == ("Mailat, svar väntas", member, task)


def test_without_javascript_ticking_off_returns_to_the_page_with_a_message(client, group, member):
    task = make_task(group, owners=[member])
    client.force_login(member.user)
    response = client.post(
        reverse("actions:complete", args=[group.slug, task.pk]), {"next": "/"}, follow=True
    )
    assert response.redirect_chain == [("/", 302)]
    assert "Uppgiften är markerad som klar." in response.content.decode()
    task.refresh_from_db()
    assert task.status == "done"


def test_ticking_off_twice_from_two_tabs_keeps_the_first_and_says_so(client, group, member):
    task = make_task(group, owners=[member])
    url = reverse("actions:complete", args=[group.slug, task.pk])
    client.force_login(member.user)
    client.post(url, {"row": "mine"}, **HTMX)
    task.refresh_from_db()
    first_done_at = task.done_at
    response = client.post(url, {"row": "mine", "note": "Svar från Köpenhamn"}, **HTMX)
    task.refresh_from_db()
    assert response.status_code == 200
    assert "Uppgiften var redan markerad som klar. Din kommentar är sparad." in (
        response.content.decode()
    )
    assert task.done_at == first_done_at
    assert ProgressNote.objects.get().text == "Svar från Köpenhamn"


def test_member_reopens_own_task(client, group, member):
    task = make_task(group, owners=[member])
    task.complete(by=member.user)
    client.force_login(member.user)
    response = client.post(
        reverse("actions:reopen", args=[group.slug, task.pk]), {"row": "mine"}, **HTMX
    )
    task.refresh_from_db()
    assert "Uppgiften är öppen igen." in response.content.decode()
    assert task.status == "open" and task.done_at is None


def test_member_drops_own_task(client, group, member):
    task = make_task(group, owners=[member])
    client.force_login(member.user)
    client.post(reverse("actions:drop", args=[group.slug, task.pk]))
    task.refresh_from_db()
    assert task.status == "dropped"


def test_member_cannot_tick_off_someone_elses_task(client, group, facilitator, member):
    task = make_task(group, owners=[facilitator])
    client.force_login(member.user)
    response = client.post(reverse("actions:complete", args=[group.slug, task.pk]))
    task.refresh_from_db()
    assert response.status_code == 403
    assert task.status == "open"


def test_facilitator_ticks_off_any_task_of_the_group(client, group, facilitator, member):
    task = make_task(group, owners=[member])
    client.force_login(facilitator.user)
    client.post(reverse("actions:complete", args=[group.slug, task.pk]))
    task.refresh_from_db()
    assert task.status == "done"


def test_a_task_of_another_group_gives_404(client, group, other_group, facilitator):
    task = make_task(other_group, title="Hemlig")
    client.force_login(facilitator.user)
    for name in ("actions:detail", "actions:edit"):
        assert client.get(reverse(name, args=[group.slug, task.pk])).status_code == 404
    for name in ("actions:complete", "actions:reopen", "actions:drop", "actions:add_note"):
        assert client.post(reverse(name, args=[group.slug, task.pk])).status_code == 404
    assert client.get(reverse("actions:detail", args=[other_group.slug, task.pk])).status_code == 404
    task.refresh_from_db()
    assert task.status == "open"


def test_member_adds_a_progress_note_to_own_task(client, group, member):
    task = make_task(group, owners=[member])
    client.force_login(member.user)
    response = client.post(
        reverse("actions:add_note", args=[group.slug, task.pk]),
        {"text": "Har pratat med Nacka"},
        follow=True,
    )
    assert "Har pratat med Nacka" in response.content.decode()
    assert ProgressNote.objects.get().author == member


def test_an_empty_progress_note_is_refused(client, group, member):
    task = make_task(group, owners=[member])
    client.force_login(member.user)
    response = client.post(reverse("actions:add_note", args=[group.slug, task.pk]), {"text": ""})
    assert response.status_code == 200
    assert "Skriv en anteckning." in response.content.decode()
    assert not ProgressNote.objects.exists()


def test_member_reads_a_task_of_the_group_without_buttons(client, group, facilitator, member):
    task = make_task(group, owners=[facilitator], title="Anne frågar ordföranden")
    client.force_login(member.user)
    page = client.get(task.get_absolute_url()).content.decode()
    assert "Anne frågar ordföranden" in page
    assert "Markera som klar" not in page
    assert "Bara de ansvariga och samordnaren kan ändra uppgiften." in page


def test_the_history_shows_who_changed_what_and_when(client, group, facilitator, member):
    client.force_login(facilitator.user)
    client.post(_create_url(group), {"title": "Ring Nacka", "owners": [member.pk]})
    task = ActionItem.objects.get()
    client.force_login(member.user)
    client.post(reverse("actions:complete", args=[group.slug, task.pk]))
    page = client.get(task.get_absolute_url()).content.decode()
    history = page[page.index("Historik"):]
    assert "Skapade uppgiften." in history and "Ansvariga: Barbro." in history
    assert "Ändrade status till klar." in history
    assert history.index("Barbro</strong>") < history.index("Anne</strong>")  # newest first
    assert task.history.count() >= 2


# The model


def test_complete_reopen_and_drop_are_idempotent(group, member):
    task = make_task(group, owners=[member])
    assert task.complete(by=member.user) is True
    assert task.complete(by=member.user) is False
    assert task.reopen(by=member.user) is True
    assert task.reopen(by=member.user) is False
    assert task.drop(by=member.user) is True
    task.refresh_from_db()
    assert task.status == "dropped" and task.done_at is None
    assert task.history.first().history_user == member.user


def test_follow_up_lists_open_tasks_and_those_done_since_the_last_meeting(
    group, other_group, member, django_assert_num_queries
):
    now = timezone.now()
    make_meeting(group, starts_at=now - timedelta(days=14))
    meeting = make_meeting(group, starts_at=now + timedelta(hours=1), status="planned")
    open_later = make_task(group, owners=[member], title="Öppen", due_date=today() + timedelta(days=5))
    open_overdue = make_task(group, owners=[member], title="Försenad", due_date=today() - timedelta(days=2))
    done_recently = make_task(group, owners=[member], title="Klar nyss")
    done_recently.complete(by=member.user)
    done_long_ago = make_task(group, owners=[member], title="Klar för länge sedan")
    done_long_ago.complete(by=member.user)
    ActionItem.objects.filter(pk=done_long_ago.pk).update(done_at=now - timedelta(days=30))
    make_task(group, owners=[member], title="Struken", status="dropped")
    make_task(group, owners=[member], title="Från detta möte", meeting=meeting)
    make_task(other_group, title="Annan grupp")
    with django_assert_num_queries(2):
        follow_up = list(ActionItem.objects.follow_up_for(meeting).prefetch_related("owners"))
        [list(task.owners.all()) for task in follow_up]
    assert follow_up == [open_overdue, open_later, done_recently]


def test_follow_up_rows_are_the_first_of_the_follow_up_with_how_many_there_are(
    group, member, django_assert_num_queries
):
    meeting = make_meeting(group, starts_at=timezone.now() + timedelta(hours=1), status="planned")
    later = make_task(group, owners=[member], title="Senare", due_date=today() + timedelta(days=5))
    overdue = make_task(group, owners=[member], title="Försenad", due_date=today() - timedelta(days=2))
    make_task(group, owners=[member], title="Utan datum")
    with django_assert_num_queries(2):  # the rows with their total; the owners
        rows = list(group.action_items.follow_up_rows(meeting, 2))
    assert [row.pk for row in rows] == [overdue.pk, later.pk]
    assert [row.follow_up_total for row in rows] == [3, 3]
    assert rows[0].owner_names == ["Barbro"]


@pytest.mark.parametrize("first_meeting", [False, True])
def test_follow_up_rows_choose_and_count_the_tasks_as_follow_up_for(
    group, other_group, member, first_meeting
):
    """follow_up_rows() writes follow_up_for()'s rule out in SQL: the same tasks, in the same
    order, and the same total."""
    now = timezone.now()
    if not first_meeting:
        make_meeting(group, starts_at=now - timedelta(days=14))
        # A cancelled meeting in between does not count as the previous one.
        make_meeting(group, starts_at=now - timedelta(days=3), status="cancelled")
    meeting = make_meeting(group, starts_at=now + timedelta(hours=1), status="planned")
    make_meeting(group, starts_at=now + timedelta(days=14), status="planned")
    for n, due in enumerate([None, -3, 5, None, 0, 5, -3]):
        due_date = None if due is None else today() + timedelta(days=due)
        make_task(group, owners=[member], title=f"Öppen {n}", due_date=due_date)
    for days_ago in (1, 5, 10, 30):
        task = make_task(group, owners=[member], title=f"Klar för {days_ago} dagar sedan")
        task.complete(by=member.user)
        ActionItem.objects.filter(pk=task.pk).update(done_at=now - timedelta(days=days_ago))
    make_task(group, owners=[member], title="Struken", status="dropped")
    make_task(group, owners=[member], title="Från detta möte", meeting=meeting)
    make_task(other_group, title="Annan grupp")
    expected = [task.pk for task in ActionItem.objects.follow_up_for(meeting)]
    assert len(expected) == (7 if first_meeting else 10)
    for limit in (1, 4, len(expected), 30):
        rows = list(group.action_items.follow_up_rows(meeting, limit))
        assert [row.pk for row in rows] == expected[:limit]
        assert {row.follow_up_total for row in rows} == {len(expected)}


def test_follow_up_of_a_groups_first_meeting_lists_the_open_tasks(group, member):
    meeting = make_meeting(group, starts_at=timezone.now() + timedelta(days=1), status="planned")
    task = make_task(group, owners=[member])
    assert list(ActionItem.objects.follow_up_for(meeting)) == [task]


def test_follow_up_fragment_lets_the_owner_mark_a_task_done(client, group, member):
    meeting = make_meeting(group, starts_at=timezone.now() + timedelta(days=1), status="planned")
    task = make_task(group, owners=[member], title="Anne pratar med Nacka")
    client.force_login(member.user)
    response = client.post(
        reverse("actions:complete", args=[group.slug, task.pk]), {"row": "follow_up"}, **HTMX
    )
    page = response.content.decode()
    assert page.lstrip().startswith(f'<li id="follow-up-{task.pk}"')
    assert "Klar" in page
    assert list(ActionItem.objects.follow_up_for(meeting)) == [task]


def test_member_turns_off_the_task_digest_on_my_account(client, member):
    client.force_login(member.user)
    client.post(reverse("groupwork:profile"), {"first_name": "Barbro", "known_as": ""})
    member.refresh_from_db()
    assert member.task_digest is False


def test_a_nul_byte_in_the_comment_gets_a_message_and_leaves_the_task_open(client, group, member):
    task = make_task(group, owners=[member])
    client.force_login(member.user)
    url = reverse("actions:complete", args=[group.slug, task.pk])
    response = client.post(url, {"row": "mine", "note": "Mailat\x00"}, **HTMX)
    assert "Null-tecken är inte tillåtna." in response.content.decode()
    response = client.post(url, {"note": "x" * 2001}, follow=True)
    assert "som mest 2000 tecken" in response.content.decode()
    task.refresh_from_db()
    assert task.status == "open" and not ProgressNote.objects.exists()


@pytest.mark.parametrize("value", ["²", "9" * 5000, "-1"])
def test_a_malformed_origin_id_gives_404(client, group, facilitator, value):
    client.force_login(facilitator.user)
    assert client.get(_create_url(group, meeting=value)).status_code == 404
