from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groupwork.access import membership_for
from groupwork.forms import AcceptInvitationForm, InvitationForm, MembershipForm, ProfileForm
from groupwork.models import Invitation, Membership, Person


@login_required
def group_detail(request, group_slug):
    membership = membership_for(request, group_slug)
    group = membership.group
    members = (
        group.memberships.active()
        .select_related("person__user")
        .order_by("role", "person__first_name", "person__known_as")
    )
    invitations = []
    if membership.is_facilitator:
        invitations = group.invitations.pending()
    return render(
        request,
        "groupwork/group.html",
        {
            "group": group,
            "membership": membership,
            "members": members,
            "invitations": invitations,
        },
    )


def send_invitation(invitation, base_url):
    link = base_url.rstrip("/") + invitation.get_absolute_url()
    context = {"invitation": invitation, "link": link}
    send_mail(
        render_to_string("groupwork/email/invitation_subject.txt", context).strip(),
        render_to_string("groupwork/email/invitation.txt", context),
        None,
        [invitation.email],
    )


@login_required
def invite(request, group_slug):
    membership = membership_for(request, group_slug, facilitator=True)
    group = membership.group
    form = InvitationForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        invitation = form.save(commit=False)
        invitation.group = group
        invitation.invited_by = request.user
        invitation.save()
        send_invitation(invitation, request.build_absolute_uri("/"))
        messages.success(
            request,
            _("En inbjudan har skickats till %(email)s.") % {"email": invitation.email},
        )
        return redirect(group)
    return render(request, "groupwork/invite.html", {"group": group, "form": form})


@require_POST
@login_required
def revoke_invitation(request, group_slug, pk):
    membership = membership_for(request, group_slug, facilitator=True)
    invitation = get_object_or_404(
        membership.group.invitations, pk=pk, accepted_at__isnull=True
    )
    invitation.delete()
    messages.success(request, _("Inbjudan är återkallad."))
    return redirect(membership.group)


@login_required
def edit_membership(request, group_slug, pk):
    membership = membership_for(request, group_slug, facilitator=True)
    group = membership.group
    other = get_object_or_404(group.memberships.select_related("person__user"), pk=pk)
    form = MembershipForm(request.POST or None, instance=other)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Ändringen är sparad."))
        return redirect(group)
    return render(
        request,
        "groupwork/membership.html",
        {"group": group, "form": form, "other": other},
    )


def accept_invitation(request, token):
    invitation = Invitation.objects.select_related("group").filter(token=token).first()
    account = problem = None
    if invitation is None or invitation.accepted_at:
        problem = _(
            "Länken har redan använts eller finns inte. Logga in, eller be samordnaren "
            "om en ny inbjudan."
        )
    elif invitation.is_expired:
        problem = _("Inbjudan har gått ut. Be samordnaren skicka en ny.")
    else:
        account = _account_with_verified(invitation.email)
        if account is None and _address_in_use(invitation.email):
            problem = _(
                "Adressen hör till ett konto där den inte är bekräftad. Be samordnaren om hjälp."
            )
    if problem:
        return render(request, "groupwork/invitation_invalid.html", {"problem": problem}, status=410)

    context = {"invitation": invitation, "account": account}
    if account is not None and request.user != account:
        # The link alone never logs in to an existing account: its owner logs in through
        # allauth, second factor and rate limits included, and comes back here.
        context["login_url"] = "%s?%s" % (
            reverse("account_login"),
            urlencode({"next": request.get_full_path()}),
        )
        return render(request, "groupwork/accept_invitation.html", context)

    # The owner of an existing account is logged in already: no form, no password.
    form = None
    if account is None:
        form = AcceptInvitationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and (form is None or form.is_valid()):
        with transaction.atomic():
            # Lock the row: a double submit accepts once and the second gets the message above.
            invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
            if invitation.accepted_at:
                return redirect("groupwork:accept_invitation", token=token)
            user = account or _new_account(invitation, form.cleaned_data["password1"])
            _accept(invitation, user)
        if account is None:
            login(request, user)
        messages.success(
            request, _("Välkommen till %(group)s!") % {"group": invitation.group.name}
        )
        return redirect("groupwork:home")
    context["form"] = form
    return render(request, "groupwork/accept_invitation.html", context)


def _account_with_verified(email):
    """The account that holds this address verified, or None. An address merely typed into an
    account proves nothing: an invitation never joins that account."""
    address = (
        EmailAddress.objects.filter(email__iexact=email, verified=True)
        .select_related("user")
        .first()
    )
    return address.user if address else None


def _address_in_use(email):
    return (
        EmailAddress.objects.filter(email__iexact=email).exists()
        or get_user_model().objects.filter(email__iexact=email).exists()
    )


def _new_account(invitation, password):
    user = get_user_model().objects.create_user(
        username=get_random_string(30), email=invitation.email, password=password or None
    )
    # The invitation's link reached this address: it is verified.
    EmailAddress.objects.create(user=user, email=invitation.email, verified=True, primary=True)
    return user


def _accept(invitation, user):
    person = Person.objects.filter(user=user).first()
    if person is None:
        person = Person.objects.create(
            user=user, first_name=invitation.first_name, known_as=invitation.known_as
        )
    Membership.objects.update_or_create(
        group=invitation.group,
        person=person,
        defaults={
            "role": invitation.role,
            "represents": invitation.represents,
            "active_from": timezone.localdate(),
            "active_to": None,
        },
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])


@login_required
def profile(request):
    person = getattr(request.user, "person", None)
    if person is None:
        return redirect("groupwork:home")
    form = ProfileForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Dina inställningar är sparade."))
        return redirect("groupwork:profile")
    return render(request, "groupwork/profile.html", {"form": form, "person": person})
