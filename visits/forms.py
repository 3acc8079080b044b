from django import forms
from django.utils.translation import gettext_lazy as _

from groupwork.forms import ModelCheckboxesField, limit_dates
from groupwork.models import Person
from visits.models import Participant, StudyVisit


class StudyVisitForm(forms.ModelForm):
    class Meta:
        model = StudyVisit
        fields = [
            "destination",
            "host",
            "starts_on",
            "ends_on",
            "purpose",
            "questions",
            "travel_mode",
            "travel_details",
            "contact_name",
            "contact_role",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "purpose": forms.Textarea(attrs={"rows": 4}),
            "questions": forms.Textarea(attrs={"rows": 6}),
            "travel_details": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "ends_on": _("Lämna tomt om besöket är en dag."),
            "purpose": _("Markdown går bra."),
            "questions": _("En fråga per rad, t.ex. som en punktlista."),
            "contact_name": _("Visas bara för gruppen, aldrig öppet."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_dates(self)
        self.fields["travel_mode"].choices = [("", _("inte bestämt"))] + StudyVisit.Travel.choices

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if ends_on and not starts_on:
            self.add_error("starts_on", _("Fyll i första dagen när du anger en sista dag."))
        elif starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("Sista dagen kan inte vara före första dagen."))
        return cleaned


class InviteMembersForm(forms.Form):
    people = ModelCheckboxesField(
        label=_("Medlemmar"),
        queryset=None,
        error_messages={"required": _("Välj minst en medlem att bjuda in.")},
    )

    def __init__(self, *args, visit, **kwargs):
        super().__init__(*args, **kwargs)
        # Active members of the group who are not yet on the list.
        self.fields["people"].queryset = (
            Person.objects.filter(memberships__in=visit.group.memberships.active())
            .exclude(visit_participations__visit=visit)
            .order_by("first_name", "known_as")
        )
        self.fields["people"].error_messages["invalid_choice"] = _(
            "Personen finns inte i gruppen eller är redan inbjuden."
        )


class GuestForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = ["guest_name", "guest_role"]
        help_texts = {
            "guest_name": _("Bara förnamnet."),
            "guest_role": _("T.ex. ”ordförande i Socialnämnden” eller ”Nacka kommun”."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guest_name"].required = True
        self.fields["guest_name"].error_messages["required"] = _("Skriv gästens förnamn.")

    def clean_guest_name(self):
        name = self.cleaned_data["guest_name"]
        if " " in name:
            raise forms.ValidationError(
                _("Skriv bara förnamnet. Efternamn sparas inte i Groupwork.")
            )
        return name


class ParticipantForm(forms.ModelForm):
    """The facilitator's edit of one participant: a guest's details and answer, and who writes."""

    class Meta:
        model = Participant
        fields = ["guest_name", "guest_role", "status", "writes_report"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.is_guest:
            # Guests have no login, so they cannot write the report.
            del self.fields["writes_report"]
            self.fields["guest_name"].required = True
            self.fields["guest_name"].error_messages["required"] = _("Skriv gästens förnamn.")
        else:
            # A member answers for themself; the facilitator only chooses who writes the report.
            for name in ("guest_name", "guest_role", "status"):
                del self.fields[name]

    clean_guest_name = GuestForm.clean_guest_name


class ReportForm(forms.Form):
    report = forms.CharField(
        label=_("Rapport"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text=_("Markdown: # rubrik, **fet**, - punktlista. Sparas medan du skriver."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
