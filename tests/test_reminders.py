from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from actions.models import ReminderSent
from groupwork.models import Membership
from tests.factories import make_member, make_person, make_task

pytestmark = pytest.mark.django_db


def days(n):
    return timezone.localdate() + timedelta(days=n)


def send(*args):
    out = StringIO()
    call_command("send_task_reminders", *args, stdout=out)
    return out.getvalue()


def mail_to(person):
    return [message for message in mail.outbox if message.to == [person.user.email]]


def test_each_person_gets_one_digest_of_overdue_and_soon_due_tasks(
    group, facilitator, member, settings
):
    settings.SITE_URL = "https://groupwork.example.se"
    overdue = make_task(group, [member], "Marie mailar Danmark", due_date=days(-4))
    soon = make_task(group, [member, facilitator], "Anne pratar med Nacka", due_date=days(3))
    make_task(group, [member], "Långt fram", due_date=days(4))
    make_task(group, [member], "Utan datum")
    make_task(group, [member], "Redan klar", due_date=days(-1), status="done")
    output = send()
    assert len(mail.outbox) == 2
    [barbro_mail] = mail_to(member)
    [anne_mail] = mail_to(facilitator)
    assert barbro_mail.subject == "Groupwork: 2 uppgifter att göra"
    body = barbro_mail.body
    assert body.startswith("Hej Barbro!")
    assert "Marie mailar Danmark (FÖRSENAD)" in body
    assert "Anne pratar med Nacka" in body
    assert f"https://groupwork.example.se{overdue.get_absolute_url()}" in body
    assert "https://groupwork.example.se/konto/installningar/" in body
    for absent in ("Långt fram", "Utan datum", "Redan klar"):
        assert absent not in body
    assert "Anne pratar med Nacka" in anne_mail.body and "Marie mailar" not in anne_mail.body
    assert anne_mail.subject == "Groupwork: 1 uppgift att göra"
    assert ReminderSent.objects.filter(action_item=soon).count() == 2
    assert "2 digest(s)." in output


def test_a_second_run_on_the_same_day_sends_nothing_new(group, member):
    make_task(group, [member], "Ring Malmö", due_date=days(1))
    send()
    output = send()
    assert len(mail.outbox) == 1
    assert "0 digest(s)." in output
    make_task(group, [member], "Ny uppgift samma dag", due_date=days(0))
    send()
    assert len(mail.outbox) == 2
    assert "Ny uppgift samma dag" in mail.outbox[1].body
    assert "Ring Malmö" not in mail.outbox[1].body


def test_the_next_day_the_reminder_comes_again(group, member):
    task = make_task(group, [member], "Ring Malmö", due_date=days(1))
    ReminderSent.objects.create(person=member, action_item=task, sent_on=days(-1))
    send()
    assert len(mail.outbox) == 1


def test_a_person_who_turned_the_digest_off_gets_nothing(group, member):
    member.task_digest = False
    member.save()
    make_task(group, [member], "Ring Malmö", due_date=days(1))
    send()
    assert mail.outbox == []
    assert not ReminderSent.objects.exists()


def test_people_without_a_login_or_an_email_address_are_skipped(group, member):
    no_login = make_person("Tina", with_user=False)
    Membership.objects.create(group=group, person=no_login)
    no_email = make_member(group, "Cecilia")
    no_email.user.email = ""
    no_email.user.save()
    make_task(group, [no_login, no_email, member], "Boka bussen", due_date=days(0))
    send()
    assert [message.to for message in mail.outbox] == [[member.user.email]]


def test_no_reminders_for_a_group_the_person_has_left(group, member):
    Membership.objects.filter(person=member).update(active_to=days(-1))
    make_task(group, [member], "Ring Malmö", due_date=days(1))
    send()
    assert mail.outbox == []


def test_dry_run_sends_and_records_nothing(group, member):
    make_task(group, [member], "Ring Malmö", due_date=days(1))
    output = send("--dry-run")
    assert mail.outbox == [] and not ReminderSent.objects.exists()
    assert f"Would send 1 task(s) to person {member.pk} (Barbro)." in output


def test_days_sets_how_far_ahead_to_look(group, member):
    make_task(group, [member], "Om en vecka", due_date=days(7))
    send()
    assert mail.outbox == []
    send("--days", "7")
    assert "Om en vecka" in mail.outbox[0].body


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_run_on_another_server_at_the_same_time_sends_no_second_digest(group, member):
    import psycopg
    from django.db import connection

    make_task(group, [member], "Marie mailar Danmark", due_date=days(1))
    settings_ = connection.settings_dict
    other_server = psycopg.connect(
        host=settings_["HOST"], port=settings_["PORT"] or 5432, user=settings_["USER"],
        dbname=settings_["NAME"],
    )
    with other_server:  # the other run holds Barbro while it sends her digest
        other_server.execute(
            "SELECT id FROM groupwork_person WHERE id = %s FOR UPDATE", [member.pk]
        )
        send()
        assert mail_to(member) == []
    other_server.close()
    send()
    send()
    assert len(mail_to(member)) == 1
