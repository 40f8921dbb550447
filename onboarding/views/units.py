"""Retiring and restoring a unit (issue #19): a confirm page first, then one service call.
A second click on the confirm button (the unit is retired already) is told so, not refused."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from core.permissions import permission_required_for
from core.views import crumbs
from core.workflow import TransitionError
from implementation.models import Unit
from onboarding import selectors, services
from onboarding.permissions import can_restore_unit, can_retire_unit, may
from onboarding.views.common import _page, _party, _require


class RetireForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Varför avvecklas enheten?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Till exempel: nedlagd, eller sammanslagen med en annan enhet."),
    )


def _unit(request, slug, unit):
    return get_object_or_404(
        Unit.all_objects.select_related("party", "parent", "retired_by"),
        party__slug=slug,
        slug=unit,
    )


def _crumbs(user, unit) -> list:
    trail = [("onboarding:index", _("Organisation"))]
    if may(user, "view_party", party=unit.party):
        trail.append((("onboarding:party", [unit.party.slug]), unit.party.name))
    elif unit.parent is not None:
        trail.append(
            (("implementation:unit", [unit.party.slug, unit.parent.slug]), unit.parent.name)
        )
    return crumbs(*trail)


def _back(user, unit):
    """The party's organisation page, or (a förvaltning's lead) the förvaltning's page."""
    if may(user, "view_party", party=unit.party):
        return redirect("onboarding:party", unit.party.slug)
    parent = unit.parent or unit
    return redirect("implementation:unit", unit.party.slug, parent.slug)


@permission_required_for(can_retire_unit, load=_unit)
def unit_retire(request, unit):
    if unit.retired_at:  # a second click, or an old link
        messages.info(request, _("Enheten %(unit)s är redan avvecklad.") % {"unit": unit})
        return _back(request.user, unit)
    form = RetireForm(request.POST or None)
    blockers = services.retire_blockers(unit)
    if request.method == "POST" and form.is_valid() and not blockers:
        try:
            services.unit_retire(unit=unit, actor=request.user, reason=form.cleaned_data["reason"])
        except TransitionError as error:
            if error.code != "same_state":
                raise
            messages.info(request, " ".join(error.messages))
            return _back(request.user, unit)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Enheten %(unit)s är avvecklad. Den syns inte längre i listor och siffror; "
                    "dess historik finns kvar."
                )
                % {"unit": unit},
            )
            return _back(request.user, unit)
    return render(
        request,
        "onboarding/unit_retire.html",
        {
            "unit": unit,
            "party": unit.party,
            "form": form,
            "blockers": blockers,
            "affected": selectors.retire_preview(unit),
            "crumbs": _crumbs(request.user, unit),
        },
    )


@permission_required_for(can_restore_unit, load=_unit)
def unit_restore(request, unit):
    if not unit.retired_at:
        messages.info(request, _("Enheten %(unit)s är inte avvecklad.") % {"unit": unit})
        return redirect("onboarding:party", unit.party.slug)
    blockers = services.restore_blockers(unit)
    if request.method == "POST" and not blockers:
        try:
            services.unit_restore(unit=unit, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Enheten %(unit)s är återställd. Utse ansvariga på nytt.") % {"unit": unit},
            )
        return redirect("onboarding:party", unit.party.slug)
    return render(
        request,
        "onboarding/unit_restore.html",
        {
            "unit": unit,
            "party": unit.party,
            "blockers": blockers,
            "crumbs": _crumbs(request.user, unit),
        },
    )


@require_GET
def retired(request, slug):
    party = _party(slug)
    _require(request, "view_party", party=party)
    page = _page(request, selectors.retired_units(party))
    return render(
        request,
        "onboarding/retired.html",
        {
            "party": party,
            "page_obj": page,
            "units": page.object_list,
            "may_restore": may(request.user, "restore_unit", party=party),
            "crumbs": crumbs(
                ("onboarding:index", _("Organisation")),
                (("onboarding:party", [party.slug]), party.name),
            ),
        },
    )
