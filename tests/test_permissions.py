"""Every URL of our apps, and what each kind of visitor gets there.

The matrix enumerates the URL patterns: a new view without an entry fails
test_every_url_of_the_app_is_in_the_matrix, so no view ships without its check.

Visitors: anonymous; an outsider (member of another group only); a member of the group;
the group's facilitator. An outsider gets 404 (a group's existence does not leak);
a member without the right role gets 403; anonymous is sent to the login page.
"""

import shutil
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from groupwork.models import Invitation, Membership
from meetings.models import Attachment, Attendance
from publishing import gate
from tests.factories import (
    make_facilitator,
    make_group,
    make_item,
    make_meeting,
    make_member,
    make_visit,
)
from visits.models import Participant

OUR_APPS = ("groupwork.", "meetings.", "actions.", "visits.", "publishing.", "overview.")
VISITORS = ("anonymous", "outsider", "member", "facilitator")

LOGIN = 302  # anonymous: redirect to the login page
OK = 200


def _visit(w, **more):
    return {"group_slug": w.group.slug, "pk": w.visit.pk, **more}


def _task(w):
    return {"group_slug": w.group.slug, "pk": w.task.pk}


def _meeting(w, **more):
    return {"group_slug": w.group.slug, "pk": w.meeting.pk, **more}


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
    "meetings:list": ("get", lambda w: {"group_slug": w.group.slug}, staff(OK)),
    "meetings:plan": ("get", lambda w: {"group_slug": w.group.slug}, staff(403, OK)),
    # w.meeting is a draft: members see date and place on its page, only facilitators edit.
    "meetings:detail": ("get", lambda w: _meeting(w), staff(OK)),
    "meetings:edit": ("get", lambda w: _meeting(w), staff(403, OK)),
    # The editor's side panel: to the meeting before, or 404 if there is none.
    "meetings:previous_minutes": ("get", lambda w: _meeting(w), staff(403, (302, 404))),
    "meetings:start_writing": ("post", lambda w: _meeting(w), staff(403, 302)),
    "meetings:approve": ("post", lambda w: _meeting(w), staff(403, 302)),
    "meetings:close": ("get", lambda w: _meeting(w), staff(403, OK)),
    "meetings:send_back": ("post", lambda w: _meeting(w), staff(403, 302)),
    "meetings:reopen": ("get", lambda w: _meeting(w, pk=w.approved.pk), staff(403, OK)),
    "meetings:cancel": ("post", lambda w: _meeting(w), staff(403, 302)),
    "meetings:history": ("get", lambda w: _meeting(w), staff(403, OK)),
    # The projector of a draft: who may read the draft (facilitators, the adjuster).
    "meetings:projector": ("get", lambda w: _meeting(w), staff(403, OK)),
    "meetings:projector_screen": ("get", lambda w: _meeting(w), staff(403, OK)),
    # Without an item to show, no item is found.
    "meetings:projector_show": ("post", lambda w: _meeting(w), staff(403, 404)),
    "meetings:restore": (
        "post", lambda w: _meeting(w, history_id=w.meeting_record.history_id), staff(403, 302)
    ),
    "meetings:attendance": ("post", lambda w: _meeting(w), staff(403, 302)),
    "meetings:add_guest": ("post", lambda w: _meeting(w), staff(403, 302)),
    "meetings:remove_guest": (
        "post", lambda w: _meeting(w, attendance_pk=w.guest.pk), staff(403, 302)
    ),
    "meetings:add_item": ("post", lambda w: _meeting(w), staff(403, 302)),
    # An empty save is refused with the form again (400), never a 500.
    "meetings:save_item": ("post", lambda w: _meeting(w, item_pk=w.item.pk), staff(403, 400)),
    "meetings:understand": ("post", lambda w: _meeting(w), staff(403, OK)),
    "meetings:move_item": ("post", lambda w: _meeting(w, item_pk=w.item.pk), staff(403, 302)),
    "meetings:delete_item": ("get", lambda w: _meeting(w, item_pk=w.item.pk), staff(403, OK)),
    "meetings:item_history": ("get", lambda w: _meeting(w, item_pk=w.item.pk), staff(403, OK)),
    "meetings:restore_item": (
        "post",
        lambda w: _meeting(w, item_pk=w.item.pk, history_id=w.item_record.history_id),
        staff(403, 302),
    ),
    "meetings:upload": ("post", lambda w: _meeting(w), staff(403, 400)),
    # The draft's attachment: a member may not read it yet (approved ones: see test_meetings).
    "meetings:attachment": (
        "get", lambda w: _meeting(w, attachment_pk=w.attachment.pk), staff(403, OK)
    ),
    "meetings:delete_attachment": (
        "post", lambda w: _meeting(w, attachment_pk=w.attachment.pk), staff(403, 302)
    ),
    # import
    "meetings:import": ("get", lambda w: {"group_slug": w.group.slug}, staff(403, OK)),
    # A confirmation without files saves nothing and goes back to the upload page.
    "meetings:import_confirm": ("post", lambda w: {"group_slug": w.group.slug}, staff(403, 302)),
    # actions
    "actions:list": ("get", lambda w: {"group_slug": w.group.slug}, staff(OK)),
    "actions:create": ("get", lambda w: {"group_slug": w.group.slug}, staff(403, OK)),
    # w.task is Anne's: Barbro may read it, only Anne (owner and facilitator) may change it.
    "actions:detail": ("get", lambda w: _task(w), staff(OK)),
    "actions:edit": ("get", lambda w: _task(w), staff(403, OK)),
    "actions:complete": ("post", lambda w: _task(w), staff(403, 302)),
    "actions:reopen": ("post", lambda w: _task(w), staff(403, 302)),
    "actions:drop": ("post", lambda w: _task(w), staff(403, 302)),
    # From the minutes editor: without an agenda item, or for a task someone else made, 400.
    "actions:quick_task": ("post", lambda w: {"group_slug": w.group.slug}, staff(403, 400)),
    "actions:undo_quick_task": ("post", lambda w: _task(w), staff(403, 400)),
    "actions:add_note": ("post", lambda w: _task(w), staff(403, OK)),
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
    "groupwork:publishing": ("get", lambda w: {"group_slug": w.group.slug}, staff(403, OK)),
    **{
        f"groupwork:publishing_{kind}{action}": (
            method,
            lambda w, kind=kind: {
                "group_slug": w.group.slug,
                "pk": (w.approved if kind == "meeting" else w.visit).pk,
            },
            staff(403, status),
        )
        for kind in ("meeting", "visit")
        for action, method, status in [
            ("", "get", OK),
            ("_confirm", "post", 302),
            ("_publish", "post", 302),
            ("_unpublish", "post", 302),
            ("_mirror", "post", 302),
        ]
    },
    "public:index": ("get", lambda w: {}, everyone(OK)),
    "public:group": ("get", lambda w: {"group_slug": w.public_group.slug}, everyone(OK)),
    "public:feed": ("get", lambda w: {"group_slug": w.public_group.slug}, everyone(OK)),
    **{
        f"public:{name}": ("get", lambda w: _public_minutes(w), everyone(OK))
        for name in ("minutes", "minutes_pdf", "minutes_markdown", "minutes_snippet")
    },
    "public:attachment": (
        "get", lambda w: _public_minutes(w, pk=w.public_attachment.pk), everyone(OK)
    ),
    "public:report": (
        "get",
        lambda w: {"group_slug": w.public_group.slug, "public_slug": w.public_visit.public_slug},
        everyone(OK),
    ),
    # search
    "groupwork:search": ("get", lambda w: {}, staff(OK, outsider=OK)),
    "public:search": ("get", lambda w: {}, everyone(OK)),
    # The token is the key: whoever has the URL gets the feed, logged in or not.
    "groupwork:calendar_feed": ("get", lambda w: {"token": w.member.calendar_token}, everyone(OK)),
    "groupwork:calendar": ("get", lambda w: {}, staff(OK, outsider=OK)),
    "groupwork:calendar_regenerate": ("post", lambda w: {}, staff(302, outsider=302)),
    "groupwork:meeting_ics": (
        "get", lambda w: {"group_slug": w.group.slug, "pk": w.meeting.pk}, staff(OK)
    ),
    "groupwork:visit_ics": ("get", lambda w: {"group_slug": w.group.slug, "pk": w.visit.pk}, staff(OK)),
    "public:calendar": ("get", lambda w: {"group_slug": w.public_group.slug}, everyone(OK)),
}


def _public_minutes(w, **more):
    return {"group_slug": w.public_group.slug, "public_slug": w.published.public_slug, **more}


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The objects every URL of the matrix needs, made once for the module's 280 tests.

    Made inside a transaction that is rolled back when the module is done; each test runs in a
    savepoint inside it (pytest-django's `db`), so what a test's POST changes is undone after it.
    """
    media = tmp_path_factory.mktemp("permissions-media")
    with django_db_blocker.unblock(), override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MEDIA_ROOT=media,
        CACHES={"default": _LOCMEM, "pages": _LOCMEM},
    ), transaction.atomic():
        w = _make_world()
        w.media = media
        yield w
        transaction.set_rollback(True)


_LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "world"}


@pytest.fixture
def world(_world, db, settings):
    # The world's attachments, copied into this test's MEDIA_ROOT: a file a test deletes is
    # back for the next one, as its row is.
    shutil.copytree(_world.media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    return _world


def _make_world():
    group = make_group("Föräldragruppen", slug="foraldragruppen")
    facilitator = make_facilitator(group, "Anne", represents="Socialförvaltningen")
    member = make_member(group, "Barbro", represents="Föräldrarepresentant")
    outsider = make_member(make_group("Socialchefsnätverket", slug="natverket"), "Charlie")
    w = SimpleNamespace(group=group, facilitator=facilitator, member=member, outsider=outsider)
    w.member_membership = Membership.objects.get(group=group, person=member)
    w.invitation = Invitation.objects.create(group=group, email="ny@exempel.se", first_name="Ny")
    # meetings: objects
    w.meeting = make_meeting(group)
    w.item = make_item(w.meeting, notes="Text")
    w.meeting_record = w.meeting.history.first()
    w.item_record = w.item.history.first()
    w.approved = make_meeting(group, status="approved")
    w.guest = Attendance.objects.create(meeting=w.meeting, guest_name="David")
    w.attachment = Attachment.objects.create(
        meeting=w.meeting, file=ContentFile(b"%PDF-1.4", name="a.pdf"), name="a.pdf",
        content_type="application/pdf", size=8,
    )
    # actions: objects
    from tests.factories import make_task

    w.task = make_task(group, owners=[facilitator], title="Anne pratar med Nacka om Oslo")
    # visits: objects
    w.visit = make_visit(group, status="booked", starts_on=date.today() + timedelta(days=30))
    w.visit_history_id = w.visit.history.latest().history_id
    w.member_participant = Participant.objects.create(visit=w.visit, person=member)
    w.visit_item = make_item(make_meeting(group), heading="Osloresan")
    # public: objects (a group that publishes, with published minutes and a report)
    from tests.factories import confirm_findings, make_published_meeting

    w.public_group = make_group("Öppna gruppen", slug="oppna-gruppen", is_public=True)
    w.published = make_published_meeting(w.public_group)
    w.public_attachment = Attachment.objects.create(
        meeting=w.published, file=ContentFile(b"%PDF-1.4", name="b.pdf"), name="b.pdf",
        content_type="application/pdf", size=8, is_public=True,
    )
    confirm_findings(w.published)
    gate.publish_minutes(w.published)
    w.public_visit = make_visit(w.public_group, report="Vi lärde oss mycket i Oslo.")
    gate.publish_report(w.public_visit)
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
