import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from groupwork.models import Invitation, Membership, Person
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _link_in(message):
    return re.search(r"https?://\S+", message.body).group(0)


def test_facilitator_invites_a_member_who_accepts_and_is_logged_in(client, group, facilitator):
    client.force_login(facilitator.user)
    response = client.post(
        reverse("groupwork:invite", args=[group.slug]),
        {
            "first_name": "Carina",
            "email": "Carina@Exempel.se",
            "role": "member",
            "represents": "Föräldrarepresentant",
        },
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["carina@exempel.se"]
    assert "Föräldragruppen" in mail.outbox[0].subject
    link = _link_in(mail.outbox[0])

    client.logout()
    page = client.get(link)
    assert "Välkommen Carina till Föräldragruppen" in page.content.decode()
    response = client.post(link, {"password1": "", "password2": ""}, follow=True)

    assert "Hej Carina!" in response.content.decode()
    carina = Person.objects.get(first_name="Carina")
    assert carina.user.email == "carina@exempel.se"
    assert not carina.user.has_usable_password()
    membership = Membership.objects.get(group=group, person=carina)
    assert membership.role == Membership.Role.MEMBER
    assert membership.represents == "Föräldrarepresentant"


def test_invitation_can_set_a_password(client, group):
    invitation = Invitation.objects.create(group=group, email="eva@exempel.se", first_name="Eva")
    client.post(
        invitation.get_absolute_url(),
        {"password1": "Gruppen-arbetar-2026", "password2": "Gruppen-arbetar-2026"},
    )
    client.logout()
    assert client.login(email="eva@exempel.se", password="Gruppen-arbetar-2026")


def test_mismatched_passwords_keep_the_invitation_open(client, group):
    invitation = Invitation.objects.create(group=group, email="eva@exempel.se", first_name="Eva")
    response = client.post(
        invitation.get_absolute_url(),
        {"password1": "Gruppen-arbetar-2026", "password2": "annat"},
    )
    assert "Lösenorden är inte lika." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_invitation_link_works_only_once(client, group):
    invitation = Invitation.objects.create(group=group, email="eva@exempel.se", first_name="Eva")
    client.post(invitation.get_absolute_url(), {})
    client.logout()

    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 410
    assert "Länken har redan använts" in response.content.decode()
    response = client.post(invitation.get_absolute_url(), {})
    assert response.status_code == 410
    assert Person.objects.filter(first_name="Eva").count() == 1


def test_expired_invitation_is_rejected_with_a_clear_message(client, group):
    invitation = Invitation.objects.create(
        group=group,
        email="eva@exempel.se",
        first_name="Eva",
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    response = client.post(invitation.get_absolute_url(), {})
    assert response.status_code == 410
    assert "Inbjudan har gått ut" in response.content.decode()
    assert not get_user_model().objects.filter(email="eva@exempel.se").exists()


def test_unknown_invitation_token_is_rejected(client, db):
    response = client.get(reverse("groupwork:accept_invitation", args=["gissning"]))
    assert response.status_code == 410


def test_invitation_token_cannot_be_guessed(group):
    invitation = Invitation.objects.create(group=group, email="a@exempel.se", first_name="A")
    # 32 random bytes, url-safe: 43 characters of 64 symbols, 256 bits.
    assert len(invitation.token) >= 43
    other = Invitation.objects.create(group=group, email="b@exempel.se", first_name="B")
    assert other.token != invitation.token


def test_existing_person_invited_to_a_second_group_keeps_one_account(
    client, group, other_group, outsider
):
    invitation = Invitation.objects.create(
        group=group, email=outsider.user.email, first_name="Charlie"
    )
    client.force_login(outsider.user)
    client.post(invitation.get_absolute_url(), {})
    assert Person.objects.filter(user=outsider.user).count() == 1
    assert set(outsider.memberships.values_list("group__slug", flat=True)) == {
        group.slug,
        other_group.slug,
    }


def test_invite_refuses_a_surname_in_the_first_name(client, group, facilitator):
    client.force_login(facilitator.user)
    response = client.post(
        reverse("groupwork:invite", args=[group.slug]),
        {"first_name": "Anne Eskilsson", "email": "a@exempel.se", "role": "member"},
    )
    assert "Skriv bara förnamnet" in response.content.decode()
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_member_cannot_invite(client, group, member):
    client.force_login(member.user)
    response = client.post(
        reverse("groupwork:invite", args=[group.slug]),
        {"first_name": "Eva", "email": "eva@exempel.se", "role": "facilitator"},
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_nobody_can_sign_up_without_an_invitation(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "ny@exempel.se", "password1": "Gruppen-arbetar-2026", "password2": "Gruppen-arbetar-2026"},
    )
    assert not get_user_model().objects.filter(email="ny@exempel.se").exists()
    assert response.status_code == 200


def test_member_logs_in_with_a_code_sent_by_email(client, member):
    response = client.post(reverse("account_request_login_code"), {"email": member.user.email})
    assert response.status_code == 302
    assert "inloggningskod" in mail.outbox[0].body
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[0].body, re.M).group(1)
    response = client.post(reverse("account_confirm_login_code"), {"code": code}, follow=True)
    assert "Hej Barbro!" in response.content.decode()


def test_member_logs_in_with_password(client, member):
    response = client.post(
        reverse("account_login"),
        {"login": member.user.email, "password": "ett-bra-losen-123"},
        follow=True,
    )
    assert "Hej Barbro!" in response.content.decode()


def test_repeated_failed_logins_are_slowed_down(client, member):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": member.user.email, "password": "fel"})
    response = client.post(
        reverse("account_login"), {"login": member.user.email, "password": "ett-bra-losen-123"}
    )
    assert "För många misslyckade inloggningsförsök" in response.content.decode()
    assert "_auth_user_id" not in client.session


def _totp_code(secret):
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_facilitator_turns_on_a_totp_second_factor_and_needs_it_to_log_in(client, facilitator):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    login = {"login": facilitator.user.email, "password": "ett-bra-losen-123"}
    client.post(reverse("account_login"), login)
    # Turning on a second factor asks for the password again.
    assert client.get(reverse("mfa_activate_totp")).url.startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": "ett-bra-losen-123"})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": _totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=facilitator.user, type="totp").exists()

    client.post(reverse("account_logout"))
    response = client.post(reverse("account_login"), login)
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": _totp_code(secret)}, follow=True)
    assert "Hej Anne!" in response.content.decode()


def _turn_on_totp(user):
    secret = "JBSWY3DPEHPK3PXP"
    TOTP.activate(user, secret)
    return secret


def test_admin_login_page_never_takes_a_password_and_sends_people_to_the_login(client, db):
    admin_user = make_user("admin@exempel.se")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()

    response = client.get("/admin/login/?next=/admin/")
    assert response.url == reverse("account_login") + "?next=%2Fadmin%2F"
    for _ in range(8):
        client.post("/admin/login/", {"username": "admin@exempel.se", "password": "fel"})
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "admin@exempel.se", "password": "ett-bra-losen-123"},
    )

    assert response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").url.startswith("/admin/login/")


def test_superuser_with_totp_needs_the_code_to_reach_the_admin(client, db):
    admin_user = make_user("admin@exempel.se")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    secret = _turn_on_totp(admin_user)

    login_page = client.get("/admin/", follow=True)
    assert "Logga in med din e-postadress" in login_page.content.decode()
    response = client.post(
        reverse("account_login"),
        {"login": "admin@exempel.se", "password": "ett-bra-losen-123", "next": "/admin/"},
    )
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").url.startswith("/admin/login/")

    response = client.post(reverse("mfa_authenticate"), {"code": _totp_code(secret)})
    assert response.url == "/admin/"
    assert "Inbjudningar" in client.get("/admin/").content.decode()


def test_invitation_link_does_not_log_in_to_an_existing_account_with_totp(
    client, group, other_group, outsider
):
    secret = _turn_on_totp(outsider.user)
    invitation = Invitation.objects.create(
        group=group, email=outsider.user.email, first_name="Charlie", role="facilitator"
    )
    link = invitation.get_absolute_url()

    page = client.get(link)
    assert "Du har redan ett konto med e-postadressen" in page.content.decode()
    client.post(link, {"password1": "Gruppen-arbetar-2026", "password2": "Gruppen-arbetar-2026"})
    assert "_auth_user_id" not in client.session
    assert not outsider.memberships.filter(group=group).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None

    # The page's own way in: allauth's login, the second factor, and back to the invitation.
    response = client.post(
        reverse("account_login"),
        {"login": outsider.user.email, "password": "ett-bra-losen-123", "next": link},
    )
    assert response.url == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": _totp_code(secret)})
    assert response.url == link
    assert "Inbjudan gäller ditt konto" in client.get(link).content.decode()
    response = client.post(link, {}, follow=True)

    assert "Välkommen till Föräldragruppen!" in response.content.decode()
    assert outsider.memberships.get(group=group).role == Membership.Role.FACILITATOR
    assert not outsider.user.check_password("Gruppen-arbetar-2026")


def test_invitation_to_another_account_asks_to_log_out_first(client, group, member, outsider):
    invitation = Invitation.objects.create(
        group=group, email=outsider.user.email, first_name="Charlie", role="facilitator"
    )
    client.force_login(member.user)

    page = client.get(invitation.get_absolute_url())
    assert "Du är inloggad med ett annat konto" in page.content.decode()
    client.post(invitation.get_absolute_url(), {})

    assert member.memberships.get(group=group).role == Membership.Role.MEMBER
    assert not outsider.memberships.filter(group=group).exists()
    assert Invitation.objects.get().accepted_at is None
    response = client.post(reverse("account_logout"), {"next": invitation.get_absolute_url()})
    assert response.url == invitation.get_absolute_url()
    assert "Du har redan ett konto" in client.get(response.url).content.decode()


def test_member_cannot_add_someone_elses_address_to_take_her_invitation(
    client, group, facilitator, member
):
    client.force_login(member.user)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "carina@exempel.se"}
    )
    assert response.url == reverse("groupwork:profile")
    assert not EmailAddress.objects.filter(email="carina@exempel.se").exists()
    assert not mail.outbox

    invitation = Invitation.objects.create(
        group=group, email="carina@exempel.se", first_name="Carina", role="facilitator"
    )
    client.logout()
    client.post(invitation.get_absolute_url(), {})

    carina = Person.objects.get(first_name="Carina")
    assert carina.user != member.user
    assert carina.memberships.get(group=group).role == Membership.Role.FACILITATOR
    assert member.memberships.get(group=group).role == Membership.Role.MEMBER
    assert list(member.user.emailaddress_set.values_list("email", flat=True)) == [
        member.user.email
    ]


def test_invitation_is_not_accepted_into_an_account_holding_its_address_unverified(
    client, group, member
):
    # An address typed into an account before addresses were closed, never verified.
    EmailAddress.objects.create(user=member.user, email="carina@exempel.se", verified=False)
    invitation = Invitation.objects.create(
        group=group, email="carina@exempel.se", first_name="Carina", role="facilitator"
    )
    client.force_login(member.user)

    response = client.post(invitation.get_absolute_url(), {})

    assert response.status_code == 410
    assert "Adressen hör till ett konto där den inte är bekräftad" in response.content.decode()
    assert member.memberships.get(group=group).role == Membership.Role.MEMBER
    assert not Person.objects.filter(first_name="Carina").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
