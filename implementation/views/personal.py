"""Min sida: the signed-in user's units, their overdue and recent items, and the quick status
change (htmx or a plain form post)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.permissions import check
from implementation import permissions, selectors
from implementation.forms import QuickStatusForm
from implementation.models import (
    Level,
    Progress,
    Responsibility,
    Status,
    Unit,
)
from implementation.readiness.counts import with_verksamheter
from implementation.services import progress_update

# --- Min sida --------------------------------------------------------------------------------
# Higher apps add a section to Min sida (registered in their ready()), e.g. bodies: the user's
# actions from the joint bodies. panel(request) -> a safe HTML fragment or "", in one query.
MY_PAGE_PANELS: list = []


@require_safe
def my_page(request):
    data = selectors.my_page(request.user)
    context = _my_context(request, data)
    context["panels"] = [html for panel in MY_PAGE_PANELS if (html := panel(request))]
    return render(request, "implementation/my_page.html", context)


def _my_context(request, data) -> dict:
    rollups = _rollups(data)
    return {
        "data": data,
        "rollups": rollups,
        "today": timezone.localdate(),
    }


def _rollups(data) -> list[dict]:
    """One row per unit on Min sida, plus a roll-up for each förvaltning with verksamheter."""
    rows = []
    for unit in data.units:
        stats = data.stats[unit.pk]
        if unit.level == Level.FORVALTNING:
            kids = [u for u in data.units if u.parent_id == unit.pk]
            if kids:
                stats = with_verksamheter(stats, (data.stats[k.pk] for k in kids))
        rows.append(
            {
                "unit": unit,
                "stats": stats,
                "own": data.stats[unit.pk],
                "leads": data.leads.get(unit.pk, []),
                "is_rollup": stats is not data.stats[unit.pk],
            }
        )
    return rows


@require_POST
def quick_status(request, unit_id: int, item_id: int):
    """Change an item's status with a comment from Min sida (htmx, or a plain form post)."""
    unit = get_object_or_404(Unit.objects.select_related("party", "parent"), pk=unit_id)
    check(request.user, unit, predicate=permissions.can_edit_progress)
    item = get_object_or_404(Responsibility.objects.select_related("phase"), pk=item_id)
    progress = Progress.objects.filter(unit=unit, responsibility=item).first()
    form = QuickStatusForm(
        request.POST, current_status=progress.status if progress else Status.EJ_PABORJAD
    )
    saved = unchanged = False
    if form.is_valid():
        try:
            entry = progress_update(
                unit=unit,
                responsibility=item,
                actor=request.user,
                status=form.cleaned_data["status"],
                comment=form.cleaned_data["comment"],
            )
            saved = True
            unchanged = entry is None
        except ValidationError as error:
            form.add_error(None, error)
    htmx = bool(request.headers.get("HX-Request"))
    if unchanged and not htmx:
        messages.info(request, _("Inget ändrades: välj en ny status eller skriv en kommentar."))
        return redirect("implementation:my_page")
    if saved and not htmx:
        messages.success(
            request,
            _("Sparat: ”%(item)s” för %(unit)s har nu status %(status)s.")
            % {
                "item": item.title,
                "unit": unit.name,
                "status": Status(form.cleaned_data["status"]).label,
            },
        )
        return redirect("implementation:my_page")
    context = {
        **_my_context(request, selectors.my_page(request.user)),
        "row_unit": unit,
        "row_item": item,
        "row_section": request.POST.get("section", ""),
        "form": form,
        "saved": saved and not unchanged,
        "unchanged": unchanged,
        "saved_status": Status(form.cleaned_data["status"]).label if saved else "",
        "errors": _errors(form),
    }
    template = "implementation/_my_area.html" if htmx else "implementation/my_page.html"
    return render(request, template, context, status=200 if saved or htmx else 400)


def _errors(form) -> list[str]:
    return [str(message) for messages_ in form.errors.values() for message in messages_]
