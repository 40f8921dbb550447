"""Forms of the agreements app: validation of input and layout only (rules live in services)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, Decision, Party
from agreements.selectors import REGION_FILTER, outcome_choices


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class _DecisionFieldsMixin(forms.Form):
    decided_on = forms.DateField(label=_("Beslutsdatum"), widget=DateInput())
    body = forms.ChoiceField(label=_("Beslutande organ"), choices=Decision.Body.choices)
    body_other = forms.CharField(
        label=_("Annat organ"),
        required=False,
        max_length=200,
        help_text=_("Fyll bara i om du har valt ”Annat organ”."),
    )
    outcome = forms.ChoiceField(
        label=_("Utfall"), choices=Decision.Outcome.choices, widget=forms.RadioSelect
    )
    planned_date = forms.DateField(
        label=_("Planerat beslutsdatum"),
        required=False,
        widget=DateInput(),
        help_text=_("Krävs när beslutet är bordlagt eller uppskjutet."),
    )
    reference = forms.CharField(
        label=_("Protokoll eller diarienummer"),
        required=False,
        max_length=200,
        help_text=_("Till exempel ”KF 2026-04-20 § 45” eller ”KS 2025/0123”."),
    )
    note = forms.CharField(
        label=_("Anteckning"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionForm(_DecisionFieldsMixin):
    """One meeting's decision for one party, on one or several agreements."""

    party = forms.ModelChoiceField(
        label=_("Part"),
        queryset=Party.objects.none(),
        empty_label=_("Välj part"),
        error_messages={
            "invalid_choice": _(
                "Välj en part i avtalet: Västra Götalandsregionen eller någon av de 49 kommunerna."
            )
        },
    )
    agreements = forms.ModelMultipleChoiceField(
        label=_("Beslutet gäller"),
        queryset=Agreement.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Oftast beslutas avtalet och alla fyra överenskommelser vid samma möte."),
        error_messages={"required": _("Välj minst ett avtal som beslutet gäller.")},
    )

    field_order = ["party", "agreements", "decided_on", "body", "body_other", "outcome"]

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = parties
        agreements = Agreement.objects.new()
        self.fields["agreements"].queryset = agreements
        if not self.is_bound and "agreements" not in self.initial:
            self.initial["agreements"] = list(agreements)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Registrera beslutet")))


class DecisionCorrectForm(_DecisionFieldsMixin):
    """A correction of one registered decision (party and agreement stay)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Spara rättelsen")))


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Rubrik"), max_length=300)
    file = forms.FileField(
        label=_("PDF-fil"),
        required=False,
        help_text=_("Högst 10 MB. Lämna tomt om du anger en länk."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    url = forms.URLField(
        label=_("Eller länk till dokumentet"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Till exempel avtalstexten på vgregion.se."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        data = super().clean()
        if bool(data.get("file")) == bool(data.get("url")):
            raise forms.ValidationError(_("Ladda upp en PDF-fil eller ange en länk, inte båda."))
        return data


class BoardFilterForm(forms.Form):
    """The board's filters: a GET form that works without JavaScript."""

    forbund = forms.ChoiceField(label=_("Kommunalförbund"), required=False)
    delregion = forms.ChoiceField(label=_("Delregion"), required=False)
    avtal = forms.ChoiceField(label=_("Avtal"), required=False)
    utfall = forms.ChoiceField(label=_("Status"), required=False)
    sen = forms.BooleanField(label=_("Bara försenade"), required=False)

    def __init__(self, *args, federations, delregions, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        everyone = [("", _("Alla"))]
        self.fields["forbund"].choices = [
            *everyone,
            (REGION_FILTER, _("Västra Götalandsregionen")),
            *[(f.slug, f.name) for f in federations],
        ]
        self.fields["delregion"].choices = [*everyone, *[(d.slug, d.name) for d in delregions]]
        self.fields["avtal"].choices = [(a.slug, str(a)) for a in agreements]
        self.fields["utfall"].choices = [*everyone, *outcome_choices()]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "federation": data["forbund"],
            "delregion": data["delregion"],
            "agreement": data["avtal"],
            "outcome": data["utfall"],
            "late_only": data["sen"],
        }


class RegisterFilterForm(forms.Form):
    """The register's filters (GET, works without JavaScript)."""

    forbund = forms.ChoiceField(label=_("Kommunalförbund"), required=False)
    avtal = forms.ChoiceField(label=_("Avtal"), required=False)
    utfall = forms.ChoiceField(label=_("Utfall"), required=False)
    sedan = forms.DateField(
        label=_("Beslutade eller registrerade sedan"),
        required=False,
        widget=DateInput(),
        help_text=_("Till exempel dagen för styrgruppens förra möte."),
    )

    def __init__(self, *args, federations, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        everyone = [("", _("Alla"))]
        self.fields["forbund"].choices = [
            *everyone,
            (REGION_FILTER, _("Västra Götalandsregionen")),
            *[(f.slug, f.name) for f in federations],
        ]
        self.fields["avtal"].choices = [*everyone, *[(a.slug, str(a)) for a in agreements]]
        self.fields["utfall"].choices = [*everyone, *Decision.Outcome.choices]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "federation": data["forbund"],
            "agreement": data["avtal"],
            "outcome": data["utfall"],
            "since": data["sedan"],
        }
