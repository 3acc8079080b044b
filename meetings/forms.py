import re
from pathlib import Path

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from groupwork.forms import ModelCheckboxesField, limit_dates
from meetings.models import AgendaItem, Attachment, Attendance, Meeting

# A whole document pasted into one item is refused with a message (and kept in the
# browser), not truncated: the limit is checked here, never with a maxlength attribute.
MAX_TEXT = 20_000

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_ERRORS = {
    "invalid": _("Skriv datum och tid som 2017-10-24 10:30."),
    "required": _("Ange datum och tid."),
}


def _check_length(value):
    if len(value) > MAX_TEXT:
        raise forms.ValidationError(
            _(
                "Texten är för lång (%(length)s tecken, högst %(max)s). Dela upp den på "
                "flera punkter eller bifoga dokumentet som en bilaga."
            ),
            params={"length": len(value), "max": MAX_TEXT},
        )
    return value


class _MeetingTimesMixin:
    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at < starts_at:
            self.add_error("ends_at", _("Mötet kan inte sluta innan det börjar."))
        return cleaned


def _deferred_label(item):
    when = date_format(timezone.localtime(item.meeting.starts_at), "DATE_FORMAT")
    return _("%(heading)s (bordlagd den %(date)s)") % {"heading": item.heading, "date": when}


class PlanMeetingForm(_MeetingTimesMixin, forms.ModelForm):
    agenda = forms.CharField(
        label=_("Punkter på dagordningen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "En punkt per rad, med planerad tid om du vill: ”Ekonomi (15 min)”. Du kan ändra "
            "och lägga till punkter senare."
        ),
    )
    deferred = ModelCheckboxesField(
        label=_("Bordlagda punkter från tidigare möten"),
        queryset=AgendaItem.objects.none(),
        required=False,
    )

    class Meta:
        model = Meeting
        fields = ["title", "starts_at", "ends_at", "location", "location_is_public"]
        widgets = {"starts_at": DATETIME_WIDGET, "ends_at": DATETIME_WIDGET}
        error_messages = {"starts_at": DATETIME_ERRORS, "ends_at": DATETIME_ERRORS}
        help_texts = {"title": _("Frivilligt, t.ex. ”Planering av Osloresan”.")}

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        limit_dates(self)
        deferred = (
            AgendaItem.objects.deferred_open(group)
            .select_related("meeting")
            .order_by("-meeting__starts_at", "position")
        )
        if deferred.exists():
            self.fields["deferred"].queryset = deferred
            self.fields["deferred"].label_from_instance = _deferred_label
        else:
            del self.fields["deferred"]

    def clean_agenda(self):
        return _check_length(self.cleaned_data["agenda"])

    def agenda_lines(self):
        """(heading, planned minutes or None) for each line of the agenda."""
        lines = (line.strip(" -–*\t") for line in self.cleaned_data["agenda"].splitlines())
        return [_heading_and_minutes(line) for line in lines if line]


# "Ekonomi (15 min)", "Ekonomi (15 minuter)": the planned length closes the line.
_PLANNED = re.compile(r"\s*\(\s*([0-9]{1,3})\s*min(?:uter|\.)?\s*\)$", re.IGNORECASE)


def _heading_and_minutes(line):
    match = _PLANNED.search(line)
    heading = line[: match.start()].strip() if match else ""
    if not heading or int(match[1]) == 0:
        return line[:300], None
    return heading[:300], int(match[1])


class MeetingEditForm(_MeetingTimesMixin, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = list(Meeting.EDIT_FIELDS)
        widgets = {
            "starts_at": DATETIME_WIDGET,
            "ends_at": DATETIME_WIDGET,
            "opening": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {"starts_at": DATETIME_ERRORS, "ends_at": DATETIME_ERRORS}
        help_texts = {
            "opening": _("Till exempel vilka som hälsas välkomna. Markdown går bra."),
        }

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        limit_dates(self)
        for name in ("note_taker", "adjuster"):
            self.fields[name].queryset = people
            self.fields[name].empty_label = _("– ingen vald –")

    def clean_opening(self):
        return _check_length(self.cleaned_data["opening"])


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = list(AgendaItem.EDIT_FIELDS)
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 6}),
            "decision": forms.Textarea(attrs={"rows": 2}),
            "internal_notes": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "notes": _("Markdown: **fet**, *kursiv*, - punktlista, [länk](https://…)."),
            "decision": _("Till exempel ”att Anne frågar ordföranden”."),
        }
        error_messages = {"heading": {"required": _("Punkten behöver en rubrik.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["heading"].widget.attrs.pop("maxlength", None)

    def clean_heading(self):
        heading = self.cleaned_data["heading"]
        if len(heading) > 300:
            raise forms.ValidationError(_("Rubriken får vara högst 300 tecken."))
        return heading

    def clean_notes(self):
        return _check_length(self.cleaned_data["notes"])

    def clean_decision(self):
        return _check_length(self.cleaned_data["decision"])

    def clean_internal_notes(self):
        return _check_length(self.cleaned_data["internal_notes"])


class NewItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["heading"]
        labels = {"heading": _("Ny punkt")}
        error_messages = {"heading": {"required": _("Skriv en rubrik för den nya punkten.")}}


class GuestForm(forms.ModelForm):
    class Meta:
        model = Attendance
        fields = ["guest_name", "affiliation", "only_items"]
        error_messages = {"guest_name": {"required": _("Skriv gästens förnamn.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guest_name"].required = True


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Vad ska rättas?"),
        max_length=80,
        help_text=_("Syns för gruppen i mötets historik, t.ex. ”Fel datum för nästa möte”."),
        error_messages={
            "required": _("Skriv kort vad som ska rättas."),
            "max_length": _("Skriv kortare, högst %(limit_value)d tecken."),
        },
    )


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label=_("Vad behöver ändras?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Samordnaren ser kommentaren i anteckningarna och rättar dem."),
        error_messages={
            "required": _("Skriv vad som behöver ändras."),
            "max_length": _("Skriv kortare, högst %(limit_value)d tecken."),
        },
    )


# Extension → content type we serve it with, and the first bytes a real file of that type has
# (None: no reliable signature, e.g. text).
ALLOWED_FILES = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".png": ("image/png", (b"\x89PNG",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    ".webp": ("image/webp", (b"RIFF",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK",)),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (b"PK",),
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK",)),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK",)),
    ".odp": ("application/vnd.oasis.opendocument.presentation", (b"PK",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
    ".txt": ("text/plain", None),
}


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = Attachment
        fields = ["file", "item"]
        labels = {"item": _("Hör till punkt")}
        help_texts = {"file": _("PDF, bilder, Office- och OpenDocument-filer eller text.")}
        error_messages = {"file": {"required": _("Välj en fil att bifoga.")}}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = meeting.items.all()
        self.fields["item"].empty_label = _("Hela mötet")
        self.fields["file"].help_text = _(
            "PDF, bilder, Office- och OpenDocument-filer eller text, högst %(size)s."
        ) % {"size": filesizeformat(settings.ATTACHMENT_MAX_BYTES)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.ATTACHMENT_MAX_BYTES:
            raise forms.ValidationError(
                _("Filen är för stor (%(size)s). Största tillåtna storlek är %(max)s."),
                params={
                    "size": filesizeformat(upload.size),
                    "max": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
                },
            )
        extension = Path(upload.name).suffix.lower()
        if extension not in ALLOWED_FILES:
            raise forms.ValidationError(
                _(
                    "Filtypen ”%(ext)s” går inte att bifoga. Tillåtna är PDF, bilder "
                    "(png, jpg, gif, webp), Office- och OpenDocument-filer och text (txt)."
                ),
                params={"ext": extension or upload.name},
            )
        content_type, signatures = ALLOWED_FILES[extension]
        head = upload.read(8)
        upload.seek(0)
        if signatures and not head.startswith(signatures):
            raise forms.ValidationError(
                _("Filen ser inte ut att vara en %(ext)s-fil. Kontrollera filen och försök igen."),
                params={"ext": extension.lstrip(".").upper()},
            )
        if signatures is None:
            try:
                upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise forms.ValidationError(
                    _("Textfilen går inte att läsa som text (UTF-8).")
                ) from None
            finally:
                upload.seek(0)
        self.instance.content_type = content_type
        self.instance.size = upload.size
        self.instance.name = Path(upload.name).name[:255]
        return upload
