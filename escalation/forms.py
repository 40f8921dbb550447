"""Forms: validation and layout only. The services hold the rules."""

import functools

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from agreements.models import Agreement, Delregion, Party
from core import fragments
from core.roles import Role
from core.widgets import PlainSelect
from escalation.models import Case, HandlerRule, LadderStep
from escalation.selectors import CaseFilters
from escalation.validators import validate_no_personal_number
from implementation.models import Unit

DEIDENTIFY = _(
    "Skriv inga patientuppgifter: inga namn, personnummer eller samordningsnummer, och inget "
    "som tillsammans kan peka ut en person. Beskriv händelsen avidentifierat."
)


def _helper(label, *, method="post", prefix="") -> FormHelper:
    helper = FormHelper()
    helper.form_method = method
    helper.form_tag = not prefix  # the case page draws its own <form> around each action
    if label:
        helper.add_input(Submit("submit", label, css_id=f"knapp-{prefix or 'spara'}"))
    return helper


class UnitSelect(forms.Select):
    """Options carry their party, so the page can show only the chosen party's units."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-party"] = str(instance.party_id)
        return option


class UnitChoiceField(forms.ModelChoiceField):
    widget = UnitSelect

    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.party.name})"


class CaseOpenForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = [
            "kind",
            "title",
            "description",
            "agreement",
            "reporting_party",
            "reporting_unit",
            "receiving_party",
            "receiving_unit",
            "is_systemic",
            "diarienummer",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "description": DEIDENTIFY,
            "is_systemic": _(
                "Markera om felet beror på rutiner eller system, inte ett enskilt misstag."
            ),
            "diarienummer": _("Om ärendet är registrerat hos någon av parterna."),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        parties = Party.objects.agreement_parties().order_by("kind", "name")
        self.fields["agreement"].queryset = Agreement.objects.filter(
            generation=Agreement.Generation.NEW
        ).order_by("order")
        self.fields["receiving_party"].queryset = parties
        units = Unit.objects.select_related("party").filter(party__in=parties)
        units = units.order_by("party__name", "name")
        for name in ("reporting_unit", "receiving_unit"):
            self.fields[name] = UnitChoiceField(
                queryset=units,
                required=False,
                label=self.fields[name].label,
                help_text=_("Frivilligt. Enhetens implementeringsansvariga hanterar steg 1."),
            )
        from escalation.permissions import may_report_for_any_party

        if may_report_for_any_party(user):
            self.fields["reporting_party"].queryset = parties
        else:
            self.fields["reporting_party"].queryset = parties.filter(pk=user.party_id)
            self.fields["reporting_party"].initial = user.party_id
            self.fields["reporting_party"].disabled = True
        self.fields["kind"].choices = [("", _("Välj typ"))] + list(Case.Kind.choices)
        for name in ("title", "description", "diarienummer"):
            self.fields[name].validators.append(validate_no_personal_number)
        self.helper = _helper(_("Öppna ärendet"))
        self.helper.attrs = {"novalidate": ""}

    def clean(self):
        data = super().clean()
        rep, rec = data.get("reporting_party"), data.get("receiving_party")
        if rep and rec and rep == rec:
            self.add_error("receiving_party", _("Välj en annan part än den anmälande."))
        for unit_field, party in (("reporting_unit", rep), ("receiving_unit", rec)):
            unit = data.get(unit_field)
            if unit and party and unit.party_id != party.pk:
                self.add_error(unit_field, _("Enheten hör inte till den valda parten."))
        return data

    def _post_clean(self):
        # The case is built by case_open, which also runs full_clean(); here only the fields.
        pass


class _ActionBoundField(forms.BoundField):
    """Bootstrap's error state on the widget (Django adds aria-invalid and the error's id)."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if not widget.is_hidden and self.errors:
            attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
        return attrs


class ActionFormMixin:
    """The case page's action forms, drawn by ``escalation/_action_form.html`` (plain Bootstrap
    markup; crispy's nested templates cost more than the rest of the page): the widgets get
    Bootstrap's classes here, the button its label and id from ``submit`` and ``prefix_name``."""

    bound_field_class = _ActionBoundField
    submit = ""
    prefix_name = ""

    def _style_widgets(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "checkboxinput form-check-input"
            elif isinstance(widget, forms.Textarea):
                widget.attrs["class"] = "textarea form-control"
            elif not widget.is_hidden:
                widget.attrs["class"] = "textinput form-control"


class TextActionForm(ActionFormMixin, forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        validators=[validate_no_personal_number],
    )

    label = ""
    help = ""
    required_message = ""
    submit = ""
    prefix_name = "text"

    def __init__(self, *args, required: bool = True, **kwargs):
        kwargs.setdefault("auto_id", f"{self.prefix_name}-%s")  # unique ids on the case page
        super().__init__(*args, **kwargs)
        field = self.fields["text"]
        field.label = self.label
        field.help_text = self.help or DEIDENTIFY
        field.required = required
        field.error_messages["required"] = self.required_message
        self._style_widgets()


class CommentForm(TextActionForm):
    prefix_name = "kommentar"
    label = _("Kommentar")
    required_message = _("Skriv en kommentar.")
    submit = _("Lägg till kommentaren")


class EscalateForm(TextActionForm):
    prefix_name = "eskalera"
    label = _("Skäl till eskaleringen")
    required_message = _("Ange varför ärendet eskaleras.")
    submit = _("Eskalera till nästa steg")
    step = forms.IntegerField(widget=forms.HiddenInput)


class ReopenForm(TextActionForm):
    prefix_name = "ateruppta"
    label = _("Skäl till att ärendet återupptas")
    required_message = _("Ange varför ärendet återupptas.")
    submit = _("Återuppta ärendet")


class CloseForm(TextActionForm):
    prefix_name = "avsluta"
    label = _("Skäl (krävs om ärendet inte är löst)")
    required_message = _("Ange varför ärendet avslutas utan att ha lösts.")
    submit = _("Avsluta ärendet")


class ResolveForm(ActionFormMixin, forms.Form):
    submit = _("Markera som löst")
    prefix_name = "los"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "los-%s")
        super().__init__(*args, **kwargs)
        self._style_widgets()

    outcome = forms.CharField(
        label=_("Utfall"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        validators=[validate_no_personal_number],
        error_messages={"required": _("Beskriv utfallet innan ärendet markeras som löst.")},
        help_text=DEIDENTIFY,
    )
    decision = forms.CharField(
        label=_("Beslut (frivilligt)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        required=False,
        validators=[validate_no_personal_number],
        help_text=_("Det beslut som fattades, om något, t.ex. av styrgruppen eller SRO."),
    )


class DetailsForm(ActionFormMixin, forms.Form):
    submit = _("Spara uppgifterna")
    prefix_name = "uppgifter"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "uppgifter-%s")
        super().__init__(*args, **kwargs)
        self._style_widgets()

    diarienummer = forms.CharField(label=_("Diarienummer"), max_length=60, required=False)
    is_systemic = forms.BooleanField(label=_("Systemfel"), required=False)


def _options() -> dict[str, list[tuple[int, str]]]:
    """The filter form's choices from the database: a light query per field."""
    agreements = (
        Agreement.objects.filter(generation=Agreement.Generation.NEW)
        .order_by("order")
        .values_list("pk", "short_title", "title")
    )
    steps = LadderStep.objects.order_by("order").values_list("pk", "order", "name")
    return {
        "agreement": [(pk, short or title) for pk, short, title in agreements],
        "party": list(
            Party.objects.agreement_parties().order_by("kind", "name").values_list("pk", "name")
        ),
        "delregion": list(Delregion.objects.order_by("order", "name").values_list("pk", "name")),
        "step": [(pk, f"{order}. {name}") for pk, order, name in steps],
    }


class CaseFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Typ"), required=False, widget=PlainSelect)
    agreement = forms.ModelChoiceField(
        label=_("Överenskommelse"),
        required=False,
        queryset=Agreement.objects.none(),
        widget=PlainSelect,
    )
    party = forms.ModelChoiceField(
        label=_("Part"), required=False, queryset=Party.objects.none(), widget=PlainSelect
    )
    delregion = forms.ModelChoiceField(
        label=_("Delregion"), required=False, queryset=Delregion.objects.all(), widget=PlainSelect
    )
    status = forms.ChoiceField(label=_("Status"), required=False, widget=PlainSelect)
    step = forms.ModelChoiceField(
        label=_("Steg"),
        required=False,
        queryset=LadderStep.objects.order_by("order"),
        widget=PlainSelect,
    )
    active = forms.BooleanField(label=_("Bara pågående"), required=False)
    overdue = forms.BooleanField(label=_("Bara försenade"), required=False)
    mine = forms.BooleanField(label=_("Bara de jag hanterar"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("Alla"))]
        self.fields["kind"].choices = everything + list(Case.Kind.choices)
        self.fields["status"].choices = everything + list(Case.Status.choices)
        self.fields["agreement"].queryset = (
            Agreement.objects.filter(generation=Agreement.Generation.NEW)
            .order_by("order")
            .only("pk", "short_title", "title")
        )
        # An option needs the id and the name only (the list pages draw this form each time).
        self.fields["party"].queryset = (
            Party.objects.agreement_parties().order_by("kind", "name").only("pk", "name")
        )
        for name in ("agreement", "party", "delregion", "step"):
            self.fields[name].empty_label = _("Alla")
        # The options as (id, name) rows, read once per data version (core.fragments): both
        # list pages draw this form every time, and every change of these rows is audited. A
        # chosen id is still checked against the field's queryset when the form is cleaned.
        options = functools.cache(lambda: fragments.cached("case-filter-options", (), _options))
        for name in ("agreement", "party", "delregion", "step"):
            self.fields[name].choices = lambda name=name: everything + options()[name]
        for field in self.fields.values():
            checkbox = isinstance(field.widget, forms.CheckboxInput)
            field.widget.attrs["class"] = "form-check-input" if checkbox else "form-select"

    def filters(self) -> CaseFilters:
        if not self.is_valid():
            return CaseFilters()
        data = self.cleaned_data
        return CaseFilters(
            kind=data["kind"],
            agreement=data["agreement"].pk if data["agreement"] else None,
            party=data["party"].pk if data["party"] else None,
            delregion=data["delregion"].pk if data["delregion"] else None,
            status=data["status"],
            step=data["step"].pk if data["step"] else None,
            overdue=data["overdue"],
            active_only=data["active"],
            handled_by_me=data["mine"],
        )


class LadderStepForm(forms.ModelForm):
    class Meta:
        model = LadderStep
        fields = [
            "order",
            "name",
            "description",
            "body",
            "body_text",
            "time_limit",
            "time_unit",
            "warning_percent",
            "is_provisional",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "time_limit": _(
                "Ändringen gäller ärenden som når steget efter ändringen; pågående ärenden "
                "behåller sin tidsgräns."
            )
        }
        error_messages = {"order": {"unique": _("Det finns redan ett steg med det numret.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_limit"].min_value = None  # our own Swedish message, not the browser's
        self.fields["time_limit"].widget.attrs.pop("min", None)
        self.helper = _helper(_("Spara steget"))


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj} ({obj.party})" if obj.party_id else str(obj)


class HandlerRuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Vem hanterar"), choices=HandlerRule.Kind.choices)
    role = forms.ChoiceField(
        label=_("Roll"), required=False, help_text=_("För regler som gäller en roll.")
    )
    user = UserChoiceField(
        label=_("Användare"),
        required=False,
        queryset=User.objects.none(),
        help_text=_("För en namngiven användare."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "–")] + list(Role.choices)
        self.fields["user"].queryset = User.objects.filter(is_active=True).select_related("party")
        self.helper = _helper(_("Lägg till regeln"))
