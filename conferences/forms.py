"""Forms: validation and layout only. Business rules are in conferences.services."""

from typing import NamedTuple

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.models import Party
from conferences.models import (
    Conference,
    ConferenceDocument,
    PreMeeting,
    ProgrammeItem,
    Registration,
)
from conferences.services.conferences import EDITABLE_FIELDS
from core.uploads import UploadValidator
from core.widgets import PlainSelect
from implementation.models import Level, Unit


def refuse_line_breaks(value) -> None:
    """A one-line field (a title, a subject) must stay one line: it becomes an e-mail subject,
    a calendar summary or a header, and a line break there breaks every mail that carries it."""
    if isinstance(value, str) and any(c in value for c in "\r\n\u2028\u2029\x0b\x0c\x85"):
        raise forms.ValidationError(
            _("Skriv texten på en rad, utan radbrytningar."), code="line_break"
        )


class _Crispy:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        for field in self.fields.values():
            # Every one-line text field (not text areas, which may hold paragraphs).
            if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.Textarea):
                field.validators.append(refuse_line_breaks)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ConferenceForm(_Crispy, forms.ModelForm):
    online_url = forms.URLField(
        label=_("Länk till digitalt möte"), required=False, assume_scheme="https"
    )

    class Meta:
        model = Conference
        fields = EDITABLE_FIELDS
        widgets = {
            "date": DateInput(),
            "start_time": TimeInput(),
            "end_time": TimeInput(),
            "registration_opens": DateTimeInput(),
            "registration_closes": DateTimeInput(),
            "target_group": forms.Textarea(attrs={"rows": 3}),
            "senders": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def clean(self):
        data = super().clean()
        opens, closes = data.get("registration_opens"), data.get("registration_closes")
        if opens and closes and closes <= opens:
            self.add_error(
                "registration_closes", _("Sista anmälningsdag måste vara efter att anmälan öppnar.")
            )
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("Sluttiden måste vara efter starttiden."))
        if not data.get("venue") and not data.get("online_url") and data.get("date"):
            self.add_error("venue", _("Ange en plats eller en länk till det digitala mötet."))
        return data


class ProgrammeItemForm(_Crispy, forms.ModelForm):
    class Meta:
        model = ProgrammeItem
        fields = ("start_time", "end_time", "title", "speakers", "is_opening")
        widgets = {"start_time": TimeInput(), "end_time": TimeInput()}


class PreMeetingForm(_Crispy, forms.ModelForm):
    class Meta:
        model = PreMeeting
        fields = ("date", "start_time", "end_time", "place", "participants", "note")
        widgets = {
            "date": DateInput(),
            "start_time": TimeInput(),
            "end_time": TimeInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }


class DocumentForm(_Crispy, forms.ModelForm):
    class Meta:
        model = ConferenceDocument
        fields = ("title", "file")
        help_texts = {"file": _("PDF eller Word (.docx), högst 15 MB.")}


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Ny status"),
        choices=[
            (Conference.Status.INBJUDAN_SKICKAD, _("Öppen för anmälan")),
            (Conference.Status.GENOMFORD, Conference.Status.GENOMFORD.label),
            (Conference.Status.INSTALLD, Conference.Status.INSTALLD.label),
        ],
    )


class InvitationForm(_Crispy, forms.Form):
    subject = forms.CharField(label=_("Ämnesrad"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Den personliga anmälningslänken och en kalenderfil läggs till automatiskt i varje "
            "mejl."
        ),
    )


class RecipientGroupsForm(_Crispy, forms.Form):
    groups = forms.MultipleChoiceField(
        label=_("Mottagare"),
        widget=forms.CheckboxSelectMultiple,
        choices=[
            (
                "kommunalforbund",
                _(
                    "Kommunalförbunden och VästKom (funktionsadresser, med rekommendation om att "
                    "föra vidare till respektive kommun)"
                ),
            ),
            ("kommuner", _("Kommunernas registratorer (49 kommuner)")),
            ("forvaltningar", _("VGR:s förvaltningar (implementeringsansvariga)")),
            ("ledare", _("Implementeringsansvariga på valda nivåer")),
        ],
    )
    levels = forms.MultipleChoiceField(
        label=_("Nivåer för implementeringsansvariga"),
        widget=forms.CheckboxSelectMultiple,
        choices=Level.choices,
        required=False,
    )


class RecipientImportForm(_Crispy, forms.Form):
    file = forms.FileField(
        label=_("Lista med mottagare"),
        help_text=_(
            "Excel (.xlsx) eller CSV med kolumnerna ”e-post” (obligatorisk), ”namn” och "
            "”organisation”. Ingenting läggs till förrän alla rader är rätt."
        ),
        validators=[UploadValidator(kinds=("xlsx", "csv"), max_bytes=5 * 1024 * 1024)],
    )


class RecipientPasteForm(_Crispy, forms.Form):
    text = forms.CharField(
        label=_("Klistra in adresser"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=200_000,
        help_text=_(
            "En per rad, som ”namn@kommun.se” eller ”Förnamn Efternamn &lt;namn@kommun.se&gt;”. "
            "Ingenting läggs till förrän alla rader är rätt."
        ),
    )


class CancelConferenceForm(_Crispy, forms.Form):
    message = forms.CharField(
        label=_("Meddelande till de anmälda (frivilligt)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
        help_text=_("Kommer med i mejlet om att konferensen är inställd."),
    )


class PartyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class UnitChoice(NamedTuple):
    """A unit as the registration form lists it (plain values, not a model instance)."""

    pk: int
    name: str
    party_id: int
    party_name: str


class RegistrationForm(_Crispy, forms.Form):
    """The public registration form (also used, without e-mail and consent, to change it)."""

    name = forms.CharField(label=_("Namn"), max_length=200)
    email = forms.EmailField(
        label=_("E-postadress"),
        max_length=254,
        error_messages={"invalid": _("Skriv en giltig e-postadress, till exempel namn@kommun.se.")},
    )
    party = PartyChoiceField(
        label=_("Organisation"),
        queryset=Party.objects.agreement_parties().order_by("kind", "name"),
        required=False,
        empty_label=_("– Välj kommun eller region –"),
        widget=PlainSelect,
    )
    organisation_other = forms.CharField(
        label=_("Annan organisation"),
        max_length=200,
        required=False,
        help_text=_("Fyll i om du inte företräder en kommun eller Västra Götalandsregionen."),
    )
    role = forms.ChoiceField(
        label=_("Jag deltar som"), choices=Registration.Role.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(label=_("Titel eller uppdrag"), max_length=200, required=False)
    # Every förvaltning and verksamhet: thousands of options, given to the widget as they are
    # (PlainSelect.set_options); clean() checks that the chosen one is among them.
    unit = forms.IntegerField(
        label=_("Enhet"),
        required=False,
        help_text=_("Den förvaltning eller verksamhet du företräder, om den finns i listan."),
        widget=PlainSelect,
    )
    diet_choices = forms.MultipleChoiceField(
        label=_("Specialkost"),
        choices=Registration.Diet.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    diet = forms.CharField(
        label=_("Annan specialkost"),
        max_length=300,
        required=False,
        help_text=_("Fyll i om du kryssat i ”Annat”."),
    )
    allergies = forms.CharField(label=_("Allergier"), max_length=300, required=False)
    accessibility = forms.CharField(
        label=_("Behov av anpassning"),
        max_length=500,
        required=False,
        help_text=_("Till exempel hörslinga, tillgänglig entré eller plats för ledsagare."),
    )
    consent = forms.BooleanField(
        label=_("Jag har läst hur mina uppgifter hanteras och godkänner det."),
        error_messages={
            "required": _("Du behöver godkänna hur vi hanterar dina uppgifter för att anmäla dig.")
        },
    )

    def __init__(self, *args, units=(), for_change=False, units_url="", **kwargs):
        super().__init__(*args, **kwargs)
        # The unit list follows the chosen organisation: only its units once one is chosen
        # (htmx swaps the list when the organisation changes; without JavaScript the list is
        # grouped per organisation and narrowed when the form comes back).
        party_id = self._chosen_party()
        shown = [u for u in units if u.party_id == party_id] if party_id else units
        grouped: dict[str, list] = {}
        for unit in shown:
            grouped.setdefault(unit.party_name, []).append((unit.pk, unit.name))
        if party_id and grouped:
            options = [(pk, name) for items in grouped.values() for pk, name in items]
        else:
            options = list(grouped.items())
        self.fields["unit"].widget.set_options([("", _("– Ingen enhet vald –")), *options])
        if units_url and "party" in self.fields:
            self.fields["party"].widget.attrs.update(
                {
                    "data-hx-get": units_url,
                    "data-hx-target": "#div_id_unit",
                    "data-hx-swap": "outerHTML",
                    "data-hx-trigger": "change",
                }
            )
        self.units = {u.pk: u for u in units}
        if not units:
            del self.fields["unit"]
        if for_change:
            del self.fields["email"]
            del self.fields["consent"]
        self.helper.layout = self._layout()

    def _chosen_party(self) -> int | None:
        raw = self.data.get("party") if self.is_bound else self.initial.get("party")
        try:
            return int(getattr(raw, "pk", raw)) if raw else None
        except (TypeError, ValueError):
            return None

    def _layout(self):
        present = set(self.fields)

        def only(*names):
            return [name for name in names if name in present]

        parts = [
            Fieldset(
                _("Om dig"),
                *only("name", "email", "party", "organisation_other", "unit", "role", "title"),
            ),
            Fieldset(
                _("Mat och anpassning"),
                HTML(
                    '<p class="small">{}</p>'.format(
                        _("Frivilligt. Svaren raderas automatiskt efter konferensen.")
                    )
                ),
                *only("diet_choices", "diet", "allergies", "accessibility"),
            ),
        ]
        if "consent" in present:
            parts.append(Div("consent"))
        return Layout(*parts)

    def clean(self):
        data = super().clean()
        choices = data.get("diet_choices") or []
        if (data.get("diet") or "").strip() and Registration.Diet.ANNAT not in choices:
            data["diet_choices"] = [*choices, Registration.Diet.ANNAT]
        if Registration.Diet.ANNAT in choices and not (data.get("diet") or "").strip():
            self.add_error("diet", _("Beskriv vilken annan specialkost du behöver."))
        if not data.get("party") and not (data.get("organisation_other") or "").strip():
            self.add_error(
                "party", _("Välj din organisation eller skriv namnet på en annan organisation.")
            )
        unit_id = data.get("unit")
        if unit_id:
            unit = self.units.get(unit_id)
            if unit is None or (data.get("party") and unit.party_id != data["party"].pk):
                self.add_error("unit", _("Enheten hör inte till den organisation du valt."))
            data["unit"] = Unit.objects.filter(pk=unit.pk).first() if unit else None
        return data


class FilterForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css

    q = forms.CharField(label=_("Sök namn eller e-post"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Anmälda och väntande"))] + list(Registration.Status.choices),
        widget=PlainSelect,
    )
    party = forms.ModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=Party.objects.agreement_parties().order_by("kind", "name"),
        empty_label=_("Alla"),
        widget=PlainSelect,
    )
    role = forms.ChoiceField(
        label=_("Roll"),
        required=False,
        choices=[("", _("Alla"))] + list(Registration.Role.choices),
        widget=PlainSelect,
    )
    attended = forms.ChoiceField(
        label=_("Närvaro"),
        required=False,
        choices=[("", _("Alla")), ("ja", _("Närvarade")), ("nej", _("Inte registrerad närvaro"))],
        widget=PlainSelect,
    )
