"""What a meeting or a study visit may publish: the check, the public view-models, snapshots.

Every public output (page, Atom feed, PDF, Markdown, the Öppna soc block) is built from a
`PublicMinutes` or `PublicReport`, frozen as a Snapshot when it passed the check
(`publishing.gate` publishes). Text goes through Context.public_text() / public_html():
passages marked internal are cut, matches the check found and nobody confirmed are masked,
and e-mail addresses, phone numbers and personal identity numbers are masked always,
confirmed or not (defence in depth). People are shown by first name only.

`check_meeting()` / `check_visit()` list the findings that must be resolved before
publishing. A finding is resolved by editing the text or by a Confirmation of its kind and
match for that meeting or visit.
"""

import json
from dataclasses import asdict, dataclass, fields

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from groupwork.models import Membership
from meetings.models import AgendaItem, Attachment, Attendance
from publishing.detection import (
    Context,
    Finding,
    _check,
    first_name,
)
from publishing.models import Confirmation, Snapshot
from visits.models import Participant


def unresolved(findings):
    return [f for f in findings if not f.resolved]


def _confirmed(owner, objects):
    """({pk: {(kind, match)}} confirmed for each of objects, {group id: frozenset of name
    matches confirmed as places anywhere in the group}), in one query; owner: "meeting" or
    "visit"."""
    confirmed = {obj.pk: set() for obj in objects}
    groups = {obj.group_id for obj in objects}
    places = {group_id: set() for group_id in groups}
    rows = Confirmation.objects.filter(
        Q(**{f"{owner}__in": objects})
        | Q(is_place=True, kind="name", meeting__group__in=groups)
        | Q(is_place=True, kind="name", visit__group__in=groups)
    ).values_list(f"{owner}_id", "kind", "match", "is_place", "meeting__group", "visit__group")
    for pk, kind, match, is_place, meeting_group, visit_group in rows:
        if pk in confirmed:
            confirmed[pk].add((kind, match))
        if is_place and kind == "name":
            places[meeting_group or visit_group].add(match)
    return confirmed, {group_id: frozenset(p) for group_id, p in places.items()}


def _names(*lists):
    return frozenset(first_name(n) for names in lists for n in names if first_name(n))


def _represents(meetings_or_visits):
    """{group id: {person id: what they represent}}, one query for all groups."""
    groups = {obj.group_id for obj in meetings_or_visits}
    result = {group_id: {} for group_id in groups}
    names = {group_id: [] for group_id in groups}
    for m in Membership.objects.filter(group_id__in=groups).select_related("person"):
        result[m.group_id][m.person_id] = m.represents
        names[m.group_id].append(m.person.first_name)
    return result, names


def _meeting_parts(meetings):
    """What meetings may publish, in a fixed number of queries however many meetings.

    Returns {meeting pk: (context, represents, attendances, items, attachments)}.
    """
    meetings = list(meetings)
    ids = [m.pk for m in meetings]
    attendances = _by(
        "meeting_id",
        Attendance.objects.filter(meeting__in=ids, present=True).select_related("person"),
    )
    items = _by("meeting_id", AgendaItem.objects.filter(meeting__in=ids).order_by("position", "id"))
    attachments = _by(
        "meeting_id",
        Attachment.objects.filter(
            meeting__in=ids, is_public=True, is_import_original=False
        ).order_by("uploaded_at", "id"),
    )
    represents, member_names = _represents(meetings)
    confirmed, places = _confirmed("meeting", meetings)
    parts = {}
    for meeting in meetings:
        present = attendances.get(meeting.pk, [])
        names = _names(member_names[meeting.group_id], [a.name for a in present])
        context = Context(names, confirmed[meeting.pk], places[meeting.group_id])
        parts[meeting.pk] = (
            context, represents[meeting.group_id], present, items.get(meeting.pk, []),
            attachments.get(meeting.pk, []),
        )
    return parts


def _by(key, queryset):
    """{key value: [rows]} in the queryset's order (the "id" order unless it says otherwise)."""
    grouped = {}
    for row in queryset.order_by(*(queryset.query.order_by or ["id"])):
        grouped.setdefault(getattr(row, key), []).append(row)
    return grouped


def _affiliation(attendance, represents):
    return attendance.affiliation or represents.get(attendance.person_id, "")


def check_meeting(meeting):
    """Every finding in what the minutes would publish, each with its place."""
    context, represents, attendances, items, attachments = _meeting_parts([meeting])[meeting.pk]
    # Approved minutes are locked: the editor tells the facilitator to reopen them first.
    edit = reverse("meetings:edit", args=[meeting.group.slug, meeting.pk])
    fields = [
        (_("Rubrik"), meeting.title, None, edit, False),
        (_("Inledning"), meeting.opening, None, edit, False),
    ]
    if meeting.location_is_public:
        fields.append((_("Plats"), meeting.location, None, edit, False))
    for attendance in attendances:
        fields.append((_("Närvarande"), attendance.name, None, edit, True))
        affiliation = _affiliation(attendance, represents)
        fields.append((_("Närvarandes tillhörighet"), affiliation, None, edit, False))
    for item in items:
        url = f"{edit}#punkt-{item.pk}"
        fields += [
            (_("Rubrik"), item.heading, item, url, False),
            (_("Anteckningar"), item.notes, item, url, False),
            (_("Beslut"), item.decision, item, url, False),
        ]
    for attachment in attachments:
        item = next((i for i in items if i.pk == attachment.item_id), None)
        fields.append((_("Bilagans namn"), attachment.name, item, edit, False))
    findings = _check(context, fields)
    for attachment in attachments:
        match = f"{attachment.name} (#{attachment.pk})"
        item = next((i for i in items if i.pk == attachment.item_id), None)
        findings.append(
            Finding("attachment", match, _("Bilaga"), 0, item, edit,
                    context.is_confirmed("attachment", match))
        )
    return findings


def _visit_parts(visits):
    visits = list(visits)
    participants = _by(
        "visit_id",
        Participant.objects.filter(
            visit__in=[v.pk for v in visits], status=Participant.Status.CONFIRMED
        ).select_related("person"),
    )
    represents, member_names = _represents(visits)
    confirmed, places = _confirmed("visit", visits)
    parts = {}
    for visit in visits:
        confirmed_participants = participants.get(visit.pk, [])
        names = _names(member_names[visit.group_id], [p.name for p in confirmed_participants])
        context = Context(names, confirmed[visit.pk], places[visit.group_id])
        parts[visit.pk] = (context, represents[visit.group_id], confirmed_participants)
    return parts


def check_visit(visit):
    """Every finding in what the study-visit report would publish."""
    context, represents, participants = _visit_parts([visit])[visit.pk]
    args = [visit.group.slug, visit.pk]
    edit = reverse("visits:edit", args=args)
    fields = [
        (_("Ort"), visit.destination, None, edit, False),
        (_("Värdorganisation"), visit.host, None, edit, False),
        (_("Syfte"), visit.purpose, None, edit, False),
        (_("Rapport"), visit.report, None, reverse("visits:report", args=args), False),
    ]
    for participant in participants:
        role = participant.guest_role or represents.get(participant.person_id, "")
        fields.append((_("Deltagare"), participant.name, None, visit.get_absolute_url(), True))
        fields.append(
            (_("Deltagarens roll"), role, None, visit.get_absolute_url(), False)
        )
    return _check(context, fields)


@dataclass
class PublicItem:
    position: int
    heading: str
    notes_html: str
    decision_html: str
    notes: str
    decision: str
    outcome: str
    attachments: list


@dataclass
class PublicMinutes:
    """Everything of a meeting the public may see, already through the pipeline."""

    group: object
    slug: str
    title: str
    starts_at: object
    place: str
    opening_html: str
    opening: str
    attendees: list  # (first name, affiliation, only_items)
    items: list
    attachments: list  # (name, public slug of meeting, pk) of the meeting itself
    published_at: object
    updated_at: object

    @property
    def summary(self):
        return ", ".join(item.heading for item in self.items)


def _public_attachment(attachment, context):
    return {"pk": attachment.pk, "name": context.public_text(attachment.name),
            "size": attachment.size}


def public_minutes(meeting):
    """The published view of a meeting: the only thing public views render."""
    return public_minutes_many([meeting])[0]


def public_minutes_many(meetings):
    """public_minutes() for several meetings (the feed) in the same number of queries."""
    parts = _meeting_parts(meetings)
    return [_public_minutes(m, *parts[m.pk]) for m in meetings]


def _public_minutes(meeting, context, represents, attendances, items, attachments):
    text, html = context.public_text, context.public_html
    public_items = []
    for item in items:
        public_items.append(
            PublicItem(
                position=item.position,
                heading=text(item.heading),
                notes_html=html(item.notes),
                decision_html=html(item.decision),
                notes=text(item.notes),
                decision=text(item.decision),
                outcome=item.get_outcome_display(),
                attachments=[
                    _public_attachment(a, context) for a in attachments if a.item_id == item.pk
                ],
            )
        )
    starts = timezone.localtime(meeting.starts_at)
    default_title = gettext("Anteckningar från mötet %(date)s") % {
        "date": date_format(starts.date(), "DATE_FORMAT")
    }
    return PublicMinutes(
        group=meeting.group,
        slug=meeting.public_slug,
        title=text(meeting.title) or default_title,
        starts_at=starts,
        place=text(meeting.location) if meeting.location_is_public else "",
        opening_html=html(meeting.opening),
        opening=text(meeting.opening),
        attendees=[
            (
                first_name(text(a.name)),
                text(_affiliation(a, represents)),
                text(a.only_items),
            )
            for a in attendances
        ],
        items=public_items,
        attachments=[_public_attachment(a, context) for a in attachments if a.item_id is None],
        published_at=meeting.published_at,
        updated_at=meeting.updated_at,
    )


@dataclass
class PublicReport:
    group: object
    slug: str
    title: str
    destination: str
    host: str
    starts_on: object
    ends_on: object
    purpose_html: str
    report_html: str
    report: str
    participants: list  # (first name, role)
    published_at: object
    updated_at: object


def public_report(visit):
    """The published view of a study-visit report. No host contact, no travel, no plan."""
    return public_reports_many([visit])[0]


def public_reports_many(visits):
    parts = _visit_parts(visits)
    return [_public_report(v, *parts[v.pk]) for v in visits]


def _public_report(visit, context, represents, participants):
    text = context.public_text
    destination, host = text(visit.destination), text(visit.host)
    return PublicReport(
        group=visit.group,
        slug=visit.public_slug,
        title=gettext("Studiebesök i %(destination)s") % {"destination": destination},
        destination=destination,
        host=host,
        starts_on=visit.starts_on,
        ends_on=visit.ends_on,
        purpose_html=context.public_html(visit.purpose),
        report_html=context.public_html(visit.report),
        report=text(visit.report),
        participants=[
            (first_name(text(p.name)), text(p.guest_role or represents.get(p.person_id, "")))
            for p in participants
        ],
        published_at=visit.report_published_at,
        updated_at=visit.updated_at,
    )


# --- Snapshots: what the public sees, frozen at publishing --------------------------------

# What a public view-model shares with the live rows: not frozen, set when a snapshot is read.
_LIVE = ("group", "published_at", "updated_at")


def _content(doc):
    """The view-model as JSON: what a Snapshot stores."""
    data = {f.name: getattr(doc, f.name) for f in fields(doc) if f.name not in _LIVE}
    if "items" in data:
        data["items"] = [asdict(item) for item in data["items"]]
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _as(cls, data, **given):
    """cls from a snapshot's JSON. A snapshot made by an older version keeps working: a field
    added since is empty, one dropped since is ignored. Rendered HTML came out of the pipeline
    when the snapshot was made: it is safe."""
    values = {}
    for f in fields(cls):
        if f.name in given:
            values[f.name] = given[f.name]
        else:
            value = data.get(f.name, [] if f.type is list else "")
            values[f.name] = mark_safe(value) if f.name.endswith("_html") else value
    return cls(**values)


def _live(snapshot):
    return {
        "group": snapshot.group,
        "published_at": snapshot.published_at,
        "updated_at": snapshot.updated_at,
    }


def minutes_from(snapshot):
    """The PublicMinutes a snapshot froze."""
    data = snapshot.content
    return _as(
        PublicMinutes,
        data,
        items=[_as(PublicItem, item) for item in data.get("items", [])],
        starts_at=timezone.localtime(parse_datetime(data["starts_at"])),
        **_live(snapshot),
    )


def report_from(snapshot):
    """The PublicReport a snapshot froze."""
    data = snapshot.content
    days = {day: data.get(day) and parse_date(data[day]) for day in ("starts_on", "ends_on")}
    return _as(PublicReport, data, **days, **_live(snapshot))


def doc_from(snapshot):
    return (minutes_from if snapshot.kind == "minutes" else report_from)(snapshot)


def snapshot_of(obj, doc):
    """An unsaved Snapshot of doc, the public view of obj (a meeting or a study visit)."""
    minutes = isinstance(doc, PublicMinutes)
    if minutes:
        day = doc.starts_at.date()
    else:
        day = obj.starts_on or timezone.localtime(obj.report_published_at).date()
    return Snapshot(
        kind=Snapshot.Kind.MINUTES if minutes else Snapshot.Kind.REPORT,
        group_id=obj.group_id,
        meeting=obj if minutes else None,
        visit=None if minutes else obj,
        public_slug=obj.public_slug,
        date=day,
        title=doc.title[:300],
        content=_content(doc),
        published_at=doc.published_at or timezone.now(),
        updated_at=timezone.now(),
    )


def _freeze(obj, doc):
    """Store doc as what the public sees of obj; True if that changed."""
    new = snapshot_of(obj, doc)
    old = Snapshot.objects.filter(meeting=new.meeting, visit=new.visit).first()
    same = ("public_slug", "date", "title", "content", "published_at")
    if old is not None and all(getattr(old, f) == getattr(new, f) for f in same):
        return False
    new.pk = old.pk if old is not None else None
    new.save()
    return True


def freeze_minutes(meeting):
    """Called by the gate once the check passed: the minutes as the public sees them."""
    with translation.override("sv"):
        return _freeze(meeting, public_minutes(meeting))


def freeze_report(visit):
    """Called by the gate once the check passed: the report as the public sees it."""
    with translation.override("sv"):
        return _freeze(visit, public_report(visit))


def public_version_is_older(obj, snapshot):
    """The text now would publish something else than the snapshot shows."""
    with translation.override("sv"):
        doc = public_report(obj) if snapshot.kind == "report" else public_minutes(obj)
    return _content(doc) != snapshot.content



def unique_public_slug(queryset, base):
    """base, or base-2, base-3 ... : the first not yet used in the group."""
    base = slugify(base)[:70] or "publicerat"
    taken = set(queryset.filter(public_slug__startswith=base).values_list("public_slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug

