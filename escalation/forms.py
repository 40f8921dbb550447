"""Forms: validation and layout only. The services hold the rules."""

import functools

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import PersonField
from accounts.models import User
from agreements.models import Agreement, Delregion, Party
from core import fragments
from core.roles import Role
from core.widgets import PlainSelect
from escalation.models import Case, Category, HandlerRule, LadderStep
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
            "category",
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
            "category": _("Den del av avtalets ansvarsfördelning som ärendet gäller."),
            "receiving_party": _(
                "Ett ärende gäller alltid VGR och en kommun. Väljer du ingen mottagande enhet "
                "går ärendet till partens ärendeansvariga."
            ),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        parties = Party.objects.agreement_parties().order_by("kind", "name")
        self.fields["agreement"].queryset = Agreement.objects.filter(
            generation=Agreement.Generation.NEW
        ).order_by("order")
        self.fields["receiving_party"].queryset = parties
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["category"].required = True
        self.fields["category"].error_messages["required"] = _(
            "Välj vilket ansvarsområde det gäller."
        )
        units = Unit.objects.select_related("party").filter(party__in=parties)
        units = units.order_by("party__name", "name")
        for name in ("reporting_unit", "receiving_unit"):
            self.fields[name] = UnitChoiceField(
                queryset=units,
                required=False,
                label=self.fields[name].label,
                empty_label=_("Ingen särskild enhet"),
                help_text=_("Frivilligt. Enhetens implementeringsansvariga hanterar steg 1."),
            )
        self.fields["agreement"].empty_label = _("Välj överenskommelse")
        self.fields["category"].empty_label = _("Välj ansvarsområde")
        self.fields["receiving_party"].empty_label = _("Välj part")
        self.fields["reporting_party"].empty_label = _("Välj part")
        self.fields["agreement"].error_messages["required"] = _("Välj överenskommelse.")
        self.fields["receiving_party"].error_messages["required"] = _("Välj mottagande part.")
        self.fields["title"].error_messages["required"] = _("Skriv en rubrik.")
        self.fields["description"].error_messages["required"] = _("Beskriv vad som har hänt.")
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
        elif rep and rec:
            from escalation.services import parties_may_meet

            if not parties_may_meet(rep, rec):
                self.add_error(
                    "receiving_party",
                    _(
                        "Ett ärende i eskaleringstrappan gäller VGR och en kommun. Välj VGR "
                        "eller en kommun som mottagande part, så att det blir en av varje."
                    ),
                )
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


class ActionForm(ActionFormMixin, forms.Form):
    """An action form of the case page: ids prefixed by ``prefix_name`` (unique on the page),
    Bootstrap's classes on the widgets."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.prefix_name}-%s")
        super().__init__(*args, **kwargs)
        self._style_widgets()


class TextActionForm(ActionForm):
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
        super().__init__(*args, **kwargs)
        field = self.fields["text"]
        field.label = self.label
        field.help_text = self.help or DEIDENTIFY
        field.required = required
        field.error_messages["required"] = self.required_message


# ATTACHMENT_MAX_BYTES is 10 MB (escalation.models); the text says so.
ATTACHMENT_HELP = _(
    "PDF, Word (DOCX) eller Excel (XLSX), högst 10 MB. Filen kontrolleras: den får inte "
    "innehålla personnummer eller samordningsnummer."
)


class CommentForm(TextActionForm):
    prefix_name = "kommentar"
    label = _("Kommentar")
    required_message = _("Skriv en kommentar.")
    submit = _("Lägg till kommentaren")
    file = forms.FileField(
        label=_("Bilaga (frivilligt)"), required=False, help_text=ATTACHMENT_HELP
    )


class AttachForm(ActionForm):
    submit = _("Bifoga filen")
    prefix_name = "bilaga"
    file = forms.FileField(
        label=_("Fil"),
        help_text=ATTACHMENT_HELP,
        error_messages={"required": _("Välj en fil att bifoga.")},
    )


class ProposeForm(ActionForm):
    submit = _("Skicka förslaget till den andra parten")
    prefix_name = "foresla"
    outcome = forms.CharField(
        label=_("Föreslagen lösning"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        validators=[validate_no_personal_number],
        error_messages={"required": _("Beskriv den lösning du föreslår.")},
        help_text=_("Den andra parten bekräftar eller avvisar förslaget. ") + DEIDENTIFY,
    )


class AnswerForm(ActionForm):
    submit = _("Skicka svaret")
    prefix_name = "svara"
    answer = forms.ChoiceField(
        label=_("Ditt svar"),
        choices=[
            ("ja", _("Vi bekräftar lösningen – ärendet blir löst")),
            ("nej", _("Vi godtar inte förslaget – ärendet fortsätter")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj om ni bekräftar eller avvisar förslaget.")},
    )
    comment = forms.CharField(
        label=_("Kommentar (krävs om ni avvisar förslaget)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
        validators=[validate_no_personal_number],
        help_text=DEIDENTIFY,
    )
    proposal = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].widget.attrs["class"] = "form-check-input"


class DecideForm(ActionForm):
    submit = _("Registrera beslutet")
    prefix_name = "beslut"
    outcome = forms.CharField(
        label=_("Vad beslutades"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        validators=[validate_no_personal_number],
        error_messages={"required": _("Beskriv vad organet beslutade.")},
        help_text=DEIDENTIFY,
    )
    decision = forms.CharField(
        label=_("Beslutsreferens (frivilligt)"),
        max_length=5000,
        required=False,
        validators=[validate_no_personal_number],
        help_text=_("Till exempel protokollets paragraf."),
    )


class PauseForm(TextActionForm):
    prefix_name = "vila"
    label = _("Skäl")
    help = _(
        "Till exempel att ärendet väntar på ett organs möte. Tidsgränsen står still så länge "
        "ärendet är vilande och flyttas fram med lika många arbetsdagar när det startas igen."
    )
    required_message = _("Ange varför ärendet blir vilande, t.ex. att det väntar på ett möte.")
    submit = _("Sätt ärendet som vilande")


class ResumeForm(ActionForm):
    submit = _("Starta klockan igen")
    prefix_name = "starta"


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
    help = _("Ärendet stängs för gott och kan inte återupptas.")
    required_message = _("Ange varför ärendet avslutas utan att ha lösts.")
    submit = _("Avsluta ärendet")


class DetailsForm(ActionForm):
    submit = _("Spara uppgifterna")
    prefix_name = "uppgifter"

    diarienummer = forms.CharField(
        label=_("Diarienummer"),
        max_length=60,
        required=False,
        validators=[validate_no_personal_number],
    )
    category = forms.ModelChoiceField(
        label=_("Ansvarsområde"),
        queryset=Category.objects.filter(is_active=True),
        required=False,
        empty_label=_("Inget valt"),
    )
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
        "category": list(Category.objects.order_by("order", "name").values_list("pk", "name")),
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
    category = forms.ModelChoiceField(
        label=_("Ansvarsområde"),
        required=False,
        queryset=Category.objects.order_by("order", "name"),
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
        for name in ("agreement", "party", "delregion", "step", "category"):
            self.fields[name].empty_label = _("Alla")
        # The options as (id, name) rows, read once per data version (core.fragments): both
        # list pages draw this form every time, and every change of these rows is audited. A
        # chosen id is still checked against the field's queryset when the form is cleaned.
        options = functools.cache(lambda: fragments.cached("case-filter-options", (), _options))
        for name in ("agreement", "party", "delregion", "step", "category"):
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
            category=data["category"].pk if data["category"] else None,
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
        self.fields["body"].empty_label = _("Inget gemensamt organ")
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
    user = PersonField(
        label=_("Användare"),
        required=False,
        queryset=User.objects.none(),
        help_text=_("För en namngiven användare: skriv namnet och välj i listan."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("Ingen roll"))] + list(Role.choices)
        self.fields["user"].queryset = User.objects.filter(is_active=True).select_related("party")
        self.helper = _helper(_("Lägg till regeln"))


class ContactForm(forms.Form):
    """Appoint a party's ärendeansvarig (the förvaltare's page)."""

    party = forms.ModelChoiceField(
        label=_("Part"),
        queryset=Party.objects.none(),
        empty_label=_("Välj part"),
        error_messages={"required": _("Välj part.")},
    )
    user = UserChoiceField(
        label=_("Ärendeansvarig"),
        queryset=User.objects.none(),
        empty_label=_("Välj person"),
        widget=PlainSelect,
        error_messages={"required": _("Välj vem som blir ärendeansvarig.")},
        help_text=_("Personen måste höra till den valda parten."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = Party.objects.agreement_parties().order_by("kind", "name")
        self.fields["user"].queryset = (
            User.objects.filter(is_active=True, party__isnull=False)
            .select_related("party")
            .order_by("party__name", "first_name", "last_name")
        )
        self.helper = _helper(_("Utse ärendeansvarig"), prefix="")
        self.helper.form_tag = False

    def clean(self):
        data = super().clean()
        party, user = data.get("party"), data.get("user")
        if party and user and user.party_id != party.pk:
            self.add_error("user", _("Personen hör inte till den valda parten."))
        return data


class MailboxForm(forms.Form):
    """A party's function address for cases (empty: removed)."""

    party = forms.ModelChoiceField(
        label=_("Part"),
        queryset=Party.objects.none(),
        empty_label=_("Välj part"),
        error_messages={"required": _("Välj part.")},
    )
    email = forms.EmailField(
        label=_("Funktionsadress"),
        required=False,
        help_text=_("Lämna tomt för att ta bort partens funktionsadress."),
        error_messages={"invalid": _("Skriv en giltig e-postadress, t.ex. arenden@kommun.se.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = Party.objects.agreement_parties().order_by("kind", "name")
        self.helper = _helper(_("Spara funktionsadressen"), prefix="")
        self.helper.form_tag = False
