import functools
import logging
import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.core.paginator import Paginator
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models, transaction
from django.db.models import F
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.utils.translation import override
from django.views.decorators.http import require_POST

from groupwork import autosave
from groupwork.access import membership_for
from groupwork.diff import word_diff
from groupwork.internal import cut_internal
from groupwork.http import is_htmx, whole_number
from groupwork.markdown import render_markdown
from groupwork.models import Group, Person
from meetings import lines
from meetings.access import meeting_for
from meetings.forms import (
    AgendaItemForm,
    AttachmentForm,
    GuestForm,
    MeetingEditForm,
    NewItemForm,
    PlanMeetingForm,
    ReopenForm,
    SendBackForm,
)
from meetings.models import AgendaItem, Attendance, LockedError, Meeting, StatusError

logger = logging.getLogger(__name__)

PAGE_SIZE = 20


def _editable_minutes(view):
    """The one guard of the views that change the minutes: facilitators only, and while the
    minutes are planned or a draft; locked minutes send the user back to the meeting.

    The view is called with the membership and the meeting instead of group_slug and pk.
    """

    @functools.wraps(view)
    def wrapper(request, group_slug, pk, **kwargs):
        membership, meeting = meeting_for(request, group_slug, pk, facilitator=True)
        if not meeting.is_editable:
            messages.error(request, _("Anteckningarna är låsta och kan inte ändras."))
            return redirect(meeting)
        return view(request, membership, meeting, **kwargs)

    return wrapper


def _editor_url(meeting, anchor=""):
    return reverse("meetings:edit", args=[meeting.group.slug, meeting.pk]) + anchor


def _members(group):
    """The group's active members as Person objects, for ticking attendance and choosing
    (the people themselves: no Membership object is built for each)."""
    return list(Person.objects.filter(pk__in=group.memberships.active().values("person_id")))


FOLLOW_UP_LIMIT = 30


def _follow_up(meeting):
    """The first FOLLOW_UP_LIMIT tasks to follow up, and how many more there are.

    The total comes with the rows, so the page makes the same number of queries however many
    tasks the group has.
    """
    tasks = list(meeting.group.action_items.follow_up_rows(meeting, FOLLOW_UP_LIMIT))
    more = tasks[0].follow_up_total - len(tasks) if tasks else 0
    text = ngettext("och %(counter)s uppgift till", "och %(counter)s uppgifter till", more)
    return {
        "follow_up": tasks,
        "follow_up_more": more,
        "follow_up_more_text": text % {"counter": more},
    }


@login_required
def meeting_list(request, group_slug):
    membership = membership_for(request, group_slug)
    group = membership.group
    upcoming = list(group.meetings.upcoming().order_by("starts_at")[:PAGE_SIZE])
    past = Paginator(group.meetings.past().order_by("-starts_at"), PAGE_SIZE).get_page(
        request.GET.get("sida")
    )
    return render(
        request,
        "meetings/list.html",
        {"group": group, "membership": membership, "upcoming": upcoming, "past": past},
    )


@login_required
def plan(request, group_slug):
    membership = membership_for(request, group_slug, facilitator=True)
    group = membership.group
    initial = {}
    previous = None
    if whole_number(request.GET.get("fran")):
        previous = group.meetings.filter(pk=whole_number(request.GET["fran"])).first()
    if previous is not None:
        initial = {
            "location": previous.location,
            "location_is_public": previous.location_is_public,
        }
        try:
            # "Vi ses igen": same place and time of day, two weeks later by default.
            initial["starts_at"] = (
                timezone.localtime(previous.starts_at) + timezone.timedelta(weeks=2)
            )
        except OverflowError:
            pass  # a meeting saved in year 9999 before the forms checked dates: no suggestion
    form = PlanMeetingForm(request.POST or None, group=group, initial=initial)
    if not request.POST and "deferred" in form.fields:
        # Offered ticked: the agenda starts with what was deferred last time.
        form.initial["deferred"] = [item.pk for item in form.fields["deferred"].queryset]
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            # Lock the group so that a double submit creates one meeting, not two.
            Group.objects.select_for_update().filter(pk=group.pk).first()
            same = group.meetings.filter(
                starts_at=form.cleaned_data["starts_at"], status__in=Meeting.EDITABLE
            ).first()
            if same is not None:
                messages.info(request, _("Mötet fanns redan; här är det."))
                return redirect("meetings:edit", group.slug, same.pk)
            meeting = form.save(commit=False)
            meeting.group = group
            meeting.status = Meeting.Status.PLANNED
            meeting.save()
            position = 0
            for position, old in enumerate(form.cleaned_data.get("deferred", []), start=1):
                AgendaItem.objects.create(
                    meeting=meeting, position=position, heading=old.heading, deferred_from=old
                )
            for position, (heading, minutes) in enumerate(form.agenda_lines(), start=position + 1):
                AgendaItem.objects.create(
                    meeting=meeting, position=position, heading=heading, planned_minutes=minutes
                )
        messages.success(request, _("Mötet är planerat."))
        return redirect("meetings:edit", group.slug, meeting.pk)
    return render(
        request, "meetings/plan.html", {"group": group, "form": form, "previous": previous}
    )


def _items(meeting):
    """The editor's items. Of the item an item was deferred from, the editor shows the
    meeting's date alone; the attachments come with the meeting's own (_attachments_by_item)."""
    return list(
        meeting.items.annotate(deferred_on=F("deferred_from__meeting__starts_at"))
        .prefetch_related("action_items__owners")
    )


@login_required
def detail(request, group_slug, pk):
    membership, meeting = meeting_for(request, group_slug, pk)
    readable = meeting.can_be_read_by(membership)
    context = {
        "group": meeting.group,
        "membership": membership,
        "meeting": meeting,
        "readable": readable,
        # Without the right to read the draft, the agenda headings only.
        "items": list(meeting.items.all()),
    }
    if readable:
        # As rows of the four things the page shows (an attendee's name: Attendance.name).
        attendances = list(
            meeting.attendances.values(
                "present", "affiliation", "only_items", "guest_name", "person__first_name"
            )
        )
        for attendance in attendances:
            attendance["name"] = attendance["person__first_name"] or attendance["guest_name"]
        files = _attachments_by_item(meeting.attachments.visible_to(membership))
        for item in context["items"]:
            item.files = files.get(item.pk, [])
        context.update(
            present=[a for a in attendances if a["present"]],
            absent=[a for a in attendances if not a["present"]],
            meeting_attachments=files.get(None, []),
            status_changes=list(
                meeting.status_changes().values(
                    "history_date", "history_change_reason", by=F("history_user__person__first_name")
                )
            ),
            can_approve=meeting.status == Meeting.Status.DRAFT
            and meeting.can_be_approved_by(membership),
        )
        if meeting.is_awaiting_review and context["can_approve"]:
            # Approve or send back, under the text the adjuster has just read.
            context["review_form"] = SendBackForm()
        if meeting.is_editable:
            # A to-do list for the meeting ahead; on approved minutes it would only be history.
            context.update(_follow_up(meeting))
    return render(request, "meetings/detail.html", context)


def _previous_meeting(meeting):
    """The group's meeting before this one, as {"pk", "starts_at"}, or None."""
    return (
        meeting.group.meetings.filter(starts_at__lt=meeting.starts_at)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-starts_at")
        .values("pk", "starts_at")
        .first()
    )


@login_required
def previous_minutes(request, group_slug, pk):
    """The editor's side panel: the items of the meeting before this one, read when the panel
    is opened (htmx) rather than with every editor page. Without JavaScript the panel's link
    leads to that meeting's page, and so does this URL."""
    membership, meeting = meeting_for(request, group_slug, pk, facilitator=True)
    previous = _previous_meeting(meeting)
    if previous is None:
        raise Http404
    if not is_htmx(request):
        return redirect("meetings:detail", meeting.group.slug, previous["pk"])
    items = AgendaItem.objects.filter(meeting_id=previous["pk"]).values(
        "heading", "decision", "outcome"
    )
    return render(request, "meetings/_previous_minutes.html", {"previous_items": items})


def _attachments_by_item(attachments):
    """A meeting's attachments read in one query, by item id (None: the meeting's own)."""
    by_item = {}
    for attachment in attachments:
        by_item.setdefault(attachment.item_id, []).append(attachment)
    return by_item


def _visits_by_item(meeting):
    """The study visits linked to the meeting's items, by item id, in one query (the links
    with their visits) rather than a prefetch."""
    by_item = {}
    links = (
        AgendaItem.visits.through.objects.filter(agendaitem__meeting=meeting)
        .select_related("studyvisit")
        # StudyVisit.Meta.ordering: the latest first, ideas without a date on top
        .order_by(F("studyvisit__starts_on").desc(nulls_first=True), "-studyvisit_id")
    )
    for link in links:
        by_item.setdefault(link.agendaitem_id, []).append(link.studyvisit)
    return by_item


def _editor_context(meeting, membership):
    """The editor's page. Its forms (the meeting's fields, the items, a new item, a guest, an
    attachment) are written by its templates from these values, with the names and ids of
    their Django forms: the forms themselves are built only for what is posted."""
    group = meeting.group
    members = _members(group)
    attachments = _attachments_by_item(meeting.attachments.all())
    return {
        "group": group,
        "membership": membership,
        "meeting": meeting,
        "items": _items(meeting),
        "outcomes": AgendaItem.Outcome.choices,
        "members": members,
        "group_visits": list(group.study_visits.active()),
        **_follow_up(meeting),
        **_attendance_context(meeting, members),
        "previous_meeting": _previous_meeting(meeting),
        "attachment_max_bytes": settings.ATTACHMENT_MAX_BYTES,
        "item_attachments": attachments,
        "linked_visits": _visits_by_item(meeting),
        "meeting_attachments": attachments.get(None, []),
    }


@login_required
def edit(request, group_slug, pk):
    """The minutes editor (GET); POST saves the meeting's own fields (autosave or Save)."""
    membership, meeting = meeting_for(request, group_slug, pk, facilitator=True)
    if request.method == "POST":
        people = Person.objects.filter(pk__in=[p.pk for p in _members(meeting.group)])
        form = MeetingEditForm(request.POST, instance=meeting, people=people)
        return _save(request, form, meeting, meeting, _editor_url(meeting))
    if not meeting.is_editable:
        messages.info(request, _("Anteckningarna är låsta. Öppna dem för rättelse för att ändra."))
        return redirect(meeting)
    return render(request, "meetings/edit.html", _editor_context(meeting, membership))


@require_POST
@login_required
def save_item(request, group_slug, pk, item_pk):
    membership, meeting = meeting_for(request, group_slug, pk, facilitator=True)
    item = meeting.items.filter(pk=item_pk).first()
    url = _editor_url(meeting, f"#punkt-{item_pk}")
    if item is None:
        yours = _yours(request.POST, AgendaItem, prefix=f"punkt-{item_pk}")
        return _conflict(request, meeting, None, None, yours, removed=True)
    form = AgendaItemForm(request.POST, instance=item, prefix=f"punkt-{item.pk}")
    return _save(request, form, item, meeting, url)


@require_POST
@login_required
def understand(request, group_slug, pk):
    """What the editor's quick entry reads in a typed line (meetings.lines), to show before
    anything is saved: {"kind": "task"|"decision"|"note"|"error", "summary", "text"}. A POST,
    so that what was typed (names, perhaps worse) never lands in a server's access log."""
    membership, meeting = meeting_for(request, group_slug, pk, facilitator=True)
    line = lines.understand(
        request.POST.get("rad", "")[:2000], _members(meeting.group), timezone.localdate()
    )
    return JsonResponse({"kind": line.kind, "summary": line.summary(), "text": line.text})


def _yours(data, model_or_obj, prefix=""):
    """The texts the user sent that differ from what is saved, so a refused save gives them back."""
    key = (prefix + "-") if prefix else ""
    yours = []
    for name in model_or_obj.EDIT_FIELDS:
        field = model_or_obj._meta.get_field(name)
        if field.choices or not isinstance(field, (models.CharField, models.TextField)):
            continue
        value = data.get(key + name, "")
        saved = getattr(model_or_obj, name, "") if isinstance(model_or_obj, models.Model) else ""
        if value and value != saved:
            yours.append((field.verbose_name, value))
    return yours


def _save(request, form, obj, meeting, url):
    """The save behind autosave (JSON) and the plain Save button (redirect or a page)."""
    # The version is a plain "version" field (not prefixed), as static/js/editor.js expects.
    base_version = whole_number(request.POST.get("version"))
    if base_version is None:
        form.add_error(None, _("Sidan är för gammal. Ladda om den; din text finns kvar."))
    if not form.is_valid():
        if autosave.requested(request):
            return autosave.invalid(form)
        return render(
            request,
            "meetings/save_problem.html",
            {
                "group": meeting.group,
                "meeting": meeting,
                "form": form,
                "version": base_version,
                "action": request.path,
            },
            status=400,
        )
    changes = {name: form.cleaned_data[name] for name in obj.EDIT_FIELDS}
    locked = False
    try:
        version = obj.save_edit(base_version, changes, by=request.user)
    except LockedError:
        version, locked = None, True
    if version is None:
        yours = _yours(form.data, obj, prefix=form.prefix or "")
        return _conflict(request, meeting, obj, base_version, yours, locked=locked, form=form)
    if autosave.requested(request):
        if isinstance(obj, AgendaItem):
            preview = {
                "notes": render_markdown(obj.notes),
                "decision": render_markdown(obj.decision),
            }
        else:
            preview = {"opening": render_markdown(obj.opening)}
        return autosave.saved(version, preview)
    messages.success(request, _("Sparat."))
    return redirect(url)


def _conflict(request, meeting, obj, base_version, yours, locked=False, removed=False, form=None):
    """409: the text was not saved; show what changed and give the user's own text back."""
    context = {
        "group": meeting.group,
        "meeting": meeting,
        "obj": obj,
        "locked": locked or not meeting.is_editable,
        "removed": removed,
        "yours": [(label, value) for label, value in yours if value not in ("", None)],
        "changes": [],
        "latest": None,
    }
    if obj is not None and not locked:
        latest = obj.history.select_related("history_user__person").first()
        base = obj.history.filter(version=base_version).first()
        context["latest"] = latest
        if base is not None and latest is not None:
            context["changes"] = _changes(base, latest)
    html = render_to_string("meetings/_conflict.html", context, request=request)
    current = obj.version if obj is not None else None
    if autosave.requested(request):
        return autosave.conflict(current, html)
    if form is not None and not context["locked"]:
        # The form again with the user's text and the current version: merge, then Save.
        form = type(form)(form.data, instance=obj, prefix=form.prefix, **_form_kwargs(form))
    else:
        form = None
    return render(
        request,
        "meetings/save_problem.html",
        {
            "group": meeting.group,
            "meeting": meeting,
            "form": form,
            "version": current,
            "conflict_html": html,
            "action": request.path,
        },
        status=409,
    )


def _form_kwargs(form):
    if isinstance(form, MeetingEditForm):
        return {"people": form.fields["note_taker"].queryset}
    return {}


def _display(record, field):
    value = getattr(record, field.attname)
    if value is None or value == "":
        return ""
    if field.is_relation:
        return str(Person.objects.filter(pk=value).first() or "")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if hasattr(value, "tzinfo"):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, bool):
        return _("ja") if value else _("nej")
    return str(value)


def _changes(old, new):
    """Readable differences between two history records of the same object."""
    model = new.instance_type
    changes = []
    for name in model.EDIT_FIELDS:
        field = model._meta.get_field(name)
        before, after = _display(old, field), _display(new, field)
        if before != after:
            changes.append({"label": field.verbose_name, "pieces": word_diff(before, after)})
    return changes


@require_POST
@login_required
@_editable_minutes
def add_item(request, membership, meeting):
    """A new item at the end, or right after ?efter=<item> (the editor's Ctrl+Enter); the
    editor's script (htmx header) gets the new item's markup to put in place."""
    form = NewItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["heading"][0])
        return redirect(_editor_url(meeting, "#ny-punkt"))
    item = form.save(commit=False)
    item.meeting = meeting
    with transaction.atomic():
        items = list(meeting.items.select_for_update().order_by("position", "id"))
        after = whole_number(request.POST.get("efter"))
        index = next((i + 1 for i, it in enumerate(items) if it.pk == after), len(items))
        item.save()
        items.insert(index, item)
        # Renumbered as a whole, as move_item does: gaps left by a deleted item never put the
        # new one in the wrong place.
        for position, it in enumerate(items, start=1):
            if it.position != position:
                AgendaItem.objects.filter(pk=it.pk).update(position=position)
                it.position = position
    if is_htmx(request):
        context = {
            "new_item": item, "number": index + 1, "meeting": meeting, "group": meeting.group,
            "group_visits": list(meeting.group.study_visits.active()),
            "outcomes": AgendaItem.Outcome.choices, "item_attachments": {},
            "linked_visits": {},
        }
        return render(request, "meetings/_editor_item.html", context)
    messages.success(request, _("Punkten ”%(heading)s” är tillagd.") % {"heading": item.heading})
    return redirect(_editor_url(meeting, f"#punkt-{item.pk}"))


@login_required
@_editable_minutes
def delete_item(request, membership, meeting, item_pk):
    """Asks first (GET), deletes on POST; the item stays in the history."""
    item = get_object_or_404(meeting.items, pk=item_pk)
    if request.method == "POST":
        heading = item.heading
        item.delete()
        messages.success(request, _("Punkten ”%(heading)s” är borttagen.") % {"heading": heading})
        return redirect(_editor_url(meeting))
    return render(
        request,
        "meetings/delete_item.html",
        {"group": meeting.group, "meeting": meeting, "item": item},
    )


@require_POST
@login_required
@_editable_minutes
def move_item(request, membership, meeting, item_pk):
    with transaction.atomic():
        items = list(meeting.items.select_for_update().order_by("position", "id"))
        index = next((i for i, it in enumerate(items) if it.pk == item_pk), None)
        if index is None:
            raise Http404
        other = index - 1 if request.POST.get("direction") == "up" else index + 1
        if 0 <= other < len(items):
            items[index], items[other] = items[other], items[index]
            # Positions are renumbered as a whole so that gaps and ties never confuse the order.
            for position, it in enumerate(items, start=1):
                if it.position != position:
                    AgendaItem.objects.filter(pk=it.pk).update(position=position)
    if is_htmx(request):
        return HttpResponse(status=204)
    return redirect(_editor_url(meeting, f"#punkt-{item_pk}"))


def _attendance_rows(members, attendances):
    by_person = {a.person_id: a for a in attendances if a.person_id}
    return [(person, by_person.get(person.pk)) for person in members]


def _attendance_context(meeting, members):
    """What meetings/_attendance.html shows beside group and meeting: in the editor, and alone
    after a tick (htmx), without the rest of the editor. A row's person is the member's own
    Person object (members), so the attendances are read without theirs."""
    attendances = list(meeting.attendances.all())
    return {
        "attendance_rows": _attendance_rows(members, attendances),
        "guests": [a for a in attendances if a.person_id is None],
    }


@require_POST
@login_required
@_editable_minutes
def attendance(request, membership, meeting):
    """Ticks of present/absent. Only rows the user changed are written (the form carries the
    state it was loaded with), so two people ticking different names do not undo each other."""
    members = _members(meeting.group)
    existing = {a.person_id: a for a in meeting.attendances.filter(person__isnull=False)}
    refused = False
    for person in members:
        present = f"present-{person.pk}" in request.POST
        was_present = request.POST.get(f"was-{person.pk}") == "1"
        only = request.POST.get(f"only-{person.pk}", "").strip()[:60]
        if "\x00" in only:
            refused = True
            continue
        was_only = request.POST.get(f"was-only-{person.pk}", "")
        row = existing.get(person.pk)
        if row is not None and present == was_present and only == was_only:
            continue
        if row is None and not present and not only and f"was-{person.pk}" not in request.POST:
            continue
        if row is None:
            Attendance.objects.create(
                meeting=meeting, person=person, present=present, only_items=only
            )
        else:
            row.present, row.only_items = present, only
            row.save()
    if refused:
        messages.error(request, ProhibitNullCharactersValidator.message)
    if is_htmx(request):
        context = {"group": meeting.group, "meeting": meeting}
        context.update(_attendance_context(meeting, members))
        return render(request, "meetings/_attendance.html", context)
    if not refused:
        messages.success(request, _("Närvaron är sparad."))
    return redirect(_editor_url(meeting, "#narvaro"))


@require_POST
@login_required
@_editable_minutes
def add_guest(request, membership, meeting):
    form = GuestForm(request.POST)
    if form.is_valid():
        guest = form.save(commit=False)
        guest.meeting = meeting
        guest.save()
        messages.success(request, _("%(name)s är tillagd som gäst.") % {"name": guest.guest_name})
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect(_editor_url(meeting, "#narvaro"))


@require_POST
@login_required
@_editable_minutes
def remove_guest(request, membership, meeting, attendance_pk):
    guest = get_object_or_404(meeting.attendances, pk=attendance_pk, person__isnull=True)
    guest.delete()
    messages.success(request, _("%(name)s är borttagen.") % {"name": guest.guest_name})
    return redirect(_editor_url(meeting, "#narvaro"))


@require_POST
@login_required
@_editable_minutes
def upload(request, membership, meeting):
    form = AttachmentForm(request.POST, request.FILES, meeting=meeting)
    if form.is_valid():
        attachment = form.save(commit=False)
        attachment.meeting = meeting
        attachment.uploaded_by = request.user
        attachment.save()
        messages.success(request, _("%(name)s är bifogad.") % {"name": attachment.name})
        anchor = f"#punkt-{attachment.item_id}" if attachment.item_id else "#bilagor"
        return redirect(_editor_url(meeting, anchor))
    context = _editor_context(meeting, membership)
    context["attachment_form"] = form
    return render(request, "meetings/edit.html", context, status=400)


@login_required
def attachment(request, group_slug, pk, attachment_pk):
    membership, meeting = meeting_for(request, group_slug, pk)
    if not meeting.can_be_read_by(membership):
        raise PermissionDenied
    attachment = get_object_or_404(meeting.attachments, pk=attachment_pk)
    if attachment.is_import_original and not membership.is_facilitator:
        raise PermissionDenied
    inline = attachment.content_type == "application/pdf" or attachment.is_image
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=not inline,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


@require_POST
@login_required
@_editable_minutes
def delete_attachment(request, membership, meeting, attachment_pk):
    attachment = get_object_or_404(meeting.attachments, pk=attachment_pk)
    attachment.file.delete(save=False)
    attachment.delete()
    messages.success(request, _("%(name)s är borttagen.") % {"name": attachment.name})
    return redirect(_editor_url(meeting, "#bilagor"))


def _projector_screen(request, meeting):
    """The projector's screen as HTML, and its ETag: the items without their internal notes,
    and the meeting's tasks with their owners, in three queries whatever their number."""
    items = list(meeting.items.defer("internal_notes"))
    tasks = {}
    for task in meeting.action_items.prefetch_related("owners").order_by("id"):
        tasks.setdefault(task.agenda_item_id, []).append(task)
    for number, item in enumerate(items, start=1):
        item.number, item.tasks = number, tasks.pop(item.pk, [])
        cut_internal(item, *AgendaItem.OUTWARD_FIELDS)
    current = next((item for item in items if item.pk == meeting.current_item_id), None)
    html = render_to_string(
        "meetings/_projector.html",
        {
            "group": meeting.group,
            "meeting": meeting,
            "items": items,
            "current": current,
            "summaries": [item for item in items if item.decision or item.tasks],
            # Tasks of the meeting that belong to no item of it (added on the meeting itself).
            "other_tasks": [task for rest in tasks.values() for task in rest],
        },
        request=request,
    )
    return html, '"%s"' % hashlib.sha256(html.encode()).hexdigest()[:32]


def _projector_meeting(request, group_slug, pk):
    """Whoever may read the draft may see it on the screen: facilitators and the adjuster
    (and, once approved, the group)."""
    membership, meeting = meeting_for(request, group_slug, pk)
    if not meeting.can_be_read_by(membership):
        raise PermissionDenied
    return meeting


@login_required
def projector(request, group_slug, pk):
    """The screen in the meeting room (static/js/projector.js keeps it up to date)."""
    meeting = _projector_meeting(request, group_slug, pk)
    screen, etag = _projector_screen(request, meeting)
    return render(
        request,
        "meetings/projector.html",
        {
            "group": meeting.group,
            "meeting": meeting,
            "screen": mark_safe(screen),  # HTML rendered by Jinja2, which escapes
            "etag": etag,
            "now": timezone.now().timestamp(),
        },
    )


@login_required
def projector_screen(request, group_slug, pk):
    """What projector.js polls: the screen's HTML, or 304 if it is what the browser has. The
    server's time goes with it, so that a timer counts right on a clock that is wrong."""
    meeting = _projector_meeting(request, group_slug, pk)
    screen, etag = _projector_screen(request, meeting)
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(screen)
    response["ETag"] = etag
    response["X-Server-Time"] = f"{timezone.now().timestamp():.3f}"
    return response


@require_POST
@login_required
def projector_show(request, group_slug, pk):
    """The editor chooses what the screen shows: an item (static/js/follow.js sends the one the
    facilitator's focus enters; without JavaScript, a button per item) or the read-back."""
    membership, meeting = meeting_for(request, group_slug, pk, facilitator=True)
    if "read_back" in request.POST:
        meeting.show_read_back()
        showing, anchor = _("alla beslut och uppgifter, för uppläsning"), "#las-upp"
    else:
        item = get_object_or_404(meeting.items, pk=whole_number(request.POST.get("item")))
        meeting.show_item(item)
        showing, anchor = item.heading, f"#punkt-{item.pk}"
    message = _("Skärmen visar: %(showing)s") % {"showing": showing}
    if request.headers.get("X-Follow") == "1":
        return JsonResponse({"message": message})
    messages.success(request, message)
    return redirect(_editor_url(meeting, anchor))


@require_POST
@login_required
def start_writing(request, group_slug, pk):
    membership, meeting = meeting_for(request, group_slug, pk, facilitator=True)
    try:
        meeting.start_writing(by=request.user)
    except StatusError:
        pass  # a double submit: the minutes are already being written
    return redirect("meetings:edit", group_slug, pk)


@require_POST
@login_required
def approve(request, group_slug, pk):
    membership, meeting = meeting_for(request, group_slug, pk)
    if not meeting.can_be_approved_by(membership):
        raise PermissionDenied
    try:
        meeting.approve(by=request.user)
    except StatusError:
        if meeting.status in Meeting.READABLE:
            messages.info(request, _("Anteckningarna är redan justerade."))
        else:
            messages.error(request, _("Bara ett utkast kan justeras."))
    else:
        messages.success(request, _("Anteckningarna är justerade och låsta."))
    return redirect(meeting)


@login_required
def close(request, group_slug, pk):
    """"Avsluta mötet": check the attendance, then send the draft to the adjuster.

    GET shows the check; a POST sends at once when all is well, otherwise shows what is
    missing and sends only when the facilitator goes on knowingly ("anyway").
    """
    membership, meeting = meeting_for(request, group_slug, pk, facilitator=True)
    if meeting.is_awaiting_review:
        messages.info(request, _("Anteckningarna väntar redan på justeraren."))
        return redirect(meeting)
    if not meeting.is_editable:
        messages.info(request, _("Anteckningarna är redan justerade."))
        return redirect(meeting)
    attendances = list(meeting.attendances.all())
    marked = {a.person_id for a in attendances}
    unmarked = [person for person in _members(meeting.group) if person.pk not in marked]
    nobody_present = not any(a.present for a in attendances)
    all_well = not unmarked and not nobody_present
    if request.method == "POST" and meeting.adjuster_id and (all_well or "anyway" in request.POST):
        try:
            meeting.send_for_review(by=request.user)
        except StatusError:
            messages.info(request, _("Anteckningarna väntar redan på justeraren."))
            return redirect(meeting)
        _ask_adjuster(request, meeting)
        return redirect(meeting)
    return render(
        request,
        "meetings/close.html",
        {
            "group": meeting.group,
            "meeting": meeting,
            "unmarked": unmarked,
            "nobody_present": nobody_present,
            "all_well": all_well,
        },
    )


def _ask_adjuster(request, meeting):
    """An e-mail to the adjuster: a link, never the text of the minutes."""
    adjuster = meeting.adjuster
    name = adjuster.first_name
    email = adjuster.user.email if adjuster.user_id else ""
    if not email:
        messages.warning(
            request,
            _(
                "Anteckningarna väntar på %(name)s under ”Att justera”. %(name)s har ingen "
                "e-postadress här, så säg till själv."
            )
            % {"name": name},
        )
        return
    context = {
        "meeting": meeting,
        "adjuster": adjuster,
        "link": settings.SITE_URL.rstrip("/") + meeting.get_absolute_url(),
    }
    # In Swedish, the language of the group, whatever the facilitator's choice.
    with override("sv"):
        subject = render_to_string("meetings/email/review_subject.txt", context).strip()
        body = render_to_string("meetings/email/review.txt", context)
    try:
        send_mail(subject, body, None, [email])
    except Exception:  # the draft is with the adjuster all the same, under "Att justera"
        logger.exception("The review e-mail of meeting %s was not sent", meeting.pk)
        messages.warning(
            request,
            _(
                "Anteckningarna väntar på %(name)s under ”Att justera”, men e-postmeddelandet "
                "kunde inte skickas, så säg till själv."
            )
            % {"name": name},
        )
        return
    messages.success(
        request, _("Anteckningarna är skickade till %(name)s för justering.") % {"name": name}
    )


@require_POST
@login_required
def send_back(request, group_slug, pk):
    """The adjuster sends the draft back to the facilitator with a comment."""
    membership, meeting = meeting_for(request, group_slug, pk)
    if not meeting.can_be_approved_by(membership):
        raise PermissionDenied
    form = SendBackForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["comment"][0])
        return redirect(meeting.get_absolute_url() + "#justering")
    try:
        meeting.send_back(by=request.user, comment=form.cleaned_data["comment"])
    except StatusError:
        messages.info(request, _("Anteckningarna väntar inte på justering just nu."))
    else:
        messages.success(request, _("Anteckningarna är skickade tillbaka med din kommentar."))
    return redirect(meeting)


@login_required
def reopen(request, group_slug, pk):
    membership, meeting = meeting_for(request, group_slug, pk, facilitator=True)
    form = ReopenForm(request.POST or None)
    if meeting.status != Meeting.Status.APPROVED:
        if meeting.status == Meeting.Status.PUBLISHED:
            messages.error(request, _("Avpublicera anteckningarna först, sedan kan de rättas."))
        elif meeting.is_editable:
            messages.info(request, _("Anteckningarna är redan öppna."))
        return redirect(meeting)
    if request.method == "POST" and form.is_valid():
        try:
            meeting.reopen(by=request.user, reason=form.cleaned_data["reason"])
        except StatusError:
            messages.info(request, _("Anteckningarna är redan öppna."))
            return redirect(meeting)
        messages.success(request, _("Anteckningarna är öppna för rättelse."))
        return redirect("meetings:edit", group_slug, pk)
    return render(
        request, "meetings/reopen.html", {"group": meeting.group, "meeting": meeting, "form": form}
    )


@require_POST
@login_required
def cancel(request, group_slug, pk):
    membership, meeting = meeting_for(request, group_slug, pk, facilitator=True)
    try:
        meeting.cancel(by=request.user)
    except StatusError:
        if meeting.status == Meeting.Status.CANCELLED:
            messages.info(request, _("Mötet är redan inställt."))
        else:
            messages.error(request, _("Justerade anteckningar kan inte ställas in."))
    else:
        messages.success(request, _("Mötet är inställt."))
    return redirect(meeting)


def _history_page(request, meeting, obj, restore_name, restore_args):
    records = list(obj.history.select_related("history_user__person")[:100])
    for record in records:
        record.restore_url = reverse(restore_name, args=[*restore_args, record.history_id])
    by_id = {r.history_id: r for r in records}
    compare = None
    a, b = whole_number(request.GET.get("a")), whole_number(request.GET.get("b"))
    if a in by_id and b in by_id:
        old, new = sorted([by_id[a], by_id[b]], key=lambda r: r.history_id)
        compare = {"old": old, "new": new, "changes": _changes(old, new)}
    elif request.GET.get("a") or request.GET.get("b"):
        messages.error(request, _("Välj två versioner att jämföra."))
    return render(
        request,
        "meetings/history.html",
        {
            "group": meeting.group,
            "meeting": meeting,
            "obj": obj,
            "records": records,
            "compare": compare,
        },
    )


@login_required
def history(request, group_slug, pk):
    membership, meeting = meeting_for(request, group_slug, pk, facilitator=True)
    return _history_page(request, meeting, meeting, "meetings:restore", [group_slug, pk])


@login_required
def item_history(request, group_slug, pk, item_pk):
    membership, meeting = meeting_for(request, group_slug, pk, facilitator=True)
    item = get_object_or_404(meeting.items, pk=item_pk)
    return _history_page(request, meeting, item, "meetings:restore_item", [group_slug, pk, item_pk])


def _restore(request, meeting, obj, history_id, back):
    record = get_object_or_404(obj.history, history_id=history_id)
    values = {
        obj._meta.get_field(name).attname: getattr(record, obj._meta.get_field(name).attname)
        for name in obj.EDIT_FIELDS
    }
    when = date_format(timezone.localtime(record.history_date), "DATETIME_FORMAT")
    reason = _("Återställd till versionen från %(when)s") % {"when": when}
    try:
        version = obj.save_edit(obj.version, values, by=request.user, reason=reason)
    except LockedError:
        messages.error(request, _("Anteckningarna är låsta. Öppna dem för rättelse först."))
        return redirect(back)
    if version is None:
        messages.error(request, _("Någon sparade samtidigt. Titta på versionerna och försök igen."))
        return redirect(back)
    messages.success(request, _("Versionen från %(when)s är återställd.") % {"when": when})
    return redirect(back)


@require_POST
@login_required
def restore(request, group_slug, pk, history_id):
    membership, meeting = meeting_for(request, group_slug, pk, facilitator=True)
    back = reverse("meetings:history", args=[group_slug, pk])
    return _restore(request, meeting, meeting, history_id, back)


@require_POST
@login_required
def restore_item(request, group_slug, pk, item_pk, history_id):
    membership, meeting = meeting_for(request, group_slug, pk, facilitator=True)
    item = get_object_or_404(meeting.items, pk=item_pk)
    back = reverse("meetings:item_history", args=[group_slug, pk, item_pk])
    return _restore(request, meeting, item, history_id, back)
