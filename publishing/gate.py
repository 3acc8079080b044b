"""The publish gate: nothing reaches the open site unless the privacy check passes.

A meeting or a visit knows its own state change (`meeting.mark_published()`,
`visit.mark_report_published()`); this module decides whether it may happen, and freezes
what the public sees as a Snapshot in the same transaction. Taking something off the open
site is the model's own business (`meeting.unpublish()`, `visit.unpublish_report()`, both in a
transaction): the receivers below drop the snapshot in the same save. A QuerySet.update() of
status or report_unpublished_at would bypass them; no code does that.
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting
from publishing import detection, privacy
from publishing.models import Confirmation, Snapshot
from visits.models import StudyVisit


class NotPublishable(Exception):
    """Publishing was refused: not approved, nothing to publish, or unresolved findings."""


_FINDINGS_LEFT = _("Integritetskontrollen har fynd som ännu inte är åtgärdade.")


def publish_minutes(meeting, by=None):
    """Approved → published, never while the check finds anything; True if what the public
    sees changed. Publishing again runs the check again and freezes the text of now.
    Raises NotPublishable, or meetings.models.StatusError if the status changed meanwhile."""
    with transaction.atomic():
        # One publisher at a time, and what is frozen is what was checked.
        Meeting.objects.select_for_update().filter(pk=meeting.pk).exists()
        meeting.refresh_from_db()
        if meeting.status not in (Meeting.Status.APPROVED, Meeting.Status.PUBLISHED):
            raise NotPublishable(_("Bara justerade anteckningar kan publiceras."))
        if privacy.unresolved(privacy.check_meeting(meeting)):
            raise NotPublishable(_FINDINGS_LEFT)
        if meeting.status == Meeting.Status.APPROVED:
            slug = meeting.public_slug or privacy.unique_public_slug(
                Meeting.objects.filter(group_id=meeting.group_id),
                f"{timezone.localtime(meeting.starts_at):%Y-%m-%d}",
            )
            meeting.mark_published(by, public_slug=slug)
        return privacy.freeze_minutes(meeting)


def publish_report(visit, by=None):
    """Put a study visit's report on the open site, never while the check finds anything;
    True if what the public sees changed. Raises NotPublishable."""
    with transaction.atomic():
        StudyVisit.objects.select_for_update().filter(pk=visit.pk).exists()
        visit.refresh_from_db()
        if not visit.report.strip():
            raise NotPublishable(_("Det finns ingen rapport att publicera."))
        if privacy.unresolved(privacy.check_visit(visit)):
            raise NotPublishable(_FINDINGS_LEFT)
        day = visit.starts_on or timezone.localdate()
        slug = visit.public_slug or privacy.unique_public_slug(
            StudyVisit.objects.filter(group_id=visit.group_id),
            # The checked destination: an address is public, so nothing unchecked.
            f"{day:%Y-%m-%d}-{detection.strict_text(visit.destination)}",
        )
        visit.mark_report_published(by, public_slug=slug)
        return privacy.freeze_report(visit)


def confirm(obj, kind, match, by, place=False):
    """A facilitator's word that one match of the check in obj (a meeting or a visit) is fine.
    place: a name match is a place or an organisation, fine in the whole group from now on."""
    owner = {"meeting": obj} if isinstance(obj, Meeting) else {"visit": obj}
    confirmation, created = Confirmation.objects.get_or_create(
        **owner, kind=kind, match=match,
        defaults={"confirmed_by": by, "is_place": place and kind == "name"},
    )
    if not created and place and kind == "name" and not confirmation.is_place:
        confirmation.is_place = True
        confirmation.save(update_fields=["is_place"])


def confirmations(obj):
    """{(kind, match): Confirmation} given for obj."""
    owner = {"meeting": obj} if isinstance(obj, Meeting) else {"visit": obj}
    return {
        (c.kind, c.match): c
        for c in Confirmation.objects.filter(**owner).select_related("confirmed_by__person")
    }


def _meeting_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.unpublished_at and instance.status != Meeting.Status.PUBLISHED:
        Snapshot.objects.filter(meeting=instance).delete()


def _visit_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.report_unpublished_at and not instance.report_is_public:
        Snapshot.objects.filter(visit=instance).delete()


def connect():
    post_save.connect(_meeting_saved, sender=Meeting, dispatch_uid="gate-meeting-unpublished")
    post_save.connect(_visit_saved, sender=StudyVisit, dispatch_uid="gate-visit-unpublished")


def publish_if_clean(meeting, by=None):
    """Publish minutes that pass the check (imported ones); return what it found otherwise."""
    findings = privacy.unresolved(privacy.check_meeting(meeting))
    if not findings:
        publish_minutes(meeting, by=by)
    return findings


def publish_demo(group, by=None):
    """Publish the demo group's two most recent approved minutes and the reports marked for
    publication, each only if the check passes (as it would be for a facilitator)."""
    published = 0
    meetings = group.meetings.filter(status=Meeting.Status.APPROVED).order_by("-starts_at")[:2]
    for obj, publish in [(m, publish_minutes) for m in meetings] + [
        (v, publish_report) for v in group.study_visits.filter(report_publish=True)
    ]:
        try:
            publish(obj, by=by)
            published += 1
        except NotPublishable:
            pass
    return published
