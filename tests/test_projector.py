"""The projector view (…/visa/): what the room sees, who may open it, and how it follows."""

from html import escape

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from tests.factories import make_item, make_meeting, make_member, make_task

pytestmark = pytest.mark.django_db

CANARY = "KANARIE-INTERN-7731"
FOLLOW = {"HTTP_X_FOLLOW": "1"}


def _url(name, meeting):
    return reverse(name, args=[meeting.group.slug, meeting.pk])


@pytest.fixture
def meeting(group):
    return make_meeting(group, status="draft")


@pytest.fixture
def anne(client, facilitator):
    client.force_login(facilitator.user)
    return client


def _screen(client, meeting):
    response = client.get(_url("meetings:projector_screen", meeting))
    assert response.status_code == 200
    return response.content.decode()


# --- planned minutes ---------------------------------------------------------------------


def test_planning_takes_the_planned_minutes_from_the_end_of_an_agenda_line(anne, group):
    anne.post(
        reverse("meetings:plan", args=[group.slug]),
        {
            "starts_at": "2030-03-12T10:30",
            "agenda": "Ekonomi (15 min)\n- Osloresan\nRapporten (5 minuter)\n(10 min)\n"
            "Budget (0 min)\nFika (ca 10 min)",
        },
    )
    meeting = Meeting.objects.get()
    assert [(item.heading, item.planned_minutes) for item in meeting.items.all()] == [
        ("Ekonomi", 15),
        ("Osloresan", None),
        ("Rapporten", 5),
        ("(10 min)", None),
        ("Budget (0 min)", None),
        ("Fika (ca 10 min)", None),
    ]


# --- who may open it ---------------------------------------------------------------------


def test_a_member_gets_403_for_the_projector_of_a_draft(client, meeting, member):
    client.force_login(member.user)
    assert client.get(_url("meetings:projector", meeting)).status_code == 403
    assert client.get(_url("meetings:projector_screen", meeting)).status_code == 403


def test_the_adjuster_may_open_the_projector_of_the_draft(client, meeting, member):
    meeting.adjuster = member
    meeting.save()
    make_item(meeting, "Osloresan")
    client.force_login(member.user)
    response = client.get(_url("meetings:projector", meeting))
    assert response.status_code == 200
    assert "Osloresan" in response.content.decode()


def test_an_outsider_gets_404_and_a_visitor_the_login_page(client, meeting, outsider):
    response = client.get(_url("meetings:projector", meeting))
    assert response.status_code == 302 and "/konto/login/" in response["Location"]
    client.force_login(outsider.user)
    assert client.get(_url("meetings:projector", meeting)).status_code == 404
    assert client.get(_url("meetings:projector_screen", meeting)).status_code == 404


def test_only_a_facilitator_chooses_what_the_screen_shows(client, meeting, member):
    item = make_item(meeting, "Osloresan")
    meeting.adjuster = member
    meeting.save()
    client.force_login(member.user)
    response = client.post(_url("meetings:projector_show", meeting), {"item": item.pk})
    assert response.status_code == 403
    assert Meeting.objects.get(pk=meeting.pk).current_item is None


def test_an_item_of_another_meeting_cannot_be_shown(anne, meeting, group):
    other = make_item(make_meeting(group), "Annat möte")
    response = anne.post(_url("meetings:projector_show", meeting), {"item": other.pk}, **FOLLOW)
    assert response.status_code == 404
    assert Meeting.objects.get(pk=meeting.pk).current_item is None


# --- what it shows ---------------------------------------------------------------------


def test_before_the_first_item_the_screen_shows_the_agenda_with_planned_minutes(
    anne, meeting
):
    make_item(meeting, "Ekonomi", planned_minutes=15)
    make_item(meeting, "Osloresan")
    page = anne.get(_url("meetings:projector", meeting)).content.decode()
    assert "<h1" in page and "Dagordning" in page
    assert "Ekonomi" in page and "(15 min)" in page and "Osloresan" in page
    day = timezone.localtime(meeting.starts_at)
    months = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
              "september", "oktober", "november", "december"]
    assert f"{day.day} {months[day.month - 1]} {day.year}, kl. {day:%H.%M}" in page
    assert 'src="/static/js/projector.js"' in page and "<noscript>" in page


def test_the_screen_shows_the_current_item_its_decision_tasks_and_the_decisions_so_far(
    anne, meeting, group, facilitator
):
    eva = make_member(group, "Eva")
    first = make_item(meeting, "Ekonomi", decision="att **budgeten** godkänns")
    current = make_item(
        meeting, "Osloresan", notes="Vi är välkomna till Oslo.", decision="att Eva bokar",
        planned_minutes=20,
    )
    later = make_item(meeting, "Övrigt", notes="Ingenting än.")
    make_task(group, [eva], "Boka tåget", meeting=meeting, agenda_item=current)
    make_task(group, [facilitator], "Skicka budgeten", meeting=meeting, agenda_item=first)
    anne.post(_url("meetings:projector_show", meeting), {"item": current.pk}, **FOLLOW)
    screen = _screen(anne, meeting)
    assert "Punkt 2 av 3" in screen and ">Osloresan</h1>" in screen
    assert "Vi är välkomna till Oslo." in screen and "att Eva bokar" in screen
    assert "Boka tåget" in screen and "Eva" in screen
    # So far: the first item's decision (as markdown) and task; an item without either is not.
    assert "Beslut och uppgifter hittills" in screen
    assert "<strong>budgeten</strong>" in screen and "Skicka budgeten" in screen
    assert "Ingenting än." not in screen and later.heading not in screen
    # The timer: its planned length and when the item became current, to count from.
    since = Meeting.objects.get(pk=meeting.pk).current_item_since
    assert 'data-planned="1200"' in screen and f'data-since="{since.timestamp()}"' in screen
    assert "Planerad tid 20 min, från kl. " + timezone.localtime(since).strftime("%H.%M") in screen


def test_without_planned_minutes_there_is_no_timer(anne, meeting):
    item = make_item(meeting, "Osloresan")
    meeting.show_item(item)
    assert "data-timer" not in _screen(anne, meeting)


def test_the_read_back_lists_every_decision_and_task_in_agenda_order(
    anne, meeting, group, facilitator
):
    second = make_item(meeting, "Osloresan", position=2, decision="att resan blir av")
    first = make_item(meeting, "Ekonomi", position=1, decision="att budgeten godkänns")
    make_item(meeting, "Övrigt", position=3, notes="Bara prat.")
    make_task(group, [facilitator], "Boka tåget", meeting=meeting, agenda_item=second)
    make_task(group, [facilitator], "Ring kommunen", meeting=meeting)
    meeting.show_item(first)
    response = anne.post(_url("meetings:projector_show", meeting), {"read_back": "1"}, **FOLLOW)
    assert response.json() == {
        "message": "Skärmen visar: alla beslut och uppgifter, för uppläsning"
    }
    screen = _screen(anne, meeting)
    assert ">Beslut och uppgifter</h1>" in screen
    order = ["1. Ekonomi", "att budgeten godkänns", "2. Osloresan", "att resan blir av",
             "Boka tåget", "Övriga uppgifter", "Ring kommunen"]
    positions = [screen.index(text) for text in order]
    assert positions == sorted(positions)
    assert "Övrigt" not in screen.replace("Övriga uppgifter", "")


def test_internal_notes_and_passages_are_never_on_the_projector(anne, meeting, group, facilitator):
    items = [
        make_item(meeting, f"Punkt {n}", notes=f"Anteckning [intern]{CANARY} i texten[/intern]",
                  decision=f"Beslut [intern]{CANARY} i beslutet[/intern]",
                  internal_notes=f"{CANARY} {n}")
        for n in range(3)
    ]
    make_task(group, [facilitator], "Uppgift", meeting=meeting, agenda_item=items[1])
    pages = [anne.get(_url("meetings:projector", meeting)).content.decode()]
    for item in items:
        anne.post(_url("meetings:projector_show", meeting), {"item": item.pk}, **FOLLOW)
        pages.append(anne.get(_url("meetings:projector", meeting)).content.decode())
        pages.append(_screen(anne, meeting))
    anne.post(_url("meetings:projector_show", meeting), {"read_back": "1"}, **FOLLOW)
    pages += [anne.get(_url("meetings:projector", meeting)).content.decode(), _screen(anne, meeting)]
    assert all("Anteckning" in page or "Beslut" in page for page in pages[1:])
    assert not [page for page in pages if CANARY in page]


# --- following the editor -----------------------------------------------------------------


def test_the_timer_starts_when_an_item_becomes_current_and_not_again_for_the_same_item(
    anne, meeting
):
    first, second = make_item(meeting, "Ekonomi"), make_item(meeting, "Osloresan")
    url = _url("meetings:projector_show", meeting)
    anne.post(url, {"item": first.pk}, **FOLLOW)
    started = Meeting.objects.get(pk=meeting.pk).current_item_since
    anne.post(url, {"item": first.pk}, **FOLLOW)
    assert Meeting.objects.get(pk=meeting.pk).current_item_since == started
    response = anne.post(url, {"item": second.pk}, **FOLLOW)
    assert response.json() == {"message": "Skärmen visar: Osloresan"}
    meeting.refresh_from_db()
    assert meeting.current_item == second and meeting.current_item_since > started
    assert not meeting.reading_back


def test_choosing_what_the_screen_shows_is_no_edit_of_the_minutes(anne, meeting):
    item = make_item(meeting, "Ekonomi")
    records = meeting.history.count()
    anne.post(_url("meetings:projector_show", meeting), {"item": item.pk}, **FOLLOW)
    anne.post(_url("meetings:projector_show", meeting), {"read_back": "1"}, **FOLLOW)
    meeting.refresh_from_db()
    assert meeting.version == 1 and meeting.history.count() == records
    # An edit of the meeting afterwards keeps what the screen shows.
    assert meeting.save_edit(1, {"location": "Kärnan"}) == 2
    meeting.refresh_from_db()
    assert meeting.current_item == item and meeting.reading_back


def test_without_javascript_the_show_button_comes_back_to_the_editor_and_says_so(
    anne, meeting
):
    item = make_item(meeting, "Osloresan")
    response = anne.post(_url("meetings:projector_show", meeting), {"item": item.pk}, follow=True)
    assert response.redirect_chain[-1][0] == _url("meetings:edit", meeting) + f"#punkt-{item.pk}"
    assert "Skärmen visar: Osloresan" in response.content.decode()


def test_the_editor_carries_what_follow_js_needs(anne, meeting):
    item = make_item(meeting, "Osloresan")
    page = anne.get(_url("meetings:edit", meeting)).content.decode()
    show = _url("meetings:projector_show", meeting)
    assert f'data-meeting="{meeting.pk}" data-show-url="{show}"' in page
    assert f'data-item="{item.pk}"' in page and 'src="/static/js/follow.js"' in page
    assert f'href="{_url("meetings:projector", meeting)}"' in page
    assert "Visa den här punkten" in page and "Läs upp besluten" in page


def test_the_screen_answers_304_while_nothing_changed(anne, meeting):
    item = make_item(meeting, "Osloresan")
    url = _url("meetings:projector_screen", meeting)
    first = anne.get(url)
    again = anne.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert float(again["X-Server-Time"]) == pytest.approx(timezone.now().timestamp(), abs=60)
    meeting.show_item(item)
    changed = anne.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert ">Osloresan</h1>" in changed.content.decode()
    # The page is loaded with the same ETag that the screen answers with.
    page = anne.get(_url("meetings:projector", meeting)).content.decode()
    assert f'data-etag="{escape(changed["ETag"])}"' in page


@pytest.mark.parametrize("view", ["meetings:projector", "meetings:projector_screen"])
def test_the_projector_makes_the_same_number_of_queries_for_one_item_and_twelve(
    client, group, facilitator, view, django_assert_num_queries
):
    meeting = make_meeting(group, status="draft")

    def fill(count):
        for n in range(count):
            item = make_item(meeting, f"Punkt {n}", notes="Text", decision="Beslut",
                             planned_minutes=5)
            owners = [facilitator, make_member(group, f"Person{n}")]
            make_task(group, owners, f"Uppgift {n}", meeting=meeting, agenda_item=item)
        meeting.show_item(item)

    client.force_login(facilitator.user)
    url = _url(view, meeting)
    fill(1)
    client.get(url)  # the session
    # user with person, membership, meeting, items, tasks, their owners
    with django_assert_num_queries(6):
        one = client.get(url).content.decode()
    fill(11)
    with django_assert_num_queries(6):
        twelve = client.get(url).content.decode()
    assert one.count("Uppgift ") == 1 and twelve.count("Uppgift ") == 12
    meeting.show_read_back()
    with django_assert_num_queries(6):
        assert client.get(url).content.decode().count("Uppgift ") == 12
