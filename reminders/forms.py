"""Forms for reminder preferences and settings: validation and layout only."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from reminders.models import OPTIONAL_KINDS, Kind, ReminderSettings


def _helper(label) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.add_input(Submit("submit", label))
    return helper


class PreferenceForm(forms.Form):
    escalation_immediately = forms.TypedChoiceField(
        label=_("Tidsgränser i eskaleringsärenden"),
        choices=[
            ("0", _("I den dagliga sammanställningen")),
            ("1", _("Direkt när de upptäcks, i ett eget e-postmeddelande")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        help_text=_("De här påminnelserna kan inte väljas bort."),
    )
    wanted = forms.MultipleChoiceField(
        label=_("Jag vill få påminnelser om"),
        choices=[(k.value, k.label) for k in OPTIONAL_KINDS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Bocka ur det du inte vill bli påmind om."),
    )

    hide_blocked = forms.TypedChoiceField(
        label=_("Ansvar där ett hinder redan är rapporterat"),
        choices=[
            ("0", _("Ta med dem, med orsaken till hindret")),
            ("1", _("Ta inte med dem i mina påminnelser")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        required=False,
        empty_value=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Spara mina val"))

    @property
    def opted_out(self) -> list[str]:
        wanted = set(self.cleaned_data["wanted"])
        return [k.value for k in OPTIONAL_KINDS if k.value not in wanted]

    @staticmethod
    def initial_for(preference) -> dict:
        opted = set(preference.opted_out) if preference else set()
        return {
            "escalation_immediately": "1"
            if preference and preference.escalation_immediately
            else "0",
            "wanted": [k.value for k in Kind if k in OPTIONAL_KINDS and k.value not in opted],
            "hide_blocked": "1" if preference and preference.hide_blocked else "0",
        }


class SettingsForm(forms.ModelForm):
    class Meta:
        model = ReminderSettings
        fields = [
            "send_hour",
            "catch_up_days",
            "checklist_first_days",
            "checklist_second_days",
            "checklist_overdue_interval_days",
            "checklist_forvaltning_after_days",
            "escalation_overdue_interval_days",
            "conference_not_registered_days",
            "conference_registrant_days",
            "adoption_days",
            "stale_claim_minutes",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Spara inställningarna"))
