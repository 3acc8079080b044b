from datetime import date, datetime

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from groupwork.models import Invitation, Membership, Person

_ID_RANGE = range(-(2**63), 2**63)

# The dates a person may type. Django's fields take year 1 to 9999, and "two hours later" of
# the last evening of year 9999 (a calendar event's end) or "two weeks later" (the next
# meeting) overflows; no group meets outside these years.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


def check_date_range(value):
    """A validator for date and date-time fields: FIRST_DAY to LAST_DAY."""
    day = value.date() if isinstance(value, datetime) else value
    if not FIRST_DAY <= day <= LAST_DAY:
        raise forms.ValidationError(
            _("Ange ett datum mellan år %(first)s och %(last)s."),
            code="date_range",
            params={"first": FIRST_DAY.year, "last": LAST_DAY.year},
        )


def limit_dates(form):
    """Hold every date and date-time field of the form to FIRST_DAY–LAST_DAY."""
    for field in form.fields.values():
        if isinstance(field, (forms.DateField, forms.DateTimeField)):
            field.validators.append(check_date_range)


class ModelCheckboxesField(forms.ModelMultipleChoiceField):
    """Ticked objects by id. An id past 64 bits is refused before Django's ``pk__in`` query:
    SQLite cannot hold it in a query (OverflowError, a 500), and it is no id of ours anyway."""

    widget = forms.CheckboxSelectMultiple

    def clean(self, value):
        for pk in value if isinstance(value, (list, tuple)) else ():
            try:
                out_of_range = int(pk) not in _ID_RANGE
            except (TypeError, ValueError):
                continue  # Django's own check says it is not an id
            if out_of_range:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], "invalid_choice", {"value": pk}
                )
        return super().clean(value)


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["first_name", "known_as", "email", "role", "represents"]

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group

    def clean_first_name(self):
        first_name = self.cleaned_data["first_name"].strip()
        if " " in first_name:
            raise forms.ValidationError(
                _("Skriv bara förnamnet. Efternamn sparas inte i Groupwork.")
            )
        return first_name

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        already = Membership.objects.filter(
            group=self.group, person__user__email__iexact=email
        ).exists()
        if already:
            raise forms.ValidationError(_("Personen med den adressen är redan med i gruppen."))
        return email


class AcceptInvitationForm(forms.Form):
    password1 = forms.CharField(
        label=_("Lösenord (frivilligt)"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Utan lösenord loggar du in med en kod som vi skickar till din e-post."),
    )
    password2 = forms.CharField(
        label=_("Lösenordet igen"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 or p2:
            if p1 != p2:
                self.add_error("password2", _("Lösenorden är inte lika."))
            else:
                try:
                    validate_password(p1, get_user_model()(username="x"))
                except forms.ValidationError as error:
                    self.add_error("password1", error)
        return cleaned


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "represents", "active_from", "active_to"]
        widgets = {
            "active_from": forms.DateInput(attrs={"type": "date"}),
            "active_to": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_dates(self)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("active_from"), cleaned.get("active_to")
        if start and end and end < start:
            self.add_error("active_to", _("Slutdatum kan inte vara före startdatum."))
        return cleaned


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["first_name", "known_as", "task_digest", "minutes_mail"]

    def clean_first_name(self):
        first_name = self.cleaned_data["first_name"].strip()
        if " " in first_name:
            raise forms.ValidationError(_("Skriv bara förnamnet."))
        return first_name
