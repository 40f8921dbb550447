"""The filters of the case lists (the ladder, the list, the export)."""

import functools

from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, Delregion, Party
from core import fragments
from core.widgets import PlainSelect
from escalation.models import Case, Category, LadderStep
from escalation.selectors import CaseFilters


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
