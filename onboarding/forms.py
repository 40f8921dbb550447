from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from agreements.models import Federation, Party
from core.roles import Role
from core.widgets import PlainSelect
from implementation.models import Level, MembershipRole, Unit


def _helper(label) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


def unit_choices(units) -> list:
    return [("", "–")] + [
        (str(u.pk), f"{u.parent.name} › {u.name}" if u.parent_id else u.name) for u in units
    ]


class UnitChoiceField(forms.Field):
    """A unit of the given set, chosen from a long list (rendered with PlainSelect)."""

    widget = PlainSelect

    def __init__(self, *, units, **kwargs):
        super().__init__(**kwargs)
        self.units = {str(u.pk): u for u in units}
        self.widget.set_options(unit_choices(self.units.values()))

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        unit = self.units.get(str(value))
        if unit is None:
            raise forms.ValidationError(_("Välj en enhet i listan."))
        return unit


def party_units(party):
    return list(
        Unit.objects.filter(party=party)
        .select_related("parent")
        .only("pk", "name", "level", "party_id", "parent__name")
        .order_by("name")
    )


class InviteForm(forms.Form):
    first_name = forms.CharField(label=_("Förnamn"), max_length=150)
    last_name = forms.CharField(label=_("Efternamn"), max_length=150)
    email = forms.EmailField(label=_("E-post"), max_length=254)
    unit_role = forms.ChoiceField(
        label=_("Roll i enheten"), choices=MembershipRole.choices, initial=MembershipRole.LEAD
    )

    def __init__(self, *args, units, allow_no_unit: bool, allow_role: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(
            units=units,
            label=_("Enhet"),
            required=not allow_no_unit,
            help_text=_("Personen utses till enheten när hen har skapat sitt konto."),
        )
        if allow_role:  # the Förvaltare may invite e.g. a party's samordnare
            self.fields["role"] = forms.ChoiceField(
                label=_("Roll i portalen"),
                choices=Role.choices,
                initial=Role.IMPLEMENTERINGSANSVARIG,
            )
        self.order_fields(["first_name", "last_name", "email", "role", "unit", "unit_role"])
        self.helper = _helper(_("Skicka inbjudan"))

    def clean_first_name(self):
        return " ".join(self.cleaned_data["first_name"].split())

    def clean_last_name(self):
        return " ".join(self.cleaned_data["last_name"].split())


class UnitForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=200)
    level = forms.ChoiceField(
        label=_("Nivå"),
        choices=[
            (Level.FORVALTNING, Level.FORVALTNING.label),
            (Level.VERKSAMHET, Level.VERKSAMHET.label),
        ],
    )

    def __init__(self, *args, forvaltningar, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"] = UnitChoiceField(
            units=forvaltningar,
            label=_("Förvaltning"),
            required=False,
            help_text=_("Bara för en verksamhet: förvaltningen den hör till."),
        )
        if editing:
            del self.fields["level"]
        self.helper = _helper(_("Spara"))

    def clean_name(self):
        # One line: a pasted line break or tab must not end up in lists, exports or mails.
        return " ".join(self.cleaned_data["name"].split())


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fil (Excel .xlsx eller CSV)"),
        help_text=_("Använd mallen. Högst 5 MB och 5 000 rader."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Kontrollera filen"))


class AddressForm(forms.Form):
    email = forms.CharField(
        label=_("Funktionsadress"),
        max_length=254,
        required=False,
        help_text=_("Lämna tomt om adressen saknas."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Spara adressen"))


class UserForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["role", "party", "federation", "title", "is_active"]
        labels = {"is_active": _("Kontot är aktivt (kan logga in)")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = Party.objects.order_by("name")
        self.fields["federation"].queryset = Federation.objects.order_by("name")
        self.fields["federation"].help_text = _(
            "Bara för en samordnare för ett kommunalförbund: hen ser förbundets kommuner."
        )
        self.fields["role"].choices = Role.choices
        self.helper = _helper(_("Spara"))

    def clean(self):
        data = super().clean()
        if data.get("federation") and data.get("role") != Role.SAMORDNARE:
            self.add_error("federation", _("Bara en samordnare kan ha ett kommunalförbund."))
        if data.get("role") == Role.SAMORDNARE and not (
            data.get("party") or data.get("federation")
        ):
            self.add_error("party", _("En samordnare behöver en part eller ett kommunalförbund."))
        return data


class AcceptForm(forms.Form):
    password1 = forms.CharField(
        label=_("Välj lösenord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Samma lösenord igen"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.helper = _helper(_("Skapa kontot"))

    def clean(self):
        from django.contrib.auth import password_validation

        data = super().clean()
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error("password2", _("Lösenorden är inte lika."))
        elif one:
            try:
                password_validation.validate_password(one, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
