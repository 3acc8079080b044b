from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groupwork import autosave
from groupwork.access import membership_for
from groupwork.diff import word_diff
from groupwork.http import is_htmx, safe_next, whole_number
from groupwork.markdown import render_markdown
from groupwork.models import Person
from meetings.models import AgendaItem, Meeting
from visits.access import visit_for
from visits.forms import GuestForm, InviteMembersForm, ParticipantForm, ReportForm, StudyVisitForm
from visits.models import Participant, StudyVisit


@login_required
def visit_list(request, group_slug):
    membership = membership_for(request, group_slug)
    group = membership.group
    visits = group.study_visits.all()
    return render(
        request,
        "visits/list.html",
        {
            "group": group,
            "membership": membership,
            "upcoming": list(visits.upcoming()),
            "past": list(visits.past()),
        },
    )


@login_required
def create(request, group_slug):
    membership = membership_for(request, group_slug, facilitator=True)
    group = membership.group
    form = StudyVisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        visit = form.save(commit=False)
        visit.group = group
        visit.save()
        messages.success(request, _("Studiebesöket är skapat. Bjud in deltagare nedan."))
        return redirect(visit)
    return render(request, "visits/form.html", {"group": group, "form": form})


@login_required
def detail(request, group_slug, pk):
    membership, visit = visit_for(request, group_slug, pk)
    participants = list(visit.participants.select_related("person"))
    # What the page shows of the items and their meetings, as values (half the cost of items
    # with their meetings), and never a draft's notes.
    linked_items = list(
        visit.agenda_items.order_by("meeting__starts_at", "position").values(
            "id", "heading", "decision", "meeting_id",
            "meeting__starts_at", "meeting__status", "meeting__adjuster_id",
        )
    )
    for item in linked_items:
        # The meeting page's rule: a draft's text is for facilitators and the adjuster.
        meeting = Meeting(status=item["meeting__status"], adjuster_id=item["meeting__adjuster_id"])
        item["readable"] = meeting.can_be_read_by(membership)
        if not item["readable"]:
            item["decision"] = ""
    # The tasks as values too, and their owners' names by one query more (as Person orders
    # them) only when there are tasks.
    tasks = list(visit.action_items.values("id", "title", "status", "due_date"))
    if tasks:
        owners = {task["id"]: [] for task in tasks}
        people = Person.objects.filter(action_items__in=owners)
        for person in people.annotate(task_id=F("action_items")):
            owners[person.task_id].append(str(person))
        Status = visit.action_items.model.Status  # ActionItem's: visits does not import actions
        for task in tasks:
            task["owners"] = owners[task["id"]]
            task["status_label"] = Status(task["status"]).label
    own = next((p for p in participants if p.person_id == membership.person_id), None)
    context = {
        "group": visit.group,
        "membership": membership,
        "visit": visit,
        "participants": participants,
        "own_participation": own,
        "linked_items": linked_items,
        "tasks": tasks,
        "can_write_report": visit.can_write_report(membership, participants),
    }
    if membership.is_facilitator and visit.is_upcoming:
        invite_form = InviteMembersForm(visit=visit)
        # The members to invite read once, for whether there are any and for their boxes
        # (list() would count them first by a query of its own).
        people = invite_form.fields["people"]
        people.choices = [choice for choice in people.choices]
        context["invite_form"] = invite_form
        context["guest_form"] = GuestForm()
    return render(request, "visits/detail.html", context)


@login_required
def edit(request, group_slug, pk):
    membership, visit = visit_for(request, group_slug, pk, facilitator=True)
    form = StudyVisitForm(request.POST or None, instance=visit)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Ändringarna är sparade."))
        return redirect(visit)
    return render(request, "visits/form.html", {"group": visit.group, "form": form, "visit": visit})


@require_POST
@login_required
def move(request, group_slug, pk):
    membership, visit = visit_for(request, group_slug, pk, facilitator=True)
    step = request.POST.get("step")
    if step not in dict(visit.next_steps()):
        messages.error(
            request,
            _("Det går inte att ändra status så. Studiebesöket är %(status)s.")
            % {"status": visit.get_status_display()},
        )
        return redirect(visit)
    getattr(visit, step)(by=request.user)
    messages.success(
        request, _("Studiebesöket är nu %(status)s.") % {"status": visit.get_status_display()}
    )
    return redirect(visit)


@login_required
def invite_members(request, group_slug, pk):
    membership, visit = visit_for(request, group_slug, pk, facilitator=True)
    form = InviteMembersForm(request.POST or None, visit=visit)
    if request.method == "POST" and form.is_valid():
        people = form.cleaned_data["people"]
        Participant.objects.bulk_create(Participant(visit=visit, person=p) for p in people)
        messages.success(
            request,
            _("Inbjudna: %(names)s.") % {"names": ", ".join(p.first_name for p in people)},
        )
        return redirect(visit)
    return render(
        request,
        "visits/participant_form.html",
        {
            "group": visit.group,
            "visit": visit,
            "form": form,
            "title": _("Bjud in medlemmar"),
            "action": request.path,
        },
    )


@login_required
def add_guest(request, group_slug, pk):
    membership, visit = visit_for(request, group_slug, pk, facilitator=True)
    form = GuestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        guest = form.save(commit=False)
        guest.visit = visit
        guest.save()
        messages.success(
            request, _("%(name)s är tillagd som gäst.") % {"name": guest.guest_name}
        )
        return redirect(visit)
    return render(
        request,
        "visits/participant_form.html",
        {
            "group": visit.group,
            "visit": visit,
            "form": form,
            "title": _("Lägg till en gäst"),
            "action": request.path,
        },
    )


def _forbidden(request, visit, problem):
    return render(
        request, "visits/forbidden.html", {"visit": visit, "problem": problem}, status=403
    )


def _participant_for(request, group_slug, pk, participant_pk, facilitator=False):
    membership, visit = visit_for(request, group_slug, pk, facilitator=facilitator)
    participant = get_object_or_404(
        visit.participants.select_related("person"), pk=participant_pk
    )
    participant.visit = visit
    return membership, visit, participant


@login_required
def edit_participant(request, group_slug, pk, participant_pk):
    membership, visit, participant = _participant_for(
        request, group_slug, pk, participant_pk, facilitator=True
    )
    form = ParticipantForm(request.POST or None, instance=participant)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Ändringen är sparad."))
        return redirect(visit)
    return render(
        request,
        "visits/participant_form.html",
        {
            "group": visit.group,
            "visit": visit,
            "form": form,
            "title": _("Deltagare: %(name)s") % {"name": participant.name},
            "action": request.path,
        },
    )


@require_POST
@login_required
def remove_participant(request, group_slug, pk, participant_pk):
    membership, visit, participant = _participant_for(
        request, group_slug, pk, participant_pk, facilitator=True
    )
    participant.delete()
    messages.success(
        request, _("%(name)s är borttagen från deltagarna.") % {"name": participant.name}
    )
    return redirect(visit)


@require_POST
@login_required
def answer(request, group_slug, pk, participant_pk):
    """Confirm or decline: a member for themself only, a facilitator for a guest."""
    membership, visit, participant = _participant_for(request, group_slug, pk, participant_pk)
    if participant.is_guest and not membership.is_facilitator:
        return _forbidden(request, visit, _("Det är samordnaren som svarar för gästerna."))
    if not participant.is_guest and participant.person_id != membership.person_id:
        return _forbidden(
            request,
            visit,
            _("Du kan bara svara för dig själv. %(name)s svarar själv på sin inbjudan.")
            % {"name": participant.name},
        )
    choice = request.POST.get("status")
    error = None
    if choice not in (Participant.Status.CONFIRMED, Participant.Status.DECLINED):
        error = _("Välj om du kommer eller inte.")
    elif visit.status in (StudyVisit.Status.DONE, StudyVisit.Status.CANCELLED):
        error = _("Studiebesöket är %(status)s; svaret kan inte ändras.") % {
            "status": visit.get_status_display()
        }
    elif choice == Participant.Status.CONFIRMED:
        participant.confirm(by=request.user)
    else:
        participant.decline(by=request.user)
    next_url = safe_next(request, visit.get_absolute_url())
    if is_htmx(request):
        context = {"participation": participant, "next": next_url, "answer_error": error}
        return render(request, "visits/_answer.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Svaret är sparat."))
    return redirect(next_url)


# The report: the same rules as the minutes editor (autosave, conflicts, history).


def _refuse_unless_writer(request, membership, visit):
    if not visit.can_write_report(membership, list(visit.participants.all())):
        return _forbidden(
            request, visit, _("Bara samordnaren och de som skriver rapporten kan ändra den.")
        )
    return None


def _changes(old, new):
    """The report's change from `old` to `new` for templates/includes/diff.html; none if equal."""
    if old == new:
        return []
    label = StudyVisit._meta.get_field("report").verbose_name
    return [{"label": label, "pieces": word_diff(old, new)}]


def _text_at(visit, version):
    record = visit.history.filter(report_version=version).order_by("-history_id").first()
    return record.report if record else ""


@login_required
def report(request, group_slug, pk):
    membership, visit = visit_for(request, group_slug, pk)
    if refused := _refuse_unless_writer(request, membership, visit):
        return refused
    if request.method != "POST":
        form = ReportForm(initial={"report": visit.report, "version": visit.report_version})
        context = {"group": visit.group, "visit": visit, "form": form}
        return render(request, "visits/report.html", context)

    form = ReportForm(request.POST)
    if not form.is_valid():
        if autosave.requested(request):
            return autosave.invalid(form)
        context = {"group": visit.group, "visit": visit, "form": form}
        return render(request, "visits/report.html", context, status=400)
    text, version = form.cleaned_data["report"], form.cleaned_data["version"]
    new_version = visit.save_report(text, version, by=request.user)
    if new_version is None:
        conflict = {
            "group": visit.group,
            "visit": visit,
            "mine": text,
            "changes": _changes(_text_at(visit, version), visit.report),
        }
        if autosave.requested(request):
            html = render_to_string("visits/_report_conflict.html", conflict, request=request)
            return autosave.conflict(visit.report_version, html)
        # Without JavaScript: both texts on one page, the form holding the writer's own text
        # and the current version, so that saving again after merging is a choice.
        conflict["form"] = ReportForm(initial={"report": text, "version": visit.report_version})
        return render(request, "visits/report.html", conflict, status=409)
    if autosave.requested(request):
        return autosave.saved(new_version, {"report": render_markdown(text)})
    messages.success(request, _("Rapporten är sparad."))
    return redirect(visit)


@login_required
def report_history(request, group_slug, pk):
    membership, visit = visit_for(request, group_slug, pk)
    versions = visit.report_versions()
    by_id = {v.history_id: v for v in versions}
    compare = None
    a, b = request.GET.get("a"), request.GET.get("b")
    if a and b:
        old, new = by_id.get(whole_number(a)), by_id.get(whole_number(b))
        if old is None or new is None:
            messages.error(request, _("Välj två versioner av rapporten att jämföra."))
        else:
            if old.history_date > new.history_date:
                old, new = new, old
            compare = {"old": old, "new": new, "changes": _changes(old.report, new.report)}
    participants = list(visit.participants.all())
    return render(
        request,
        "visits/report_history.html",
        {
            "group": visit.group,
            "visit": visit,
            "versions": versions,
            "compare": compare,
            "can_write_report": visit.can_write_report(membership, participants),
        },
    )


@require_POST
@login_required
def report_restore(request, group_slug, pk, history_id):
    membership, visit = visit_for(request, group_slug, pk)
    if refused := _refuse_unless_writer(request, membership, visit):
        return refused
    record = get_object_or_404(visit.history.all(), history_id=history_id)
    back = reverse("visits:report_history", args=[visit.group.slug, visit.pk])
    if visit.save_report(record.report, visit.report_version, by=request.user) is None:
        messages.error(request, _("Någon sparade samtidigt. Titta på versionerna och försök igen."))
        return redirect(back)
    messages.success(
        request,
        _("Versionen från %(when)s är återställd. Den förra texten finns kvar i historiken.")
        % {"when": date_format(timezone.localtime(record.history_date), "DATETIME_FORMAT")},
    )
    return redirect(back)


@require_POST
@login_required
def report_publish(request, group_slug, pk):
    membership, visit = visit_for(request, group_slug, pk, facilitator=True)
    publish = request.POST.get("publish") == "1"
    visit.mark_report_for_publication(publish, by=request.user)
    if publish:
        messages.success(
            request,
            _("Rapporten är markerad för publicering. Den publiceras efter integritetskontrollen."),
        )
    else:
        messages.success(request, _("Rapporten ska inte publiceras."))
    return redirect(visit)


# Links from the minutes editor: a visit on an agenda item.


@require_POST
@login_required
def link_item(request, group_slug, item_pk):
    membership = membership_for(request, group_slug, facilitator=True)
    group = membership.group
    item = get_object_or_404(
        AgendaItem.objects.filter(meeting__group=group).select_related("meeting"), pk=item_pk
    )
    visit = group.study_visits.filter(pk=whole_number(request.POST.get("visit"))).first()
    error = None
    if visit is None:
        error = _("Välj ett av gruppens studiebesök.")
    elif request.POST.get("action") == "unlink":
        item.visits.remove(visit)
    elif visit.status == StudyVisit.Status.CANCELLED:
        error = _("Studiebesöket är inställt och kan inte kopplas till punkten.")
    else:
        item.visits.add(visit)
    next_url = safe_next(request, item.get_absolute_url())
    if is_htmx(request):
        item = AgendaItem.objects.prefetch_related("visits").get(pk=item.pk)
        context = {
            "item": item,
            "group": group,
            "group_visits": list(group.study_visits.active()),
            "link_error": error,
            "next": next_url,
        }
        return render(request, "visits/_item_visits.html", context)
    if error:
        messages.error(request, error)
    return redirect(next_url)
