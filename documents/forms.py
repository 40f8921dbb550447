"""Forms: validation and layout only. Business rules are in documents.services."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, Federation, JointBody, Party
from documents.audiences import body_choices, conference_choices
from documents.models import (
    Backing,
    Dispatch,
    Document,
    DocumentVersion,
    RemissRecipient,
    validate_file,
)
from implementation.models import Level, Responsibility


def refuse_line_breaks(value) -> None:
    if isinstance(value, str) and any(c in value for c in "\r\n\u2028\u2029\x0b\x0c\x85"):
        raise forms.ValidationError(_("Skriv texten på en rad, utan radbrytningar."))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the upload validator."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data if item]
        else:
            files = [single(data, initial)] if data else []
        for upload in files:
            validate_file(upload)
        return files


class _Crispy:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.Textarea):
                field.validators.append(refuse_line_breaks)


FILE_HELP = _("PDF, Word (DOCX) eller Excel (XLSX), högst 10 MB per fil.")


class DocumentForm(_Crispy, forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=300)
    kind = forms.ChoiceField(label=_("Slag"), choices=Document.Kind.choices)
    description = forms.CharField(
        label=_("Beskrivning"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    backing_required = forms.BooleanField(
        label=_("Gäller först när alla 50 parter har ställt sig bakom den"), required=False
    )
    agreements = forms.ModelMultipleChoiceField(
        label=_("Avtal som dokumentet hör till"),
        queryset=Agreement.objects.order_by("generation", "title"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    responsibilities = forms.ModelMultipleChoiceField(
        label=_("Punkter i checklistan som dokumentet hör till"),
        queryset=Responsibility.objects.filter(is_active=True).select_related("phase"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Håll ned Ctrl (Cmd på Mac) för att välja flera."),
    )


class VersionForm(_Crispy, forms.Form):
    stage = forms.ChoiceField(label=_("Skede"), choices=DocumentVersion.Stage.choices)
    note = forms.CharField(
        label=_("Kommentar"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    checked_on = forms.DateField(label=_("Granskad"), required=False, widget=DateInput())
    backing_deadline = forms.DateField(
        label=_("Sista dag att ställa sig bakom"), required=False, widget=DateInput()
    )
    files = MultipleFileField(label=_("Filer"), help_text=FILE_HELP)


class VersionUpdateForm(VersionForm):
    files = None


class FileForm(_Crispy, forms.Form):
    file = forms.FileField(label=_("Fil"), help_text=FILE_HELP, validators=[validate_file])


class RoundForm(_Crispy, forms.Form):
    title = forms.CharField(label=_("Rubrik"), max_length=300)
    opens_on = forms.DateField(label=_("Remisstiden börjar"), widget=DateInput())
    deadline = forms.DateField(label=_("Sista svarsdag"), widget=DateInput())
    reference = forms.CharField(label=_("Vår referens"), max_length=100, required=False)
    message = forms.CharField(
        label=_("Följebrev"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    all_parties = forms.BooleanField(
        label=_("Alla 50 parter (VGR och de 49 kommunerna, till registratorn)"), required=False
    )
    parties = forms.ModelMultipleChoiceField(
        label=_("Eller enskilda parter"),
        queryset=Party.objects.agreement_parties().order_by("kind", "name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    federations = forms.ModelMultipleChoiceField(
        label=_("Kommunalförbund"),
        queryset=Federation.objects.order_by("order", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    bodies = forms.ModelMultipleChoiceField(
        label=_("Gemensamma organ"),
        queryset=JointBody.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self):
        data = super().clean()
        if data.get("all_parties"):
            data["parties"] = list(Party.objects.agreement_parties().order_by("kind", "name"))
        start, end = data.get("opens_on"), data.get("deadline")
        if start and end and end < start:
            self.add_error("deadline", _("Sista svarsdag kan inte vara före starten."))
        if not (data.get("parties") or data.get("federations") or data.get("bodies")):
            raise forms.ValidationError(_("Välj minst en remissinstans."))
        return data


class AnswerForm(_Crispy, forms.Form):
    answer = forms.ChoiceField(
        label=_("Ert svar"), choices=RemissRecipient.Answer.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Yttrande i text"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    file = forms.FileField(
        label=_("Yttrande som fil"), required=False, help_text=FILE_HELP, validators=[validate_file]
    )

    def clean(self):
        data = super().clean()
        if data.get("answer") == RemissRecipient.Answer.STATEMENT and not (
            (data.get("text") or "").strip() or data.get("file")
        ):
            raise forms.ValidationError(_("Skriv ert yttrande eller bifoga en fil."))
        return data


class RecordAnswerForm(AnswerForm):
    received_on = forms.DateField(label=_("Svaret kom in"), widget=DateInput())


class BackingForm(_Crispy, forms.Form):
    party = forms.ModelChoiceField(
        label=_("Part"), queryset=Party.objects.agreement_parties().order_by("kind", "name")
    )
    body = forms.CharField(
        label=_("Beslutande organ"),
        max_length=200,
        help_text=_("Till exempel ”Kommunstyrelsen” eller ”SRO (per capsulam)”."),
    )
    decided_on = forms.DateField(label=_("Beslutsdatum"), widget=DateInput())
    outcome = forms.ChoiceField(label=_("Utfall"), choices=Backing.Outcome.choices)
    reference = forms.CharField(label=_("Diarienummer"), max_length=100, required=False)


class DispatchForm(_Crispy, forms.Form):
    subject = forms.CharField(label=_("Ämne"), max_length=200)
    text = forms.CharField(
        label=_("Text"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8})
    )
    reference = forms.CharField(
        label=_("Vår referens"),
        max_length=100,
        required=False,
        help_text=_("Lämnas tomt: portalen sätter en referens (HoS-U-nummer)."),
    )
    audiences = forms.MultipleChoiceField(
        label=_("Mottagare"), choices=Dispatch.Audience.choices, widget=forms.CheckboxSelectMultiple
    )
    forward_note = forms.CharField(
        label=_("Uppmaning till kommunalförbunden"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        initial=_("Vi rekommenderar att ni sänder detta vidare till respektive medlemskommun."),
    )
    levels = forms.MultipleChoiceField(
        label=_("Nivåer (för implementeringsansvariga)"),
        choices=Level.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    body = forms.TypedChoiceField(label=_("Organ"), required=False, coerce=int, empty_value=None)
    conference = forms.TypedChoiceField(
        label=_("Konferens"), required=False, coerce=int, empty_value=None
    )
    attachments = MultipleFileField(label=_("Bilagor"), help_text=FILE_HELP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = [("", "—"), *body_choices()]
        self.fields["conference"].choices = [("", "—"), *conference_choices()]


class ReceiptForm(_Crispy, forms.Form):
    received = forms.BooleanField(label=_("Vi har tagit emot utskicket"), required=False)
    forwarded_to = forms.CharField(
        label=_("Vidarebefordrat till"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Till exempel ”Alingsås, Lerum och Vårgårda kommun”."),
    )
    dnr = forms.CharField(label=_("Diariefört som dnr"), required=False, max_length=100)

    def clean(self):
        data = super().clean()
        if not (data.get("received") or data.get("forwarded_to") or data.get("dnr")):
            raise forms.ValidationError(_("Markera att ni har tagit emot utskicket."))
        return data
