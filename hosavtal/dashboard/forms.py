"""Forms of the dashboard: the "since" choice (GET) and the meeting dates (Förvaltare)."""

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from implementation.readiness.heatmap import GROUP_BY_DELREGION, GROUP_BY_FEDERATION

EARLIEST = dt.date(2024, 1, 1)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DashboardForm(forms.Form):
    """The dashboard's choices, sent with GET so that a link reproduces the view."""

    mote = forms.ChoiceField(label=_("Sedan styrgruppsmötet"), required=False)
    sedan = forms.DateField(
        label=_("Eller sedan datumet"),
        required=False,
        widget=DateInput(),
        help_text=_("Ett datum väljs före mötet i listan."),
    )
    gruppering = forms.ChoiceField(
        label=_("Gruppera kommunerna efter"),
        required=False,
        choices=[
            (GROUP_BY_FEDERATION, _("Kommunalförbund")),
            (GROUP_BY_DELREGION, _("Delregion")),
        ],
    )
    veckor = forms.TypedChoiceField(
        label=_("Trend över"),
        required=False,
        coerce=int,
        empty_value=12,
        choices=[(12, _("12 veckor")), (26, _("26 veckor")), (52, _("52 veckor"))],
    )

    def __init__(self, *args, meetings: list, today: dt.date, body=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.body = body  # whose meetings "since" counts from (?organ=, from the meetings page)
        if body is not None and body.slug != "gemensam-styrgrupp":
            self.fields["mote"].label = _("Sedan mötet")
        self.fields["mote"].choices = [("", _("Välj möte"))] + [
            (m.date.isoformat(), f"{m.date.isoformat()} {m.title}".strip()) for m in meetings
        ]

    def clean_sedan(self):
        value = self.cleaned_data.get("sedan")
        if value and value > self.today:
            raise forms.ValidationError(_("Välj ett datum som inte ligger i framtiden."))
        if value and value < EARLIEST:
            raise forms.ValidationError(_("Välj ett datum från 2024 eller senare."))
        return value

    def since(self, default: dt.date) -> dt.date:
        if not self.is_valid():
            return default
        if self.cleaned_data.get("sedan"):
            return self.cleaned_data["sedan"]
        if self.cleaned_data.get("mote"):
            return dt.date.fromisoformat(self.cleaned_data["mote"])
        return default

    def grouping(self) -> str:
        if self.is_valid() and self.cleaned_data.get("gruppering"):
            return self.cleaned_data["gruppering"]
        return GROUP_BY_FEDERATION

    def weeks(self) -> int:
        if self.is_valid() and self.cleaned_data.get("veckor"):
            return self.cleaned_data["veckor"]
        return 12


class MeetingForm(forms.Form):
    """A body's meeting date, title and note (the rest of a meeting is kept in bodies)."""

    date = forms.DateField(label=_("Datum"), widget=DateInput())
    title = forms.CharField(
        label=_("Rubrik"),
        max_length=200,
        required=False,
        help_text=_("Till exempel ”Styrgruppsmöte 4”. Frivilligt."),
    )
    note = forms.CharField(
        label=_("Anteckning"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, instance=None, submit_label=None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "date": instance.date,
                "title": instance.title,
                "note": instance.note,
            }
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", submit_label or _("Spara mötet")))

    def clean_title(self):
        value = self.cleaned_data["title"]
        if "\n" in value or "\r" in value:
            raise forms.ValidationError(_("Skriv rubriken på en rad."))
        return value
