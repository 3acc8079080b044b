from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_item, make_meeting, make_member, make_task, make_visit
from visits.models import Participant, StudyVisit

pytestmark = pytest.mark.django_db

SOON = date.today() + timedelta(days=30)


def _url(name, visit, **more):
    return reverse(f"visits:{name}", kwargs={"group_slug": visit.group.slug, "pk": visit.pk, **more})


def _page(response):
    return response.content.decode()


def test_the_life_of_a_visit_from_idea_to_report(client, group, facilitator, member):
    # Anne writes down the idea of a visit to Oslo.
    client.force_login(facilitator.user)
    response = client.post(
        reverse("visits:create", args=[group.slug]),
        {
            "destination": "Oslo",
            "host": "Barne- og familieetaten",
            "purpose": "Se hur Oslo arbetar med föräldrar.",
            "contact_name": "Ingrid",
            "contact_role": "rådgivare",
        },
    )
    visit = StudyVisit.objects.get(group=group, destination="Oslo")
    assert response.url == visit.get_absolute_url()
    assert visit.status == StudyVisit.Status.IDEA

    # The group starts planning it; the date is set when the hosts have answered.
    client.post(_url("move", visit), {"step": "start_planning"})
    client.post(
        _url("edit", visit),
        {"destination": "Oslo", "host": "Barne- og familieetaten", "starts_on": SOON,
         "travel_mode": "bus", "travel_details": "Buss från Rådhuset kl. 06.30.",
         "contact_name": "Ingrid", "contact_role": "rådgivare"},
    )
    visit.refresh_from_db()
    assert (visit.status, visit.starts_on, visit.travel_mode) == ("planning", SOON, "bus")

    # At a meeting the item "Osloresan" is linked to the visit, with the group's decision.
    item = make_item(make_meeting(group), heading="Osloresan", decision="Vi åker buss.")
    client.post(reverse("visits:link_item", args=[group.slug, item.pk]), {"visit": visit.pk})
    assert list(item.visits.all()) == [visit]

    # Anne invites Barbro and the chair of the social committee.
    client.post(_url("invite_members", visit), {"people": [member.pk]})
    client.post(
        _url("add_guest", visit), {"guest_name": "Maria", "guest_role": "ordförande i Socialnämnden"}
    )
    assert visit.participants.count() == 2

    # A task for the visit: book the bus.
    make_task(group, owners=[facilitator], title="Boka buss till Oslo", study_visit=visit)

    # Barbro confirms from her start page.
    client.force_login(member.user)
    home = _page(client.get(reverse("groupwork:home")))
    assert "Dina studiebesök" in home and "Oslo" in home
    barbro = visit.participants.get(person=member)
    client.post(_url("answer", visit, participant_pk=barbro.pk), {"status": "confirmed"})
    barbro.refresh_from_db()
    assert barbro.status == Participant.Status.CONFIRMED

    # The bus is booked, the visit takes place.
    client.force_login(facilitator.user)
    client.post(_url("move", visit), {"step": "book"})
    client.post(_url("move", visit), {"step": "mark_done"})
    visit.refresh_from_db()
    assert visit.status == StudyVisit.Status.DONE

    # Anne asks Barbro to write the report; Barbro writes it.
    client.post(_url("edit_participant", visit, participant_pk=barbro.pk), {"writes_report": "on"})
    client.force_login(member.user)
    client.post(
        _url("report", visit),
        {"report": "## Oslo\n\nFöräldrar får stöd från första dagen.", "version": 1},
    )
    visit.refresh_from_db()
    assert "från första dagen" in visit.report

    # Anne marks the report for publication.
    client.force_login(facilitator.user)
    client.post(_url("report_publish", visit), {"publish": "1"})
    visit.refresh_from_db()
    assert visit.report_publish is True

    # The visit page tells the whole story: meeting and decision, task, people, report.
    page = _page(client.get(visit.get_absolute_url()))
    for text in ("Osloresan", "Vi åker buss.", "Boka buss till Oslo", "Maria", "Barbro",
                 "Föräldrar får stöd från första dagen.", "Genomfört", "Ingrid"):
        assert text in page
    # On the group's visits page it is now a past visit with its report.
    visits_page = _page(client.get(reverse("visits:list", args=[group.slug])))
    past = visits_page.split("Tidigare studiebesök")[1]
    assert "Oslo" in past and "Föräldrar får stöd från första dagen." in past


def test_visits_page_lists_upcoming_first_then_past_with_reports(client, group, member):
    make_visit(group, "Stockholm", host="Stella", starts_on=date(2016, 5, 3), status="done",
               report="Politiker följde med.")
    make_visit(group, "Oslo", starts_on=SOON, status="booked")
    make_visit(group, "Bergen", status="idea")
    make_visit(group, "Malmö", starts_on=SOON, status="cancelled")
    client.force_login(member.user)
    page = _page(client.get(reverse("visits:list", args=[group.slug])))
    upcoming, past = page.split("Tidigare studiebesök")
    assert "Oslo" in upcoming and "Bergen" in upcoming
    assert upcoming.index("Oslo") < upcoming.index("Bergen")  # dated first, ideas after
    assert "Stella" in past and "Politiker följde med." in past
    assert "Malmö" in past and "Inställt" in past
    assert "Nytt studiebesök" not in page  # members read, facilitators edit


def test_group_page_links_to_the_visits(client, group, member):
    client.force_login(member.user)
    page = _page(client.get(reverse("groupwork:group", args=[group.slug])))
    assert reverse("visits:list", args=[group.slug]) in page


def test_host_contact_is_shown_to_the_group_only_as_internal(client, group, member):
    visit = make_visit(group, contact_name="Ingrid", contact_role="rådgivare")
    client.force_login(member.user)
    page = _page(client.get(visit.get_absolute_url()))
    assert "Ingrid, rådgivare" in page and "internt" in page


# Participants


def test_member_confirms_their_own_visit_from_the_start_page(client, group, member):
    visit = make_visit(group, starts_on=SOON, status="booked")
    barbro = Participant.objects.create(visit=visit, person=member)
    client.force_login(member.user)
    home = _page(client.get(reverse("groupwork:home")))
    assert "Du är inbjuden och har inte svarat än." in home
    response = client.post(
        _url("answer", visit, participant_pk=barbro.pk), {"status": "confirmed", "next": "/"}
    )
    assert response.url == "/"
    barbro.refresh_from_db()
    assert barbro.status == Participant.Status.CONFIRMED
    assert "Du har svarat att du kommer." in _page(client.get("/"))


def test_member_declines_with_htmx_and_gets_only_the_answer_back(client, group, member):
    visit = make_visit(group, starts_on=SOON, status="booked")
    barbro = Participant.objects.create(visit=visit, person=member)
    client.force_login(member.user)
    response = client.post(
        _url("answer", visit, participant_pk=barbro.pk),
        {"status": "declined", "next": "/"},
        headers={"HX-Request": "true"},
    )
    page = _page(response)
    assert f'id="participation-{barbro.pk}"' in page
    assert "Du har svarat att du inte kommer." in page
    assert "<html" not in page
    barbro.refresh_from_db()
    assert barbro.status == Participant.Status.DECLINED


def test_member_cannot_answer_for_someone_else(client, group, member):
    eva = make_member(group, "Eva")
    visit = make_visit(group, starts_on=SOON)
    evas = Participant.objects.create(visit=visit, person=eva)
    client.force_login(member.user)
    response = client.post(_url("answer", visit, participant_pk=evas.pk), {"status": "declined"})
    assert response.status_code == 403
    assert "Du kan bara svara för dig själv." in _page(response)
    evas.refresh_from_db()
    assert evas.status == Participant.Status.INVITED


def test_facilitator_cannot_answer_for_a_member(client, group, facilitator, member):
    visit = make_visit(group, starts_on=SOON)
    barbro = Participant.objects.create(visit=visit, person=member)
    client.force_login(facilitator.user)
    response = client.post(_url("answer", visit, participant_pk=barbro.pk), {"status": "declined"})
    assert response.status_code == 403
    barbro.refresh_from_db()
    assert barbro.status == Participant.Status.INVITED


def test_facilitator_answers_for_a_guest_and_a_member_cannot(client, group, facilitator, member):
    visit = make_visit(group, starts_on=SOON)
    maria = Participant.objects.create(
        visit=visit, guest_name="Maria", guest_role="ordförande i Socialnämnden"
    )
    client.force_login(member.user)
    response = client.post(_url("answer", visit, participant_pk=maria.pk), {"status": "confirmed"})
    assert response.status_code == 403
    assert "samordnaren som svarar för gästerna" in _page(response)
    client.force_login(facilitator.user)
    response = client.post(_url("answer", visit, participant_pk=maria.pk), {"status": "confirmed"})
    assert response.url == visit.get_absolute_url()
    maria.refresh_from_db()
    assert maria.status == Participant.Status.CONFIRMED


def test_answer_to_a_cancelled_visit_is_refused_with_a_message(client, group, member):
    visit = make_visit(group, starts_on=SOON, status="cancelled")
    barbro = Participant.objects.create(visit=visit, person=member)
    client.force_login(member.user)
    response = client.post(
        _url("answer", visit, participant_pk=barbro.pk), {"status": "confirmed"}, follow=True
    )
    assert "Studiebesöket är inställt; svaret kan inte ändras." in _page(response)
    barbro.refresh_from_db()
    assert barbro.status == Participant.Status.INVITED


def test_start_page_shows_upcoming_visits_of_my_groups_only(client, group, other_group, member):
    for destination, status, starts_on in [
        ("Oslo", "booked", SOON),
        ("Bergen", "idea", None),
        ("Malmö", "cancelled", SOON),
        ("Köpenhamn", "done", date(2026, 1, 10)),
        ("Göteborg", "booked", date.today() - timedelta(days=3)),
    ]:
        visit = make_visit(group, destination, status=status, starts_on=starts_on)
        Participant.objects.create(visit=visit, person=member)
    elsewhere = make_visit(other_group, "Nacka", starts_on=SOON)
    Participant.objects.create(visit=elsewhere, person=member)  # not a member there
    client.force_login(member.user)
    home = _page(client.get(reverse("groupwork:home")))
    assert "Oslo" in home and "Bergen" in home
    for absent in ("Malmö", "Köpenhamn", "Göteborg", "Nacka"):
        assert absent not in home


def test_start_page_asks_the_same_number_of_queries_for_one_or_many_visits(client, group, member):
    def count_queries():
        client.force_login(member.user)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("groupwork:home"))
        return len(queries)

    Participant.objects.create(visit=make_visit(group, starts_on=SOON), person=member)
    one = count_queries()
    for destination in ("Bergen", "Trondheim", "Stavanger"):
        Participant.objects.create(visit=make_visit(group, destination), person=member)
    assert count_queries() == one


def test_facilitator_invites_members_and_adds_a_guest(client, group, facilitator, member):
    eva = make_member(group, "Eva")
    visit = make_visit(group)
    client.force_login(facilitator.user)
    client.post(_url("invite_members", visit), {"people": [member.pk, eva.pk]})
    client.post(_url("add_guest", visit), {"guest_name": "Johanna", "guest_role": "Nacka kommun"})
    names = sorted(p.name for p in visit.participants.all())
    assert names == ["Barbro", "Eva", "Johanna"]
    page = _page(client.get(visit.get_absolute_url()))
    assert "Nacka kommun" in page and "Inbjuden" in page


def test_facilitator_sees_a_box_for_each_member_not_yet_invited_read_by_one_query(
    client, group, facilitator, member, django_assert_num_queries
):
    eva = make_member(group, "Eva")
    visit = make_visit(group, "Oslo", starts_on=SOON, status="booked")
    Participant.objects.create(visit=visit, person=member)
    client.force_login(facilitator.user)
    # user with person, membership, visit, participants, linked items, tasks, members to invite
    with django_assert_num_queries(7):
        page = _page(client.get(visit.get_absolute_url()))
    assert "Bjud in medlemmar" in page
    boxes = page.count('name="people"')
    assert boxes == 2 and f'value="{eva.pk}"' in page and f'value="{facilitator.pk}"' in page
    Participant.objects.create(visit=visit, person=eva)
    Participant.objects.create(visit=visit, person=facilitator)
    page = _page(client.get(visit.get_absolute_url()))
    assert "Bjud in medlemmar" not in page and "Lägg till en gäst" in page


def test_a_guest_without_a_name_is_refused_and_the_role_is_kept(client, group, facilitator):
    visit = make_visit(group)
    client.force_login(facilitator.user)
    response = client.post(
        _url("add_guest", visit), {"guest_name": " ", "guest_role": "ordförande i Socialnämnden"}
    )
    page = _page(response)
    assert response.status_code == 200
    assert "Skriv gästens förnamn." in page
    assert 'value="ordförande i Socialnämnden"' in page
    assert not visit.participants.exists()


def test_a_guest_with_a_surname_is_refused(client, group, facilitator):
    visit = make_visit(group)
    client.force_login(facilitator.user)
    response = client.post(_url("add_guest", visit), {"guest_name": "Maria Larsson"})
    assert "Skriv bara förnamnet. Efternamn sparas inte i Groupwork." in _page(response)
    assert not visit.participants.exists()


def test_facilitator_cannot_empty_a_guests_name(client, group, facilitator):
    visit = make_visit(group)
    maria = Participant.objects.create(visit=visit, guest_name="Maria", guest_role="ordförande")
    client.force_login(facilitator.user)
    response = client.post(
        _url("edit_participant", visit, participant_pk=maria.pk),
        {"guest_name": "", "guest_role": "ordförande i Socialnämnden", "status": "confirmed"},
    )
    assert "Skriv gästens förnamn." in _page(response)
    assert 'value="ordförande i Socialnämnden"' in _page(response)
    maria.refresh_from_db()
    assert (maria.guest_name, maria.status) == ("Maria", "invited")


def test_inviting_someone_outside_the_group_is_refused(client, group, facilitator, outsider):
    visit = make_visit(group)
    client.force_login(facilitator.user)
    response = client.post(_url("invite_members", visit), {"people": [outsider.pk]})
    assert "Personen finns inte i gruppen eller är redan inbjuden." in _page(response)
    assert not visit.participants.exists()


def test_facilitator_removes_a_participant(client, group, facilitator, member):
    visit = make_visit(group)
    barbro = Participant.objects.create(visit=visit, person=member)
    client.force_login(facilitator.user)
    client.post(_url("remove_participant", visit, participant_pk=barbro.pk))
    assert not visit.participants.exists()


# Status


def test_a_status_change_that_does_not_follow_the_life_of_a_visit_is_refused(
    client, group, facilitator
):
    visit = make_visit(group, status="done")
    client.force_login(facilitator.user)
    response = client.post(_url("move", visit), {"step": "book"}, follow=True)
    assert "Det går inte att ändra status så. Studiebesöket är genomfört." in _page(response)
    visit.refresh_from_db()
    assert visit.status == StudyVisit.Status.DONE


def test_a_cancelled_visit_keeps_its_history(group, facilitator):
    visit = make_visit(group, status="booked")
    visit.cancel(by=facilitator.user)
    assert visit.history.latest().status == "cancelled"
    assert visit.history.latest().history_user == facilitator.user


# Bad input


def test_end_before_start_is_refused_and_nothing_is_lost(client, group, facilitator):
    client.force_login(facilitator.user)
    response = client.post(
        reverse("visits:create", args=[group.slug]),
        {"destination": "Oslo", "purpose": "Lära oss av Oslo.", "starts_on": "2026-11-28",
         "ends_on": "2026-11-27"},
    )
    page = _page(response)
    assert "Sista dagen kan inte vara före första dagen." in page
    assert 'value="Oslo"' in page and "Lära oss av Oslo." in page
    assert not StudyVisit.objects.exists()


def test_an_end_without_a_start_is_refused(client, group, facilitator):
    client.force_login(facilitator.user)
    response = client.post(
        reverse("visits:create", args=[group.slug]), {"destination": "Oslo", "ends_on": "2026-11-27"}
    )
    assert "Fyll i första dagen när du anger en sista dag." in _page(response)


def test_another_groups_visit_gives_404(client, group, other_group, facilitator):
    theirs = make_visit(other_group, "Nacka")
    client.force_login(facilitator.user)
    url = reverse("visits:detail", args=[group.slug, theirs.pk])
    assert client.get(url).status_code == 404
    url = reverse("visits:edit", args=[group.slug, theirs.pk])
    assert client.post(url, {"destination": "Hackat"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.destination == "Nacka"


# Links between visits, meetings and tasks


def test_facilitator_links_a_visit_to_an_agenda_item_with_htmx(client, group, facilitator):
    visit = make_visit(group, "Oslo")
    item = make_item(make_meeting(group), heading="Osloresan")
    client.force_login(facilitator.user)
    response = client.post(
        reverse("visits:link_item", args=[group.slug, item.pk]),
        {"visit": visit.pk, "action": "link", "next": "/grupper/x/"},
        headers={"HX-Request": "true"},
    )
    page = _page(response)
    assert page.lstrip().startswith(f'<div id="item-{item.pk}-visits"')
    assert visit.get_absolute_url() in page
    assert list(visit.agenda_items.all()) == [item]


def test_linking_without_javascript_goes_back_to_a_safe_next(client, group, facilitator):
    visit = make_visit(group, "Oslo")
    item = make_item(make_meeting(group), heading="Osloresan")
    client.force_login(facilitator.user)
    url = reverse("visits:link_item", args=[group.slug, item.pk])
    editor = f"/grupper/{group.slug}/moten/{item.meeting.pk}/skriv/"
    assert client.post(url, {"visit": visit.pk, "next": editor}).url == editor
    response = client.post(
        url, {"visit": visit.pk, "action": "unlink", "next": "https://example.com/"}
    )
    assert response.url == item.get_absolute_url()
    assert not item.visits.exists()


def test_linking_another_groups_visit_is_refused_with_a_message(
    client, group, other_group, facilitator
):
    theirs = make_visit(other_group, "Nacka")
    item = make_item(make_meeting(group))
    client.force_login(facilitator.user)
    response = client.post(
        reverse("visits:link_item", args=[group.slug, item.pk]),
        {"visit": theirs.pk},
        headers={"HX-Request": "true"},
    )
    assert "Välj ett av gruppens studiebesök." in _page(response)
    assert not item.visits.exists()


def test_item_visits_fragment_offers_only_visits_not_yet_linked(rf, group, facilitator):
    from django.template.loader import render_to_string

    oslo, bergen = make_visit(group, "Oslo"), make_visit(group, "Bergen")
    item = make_item(make_meeting(group))
    item.visits.add(oslo)
    request = rf.get("/")
    html = render_to_string(
        "visits/_item_visits.html",
        {"item": item, "group": group, "group_visits": [oslo, bergen]},
        request=request,
    )
    assert f'<option value="{bergen.pk}">' in html
    assert f'<option value="{oslo.pk}">' not in html
    assert "Ta bort kopplingen" in html


def _linked_world(group, n):
    visit = make_visit(group, "Oslo", starts_on=SOON, status="booked")
    for i in range(n):
        meeting = make_meeting(group, starts_at=None, status="approved")
        item = make_item(meeting, heading=f"Osloresan {i}", decision=f"Beslut {i}")
        item.visits.add(visit)
        person = make_member(group, f"Person{i}")
        Participant.objects.create(visit=visit, person=person)
        Participant.objects.create(visit=visit, guest_name=f"Gäst{i}")
        make_task(group, owners=[person], title=f"Uppgift {i}", study_visit=visit)
    return visit


@pytest.mark.parametrize("n", [1, 4])
def test_visit_page_lists_meetings_decisions_tasks_and_people_in_fixed_queries(
    client, group, member, django_assert_num_queries, n
):
    visit = _linked_world(group, n)
    client.force_login(member.user)
    # user with person, membership, visit, participants, linked items, tasks, task owners
    with django_assert_num_queries(7):
        response = client.get(visit.get_absolute_url())
    page = _page(response)
    assert page.count("Beslut ") >= n and f"Uppgift {n - 1}" in page and f"Gäst{n - 1}" in page


def _visit_planned_at(group, status):
    visit = make_visit(group, "Oslo")
    item = make_item(
        make_meeting(group, status=status),
        heading="Osloresan",
        notes="Vi pratade om bussen.",
        decision="Vi åker buss den 6 maj.",
    )
    item.visits.add(visit)
    return visit


def test_member_does_not_see_the_decision_of_draft_minutes_on_the_visit_page(
    client, group, member
):
    visit = _visit_planned_at(group, "draft")
    client.force_login(member.user)
    page = _page(client.get(visit.get_absolute_url()))
    assert "Osloresan" in page
    assert "Vi åker buss den 6 maj." not in page
    assert "Beslutet visas när anteckningarna är justerade." in page


def test_facilitator_sees_the_decision_of_draft_minutes_on_the_visit_page(
    client, group, facilitator
):
    visit = _visit_planned_at(group, "draft")
    client.force_login(facilitator.user)
    page = _page(client.get(visit.get_absolute_url()))
    assert "Vi åker buss den 6 maj." in page


def test_member_sees_the_decision_of_approved_minutes_on_the_visit_page(client, group, member):
    visit = _visit_planned_at(group, "approved")
    client.force_login(member.user)
    page = _page(client.get(visit.get_absolute_url()))
    assert "Vi åker buss den 6 maj." in page
    assert "Beslutet visas när anteckningarna är justerade." not in page


def test_visit_and_meeting_and_task_are_linked_both_ways(client, group, facilitator):
    visit = make_visit(group, "Oslo")
    item = make_item(make_meeting(group), heading="Osloresan")
    item.visits.add(visit)
    task = make_task(group, owners=[facilitator], title="Boka buss", study_visit=visit)
    assert list(visit.agenda_items.all()) == [item]
    assert list(item.visits.all()) == [visit]
    assert list(visit.action_items.all()) == [task]
    client.force_login(facilitator.user)
    page = _page(client.get(visit.get_absolute_url()))
    assert reverse("meetings:detail", args=[group.slug, item.meeting.pk]) in page
    assert "Boka buss" in page and "Anne" in page


def test_visit_page_lists_each_tasks_owners_in_name_order_its_due_date_and_status(
    client, group, facilitator, member
):
    visit = make_visit(group)
    make_task(
        group,
        owners=[member, facilitator],
        title="Boka buss",
        study_visit=visit,
        due_date=date(2030, 5, 6),
    )
    make_task(group, title="Skriv frågorna", study_visit=visit, status="done")
    client.force_login(member.user)
    page = " ".join(_page(client.get(visit.get_absolute_url())).split())
    assert "Boka buss</a> <span class=\"muted\">– Anne, Barbro, senast 6 maj 2030</span>" in page
    assert "Skriv frågorna</a> <span class=\"muted\">– ingen ansvarig</span>" in page
    assert '<span class="badge">öppen</span>' in page and '<span class="badge">klar</span>' in page
    assert page.index("Boka buss") < page.index("Skriv frågorna")


def test_visit_page_never_carries_the_notes_of_a_linked_item(client, group, facilitator):
    visit = _visit_planned_at(group, "approved")
    client.force_login(facilitator.user)
    page = _page(client.get(visit.get_absolute_url()))
    assert "Vi åker buss den 6 maj." in page and "Vi pratade om bussen." not in page


def test_visit_page_offers_a_new_task_for_the_visit_when_tasks_exist(client, group, facilitator):
    visit = make_visit(group)
    client.force_login(facilitator.user)
    page = _page(client.get(visit.get_absolute_url()))
    create = reverse("actions:create", args=[group.slug])
    assert f"{create}?study_visit={visit.pk}" in page and "Ny uppgift för besöket" in page


# Demo


def test_demo_data_has_four_visits_and_an_invitation_for_barbro(client):
    from django.core.management import call_command

    call_command("demo_data", stdout=open("/dev/null", "w"))
    visits = {v.destination: v for v in StudyVisit.objects.all()}
    assert visits["Köpenhamn"].status == "done" and "Evas anteckningar" in visits["Köpenhamn"].report
    assert visits["Stockholm"].host == "Stella"
    oslo = visits["Oslo"]
    assert oslo.status == "done" and oslo.travel_mode == "bus" and not oslo.is_upcoming
    answers = {p.name: p.status for p in oslo.participants.all()}
    assert answers["Cecilia"] == "declined"
    assert answers["Carina"] == answers["Annika"] == answers["Barbro"] == "confirmed"
    assert oslo.participants.filter(guest_role="ordförande i Socialnämnden").exists()
    malmo = visits["Malmö"]
    assert malmo.status == "planning" and malmo.is_upcoming
    barbro = malmo.participants.get(person__first_name="Barbro")
    assert barbro.status == "invited"
    client.force_login(barbro.person.user)
    assert "Jag kommer" in _page(client.get(reverse("groupwork:home")))


def test_a_refused_answer_with_htmx_says_why_in_the_fragment(client, group, member):
    visit = make_visit(group, starts_on=SOON, status="cancelled")
    barbro = Participant.objects.create(visit=visit, person=member)
    client.force_login(member.user)
    response = client.post(
        _url("answer", visit, participant_pk=barbro.pk),
        {"status": "confirmed"},
        headers={"HX-Request": "true"},
    )
    assert "Studiebesöket är inställt; svaret kan inte ändras." in _page(response)
    barbro.refresh_from_db()
    assert barbro.status == Participant.Status.INVITED
