"""Forms: validation and layout only. The services hold the rules."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from agreements.models import JointBody
from bodies.models import AgendaItem, Issue, Meeting, Membership, Outcome
from core.widgets import PlainSelect


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def _helper(label, *, form_id: str = "", button_id: str = "") -> FormHelper:
    helper = FormHelper()
    helper.form_method = "post"
    if form_id:
        helper.form_id = form_id
    button = button_id or f"knapp-{form_id or 'spara'}"
    helper.add_input(Submit("submit", label, css_id=button))
    return helper


def _single_line(value: str) -> str:
    if value and ("\n" in value or "\r" in value):
        raise forms.ValidationError(_("Skriv på en rad, utan radbrytningar."))
    return value


class UserChoiceField(forms.ModelChoiceField):
    widget = PlainSelect

    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name() or obj.username
        return f"{name} ({obj.email})" if obj.email else name


def _users():
    return User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")


class MemberForm(forms.ModelForm):
    user = UserChoiceField(queryset=_users(), required=False, label=_("Konto i portalen"))

    class Meta:
        model = Membership
        fields = [
            "name",
            "user",
            "email",
            "political_party",
            "represents",
            "mandate",
            "term_start",
            "term_end",
        ]
        widgets = {"term_start": DateInput(), "term_end": DateInput()}

    def __init__(self, *args, submit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _users()
        self.helper = _helper(submit or _("Spara ledamoten"), form_id="ledamot")

    def clean_name(self):
        return _single_line(self.cleaned_data["name"])

    def clean_represents(self):
        return _single_line(self.cleaned_data["represents"])


class MeetingForm(forms.ModelForm):
    link = forms.URLField(
        label=_("Möteslänk"), required=False, max_length=500, assume_scheme="https"
    )

    class Meta:
        model = Meeting
        fields = [
            "date",
            "start_time",
            "end_time",
            "title",
            "place",
            "link",
            "premeeting_notes",
            "note",
        ]
        widgets = {
            "date": DateInput(),
            "start_time": TimeInput(),
            "end_time": TimeInput(),
            "premeeting_notes": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, dates_only: bool = False, submit=None, **kwargs):
        super().__init__(*args, **kwargs)
        if dates_only:  # a steering-group member keeps the date, the title and the notes
            for name in list(self.fields):
                if name not in ("date", "title", "note"):
                    del self.fields[name]
        self.helper = _helper(submit or _("Spara mötet"), form_id="mote")

    def clean_title(self):
        return _single_line(self.cleaned_data["title"])

    def clean_place(self):
        return _single_line(self.cleaned_data["place"])

    def validate_unique(self):
        pass  # the service checks one meeting per body and day, with a clear message


class ItemForm(forms.ModelForm):
    issue = forms.ModelChoiceField(
        queryset=Issue.objects.none(), required=False, label=_("Fråga i frågeloggen")
    )

    class Meta:
        model = AgendaItem
        fields = ["title", "description", "issue"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, body: JointBody | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if body is not None:
            self.fields["issue"].queryset = Issue.objects.filter(body=body).exclude(
                status=Issue.Status.ANSWERED
            )
        self.helper = _helper(_("Lägg till punkten"), form_id="punkt")
        self.helper.form_tag = False  # the meeting page draws the <form>

    def clean_title(self):
        return _single_line(self.cleaned_data["title"])


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Slag"), choices=Outcome.Kind.choices)
    text = forms.CharField(
        label=_("Text"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = UserChoiceField(
        queryset=_users(),
        required=False,
        label=_("Ansvarig (för en åtgärd)"),
    )
    due_date = forms.DateField(
        label=_("Klart senast (för en åtgärd)"), required=False, widget=DateInput()
    )

    def __init__(self, *args, prefix_id: str = "utfall", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _users()
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        data = super().clean()
        if data.get("kind") == Outcome.Kind.ACTION:
            if not data.get("owner"):
                self.add_error("owner", _("En åtgärd behöver en ansvarig."))
            if not data.get("due_date"):
                self.add_error("due_date", _("En åtgärd behöver ett datum när den ska vara klar."))
        return data


class ParticipantForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=200)
    role_note = forms.CharField(label=_("Roll eller organisation"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Lägg till kallad"), form_id="kallad")
        self.helper.form_tag = False

    def clean_name(self):
        return _single_line(self.cleaned_data["name"])

    def clean_role_note(self):
        return _single_line(self.cleaned_data["role_note"])


class PerCapsulamForm(forms.Form):
    text = forms.CharField(
        label=_("Beslut"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    decided_on = forms.DateField(label=_("Beslutsdatum"), widget=DateInput())
    agreed = forms.ModelMultipleChoiceField(
        queryset=Membership.objects.none(),
        label=_("Ledamöter som har instämt"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, body: JointBody, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreed"].queryset = Membership.objects.filter(pk__in=[m.pk for m in members])
        self.fields["agreed"].label_from_instance = lambda m: (
            f"{m.name} ({m.get_mandate_display()})"
        )
        # No form id: crispy gives it to the checkbox group too (a duplicate id, vnu).
        self.helper = _helper(_("Registrera beslutet per capsulam"), button_id="knapp-per-capsulam")

    def clean_decided_on(self):
        value = self.cleaned_data["decided_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Beslutsdatumet kan inte ligga i framtiden."))
        return value


class IssueForm(forms.ModelForm):
    class Meta:
        model = Issue
        fields = [
            "title",
            "raised_by_label",
            "description",
            "municipal_perspective",
            "regional_perspective",
            "economic",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "municipal_perspective": forms.Textarea(attrs={"rows": 3}),
            "regional_perspective": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, submit=None, with_status: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_status:
            self.fields["status"] = forms.ChoiceField(
                label=_("Status"),
                choices=[c for c in Issue.Status.choices if c[0] != Issue.Status.ANSWERED],
                initial=self.instance.status,
            )
        self.helper = _helper(submit or _("Registrera frågan"), form_id="fraga")

    def clean_title(self):
        return _single_line(self.cleaned_data["title"])

    def clean_raised_by_label(self):
        return _single_line(self.cleaned_data["raised_by_label"])


class IssueMoveForm(forms.Form):
    to_body = forms.ModelChoiceField(
        queryset=JointBody.objects.order_by("name"), label=_("Flytta till")
    )
    note = forms.CharField(label=_("Motivering"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Flytta frågan"), form_id="flytta")


class IssueAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Svar"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Besvara och meddela den som väckte frågan"), form_id="svar")
