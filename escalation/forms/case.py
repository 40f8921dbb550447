"""Opening a case: the parties, their units (each option knows its party) and the case's
description, de-identified."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from agreements.models import Agreement, Party
from escalation.forms.common import DEIDENTIFY, helper
from escalation.models import Case, Category
from escalation.validators import validate_no_personal_number
from implementation.models import Unit


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
        self.helper = helper(_("Öppna ärendet"))
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
