"""The case page's action forms (comment, attach, escalate, propose, answer, decide, pause,
resume, reopen, close, details): plain Bootstrap markup drawn by ``_action_form.html``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from escalation.forms.common import DEIDENTIFY
from escalation.models import Category
from escalation.validators import validate_no_personal_number


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
