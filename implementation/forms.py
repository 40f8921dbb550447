"""Forms of implementation tracking: validation and layout only (rules live in services)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.forms import PersonField
from core.uploads import UploadValidator
from implementation.models import (
    EVIDENCE_VALIDATOR,
    DevelopmentNeed,
    Level,
    MembershipRole,
    NeedStatus,
    Phase,
    Responsibility,
    Status,
    Unit,
)
from implementation.services import NewEvidence, check_transition
from implementation.workflow import NEED_FLOW, allowed_statuses


def _helper(label) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.add_input(Submit("submit", label))
    return helper


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def allowed_status_choices(current: str) -> list[tuple[str, str]]:
    """The current status and those ``PROGRESS_FLOW`` allows from it, in the choices' order."""
    return allowed_statuses(current)


class StatusFormMixin:
    """Checks the status change against the transition table and the comment rule."""

    def __init__(self, *args, current_status: str = Status.EJ_PABORJAD, **kwargs):
        self.current_status = current_status
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = allowed_status_choices(current_status)

    def clean(self):
        data = super().clean()
        status = data.get("status")
        if not status:
            return data
        try:
            check_transition(before=self.current_status, after=status, comment="-")
        except ValidationError as error:
            self.add_error("status", error)
            return data
        try:
            check_transition(
                before=self.current_status, after=status, comment=data.get("comment", "")
            )
        except ValidationError as error:
            self.add_error("comment", error)
        return data


class QuickStatusForm(StatusFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Ny status"), choices=Status.choices)
    comment = forms.CharField(
        label=_("Kommentar"),
        required=False,
        max_length=2000,
        help_text=_("Krävs för Hinder och Ej aktuellt."),
    )


class ProgressForm(StatusFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    comment = forms.CharField(
        label=_("Kommentar till loggen"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Krävs för Hinder och Ej aktuellt. Kommentaren sparas med datum och ditt namn."
        ),
    )
    next_step = forms.CharField(
        label=_("Nästa steg"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence_name = forms.CharField(
        label=_("Namn på underlaget"),
        required=False,
        max_length=200,
        help_text=_("Till exempel ”Rutin för samordnad vårdplanering”. Tomt: filens namn."),
    )
    evidence_file = forms.FileField(
        label=_("Lägg till en fil"),
        required=False,
        validators=[EVIDENCE_VALIDATOR],
        help_text=_("PDF, Word (DOCX) eller Excel (XLSX), högst 10 MB."),
    )
    evidence_url = forms.URLField(
        label=_("Lägg till en länk"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Till exempel en rutin på intranätet."),
    )
    remove_evidence = forms.TypedMultipleChoiceField(
        label=_("Ta bort underlag"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Markerade filer och länkar tas bort för gott när du sparar."),
    )

    def __init__(self, *args, evidence=(), **kwargs):
        super().__init__(*args, **kwargs)
        if evidence:
            self.fields["remove_evidence"].choices = [(e.pk, e.name) for e in evidence]
        else:
            del self.fields["remove_evidence"]
        self.helper = _helper(_("Spara"))

    def new_evidence(self) -> tuple:
        data, found = self.cleaned_data, []
        name = data.get("evidence_name", "")
        if data.get("evidence_file"):
            found.append(NewEvidence(name=name, file=data["evidence_file"]))
        if data.get("evidence_url"):
            found.append(NewEvidence(name=name or data["evidence_url"], url=data["evidence_url"]))
        return tuple(found)


class UnitForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=200)
    level = forms.ChoiceField(label=_("Nivå"), choices=Level.choices)
    parent = forms.ModelChoiceField(
        label=_("Hör till förvaltning"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Krävs för en verksamhet."),
    )

    def __init__(self, *args, party, fixed_level: str | None = None, fixed_parent=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Unit.objects.filter(
            party=party, level=Level.FORVALTNING
        ).order_by("name")
        if fixed_level:
            del self.fields["level"]
        if fixed_parent is not None:
            del self.fields["parent"]
        self.fixed_level, self.fixed_parent = fixed_level, fixed_parent
        self.helper = _helper(_("Spara"))

    def clean(self):
        data = super().clean()
        level = self.fixed_level or data.get("level")
        parent = self.fixed_parent if self.fixed_parent is not None else data.get("parent")
        if level == Level.VERKSAMHET and parent is None and "parent" in self.fields:
            self.add_error("parent", _("Välj den förvaltning som verksamheten hör till."))
        if level != Level.VERKSAMHET and parent is not None and "parent" in self.fields:
            self.add_error("parent", _("Bara verksamheter hör till en förvaltning."))
        data["level"], data["parent"] = level, parent
        return data


class MembershipForm(forms.Form):
    user = PersonField(
        label=_("Person"), queryset=None, help_text=_("Skriv namnet och välj i listan.")
    )
    role = forms.ChoiceField(label=_("Roll"), choices=MembershipRole.choices)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates
        self.fields["user"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username} ({u.username})"
        )
        self.helper = _helper(_("Utse"))


class PhaseForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["short_name", "name", "description", "starts_on", "ends_on"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "ends_on": _("Ansvar vars datum följer fasens slut flyttas med."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Spara"))

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("Slutdatum kan inte vara före startdatum."))
        return data


class ResponsibilityForm(forms.ModelForm):
    class Meta:
        model = Responsibility
        fields = ["phase", "level", "title", "description", "due_date"]
        widgets = {
            "due_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["level"]  # progress is logged per level: the level stays
        self.helper = _helper(_("Spara"))


class NeedForm(forms.ModelForm):
    class Meta:
        model = DevelopmentNeed
        fields = ["title", "description", "owner", "due_date", "status", "responsibility"]
        widgets = {
            "due_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsibility"].queryset = Responsibility.objects.filter(
            level=unit.level, is_active=True
        ).select_related("phase")
        self.fields["responsibility"].label_from_instance = lambda r: (
            f"{r.phase.short_name}: {r.title}"
        )
        if not self.instance.pk:
            self.fields["status"].initial = NeedStatus.IDENTIFIERAT
        else:  # the current status and the moves NEED_FLOW allows from it
            current = self.instance.status
            allowed = {current, *NEED_FLOW.moves_from(current)}
            self.fields["status"].choices = [
                (value, label) for value, label in NeedStatus.choices if value in allowed
            ]
        self.helper = _helper(_("Spara"))


BULK_MAX_BYTES = 5 * 1024 * 1024


class BulkUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Ifylld mall"),
        help_text=_("Excel-filen (.xlsx) du laddade ner och fyllde i."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Kontrollera och spara"))

    def clean_file(self):
        """The size limit (the type is judged by the table reader, with its own message)."""
        upload = self.cleaned_data["file"]
        if upload.size > BULK_MAX_BYTES:
            UploadValidator(kinds=("xlsx", "csv"), max_bytes=BULK_MAX_BYTES)(upload)
        return upload
