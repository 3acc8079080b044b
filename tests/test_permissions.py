"""Every URL of our apps, and what each kind of visitor gets there.

The matrix enumerates the URL patterns: a new view without an entry fails
test_every_url_of_the_app_is_in_the_matrix, so no view ships without its check.

Visitors: anonymous; an outsider (member of another group only); a member of the group;
the group's facilitator. An outsider gets 404 (a group's existence does not leak);
a member without the right role gets 403; anonymous is sent to the login page.
"""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from groupwork.models import Invitation, Membership
from tests.factories import make_item, make_meeting, make_visit
from visits.models import Participant

OUR_APPS = ("groupwork.", "meetings.", "actions.", "visits.")
VISITORS = ("anonymous", "outsider", "member", "facilitator")

LOGIN = 302  # anonymous: redirect to the login page
OK = 200


def _visit(w, **more):
    return {"group_slug": w.group.slug, "pk": w.visit.pk, **more}


def everyone(status):
    return dict.fromkeys(VISITORS, status)


def staff(member, facilitator=None, outsider=404):
    """A staff page of the group: anonymous to login, outsider 404."""
    return {
        "anonymous": LOGIN,
        "outsider": outsider,
        "member": member,
        "facilitator": member if facilitator is None else facilitator,
    }


# url name: (method, kwargs from the world, {visitor: status or tuple of statuses})
MATRIX = {
    # groupwork
    "groupwork:home": ("get", lambda w: {}, staff(OK, outsider=OK)),
    "groupwork:profile": ("get", lambda w: {}, staff(OK, outsider=OK)),
    "groupwork:accept_invitation": ("get", lambda w: {"token": w.invitation.token}, everyone(OK)),
    "groupwork:group": ("get", lambda w: {"group_slug": w.group.slug}, staff(OK)),
    "groupwork:invite": ("get", lambda w: {"group_slug": w.group.slug}, staff(403, OK)),
    "groupwork:revoke_invitation": (
        "post",
        lambda w: {"group_slug": w.group.slug, "pk": w.invitation.pk},
        staff(403, 302),
    ),
    "groupwork:edit_membership": (
        "get",
        lambda w: {"group_slug": w.group.slug, "pk": w.member_membership.pk},
        staff(403, OK),
    ),
    # meetings
    # actions
    # visits
    "visits:list": ("get", lambda w: {"group_slug": w.group.slug}, staff(OK)),
    "visits:create": ("get", lambda w: {"group_slug": w.group.slug}, staff(403, OK)),
    "visits:detail": ("get", lambda w: _visit(w), staff(OK)),
    "visits:edit": ("get", lambda w: _visit(w), staff(403, OK)),
    "visits:move": ("post", lambda w: _visit(w), staff(403, 302)),
    "visits:invite_members": ("get", lambda w: _visit(w), staff(403, OK)),
    "visits:add_guest": ("get", lambda w: _visit(w), staff(403, OK)),
    "visits:edit_participant": (
        "get",
        lambda w: _visit(w, participant_pk=w.member_participant.pk),
        staff(403, OK),
    ),
    "visits:remove_participant": (
        "post",
        lambda w: _visit(w, participant_pk=w.member_participant.pk),
        staff(403, 302),
    ),
    # Only Barbro answers for Barbro: her facilitator gets 403 too.
    "visits:answer": (
        "post",
        lambda w: _visit(w, participant_pk=w.member_participant.pk),
        staff(302, 403),
    ),
    "visits:report": ("get", lambda w: _visit(w), staff(403, OK)),
    "visits:report_history": ("get", lambda w: _visit(w), staff(OK)),
    "visits:report_restore": (
        "post",
        lambda w: _visit(w, history_id=w.visit_history_id),
        staff(403, 302),
    ),
    "visits:report_publish": ("post", lambda w: _visit(w), staff(403, 302)),
    "visits:link_item": (
        "post",
        lambda w: {"group_slug": w.group.slug, "item_pk": w.visit_item.pk},
        staff(403, 302),
    ),
    # public
}


@pytest.fixture
def world(group, facilitator, member, outsider):
    w = SimpleNamespace(group=group, facilitator=facilitator, member=member, outsider=outsider)
    w.member_membership = Membership.objects.get(group=group, person=member)
    w.invitation = Invitation.objects.create(group=group, email="ny@exempel.se", first_name="Ny")
    # meetings: objects
    # actions: objects
    # visits: objects
    w.visit = make_visit(group, status="booked", starts_on=date.today() + timedelta(days=30))
    w.visit_history_id = w.visit.history.latest().history_id
    w.member_participant = Participant.objects.create(visit=w.visit, person=member)
    w.visit_item = make_item(make_meeting(group), heading="Osloresan")
    return w


def _our_url_names(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _our_url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.callback.__module__.startswith(OUR_APPS):
            yield f"{namespace}{pattern.name}"


def test_every_url_of_the_app_is_in_the_matrix():
    names = set(_our_url_names())
    assert None not in names
    missing = sorted(names - set(MATRIX))
    assert not missing, f"add these URLs to the permission matrix: {missing}"
    stale = sorted(set(MATRIX) - names)
    assert not stale, f"these entries name no URL any more: {stale}"


@pytest.mark.django_db
@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(client, world, name, visitor):
    method, kwargs, expected = MATRIX[name]
    if visitor != "anonymous":
        client.force_login(getattr(world, visitor).user)
    url = reverse(name, kwargs=kwargs(world))
    response = getattr(client, method)(url)
    allowed = expected[visitor] if isinstance(expected[visitor], tuple) else (expected[visitor],)
    assert response.status_code in allowed, f"{visitor} {method.upper()} {url}"
    if visitor == "anonymous" and expected[visitor] == LOGIN:
        assert response.url.startswith(reverse("account_login"))
