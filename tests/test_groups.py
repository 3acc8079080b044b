import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groupwork.models import Membership

pytestmark = pytest.mark.django_db


def test_start_page_lists_my_groups(client, group, other_group, member):
    client.force_login(member.user)
    page = client.get(reverse("groupwork:home")).content.decode()
    assert "Föräldragruppen" in page
    assert "Socialchefsnätverket" not in page


def test_start_page_of_an_administrator_or_a_former_member_says_why_it_is_empty(
    client, django_user_model, group, member
):
    admin = django_user_model.objects.create_superuser("admin", "admin@exempel.se", "x")
    client.force_login(admin)
    page = client.get(reverse("groupwork:home")).content.decode()
    assert "Du är administratör." in page and "<h1>Start</h1>" in page
    Membership.objects.filter(person=member).update(active_to="2020-01-01")
    client.force_login(member.user)
    page = client.get(reverse("groupwork:home")).content.decode()
    assert "Du är inte med i någon grupp just nu." in page and "Föräldragruppen" not in page


def test_member_sees_the_group_by_first_name_without_emails(client, group, facilitator, member):
    client.force_login(member.user)
    page = client.get(reverse("groupwork:group", args=[group.slug])).content.decode()
    assert "Anne" in page and "Barbro" in page
    assert facilitator.user.email not in page
    assert member.user.email not in page


def test_facilitator_sees_members_emails(client, group, facilitator, member):
    client.force_login(facilitator.user)
    page = client.get(reverse("groupwork:group", args=[group.slug])).content.decode()
    assert member.user.email in page


def test_person_sees_their_own_email_on_their_account_page(client, member):
    client.force_login(member.user)
    page = client.get(reverse("groupwork:profile")).content.decode()
    assert member.user.email in page


def test_outsider_gets_404_for_another_groups_page(client, group, outsider):
    client.force_login(outsider.user)
    assert client.get(reverse("groupwork:group", args=[group.slug])).status_code == 404
    assert client.get(reverse("groupwork:group", args=["finns-inte"])).status_code == 404


def test_ended_membership_no_longer_opens_the_group(client, group, member):
    Membership.objects.filter(person=member).update(active_to="2020-01-01")
    client.force_login(member.user)
    assert client.get(reverse("groupwork:group", args=[group.slug])).status_code == 404


@pytest.mark.parametrize(
    "active_from, active_to, opens",
    [
        (None, None, True),
        (-1, 0, True),  # the last day
        (0, None, True),  # the first day
        (1, None, False),  # not yet
        (None, -1, False),  # ended yesterday
    ],
)
def test_a_membership_opens_the_group_on_the_days_it_is_active(
    client, group, member, active_from, active_to, opens
):
    """membership_for asks the row (Membership.is_active); the lists ask the database
    (Membership.objects.active()): both say the same of the same days."""
    today = timezone.localdate()
    days = {key: None if n is None else today + timedelta(days=n) for key, n in
            (("active_from", active_from), ("active_to", active_to))}
    Membership.objects.filter(person=member).update(**days)
    client.force_login(member.user)
    status = client.get(reverse("groupwork:group", args=[group.slug])).status_code
    assert status == (200 if opens else 404)
    assert Membership.objects.active().filter(person=member).exists() is opens
    assert Membership.objects.get(person=member).is_active is opens


def test_facilitator_makes_a_member_facilitator(client, group, facilitator, member):
    client.force_login(facilitator.user)
    membership = Membership.objects.get(person=member)
    response = client.post(
        reverse("groupwork:edit_membership", args=[group.slug, membership.pk]),
        {"role": "facilitator", "represents": "Föräldrarepresentant"},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "facilitator"


def test_membership_end_before_start_is_refused(client, group, facilitator, member):
    client.force_login(facilitator.user)
    membership = Membership.objects.get(person=member)
    response = client.post(
        reverse("groupwork:edit_membership", args=[group.slug, membership.pk]),
        {"role": "member", "active_from": "2026-05-01", "active_to": "2026-04-01"},
    )
    assert "Slutdatum kan inte vara före startdatum." in response.content.decode()


def test_profile_turns_the_task_digest_off(client, member):
    client.force_login(member.user)
    client.post(reverse("groupwork:profile"), {"first_name": "Barbro", "task_digest": ""})
    member.refresh_from_db()
    assert member.task_digest is False


def test_interface_is_swedish_by_default_and_english_on_request(client, member):
    client.force_login(member.user)
    assert "Dina grupper" in client.get(reverse("groupwork:home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Your groups" in client.get(reverse("groupwork:home")).content.decode()


def test_start_page_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, group, other_group, facilitator, member
):
    from datetime import timedelta

    from django.utils import timezone

    from groupwork.models import Membership
    from tests.factories import make_meeting, make_task, make_visit

    soon = timezone.now() + timedelta(days=7)

    def add_one_of_each(g, n):
        make_meeting(g, starts_at=soon + timedelta(hours=n), status="planned")
        make_meeting(
            g, starts_at=timezone.now() - timedelta(days=n + 1), adjuster=member,
            sent_for_review_at=timezone.now(),
        )
        make_visit(g, starts_on=soon.date()).participants.create(person=member)
        make_task(g, owners=[member, facilitator], title=f"Uppgift {n}")

    client.force_login(member.user)
    add_one_of_each(group, 0)
    # The user with the person (the session is in the cache), memberships, next meetings,
    # minutes to approve, tasks with their latest notes, their owners, visits.
    with django_assert_num_queries(7):
        client.get(reverse("groupwork:home"))

    Membership.objects.create(group=other_group, person=member)
    for n in range(1, 4):
        add_one_of_each(group, n)
        add_one_of_each(other_group, n)
    with django_assert_num_queries(7):
        page = client.get(reverse("groupwork:home")).content.decode()
    assert "Uppgift 3" in page and "Oslo" in page and "Socialchefsnätverket" in page
    assert page.count("skickat den") == 7


def test_group_page_query_count_does_not_grow_with_members(
    client, django_assert_num_queries, group, facilitator, member
):
    from tests.factories import make_member

    client.force_login(facilitator.user)
    with django_assert_num_queries(4):
        client.get(reverse("groupwork:group", args=[group.slug]))
    for name in ["Eva", "Carina", "Tina", "Annika"]:
        make_member(group, name)
    with django_assert_num_queries(4):
        client.get(reverse("groupwork:group", args=[group.slug]))


def test_a_missing_page_and_a_refused_one_answer_in_swedish(client, group, member):
    client.force_login(member.user)
    missing = client.get("/grupper/finns-inte/")
    refused = client.get(reverse("groupwork:invite", args=[group.slug]))
    assert missing.status_code == 404 and "Sidan finns inte" in missing.content.decode()
    assert refused.status_code == 403 and "inte behörighet" in refused.content.decode()


def test_the_error_page_renders_in_swedish_without_a_request():
    from django.template.loader import render_to_string

    assert "Något gick fel" in render_to_string("500.html")  # as Django's server_error does


def test_the_bench_seeding_leaves_a_database_with_data_alone(group, member, facilitator):
    from django.core.management import call_command

    from actions.models import ActionItem
    from meetings.models import Meeting

    group.is_public = True
    group.save()
    call_command("seed_bench", stdout=io.StringIO())
    assert ActionItem.objects.count() == 0 and Meeting.objects.count() == 0
