import functools
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from actions.access import task_for
from actions.forms import NoteForm, TaskFilterForm, TaskForm, TickOffForm, suggested_due_date
from actions.models import ActionItem
from groupwork.access import membership_for
from groupwork.http import counted_page, is_htmx, page_link, safe_next, whole_number
from groupwork.models import Person
from meetings import lines
from meetings.models import AgendaItem

# The fragments a status change can answer an htmx request with: one row of the page it came from.
ROWS = {
    "mine": "actions/_my_task.html",
    "follow_up": "actions/_follow_up_row.html",
    "list": "actions/_list_row.html",
}
PAGE_SIZE = 25


def _origin(request, group):
    """Where a new task comes from (?agenda_item=, ?meeting=, ?study_visit=), all of this group.
    Anything else than a whole number is no id: pk=None finds nothing, a 404 like any other."""
    origin = {}
    if request.GET.get("agenda_item"):
        item = get_object_or_404(
            AgendaItem.objects.select_related("meeting"),
            pk=whole_number(request.GET["agenda_item"]),
            meeting__group=group,
        )
        origin.update(agenda_item=item, meeting=item.meeting)
    elif request.GET.get("meeting"):
        origin["meeting"] = get_object_or_404(
            group.meetings, pk=whole_number(request.GET["meeting"])
        )
    if request.GET.get("study_visit"):
        origin["study_visit"] = get_object_or_404(
            group.study_visits, pk=whole_number(request.GET["study_visit"])
        )
    return origin


@login_required
def task_list(request, group_slug):
    membership = membership_for(request, group_slug)
    group = membership.group
    form = TaskFilterForm(request.GET or None, group=group)
    tasks = form.filter(group.action_items.in_order())
    page = counted_page(
        tasks, whole_number(request.GET.get("sida")), PAGE_SIZE, rows=ActionItem.objects.rows_of
    )
    count = page.paginator.count
    return render(
        request,
        "actions/list.html",
        {
            "group": group,
            "membership": membership,
            "form": form,
            "page": page,
            # Made here: Jinja2's ngettext is not read by makemessages.
            "count_text": ngettext("%(counter)s uppgift", "%(counter)s uppgifter", count)
            % {"counter": count},
            "page_link": functools.partial(page_link, request),
        },
    )


@login_required
def create(request, group_slug):
    membership = membership_for(request, group_slug, facilitator=True)
    group = membership.group
    origin = _origin(request, group)
    task = ActionItem(group=group, created_by=request.user, **origin)
    form = TaskForm(
        request.POST or None,
        instance=task,
        group=group,
        initial={"due_date": suggested_due_date(group.pk, origin.get("meeting"))},
    )
    if request.method == "POST" and form.is_valid():
        task = form.save()
        messages.success(request, _("Uppgiften är skapad."))
        return redirect(safe_next(request, _origin_url(task)))
    return render(
        request,
        "actions/form.html",
        {
            "group": group,
            "membership": membership,
            "form": form,
            "origin": origin,
            "next": safe_next(request, ""),
        },
    )


@require_POST
@login_required
def quick_task(request, group_slug):
    """A task from a line typed in the minutes editor ("@Eva 12/3 ringer Malmö"), read by the
    same meetings.lines the editor showed its reading with. JSON: the item's tasks as HTML and
    where to undo it; 400 with the message when the line is not a task that can be read."""
    membership = membership_for(request, group_slug, facilitator=True)
    group = membership.group
    origin = _origin(request, group)
    item = origin.get("agenda_item")
    if item is None or not item.meeting.is_editable:
        return JsonResponse({"message": _("Anteckningarna är låsta och kan inte ändras.")}, status=400)
    typed = request.POST.get("rad", "")
    if "\x00" in typed:  # never a character anyone types; Postgres refuses it in text
        return JsonResponse({"message": _("Raden innehåller ett ogiltigt tecken.")}, status=400)
    people = list(Person.objects.filter(memberships__in=group.memberships.active()).distinct())
    line = lines.understand(typed, people, timezone.localdate())
    if line.kind != lines.TASK:
        message = line.message or _("Raden är ingen uppgift. Börja med @ och ett namn.")
        return JsonResponse({"message": message}, status=400)
    task = ActionItem.objects.create(
        group=group, title=line.text, due_date=line.due, created_by=request.user, **origin
    )
    task.owners.set(line.owners)
    return JsonResponse(
        {
            "summary": line.summary(),
            "undo": reverse("actions:undo_quick_task", args=[group.slug, task.pk]),
            "html": _item_tasks_html(request, group, item),
        }
    )


@require_POST
@login_required
def undo_quick_task(request, group_slug, pk):
    """Takes back a task just made from a typed line: only its maker, only while nothing has
    happened to it (still open, no progress notes). It stays in the history."""
    membership, task = task_for(request, group_slug, pk, facilitator=True)
    item = task.agenda_item
    if (
        task.created_by_id != request.user.pk
        or task.status != ActionItem.Status.OPEN
        or item is None
        or not item.meeting.is_editable
        or task.progress_notes.exists()
    ):
        return JsonResponse({"message": _("Uppgiften kan inte ångras längre.")}, status=400)
    task.delete()
    html = _item_tasks_html(request, membership.group, item) if item else ""
    return JsonResponse({"html": html})


def _item_tasks_html(request, group, item):
    item = AgendaItem.objects.prefetch_related("action_items__owners").get(pk=item.pk)
    context = {"item": item, "group": group}
    return render_to_string("actions/_item_tasks.html", context, request=request)


def _origin_url(task):
    """Back to where the task arose: the agenda item, the meeting, the visit, or the task."""
    for origin in (task.agenda_item, task.meeting, task.study_visit, task):
        if origin is not None:
            return origin.get_absolute_url()


@login_required
def detail(request, group_slug, pk):
    membership, task = task_for(request, group_slug, pk)
    return _render_detail(request, membership, task, NoteForm())


def _render_detail(request, membership, task, note_form):
    can_change = membership.is_facilitator or task.is_owned_by(membership.person)
    notes = task.progress_notes.select_related("author")
    return render(
        request,
        "actions/detail.html",
        {
            "group": membership.group,
            "membership": membership,
            "task": task,
            "can_change": can_change,
            "notes": notes,
            "note_form": note_form,
            "history": _history(task),
        },
    )


def _history(task):
    """The task's changes, newest first: who, when and what (a fixed number of queries)."""
    records = list(
        task.history.select_related("history_user__person")
        .prefetch_related("historicalactionitem_owners_set")
        .order_by("history_date", "history_id")
    )
    owner_ids = {row.person_id for r in records for row in r.historicalactionitem_owners_set.all()}
    people = Person.objects.in_bulk(owner_ids)
    entries, previous = [], None
    for record in records:
        owners = sorted(
            str(people[row.person_id])
            for row in record.historicalactionitem_owners_set.all()
            if row.person_id in people
        )
        record.owner_names = owners
        changes = _changes(previous, record, owners)
        previous = record
        if not changes:
            continue
        user = record.history_user
        who = getattr(user, "person", None) or (user and user.get_username()) or _("Systemet")
        last = entries[-1] if entries else None
        # Saving a task and setting its owners are separate writes: shown as one change.
        if (
            last
            and last["user"] == user
            and record.history_date - last["when"] < timedelta(seconds=5)
        ):
            last["changes"].extend(changes)
        else:
            entries.append(
                {"user": user, "who": who, "when": record.history_date, "changes": changes}
            )
    return list(reversed(entries))


def _changes(previous, record, owners):
    if previous is None:
        return [_("Skapade uppgiften.")]
    changes = []
    if record.title != previous.title:
        changes.append(_("Ändrade rubriken till ”%(title)s”.") % {"title": record.title})
    if record.details != previous.details:
        changes.append(_("Ändrade detaljerna."))
    if record.due_date != previous.due_date:
        changes.append(
            _("Ändrade datumet till %(date)s.") % {"date": _date(record.due_date)}
            if record.due_date
            else _("Tog bort datumet.")
        )
    if record.status != previous.status:
        changes.append(
            _("Ändrade status till %(status)s.") % {"status": record.get_status_display()}
        )
    if owners != previous.owner_names:
        changes.append(_("Ansvariga: %(names)s.") % {"names": ", ".join(owners) or "–"})
    return changes


def _date(day):
    return date_format(day, "DATE_FORMAT")


@login_required
def edit(request, group_slug, pk):
    membership, task = task_for(request, group_slug, pk, facilitator=True)
    form = TaskForm(request.POST or None, instance=task, group=membership.group)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Ändringen är sparad."))
        return redirect(task)
    return render(
        request,
        "actions/form.html",
        {"group": membership.group, "membership": membership, "form": form, "task": task},
    )


@require_POST
@login_required
def complete(request, group_slug, pk):
    membership, task = task_for(request, group_slug, pk, change=True)
    form = TickOffForm(request.POST)
    if not form.is_valid():
        return _status_changed(request, membership, task, form.errors["note"][0], messages.ERROR)
    note = form.cleaned_data["note"]
    if task.complete(by=request.user, note=note):
        notice = _("Klart! Uppgiften är markerad som klar.")
    elif note:
        notice = _("Uppgiften var redan markerad som klar. Din kommentar är sparad.")
    else:
        notice = _("Uppgiften var redan markerad som klar.")
    return _status_changed(request, membership, task, notice)


@require_POST
@login_required
def reopen(request, group_slug, pk):
    membership, task = task_for(request, group_slug, pk, change=True)
    if task.reopen(by=request.user):
        notice = _("Uppgiften är öppen igen.")
    else:
        notice = _("Uppgiften var redan öppen.")
    return _status_changed(request, membership, task, notice)


@require_POST
@login_required
def drop(request, group_slug, pk):
    membership, task = task_for(request, group_slug, pk, change=True)
    if task.drop(by=request.user):
        notice = _("Uppgiften är struken.")
    else:
        notice = _("Uppgiften var redan struken.")
    return _status_changed(request, membership, task, notice)


@require_POST
@login_required
def add_note(request, group_slug, pk):
    membership, task = task_for(request, group_slug, pk, change=True)
    form = NoteForm(request.POST)
    if not form.is_valid():
        if is_htmx(request) and request.POST.get("row") in ROWS:
            error = form.errors["text"][0]
            return _status_changed(request, membership, task, error, messages.ERROR)
        return _render_detail(request, membership, task, form)
    task.add_note(request.user, form.cleaned_data["text"])
    return _status_changed(request, membership, task, _("Anteckningen är sparad."))


def _status_changed(request, membership, task, notice, level=messages.SUCCESS):
    """After a change: the changed row for htmx, else back to the page it came from."""
    row = ROWS.get(request.POST.get("row"))
    if is_htmx(request) and row:
        # Read as the page's rows are; the start page's row shows the latest progress note,
        # the one just added too.
        rows = ActionItem.objects.filter(pk=task.pk).rows()
        task = (rows.with_latest_note() if row == ROWS["mine"] else rows).get()
        return render(
            request,
            row,
            {
                "task": task,
                "group": membership.group,
                "membership": membership,
                "notice": notice,
                "notice_is_error": level == messages.ERROR,
            },
        )
    messages.add_message(request, level, notice)
    return redirect(safe_next(request, task.get_absolute_url()))
