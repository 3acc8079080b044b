from datetime import timedelta

from django import forms
from django.db.models import Exists, Max, Min, OuterRef, Q
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from actions.models import ActionItem
from groupwork.forms import ModelCheckboxesField, limit_dates
from groupwork.http import whole_number
from groupwork.models import Membership, Person
from meetings.models import Meeting


DETAILS_MAX = 20_000


def suggested_due_date(group_id, meeting=None):
    """The date of the group's next meeting (after the given one), the natural due date."""
    after = meeting.starts_at if meeting else timezone.now()
    upcoming = (
        Meeting.objects.filter(group_id=group_id, starts_at__gt=after)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    return timezone.localdate(upcoming) if upcoming else None


class TaskForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["title", "details", "owners", "due_date"]
        field_classes = {"owners": ModelCheckboxesField}
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "details": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"title": _("Vad ska göras?")}
        help_texts = {
            "details": _("Frivilligt. Du kan använda markdown."),
            "due_date": _("Frivilligt. Ett datum som redan passerat visas som försenat."),
        }
        error_messages = {
            "title": {"required": _("Skriv vad som ska göras.")},
            "owners": {
                "required": _("Välj minst en ansvarig."),
                "invalid_choice": _("Välj ansvariga bland gruppens medlemmar."),
            },
        }

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        limit_dates(self)
        self.group = group
        # Former members are in the choices only so that the message below can name them.
        self.fields["owners"].queryset = Person.objects.filter(memberships__group=group)
        active = Person.objects.filter(memberships__in=Membership.objects.active().filter(group=group))
        if self.instance.pk:
            active = active | self.instance.owners.all()
        self.fields["owners"].choices = [(p.pk, str(p)) for p in active.distinct()]

    def clean_details(self):
        details = self.cleaned_data["details"]
        if len(details) > DETAILS_MAX:
            raise forms.ValidationError(
                _("Skriv högst %(max)s tecken."), params={"max": DETAILS_MAX}
            )
        return details

    def clean_title(self):
        return self.cleaned_data["title"].strip()

    def clean_owners(self):
        owners = self.cleaned_data["owners"]
        allowed = {pk for pk, _label in self.fields["owners"].choices}
        inactive = [person for person in owners if person.pk not in allowed]
        if inactive:
            names = ", ".join(person.first_name for person in inactive)
            raise forms.ValidationError(
                _("%(names)s är inte aktiv medlem i gruppen och kan inte vara ansvarig."),
                params={"names": names},
            )
        return owners


class TickOffForm(forms.Form):
    note = forms.CharField(max_length=2000, required=False)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Lägesanteckning"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Skriv en anteckning.")},
    )


class PlainSelect(forms.Select):
    """A select whose options are written in Python rather than by a template include each:
    for a list of hundreds of options that include is most of a page's time."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        selected = {str(v) for v in self.format_value(value)}
        # One f-string an option: format_html for each option was most of the widget's time.
        options = "".join(
            f'<option value="{conditional_escape(key)}"{" selected" * (str(key) in selected)}>'
            f"{conditional_escape(label)}</option>"
            for key, label in self.choices
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(attrs), mark_safe(options)
        )


class TaskFilterForm(forms.Form):
    """The filters of the group's task list (all optional, read from the query string)."""

    STATUS_CHOICES = [("", _("Öppna"))] + [
        choice for choice in ActionItem.Status.choices if choice[0] != ActionItem.Status.OPEN
    ] + [("all", _("Alla"))]
    DUE_CHOICES = [
        ("", _("Alla datum")),
        ("overdue", _("Försenade")),
        ("week", _("Den här veckan")),
        ("later", _("Senare")),
        ("none", _("Utan datum")),
    ]

    owner = forms.ModelChoiceField(
        label=_("Ansvarig"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("Alla"),
        widget=PlainSelect,
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=STATUS_CHOICES, required=False, widget=PlainSelect
    )
    due = forms.ChoiceField(
        label=_("Klart senast"), choices=DUE_CHOICES, required=False, widget=PlainSelect
    )
    year = forms.TypedChoiceField(
        label=_("År"), coerce=int, empty_value=None, required=False, widget=PlainSelect
    )
    meeting = forms.TypedChoiceField(
        label=_("Från mötet"), coerce=int, empty_value=None, required=False, widget=PlainSelect
    )

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        people = Person.objects.filter(memberships__group=group).distinct()
        self.fields["owner"].queryset = people
        # The names only, not Person objects (as Person.__str__).
        self.fields["owner"].choices = [("", self.fields["owner"].empty_label)] + [
            (pk, f"{first_name}, {known_as}" if known_as else first_name)
            for pk, first_name, known_as in people.values_list("pk", "first_name", "known_as")
        ]
        # A group meets for years: the meetings offered are those of the last twelve months,
        # or of the year chosen, each year a choice of its own (a few dozen options at most).
        span = group.meetings.aggregate(first=Min("starts_at"), last=Max("starts_at"))
        years = []
        if span["first"] is not None:
            first, last = (timezone.localtime(span[key]).year for key in ("first", "last"))
            years = list(range(last, first - 1, -1))
        self.fields["year"].choices = [("", _("Alla år"))] + [(y, str(y)) for y in years]
        year = whole_number(self.data.get("year")) if self.is_bound else None
        if year in years:
            offered = Q(starts_at__year=year)
        else:
            offered = Q(starts_at__gte=timezone.now() - timedelta(days=365))
        # A meeting the address names (a bookmark, a link) stays a choice whatever its year.
        named = whole_number(self.data.get("meeting")) if self.is_bound else None
        if named is not None:
            offered |= Q(pk=named)
        meetings = Meeting.objects.filter(group=group).filter(
            offered, Exists(ActionItem.objects.filter(meeting=OuterRef("pk")))
        )
        months = {number: str(name) for number, name in MONTHS.items()}
        self.fields["meeting"].choices = [("", _("Alla"))] + [
            (pk, _meeting_label(timezone.localtime(starts_at), title, months))
            for pk, starts_at, title in meetings.order_by("-starts_at").values_list(
                "id", "starts_at", "title"
            )
        ]

    def filter(self, tasks):
        """The tasks that pass the filters; an invalid value is ignored, as if not given."""
        if self.is_bound:
            self.is_valid()  # a field with a bad value is left out of cleaned_data
        data = getattr(self, "cleaned_data", {})
        status = data.get("status") or ActionItem.Status.OPEN
        if status != "all":
            tasks = tasks.filter(status=status)
        if data.get("owner"):
            tasks = tasks.filter(owners=data["owner"])
        if data.get("meeting"):
            tasks = tasks.filter(meeting=data["meeting"])
        elif data.get("year"):
            tasks = tasks.filter(meeting__starts_at__year=data["year"])
        today = timezone.localdate()
        end_of_week = today + timedelta(days=6 - today.weekday())
        due = data.get("due")
        if due == "overdue":
            tasks = tasks.filter(status=ActionItem.Status.OPEN, due_date__lt=today)
        elif due == "week":
            tasks = tasks.filter(due_date__gte=today, due_date__lte=end_of_week)
        elif due == "later":
            tasks = tasks.filter(due_date__gt=end_of_week)
        elif due == "none":
            tasks = tasks.filter(due_date__isnull=True)
        return tasks


def _meeting_label(when, title, months):
    # DATE_FORMAT ("24 oktober 2017") written out: date_format() for each of hundreds of
    # options was most of the task list's time.
    day = f"{when.day} {months[when.month]} {when.year}"
    return f"{day}, {title}" if title else day
