"""The förvaltare's forms: a ladder step, a handler rule, a party's ärendeansvarig and its
function address for cases."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import PersonField
from accounts.models import User
from agreements.models import Party
from core.roles import Role
from core.widgets import PlainSelect
from escalation.forms.common import helper
from escalation.models import HandlerRule, LadderStep


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
        self.helper = helper(_("Spara steget"))


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
        self.helper = helper(_("Lägg till regeln"))


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
        self.helper = helper(_("Utse ärendeansvarig"), prefix="")
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
        self.helper = helper(_("Spara funktionsadressen"), prefix="")
        self.helper.form_tag = False
