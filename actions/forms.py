from datetime import MAXYEAR, MINYEAR, timedelta
from html import escape

from django import forms
from django.db import models
from django.db.models import Exists, Max, Min, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.dates import MONTHS
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


class _Choices(BaseChoiceIterator):
    """Choices made as a list of (value, label), given to a field as they are: a field
    normalizes a plain list anew, a dozen calls an option (the task list's hundred options)."""

    def __init__(self, choices):
        self.choices = choices

    def __iter__(self):
        return iter(self.choices)


class _PersonChoiceField(forms.TypedChoiceField):
    """A person's id among the choices, read as ModelChoiceField reads a primary key: int()
    ("007" is 7), without a query for the person."""

    def to_python(self, value):
        value = super().to_python(value)
        try:
            return str(int(value)) if value else value
        except ValueError:
            return value  # no choice: validate() refuses it


class TaskFilterForm(forms.Form):
    """The filters of the group's task list (all optional, read from the query string).

    Its choices take two queries (a third only for a group without meetings to offer), and
    the list's template (actions/_list.html) writes each filter with select(): the group's
    people; the meetings offered together with the first and last meeting's dates, which give
    the years."""

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

    owner = _PersonChoiceField(label=_("Ansvarig"), coerce=int, empty_value=None, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    due = forms.ChoiceField(label=_("Klart senast"), choices=DUE_CHOICES, required=False)
    year = forms.TypedChoiceField(label=_("År"), coerce=int, empty_value=None, required=False)
    meeting = forms.TypedChoiceField(
        label=_("Från mötet"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        # Everyone who is or was a member (one membership each), as Person orders and names them.
        people = group.memberships.order_by(
            "person__first_name", "person__known_as", "person_id"
        ).values_list("person_id", "person__first_name", "person__known_as")
        self.fields["owner"].choices = _Choices(
            [("", _("Alla"))]
            + [
                (pk, f"{first_name}, {known_as}" if known_as else first_name)
                for pk, first_name, known_as in people
            ]
        )
        # A group meets for years: the meetings offered are those of the last twelve months,
        # or of the year chosen, each year a choice of its own (a few dozen options at most).
        # One query reads the meetings of either kind with the first and last meeting's dates.
        since = timezone.now() - timedelta(days=365)
        asked = whole_number(self.data.get("year")) if self.is_bound else None
        if asked is not None and not MINYEAR < asked < MAXYEAR:
            asked = None
        # A meeting the address names (a bookmark, a link) stays a choice whatever its year.
        named = whole_number(self.data.get("meeting")) if self.is_bound else None
        candidates = Q(starts_at__gte=since)
        if asked is not None:
            candidates |= Q(starts_at__year=asked)
        if named is not None:
            candidates |= Q(pk=named)
        meetings = list(
            Meeting.objects.filter(group=group)
            .filter(candidates, Exists(ActionItem.objects.filter(meeting=OuterRef("pk"))))
            .annotate(first=_group_meetings("MIN", group), last=_group_meetings("MAX", group))
            .order_by("-starts_at")
            .values_list("id", "starts_at", "title", "first", "last")
        )
        if meetings:
            first, last = meetings[0][3], meetings[0][4]
        else:  # none offered whatever the year: the years still come from every meeting
            span = group.meetings.aggregate(first=Min("starts_at"), last=Max("starts_at"))
            first, last = span["first"], span["last"]
        years = []
        if first is not None:
            first, last = timezone.localtime(first).year, timezone.localtime(last).year
            years = list(range(last, first - 1, -1))
        self.fields["year"].choices = _Choices([("", _("Alla år"))] + [(y, str(y)) for y in years])
        months = {number: str(name) for number, name in MONTHS.items()}
        offered = []
        for pk, starts_at, title, _first, _last in meetings:
            when = timezone.localtime(starts_at)
            if pk == named or (when.year == asked if asked in years else starts_at >= since):
                offered.append((pk, _meeting_label(when, title, months)))
        self.fields["meeting"].choices = _Choices([("", _("Alla"))] + offered)

    def select(self, name):
        """The field's select, its options written in Python: for a list of dozens of options
        Django's widget templates were most of the page's time. The option the query string
        names is selected (none if it names none of them), or the first without one."""
        value = self.data.get(name) if self.is_bound else None
        selected = "" if value is None else str(value)
        # html.escape is what Django's escape() does, without its wrappers (a call an option).
        options = "".join(
            f'<option value="{key}"{" selected" * (key == selected)}>{escape(label)}</option>'
            for key, label in ((str(key), str(label)) for key, label in self.fields[name].choices)
        )
        # A value that is no choice is ignored by filter(), and the select says so, as Django's
        # widgets do.
        invalid = ""
        if self.is_bound and name in self.errors:
            invalid = f' aria-describedby="id_{name}_error" aria-invalid="true"'
        return mark_safe(f'<select name="{name}"{invalid} id="id_{name}">{options}</select>')

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


def _group_meetings(aggregate, group):
    """MIN or MAX of the starts of all the group's meetings, for each row of a query: an end of
    the index on (group, starts_at). Written out: two Subquery() of the ORM made building the
    meetings' query cost twice the Python (2,400 -> 4,500 calls), more than a query of its own."""
    return RawSQL(
        f"SELECT {aggregate}(starts_at) FROM {Meeting._meta.db_table} WHERE group_id = %s",
        (group.pk,),
        output_field=models.DateTimeField(),
    )


def _meeting_label(when, title, months):
    # DATE_FORMAT ("24 oktober 2017") written out: date_format() for each of hundreds of
    # options was most of the task list's time.
    day = f"{when.day} {months[when.month]} {when.year}"
    return f"{day}, {title}" if title else day
