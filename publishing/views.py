"""Publishing to the open site (staff side): the privacy check page, confirmations,
publish and unpublish, for minutes and study-visit reports. Facilitators only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groupwork.access import membership_for
from meetings.access import meeting_for
from meetings.models import Meeting, StatusError
from publishing import detection, gate, mirror, privacy, wordpress
from publishing.models import Mirror, Snapshot
from visits.access import visit_for


@login_required
def overview(request, group_slug):
    """What the group has published and what is ready to be checked."""
    membership = membership_for(request, group_slug, facilitator=True)
    group = membership.group
    meetings = group.meetings.filter(
        status__in=[Meeting.Status.APPROVED, Meeting.Status.PUBLISHED]
    ).order_by("-starts_at")
    visits = list(group.study_visits.exclude(report="").order_by("-starts_on", "-id"))
    meetings = list(meetings)
    # Each item's post on Öppna soc, in one query whatever their number.
    mirrors = {(m.meeting_id, m.visit_id): m for m in Mirror.objects.filter(group=group)}
    for meeting in meetings:
        meeting.wordpress = mirrors.get((meeting.pk, None))
    for visit in visits:
        visit.wordpress = mirrors.get((None, visit.pk))
    return render(
        request,
        "publishing/publish_overview.html",
        {
            "group": group,
            "meetings": meetings,
            "visits": visits,
            "mirrored": group.is_public and wordpress.site_for(group) is not None,
        },
    )


def _check_page(request, obj, findings, context):
    snapshot = Snapshot.objects.filter(**{context["kind"]: obj}).first()
    context["is_published"] = snapshot is not None
    context["public_is_older"] = snapshot is not None and privacy.public_version_is_older(
        obj, snapshot
    )
    confirmations = gate.confirmations(obj)
    resolved = [(f, confirmations.get((f.kind, f.match))) for f in findings if f.resolved]
    return render(
        request,
        "publishing/publish_check.html",
        {
            "group": obj.group,
            "object": obj,
            "unresolved": privacy.unresolved(findings),
            "resolved": resolved,
            "always_masked": [
                str(detection.KINDS[kind]).lower() for kind in sorted(detection.ALWAYS_MASKED)
            ],
            **context,
        },
    )


@login_required
def meeting_check(request, group_slug, pk):
    membership, meeting = meeting_for(request, group_slug, pk, facilitator=True)
    findings = privacy.check_meeting(meeting)
    reasons = []
    if meeting.status not in (Meeting.Status.APPROVED, Meeting.Status.PUBLISHED):
        reasons.append(_("Anteckningarna är inte justerade."))
    args = [meeting.group.slug, meeting.pk]
    return _check_page(
        request,
        meeting,
        findings,
        {
            "kind": "meeting",
            "title": _("Granska och publicera anteckningarna från %(date)s")
            % {"date": date_format(timezone.localtime(meeting.starts_at), "DATE_FORMAT")},
            "back_url": meeting.get_absolute_url(),
            "reasons": reasons,
            "was_published": bool(meeting.public_slug),
            "public_url": reverse("public:minutes", args=[meeting.group.slug, meeting.public_slug])
            if meeting.public_slug
            else "",
            "group_is_public": meeting.group.is_public,
            "internal_count": meeting.items.exclude(internal_notes="").count(),
            "confirm_url": reverse("groupwork:publishing_meeting_confirm", args=args),
            "publish_url": reverse("groupwork:publishing_meeting_publish", args=args),
            "unpublish_url": reverse("groupwork:publishing_meeting_unpublish", args=args),
        },
    )


@login_required
def visit_check(request, group_slug, pk):
    membership, visit = visit_for(request, group_slug, pk, facilitator=True)
    findings = privacy.check_visit(visit)
    reasons = [] if visit.report.strip() else [_("Det finns ingen rapport än.")]
    args = [visit.group.slug, visit.pk]
    return _check_page(
        request,
        visit,
        findings,
        {
            "kind": "visit",
            "title": _("Granska och publicera rapporten från %(destination)s")
            % {"destination": visit.destination},
            "back_url": visit.get_absolute_url(),
            "reasons": reasons,
            "was_published": bool(visit.public_slug),
            "public_url": reverse("public:report", args=[visit.group.slug, visit.public_slug])
            if visit.public_slug
            else "",
            "group_is_public": visit.group.is_public,
            "internal_count": 0,
            "confirm_url": reverse("groupwork:publishing_visit_confirm", args=args),
            "publish_url": reverse("groupwork:publishing_visit_publish", args=args),
            "unpublish_url": reverse("groupwork:publishing_visit_unpublish", args=args),
        },
    )


def _confirm(request, obj, findings):
    """Record that one match is fine; only a match the check actually found can be confirmed."""
    kind, match = request.POST.get("kind", ""), request.POST.get("match", "")
    found = [
        f
        for f in privacy.unresolved(findings)
        if f.kind == kind and f.match == match and f.can_be_confirmed
    ]
    if found:
        # Only what could be a place is confirmed for the whole group; a name is confirmed
        # for this meeting or visit alone, whatever the form said.
        place = request.POST.get("place") == "1" and found[0].may_be_place
        gate.confirm(obj, kind, match, by=request.user, place=place)
        if place:
            messages.success(
                request,
                _("”%(match)s” är markerat som en ort eller organisation, okej i hela gruppen.")
                % {"match": match},
            )
        else:
            messages.success(request, _("”%(match)s” är markerat som okej.") % {"match": match})
    else:
        messages.warning(
            request, _("Fyndet finns inte längre; sidan visar kontrollen som den ser ut nu.")
        )


@require_POST
@login_required
def meeting_confirm(request, group_slug, pk):
    membership, meeting = meeting_for(request, group_slug, pk, facilitator=True)
    _confirm(request, meeting, privacy.check_meeting(meeting))
    return redirect("groupwork:publishing_meeting", group_slug=meeting.group.slug, pk=meeting.pk)


@require_POST
@login_required
def visit_confirm(request, group_slug, pk):
    membership, visit = visit_for(request, group_slug, pk, facilitator=True)
    _confirm(request, visit, privacy.check_visit(visit))
    return redirect("groupwork:publishing_visit", group_slug=visit.group.slug, pk=visit.pk)


@require_POST
@login_required
def meeting_publish(request, group_slug, pk):
    membership, meeting = meeting_for(request, group_slug, pk, facilitator=True)
    was_published = meeting.status == Meeting.Status.PUBLISHED
    try:
        changed = gate.publish_minutes(meeting, by=request.user)
    except gate.NotPublishable as refused:
        messages.error(request, str(refused))
    except StatusError:
        messages.error(request, _("Anteckningarna ändrades samtidigt. Försök igen."))
    else:
        if not changed:
            messages.info(request, _("Anteckningarna var redan publicerade."))
        elif was_published:
            messages.success(request, _("Den öppna sidan visar nu den nya versionen."))
        else:
            messages.success(request, _("Anteckningarna är publicerade på den öppna webbplatsen."))
    return redirect("groupwork:publishing_meeting", group_slug=meeting.group.slug, pk=meeting.pk)


@require_POST
@login_required
def meeting_unpublish(request, group_slug, pk):
    membership, meeting = meeting_for(request, group_slug, pk, facilitator=True)
    try:
        meeting.unpublish(by=request.user)
    except StatusError:
        messages.error(request, _("Anteckningarna ändrades samtidigt. Försök igen."))
    else:
        messages.success(request, _("Anteckningarna är borttagna från den öppna webbplatsen."))
    return redirect("groupwork:publishing_meeting", group_slug=meeting.group.slug, pk=meeting.pk)


@require_POST
@login_required
def visit_publish(request, group_slug, pk):
    membership, visit = visit_for(request, group_slug, pk, facilitator=True)
    was_published = visit.report_is_public
    try:
        changed = gate.publish_report(visit, by=request.user)
    except gate.NotPublishable as refused:
        messages.error(request, str(refused))
    else:
        if not changed:
            messages.info(request, _("Rapporten var redan publicerad."))
        elif was_published:
            messages.success(request, _("Den öppna sidan visar nu den nya versionen."))
        else:
            messages.success(request, _("Rapporten är publicerad på den öppna webbplatsen."))
    return redirect("groupwork:publishing_visit", group_slug=visit.group.slug, pk=visit.pk)


@require_POST
@login_required
def visit_unpublish(request, group_slug, pk):
    membership, visit = visit_for(request, group_slug, pk, facilitator=True)
    visit.unpublish_report(by=request.user)
    messages.success(request, _("Rapporten är borttagen från den öppna webbplatsen."))
    return redirect("groupwork:publishing_visit", group_slug=visit.group.slug, pk=visit.pk)


def _retry(request, obj, owner):
    """Send the item's post to Öppna soc now (the facilitator's "Försök igen"); what happens
    is shown on the publishing page. A 429 is not waited for here: cron tries again."""
    found = Mirror.objects.filter(**{owner: obj}).first()
    if found is None:
        messages.warning(request, _("Det finns inget att skicka till Öppna soc."))
        return
    done = mirror.run(found.pk, patience=0)
    if done is None:
        messages.info(request, _("Inlägget skickas redan till Öppna soc; ladda om sidan strax."))
    elif done.state == Mirror.State.MIRRORED:
        messages.success(request, _("Öppna soc är uppdaterat."))
    else:
        messages.error(request, done.reason)


@require_POST
@login_required
def meeting_mirror(request, group_slug, pk):
    membership, meeting = meeting_for(request, group_slug, pk, facilitator=True)
    _retry(request, meeting, "meeting")
    return redirect("groupwork:publishing", group_slug=meeting.group.slug)


@require_POST
@login_required
def visit_mirror(request, group_slug, pk):
    membership, visit = visit_for(request, group_slug, pk, facilitator=True)
    _retry(request, visit, "visit")
    return redirect("groupwork:publishing", group_slug=visit.group.slug)
