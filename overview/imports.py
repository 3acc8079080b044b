"""The import of old minutes where it reaches above meetings: tasks and publishing.

`meetings.importing` reads a file and saves its meeting; here are the facilitator's pages
(upload, preview with choices, confirm) and `save`, which adds the tasks chosen from the
suggestions in the same transaction (the import_minutes command uses it too). The pages
sit among the meetings' pages (meetings:import).

Between the preview and the confirmation the uploaded bytes travel in a hidden field,
signed for this group and user and valid for an hour: nothing is stored on the server
until the facilitator confirms, and no temporary file is left behind.
"""

import base64
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db import DatabaseError
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from actions.models import ActionItem
from groupwork.access import membership_for
from groupwork.forms import check_date_range
from groupwork.http import whole_number
from meetings.importing import ImportProblem, files, parser, saving
from meetings.importing.files import EXTENSIONS
from meetings.importing.minutes import Minutes
from publishing import gate

# The bytes go back to the browser in the preview form, base64-encoded: the total must stay
# well below DATA_UPLOAD_MAX_MEMORY_SIZE for the confirmation to be accepted.
MAX_FILE_BYTES = 1024 * 1024
MAX_TOTAL_BYTES = min(3 * 1024 * 1024, settings.DATA_UPLOAD_MAX_MEMORY_SIZE * 2 // 3)
MAX_AGE = 60 * 60


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class _MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", _MultipleFileInput(attrs={"accept": ",".join(EXTENSIONS)}))
        # An empty file gets its own message in the preview, beside the files that work.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return [super().clean(None, initial)]
        if isinstance(data, (list, tuple)):
            return [super(_MultipleFileField, self).clean(one, initial) for one in data]
        return [super().clean(data, initial)]


class UploadForm(forms.Form):
    files = _MultipleFileField(
        label=gettext_lazy("Filer med anteckningar"),
        help_text=gettext_lazy(
            "En eller flera filer i formaten .md, .txt eller .docx, högst 1 MB var."
        ),
        error_messages={"required": gettext_lazy("Välj minst en fil.")},
    )
    date = forms.DateField(
        label=gettext_lazy("Datum för filer utan datum"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Används bara när texten inte anger mötets datum."),
        error_messages={"invalid": gettext_lazy("Skriv datumet som ÅÅÅÅ-MM-DD.")},
        validators=[check_date_range],
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        for upload in files:
            if upload.size > MAX_FILE_BYTES:
                raise forms.ValidationError(
                    _("”%(name)s” är större än %(max)s.")
                    % {"name": upload.name, "max": filesizeformat(MAX_FILE_BYTES)}
                )
        if sum(upload.size for upload in files) > MAX_TOTAL_BYTES:
            raise forms.ValidationError(
                _("Filerna är tillsammans större än %(max)s. Importera dem i omgångar.")
                % {"max": filesizeformat(MAX_TOTAL_BYTES)}
            )
        return files


def _salt(membership):
    return f"meetings.import:{membership.group_id}:{membership.person_id}"


@login_required
def upload(request, group_slug):
    membership = membership_for(request, group_slug, facilitator=True)
    group = membership.group
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
    else:
        form = UploadForm()
    if form.is_valid():
        members = list(group.memberships.values_list("person__first_name", flat=True))
        previews = [
            _preview(membership, members, upload.name, upload.read(), form.cleaned_data["date"])
            for upload in form.cleaned_data["files"]
        ]
        return render(
            request,
            "overview/import_preview.html",
            {
                "group": group,
                "files": previews,
                "importable": any(preview.token for preview in previews),
                "can_publish": group.is_public,
            },
        )
    imported = group.meetings.exclude(import_checksum="").order_by("-starts_at")
    return render(
        request,
        "overview/import.html",
        {"group": group, "form": form, "imported": imported},
        status=400 if form.errors else 200,
    )


@dataclass(frozen=True)
class _File:
    """One uploaded file as the preview page shows it: what would be created, or why not."""

    name: str
    token: str = ""  # the signed bytes, sent back with the confirmation
    problem: str = ""
    minutes: Minutes | None = None
    known: frozenset = frozenset()  # the first names that are people of the group


def _preview(membership, members, name, data, date):
    if not name.lower().endswith(EXTENSIONS):
        return _File(name, problem=_("Bara filer i formaten .md, .txt och .docx kan importeras."))
    try:
        minutes = parser.parse(files.read_text(data, name), date=date, member_names=members)
    except ImportProblem as problem:
        return _File(name, problem=str(problem))
    if saving.is_imported(membership.group, data):
        return _File(name, problem=_("Filen är redan importerad."))
    people = saving.match_people(minutes, membership.group)
    token = signing.dumps(
        {
            "name": name,
            "data": base64.b64encode(data).decode("ascii"),
            "date": date.isoformat() if date else None,
        },
        salt=_salt(membership),
        compress=True,
    )
    known = frozenset(name for name, person in people.items() if person is not None)
    return _File(name, token=token, minutes=minutes, known=known)


@require_POST
@login_required
def confirm(request, group_slug):
    membership = membership_for(request, group_slug, facilitator=True)
    group = membership.group
    new_people = request.POST.get("new_people")
    if new_people not in saving.NEW_PEOPLE:
        new_people = "guests"
    keep_original = "keep_original" in request.POST
    chosen = set(request.POST.getlist("include"))
    if not chosen:
        messages.info(request, _("Ingen fil var vald, så inget importerades."))
    members = list(group.memberships.values_list("person__first_name", flat=True))
    for index, token in enumerate(request.POST.getlist("file")):
        if str(index) not in chosen:
            continue
        try:
            payload = signing.loads(token, salt=_salt(membership), max_age=MAX_AGE)
        except signing.SignatureExpired:
            messages.error(request, _("Förhandsvisningen är för gammal. Ladda upp filen igen."))
            continue
        except signing.BadSignature:
            messages.error(request, _("Filen kunde inte tas emot. Ladda upp den igen."))
            continue
        name, data = payload["name"], base64.b64decode(payload["data"])
        date = payload["date"] and forms.DateField().to_python(payload["date"])
        try:
            minutes = parser.parse(files.read_text(data, name), date=date, member_names=members)
            numbers = (whole_number(i) for i in request.POST.getlist(f"tasks-{index}"))
            tasks = [i for i in numbers if i is not None and i < len(minutes.tasks)]
            saved = save(
                minutes,
                group,
                data,
                name,
                user=request.user,
                new_people=new_people,
                tasks=tasks,
                plan_next=f"next-{index}" in request.POST,
                keep_original=keep_original,
            )
        except ImportProblem as problem:
            messages.error(request, f"{name}: {problem}")
            continue
        except (OSError, DatabaseError):
            messages.error(
                request, _("%(name)s: mötet kunde inte sparas. Inget sparades.") % {"name": name}
            )
            continue
        messages.success(request, _("%(name)s är importerad.") % {"name": name})
        if keep_original:
            _tell_original(request, saved.original, name)
        if "publish" in request.POST and group.is_public:
            _publish(request, saved.meeting, name)
    return redirect("meetings:import", group_slug=group.slug)


def save(minutes, group, data, filename, *, user=None, new_people="guests", tasks=(),
         plan_next=True, keep_original=False):
    """Create the meeting of one parsed file and the tasks chosen, all or nothing; returns
    the `saving.Saved` (its meeting, and the redacted original kept, if any).

    `tasks` are the indexes of the suggested tasks (Minutes.tasks) that become tasks.
    """
    chosen = [minutes.tasks[index] for index in sorted(set(tasks))]
    with saving.atomic_import(
        minutes,
        group,
        data,
        filename,
        user=user,
        new_people=new_people,
        owners={owner for task in chosen for owner in task.owners},
        plan_next=plan_next,
        keep_original=keep_original,
    ) as saved:
        for task in chosen:
            action = ActionItem.objects.create(
                group=group,
                meeting=saved.meeting,
                agenda_item=saved.items[task.item],
                title=task.title,
                created_by=user,
            )
            action.owners.set({saved.people[owner] for owner in task.owners})
    return saved


def _tell_original(request, copy, name):
    if copy is None:
        messages.warning(
            request,
            _(
                "%(name)s: originalfilen sparades inte, eftersom den inte gick att rensa från "
                "efternamn och e-postadresser."
            )
            % {"name": name},
        )
    elif copy.as_text:
        messages.info(
            request,
            _(
                "%(name)s: originalfilen sparades som text (%(file)s) utan efternamn och "
                "e-postadresser, eftersom Word-filen inte gick att skriva om säkert."
            )
            % {"name": name, "file": copy.name},
        )
    else:
        messages.info(
            request,
            _(
                "%(name)s: originalfilen sparades utan efternamn och e-postadresser, synlig "
                "bara för samordnarna."
            )
            % {"name": name},
        )


def _publish(request, meeting, name):
    findings = gate.publish_if_clean(meeting, request.user)
    if not findings:
        messages.success(request, _("%(name)s är publicerad.") % {"name": name})
        return
    messages.warning(
        request,
        _(
            "%(name)s är inte publicerad: integritetskontrollen hittade %(count)s saker att "
            "åtgärda, till exempel %(kind)s ”%(match)s”. Mötet är justerat."
        )
        % {
            "name": name,
            "count": len(findings),
            "kind": str(findings[0].kind_label).lower(),
            "match": findings[0].match,
        },
    )
