"""Close → review → send: "Avsluta mötet" checks the attendance and sends the draft to the
adjuster, who approves it or sends it back; approved minutes go to every member by e-mail,
with their own tasks, once; a correction approved again says what changed."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from actions.models import MinutesMail
from groupwork.models import Membership
from meetings.models import Meeting
from tests.factories import (
    make_attendance,
    make_item,
    make_meeting,
    make_member,
    make_person,
    make_task,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(group, facilitator, member):
    """A draft with Barbro as adjuster and one item."""
    meeting = make_meeting(group, adjuster=member, note_taker=facilitator)
    make_item(
        meeting,
        "Osloresan",
        notes="Vi åker buss till Oslo.",
        decision="Gruppen åker i maj.",
        internal_notes="Kanarieintern: Eva mår dåligt.",
    )
    return meeting


def present(meeting, *people):
    for person in people:
        make_attendance(meeting, person=person, present=True)


def close(client, meeting, **data):
    return client.post(reverse("meetings:close", args=[meeting.group.slug, meeting.pk]), data)


def approve(client, meeting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("meetings:approve", args=[meeting.group.slug, meeting.pk]))


def mail_to(person):
    return [m for m in mail.outbox if m.to == [person.user.email]]


def send_minutes(*args):
    out = StringIO()
    call_command("send_minutes", *args, stdout=out)
    return out.getvalue()


# --- Avsluta mötet ------------------------------------------------------------------------


def test_closing_with_the_attendance_done_sends_the_draft_to_the_adjuster(
    client, meeting, facilitator, member, settings
):
    settings.SITE_URL = "https://groupwork.example.se"
    present(meeting, facilitator, member)
    client.force_login(facilitator.user)
    response = close(client, meeting)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_awaiting_review and meeting.sent_for_review_at is not None
    assert meeting.status == Meeting.Status.DRAFT
    [message] = mail.outbox
    assert message.to == [member.user.email]
    assert message.subject.startswith("Att justera: Föräldragruppen")
    assert f"https://groupwork.example.se{meeting.get_absolute_url()}" in message.body
    assert "Oslo" not in message.body  # a link, never the text of the minutes
    page = client.get(response.url).content.decode()
    assert "Anteckningarna är skickade till Barbro för justering." in page
    assert "Skickat till justeraren" in page  # recorded in "Justering och rättelser"


def test_closing_without_attendance_says_so_and_goes_on_only_when_asked(
    client, meeting, facilitator, member
):
    client.force_login(facilitator.user)
    page = close(client, meeting).content.decode()
    assert "Ingen är markerad som närvarande." in page
    assert "2 ledamöter är inte markerade som närvarande eller frånvarande" in page
    assert "Avsluta ändå och skicka till Barbro" in page
    meeting.refresh_from_db()
    assert not meeting.is_awaiting_review and mail.outbox == []

    close(client, meeting, anyway="1")
    meeting.refresh_from_db()
    assert meeting.is_awaiting_review
    assert len(mail_to(member)) == 1


def test_a_member_not_yet_marked_is_named_before_closing(client, meeting, facilitator, member):
    present(meeting, facilitator)
    client.force_login(facilitator.user)
    page = close(client, meeting).content.decode()
    assert "En ledamot är inte markerad som närvarande eller frånvarande: Barbro" in page
    assert "Ingen är markerad som närvarande." not in page
    meeting.refresh_from_db()
    assert not meeting.is_awaiting_review


def test_without_an_adjuster_the_facilitator_is_asked_to_choose_one(
    client, group, facilitator, member
):
    meeting = make_meeting(group)
    present(meeting, facilitator, member)
    client.force_login(facilitator.user)
    for data in ({}, {"anyway": "1"}):
        page = close(client, meeting, **data).content.decode()
        assert "Ingen justerare är vald." in page
        assert "Välj justerare" in page
    meeting.refresh_from_db()
    assert meeting.sent_for_review_at is None and mail.outbox == []


def test_closing_twice_asks_the_adjuster_once(client, meeting, facilitator, member):
    present(meeting, facilitator, member)
    client.force_login(facilitator.user)
    close(client, meeting)
    response = close(client, meeting)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert meeting.history.filter(history_change_reason="Skickat till justeraren").count() == 1


def test_a_member_cannot_close_the_meeting(client, meeting, member):
    client.force_login(member.user)
    assert close(client, meeting).status_code == 403


def test_the_close_page_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, group, meeting, facilitator
):
    client.force_login(facilitator.user)
    url = reverse("meetings:close", args=[group.slug, meeting.pk])
    # Session user with person, membership with group, meeting with note taker and adjuster,
    # attendances, the group's members.
    with django_assert_num_queries(5):
        client.get(url)
    for name in ("Eva", "Carina", "Tina", "Annika"):
        present(meeting, make_member(group, name))
    with django_assert_num_queries(5):
        page = client.get(url).content.decode()
    assert "Annika" not in page and "Barbro" in page  # only the unmarked are named


# --- Review by the adjuster ----------------------------------------------------------------


def test_the_adjuster_finds_the_draft_on_the_start_page_and_can_read_it(
    client, group, meeting, facilitator, member
):
    present(meeting, facilitator, member)
    meeting.send_for_review(by=facilitator.user)
    eva = make_member(group, "Eva")
    client.force_login(member.user)
    home = client.get(reverse("groupwork:home")).content.decode()
    assert "Att justera" in home and meeting.get_absolute_url() in home
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Vi åker buss till Oslo." in page
    assert "Skicka tillbaka" in page and "Justera anteckningarna" in page
    assert "Kanarieintern" not in page  # the internal note is for facilitators

    client.force_login(eva.user)
    assert "Att justera" not in client.get(reverse("groupwork:home")).content.decode()
    assert "Vi åker buss" not in client.get(meeting.get_absolute_url()).content.decode()


def test_the_adjuster_sends_it_back_with_a_comment_the_facilitator_sees(
    client, meeting, facilitator, member
):
    meeting.send_for_review(by=facilitator.user)
    client.force_login(member.user)
    url = reverse("meetings:send_back", args=[meeting.group.slug, meeting.pk])
    client.post(url, {"comment": ""})
    meeting.refresh_from_db()
    assert meeting.is_awaiting_review  # a comment is required

    client.post(url, {"comment": "Det var i juni, inte i maj."})
    meeting.refresh_from_db()
    assert not meeting.is_awaiting_review
    assert meeting.review_comment == "Det var i juni, inte i maj."
    assert "Att justera" not in client.get(reverse("groupwork:home")).content.decode()

    client.force_login(facilitator.user)
    editor = client.get(reverse("meetings:edit", args=[meeting.group.slug, meeting.pk]))
    assert "Det var i juni, inte i maj." in editor.content.decode()
    assert "Avsluta mötet" in editor.content.decode()

    close(client, meeting, anyway="1")  # sent again: the old comment is done with
    meeting.refresh_from_db()
    assert meeting.is_awaiting_review and meeting.review_comment == ""


def test_a_member_who_is_not_the_adjuster_cannot_send_it_back(client, group, meeting):
    eva = make_member(group, "Eva")
    meeting.send_for_review(by=None)
    client.force_login(eva.user)
    url = reverse("meetings:send_back", args=[group.slug, meeting.pk])
    assert client.post(url, {"comment": "Nej"}).status_code == 403


# --- The approved minutes by e-mail --------------------------------------------------------


def test_approval_mails_the_minutes_to_every_member_with_their_own_tasks(
    client, group, meeting, facilitator, member, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://groupwork.example.se"
    present(meeting, facilitator, member)
    item = meeting.items.get()
    make_task(group, [member], "Ring Malmö", meeting=meeting, agenda_item=item,
              due_date=timezone.localdate() + timedelta(days=10))
    make_task(group, [facilitator], "Boka lokal", meeting=meeting)
    make_task(group, [member], "Från ett annat möte", meeting=make_meeting(group))
    meeting.send_for_review(by=facilitator.user)
    mail.outbox.clear()

    client.force_login(member.user)
    response = approve(client, meeting, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.APPROVED

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [facilitator.user.email, member.user.email]
    )
    [barbro] = mail_to(member)
    assert barbro.subject.startswith("Justerade anteckningar: Föräldragruppen")
    assert barbro.body.startswith("Hej Barbro!")
    for shown in ("Osloresan", "Vi åker buss till Oslo.", "Beslut: Gruppen åker i maj.",
                  "Närvarande: Anne, Barbro", "Ring Malmö",
                  f"https://groupwork.example.se{meeting.get_absolute_url()}",
                  "https://groupwork.example.se/konto/installningar/"):
        assert shown in barbro.body
    assert "Boka lokal" not in barbro.body and "Från ett annat möte" not in barbro.body
    [anne] = mail_to(facilitator)
    assert "Boka lokal" in anne.body and "Ring Malmö" not in anne.body
    assert MinutesMail.objects.filter(sent_at__isnull=False).count() == 2


def test_no_internal_note_surname_or_address_reaches_any_minutes_mail(
    client, group, meeting, facilitator, member, django_capture_on_commit_callbacks
):
    member.user.first_name, member.user.last_name = "Barbro", "Kanariesson"
    member.user.save()
    make_attendance(meeting, guest_name="David", affiliation="Kommunikatör")
    present(meeting, facilitator, member)
    item = meeting.items.get()
    item.notes = "Vi åker buss. [intern]Kanarie har det svårt.[/intern] Sedan tåg."
    item.heading = "Osloresan [intern]Kanarierubrik[/intern]"
    item.decision = "Vi åker. [intern]Kanariebeslut[/intern]"
    item.save()
    meeting.opening = "Välkomna. [intern]Kanarie öppnar[/intern]"
    meeting.save()
    make_task(group, [member, facilitator], "Boka bussen", meeting=meeting)

    client.force_login(facilitator.user)
    approve(client, meeting, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    addresses = {facilitator.user.email, member.user.email}
    for message in mail.outbox:
        assert len(message.to) == 1 and not message.cc and not message.bcc
        text = message.subject + message.body
        assert "kanarie" not in text.lower()
        assert "Vi åker buss.  Sedan tåg." in text or "Vi åker buss. Sedan tåg." in text
        assert "David" in text
        for other in addresses - set(message.to):
            assert other not in text
        assert "@" not in text  # no address at all, not even the sender's own


def test_approving_twice_and_running_the_command_again_send_each_mail_once(
    client, meeting, facilitator, member, django_capture_on_commit_callbacks
):
    client.force_login(facilitator.user)
    approve(client, meeting, django_capture_on_commit_callbacks)
    approve(client, meeting, django_capture_on_commit_callbacks)
    assert "Sent 0 e-mail(s)" in send_minutes()
    send_minutes()
    assert len(mail_to(member)) == 1 and len(mail_to(facilitator)) == 1
    assert MinutesMail.objects.count() == 2


def test_what_was_not_sent_after_the_approval_the_command_sends(
    client, meeting, facilitator, member, django_capture_on_commit_callbacks
):
    client.force_login(facilitator.user)
    with django_capture_on_commit_callbacks(execute=False):  # the mail server was down
        client.post(reverse("meetings:approve", args=[meeting.group.slug, meeting.pk]))
    assert mail.outbox == []
    assert "2 e-mail(s) waiting (dry run)." in send_minutes("--dry-run")
    assert mail.outbox == []
    assert "Sent 2 e-mail(s)" in send_minutes()
    assert len(mail_to(member)) == 1
    assert "Sent 0 e-mail(s)" in send_minutes()


def test_a_correction_approved_again_is_sent_again_saying_what_changed(
    client, meeting, facilitator, member, django_capture_on_commit_callbacks
):
    client.force_login(facilitator.user)
    approve(client, meeting, django_capture_on_commit_callbacks)
    client.post(
        reverse("meetings:reopen", args=[meeting.group.slug, meeting.pk]),
        {"reason": "Fel månad"},
    )
    item = meeting.items.get()
    item.save_edit(item.version, {"decision": "Gruppen åker i juni."}, by=facilitator.user)
    mail.outbox.clear()
    approve(client, meeting, django_capture_on_commit_callbacks)

    [again] = mail_to(member)
    assert again.subject.startswith("Rättade anteckningar: Föräldragruppen")
    assert "Anteckningarna har rättats och justerats igen" in again.body
    assert "\n  Beslut: Gruppen åker i [-maj.-] [+juni.+]\n" in again.body
    assert "Beslut: Gruppen åker i juni." in again.body
    assert MinutesMail.objects.filter(person=member).count() == 2


def test_minutes_mail_waiting_when_the_minutes_were_reopened_is_not_sent(
    client, meeting, facilitator, member, django_capture_on_commit_callbacks
):
    client.force_login(facilitator.user)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("meetings:approve", args=[meeting.group.slug, meeting.pk]))
    meeting.refresh_from_db()
    meeting.reopen(by=facilitator.user, reason="Fel")
    send_minutes()
    assert mail.outbox == [] and not MinutesMail.objects.exists()


def test_who_turned_it_off_left_the_group_or_has_no_login_gets_nothing(
    client, group, meeting, facilitator, member, django_capture_on_commit_callbacks
):
    member.minutes_mail = False
    member.save()
    gone = make_member(group, "Karin")
    Membership.objects.filter(person=gone).update(
        active_to=timezone.localdate() - timedelta(days=1)
    )
    no_login = make_person("Tina", with_user=False)
    Membership.objects.create(group=group, person=no_login)
    still_reminded = make_member(group, "Eva", task_digest=False)
    client.force_login(facilitator.user)
    approve(client, meeting, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [facilitator.user.email, still_reminded.user.email]
    )


def test_a_member_turns_the_minutes_mail_off_on_my_account(client, member):
    client.force_login(member.user)
    page = client.get(reverse("groupwork:profile")).content.decode()
    assert "justerade anteckningar via e-post" in page.lower()
    client.post(
        reverse("groupwork:profile"),
        {"first_name": "Barbro", "task_digest": "on", "minutes_mail": ""},
    )
    member.refresh_from_db()
    assert member.minutes_mail is False and member.task_digest is True


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_run_on_another_server_at_the_same_time_sends_no_second_mail(
    group, meeting, facilitator, member
):
    import psycopg
    from django.db import connection

    # Approved, and both e-mails still waiting (as if the mail server had been down).
    Meeting.objects.filter(pk=meeting.pk).update(status="approved", approved_at=timezone.now())
    meeting.refresh_from_db()
    for person in (facilitator, member):
        MinutesMail.objects.create(meeting=meeting, person=person, approved_at=meeting.approved_at)
    barbro = MinutesMail.objects.get(person=member)
    settings_ = connection.settings_dict
    other_server = psycopg.connect(
        host=settings_["HOST"], port=settings_["PORT"] or 5432, user=settings_["USER"],
        dbname=settings_["NAME"],
    )
    with other_server:  # the other run holds Barbro's e-mail while it sends it
        other_server.execute(
            "SELECT id FROM actions_minutesmail WHERE id = %s FOR UPDATE", [barbro.pk]
        )
        send_minutes()
        assert mail_to(member) == [] and len(mail_to(facilitator)) == 1
    other_server.close()
    send_minutes()
    send_minutes()
    assert len(mail_to(member)) == 1 and len(mail_to(facilitator)) == 1


def test_who_left_or_turned_it_off_after_the_approval_gets_nothing_from_the_command(
    client, meeting, facilitator, member, django_capture_on_commit_callbacks
):
    client.force_login(facilitator.user)
    with django_capture_on_commit_callbacks(execute=False):  # the mail server was down
        client.post(reverse("meetings:approve", args=[meeting.group.slug, meeting.pk]))
    Membership.objects.filter(person=member).update(
        active_to=timezone.localdate() - timedelta(days=1)
    )
    facilitator.minutes_mail = False
    facilitator.save()
    assert "Sent 0 e-mail(s)" in send_minutes()
    assert mail.outbox == [] and not MinutesMail.objects.exists()


def test_an_address_the_mail_server_refuses_holds_up_nobody_else(
    client, meeting, facilitator, member, django_capture_on_commit_callbacks, monkeypatch
):
    import smtplib

    from django.core.mail.backends.locmem import EmailBackend

    client.force_login(facilitator.user)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("meetings:approve", args=[meeting.group.slug, meeting.pk]))
    first = MinutesMail.objects.order_by("id").first().person.user.email
    send = EmailBackend.send_messages

    def refuse_first(self, messages):
        if messages[0].to == [first]:
            raise smtplib.SMTPRecipientsRefused({first: (550, b"No such user")})
        return send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse_first)
    send_minutes()
    assert len(mail.outbox) == 1 and mail.outbox[0].to != [first]
    assert MinutesMail.objects.filter(sent_at__isnull=True).count() == 1  # tried again later
    monkeypatch.setattr(EmailBackend, "send_messages", send)
    send_minutes()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([facilitator.user.email, member.user.email])


def test_a_review_e_mail_that_cannot_be_sent_leaves_the_draft_with_the_adjuster(
    client, meeting, facilitator, member, monkeypatch
):
    import smtplib

    from django.core.mail.backends.locmem import EmailBackend

    def down(self, messages):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(EmailBackend, "send_messages", down)
    present(meeting, facilitator, member)
    client.force_login(facilitator.user)
    response = close(client, meeting)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_awaiting_review
    page = client.get(response.url).content.decode()
    assert "kunde inte skickas, så säg till själv" in page
