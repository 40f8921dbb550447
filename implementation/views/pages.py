"""The read pages of implementation tracking (everyone logged in reads everything): the
overview, units without a lead, a party, a unit, a förvaltning's matrix, one item of a unit (with
its edit form for those who may write it), evidence files, exports and the phases.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from agreements.models import Federation, Party
from core.permissions import permission_required_for
from implementation import bulk, evidence, permissions, readiness, selectors
from implementation.forms import ProgressForm
from implementation.models import (
    Evidence,
    Level,
    MembershipRole,
    Phase,
    Progress,
    Responsibility,
    Status,
    Unit,
)
from implementation.services import progress_update
from implementation.views.common import load_unit, unit_crumbs, unit_url, xlsx_download


# --- overview --------------------------------------------------------------------------------
@require_safe
def index(request):
    """All parties with their readiness, county-wide readiness per phase and level."""
    parties = list(Party.objects.agreement_parties().select_related("federation"))
    county = selectors.county_readiness()
    by_party = county.rollup(lambda party_id, _level, _phase: party_id)
    without_lead = county.without_lead
    party_url = reverse("implementation:party", args=["__party__"])
    rows = [
        {
            "party": p,
            "url": party_url.replace("__party__", p.slug),
            "stats": by_party.get(p.pk, selectors.Stats()),
            "without_lead": without_lead.get(p.pk, 0),
        }
        for p in parties
    ]
    federations = list(Federation.objects.all())
    groups = [
        {"title": _("Västra Götalandsregionen"), "rows": [r for r in rows if r["party"].is_region]}
    ]
    for federation in federations:
        groups.append(
            {
                "title": federation.name,
                "rows": [r for r in rows if r["party"].federation_id == federation.pk],
            }
        )
    return render(
        request,
        "implementation/index.html",
        {
            "groups": groups,
            "county": selectors.total(r["stats"] for r in rows),
            "by_phase": selectors.readiness_by_phase(county=county),
            "without_lead_total": sum(without_lead.values()),
            "has_units": permissions.has_units(request.user),
            "can_manage": permissions.can_manage_catalogue(request.user),
        },
    )


@require_safe
def units_without_lead(request):
    units = selectors.units_without_lead()
    party = request.GET.get("part")
    if party:
        units = units.filter(party__slug=party)
    from django.core.paginator import Paginator

    fields = ("party__slug", "party__name", "slug", "name", "level", "parent__name", "pk")
    page = Paginator(units.values_list(*fields), 100).get_page(request.GET.get("page"))
    rows = _unit_rows([row[:-1] for row in page.object_list])
    ids = [row[-1] for row in page.object_list]
    for note in WITHOUT_LEAD_NOTES:  # e.g. onboarding: "inbjuden, har inte loggat in ännu"
        for row, text in zip(rows, note(request, ids), strict=True):
            row["note"] = conditional_escape(row.get("note", "")) + conditional_escape(text)
    return render(
        request,
        "implementation/without_lead.html",
        {
            "page_obj": page,
            "units": rows,
            "has_notes": any(row.get("note") for row in rows),
            "query_string": f"part={party}" if party else "",
        },
    )


# Higher apps add a status per unit to "Enheter utan ansvarig" (registered in their ready()):
# note(request, unit ids) -> one safe HTML fragment per unit, in order, in one query.
WITHOUT_LEAD_NOTES: list = []


def _unit_rows(rows) -> list[dict]:
    """Table rows of units read as (party slug, party name, slug, name, level, parent name):
    their links from one reverse per pattern (slugs need no quoting), levels named once."""
    party_url = reverse("implementation:party", args=["__party__"])
    unit_url = reverse("implementation:unit", args=["__party__", "__unit__"])
    levels = dict(Level.choices)
    return [
        {
            "party_url": party_url.replace("__party__", party_slug),
            "party_name": party_name,
            "url": unit_url.replace("__party__", party_slug).replace("__unit__", slug),
            "name": name,
            "level": levels[level],
            "parent_name": parent_name,
        }
        for party_slug, party_name, slug, name, level, parent_name in rows
    ]


# --- party, unit, förvaltning ----------------------------------------------------------------
@require_safe
def party(request, party: str):
    party_obj = get_object_or_404(Party.objects.select_related("federation"), slug=party)
    overview = selectors.party_overview(party_obj)
    return render(
        request,
        "implementation/party.html",
        {
            "party": party_obj,
            "overview": overview,
            "levels": [
                (Level(level).label, s) for level, s in overview.by_level.items() if s.total
            ],
            "can_add_unit": permissions.can_manage_catalogue(request.user),
            "weighted_name": readiness.WEIGHTED_NAME,
            "weighted_explanation": readiness.WEIGHTED_EXPLANATION,
        },
    )


@require_safe
def unit(request, party: str, unit: str):
    unit_obj = selectors.unit_for_page(party_slug=party, unit_slug=unit)
    groups = selectors.unit_checklist_by_phase(unit_obj)
    item_ids = [row.item.pk for g in groups for row in g.rows]
    lines = evidence.collect([unit_obj.pk], item_ids)
    own = selectors.total(g.stats for g in groups)
    children, child_stats, rollup = [], {}, None
    if unit_obj.level == Level.FORVALTNING:
        children, child_stats, rollup = selectors.forvaltning_rollup(unit_obj, own=own)
    # One query for the unit's own group and its verksamheter's leads.
    memberships = selectors.members_for_units([unit_obj.pk, *(c.pk for c in children)])
    members = memberships[unit_obj.pk]
    child_leads = {
        c.pk: sorted(
            (m.user for m in memberships[c.pk] if m.role == MembershipRole.LEAD),
            key=lambda u: (u.first_name, u.last_name, u.username),
        )
        for c in children
    }
    return render(
        request,
        "implementation/unit.html",
        {
            "unit": unit_obj,
            "crumbs": unit_crumbs(unit_obj),
            "groups": groups,
            "evidence": {item_id: found for (_unit, item_id), found in lines.items()},
            "kept": {
                item_id: found
                for (_unit, item_id), found in selectors.evidence_for_units([unit_obj.pk]).items()
            },
            "own": own,
            "children": [(c, child_stats[c.pk], child_leads.get(c.pk, [])) for c in children],
            "rollup": rollup,
            "members": members,
            "leads": [m for m in members if m.role == "lead"],
            "needs": list(unit_obj.needs.select_related("responsibility").order_by("-created_at")),
            "recent": selectors.recent_log([unit_obj.pk], limit=15, related=["author"]),
            "today": timezone.localdate(),
            "can_edit": permissions.can_edit_progress(request.user, unit_obj),
            "can_manage": permissions.can_manage_unit(request.user, unit_obj),
            "can_add_verksamhet": permissions.can_add_verksamhet(request.user, unit_obj),
            "can_manage_members": permissions.can_manage_members(request.user, unit_obj),
        },
    )


@require_safe
def forvaltning_matrix(request, party: str, unit: str):
    unit_obj = selectors.unit_for_page(party_slug=party, unit_slug=unit)
    if unit_obj.level != Level.FORVALTNING:
        raise Http404
    matrix = selectors.forvaltning_matrix(unit_obj)
    rows = [
        {
            "item": item,
            "cells": [matrix.cells.get((u.pk, item.pk)) for u in matrix.units],
        }
        for item in matrix.items
    ]
    return render(
        request,
        "implementation/matrix.html",
        {
            "unit": unit_obj,
            "crumbs": unit_crumbs(unit_obj, linked=True),
            "matrix": matrix,
            "rows": rows,
            "unit_stats": [(u, matrix.stats.get(u.pk, selectors.Stats())) for u in matrix.units],
            "today": timezone.localdate(),
        },
    )


# --- one item of one unit --------------------------------------------------------------------
def _item_of_unit(unit_obj: Unit, code: str) -> Responsibility:
    item = get_object_or_404(Responsibility.objects.select_related("phase"), code=code)
    if item.level != unit_obj.level:
        raise Http404
    return item


def progress_edit(request, party: str, unit: str, code: str):
    unit_obj = selectors.unit_for_page(party_slug=party, unit_slug=unit)
    item = _item_of_unit(unit_obj, code)
    progress = (
        Progress.objects.select_related("updated_by")
        .filter(unit=unit_obj, responsibility=item)
        .first()
    )
    kept = selectors.evidence_of(progress)
    can_edit = permissions.can_edit_progress(request.user, unit_obj) and item.is_active
    if request.method == "POST" and not can_edit:  # read-only page: retired item or no right
        raise PermissionDenied
    form = None
    if can_edit:
        form = _progress_form(request, progress, kept)
        saved = (
            request.method == "POST"
            and form.is_valid()
            and _save_progress(request, form, unit_obj, item)
        )
        if saved:
            return redirect(unit_url(unit_obj) + f"#ansvar-{item.code}")
    return render(
        request,
        "implementation/progress_edit.html",
        {
            "unit": unit_obj,
            "crumbs": unit_crumbs(unit_obj, linked=True),
            "item": item,
            "progress": progress,
            "status": progress.status if progress else Status.EJ_PABORJAD,
            "kept": kept,
            "form": form,
            "log": selectors.item_log(unit=unit_obj, responsibility=item),
            "evidence": evidence.collect([unit_obj.pk], [item.pk]).get((unit_obj.pk, item.pk), []),
            "today": timezone.localdate(),
        },
    )


def _progress_form(request, progress: Progress | None, kept) -> ProgressForm:
    kwargs = {
        "current_status": progress.status if progress else Status.EJ_PABORJAD,
        "evidence": kept,
    }
    if request.method == "POST":
        return ProgressForm(request.POST, request.FILES, **kwargs)
    initial = {"status": kwargs["current_status"]}
    if progress:
        initial.update(next_step=progress.next_step)
    return ProgressForm(initial=initial, **kwargs)


def _save_progress(request, form: ProgressForm, unit_obj: Unit, item: Responsibility) -> bool:
    data = form.cleaned_data
    added, removed = form.new_evidence(), tuple(data.get("remove_evidence") or ())
    try:
        entry = progress_update(
            unit=unit_obj,
            responsibility=item,
            actor=request.user,
            status=data["status"],
            comment=data["comment"],
            next_step=data["next_step"],
            add_evidence=added,
            remove_evidence=removed,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return False
    if entry is None and not added and not removed:
        messages.info(request, _("Inget ändrades."))
    else:
        messages.success(request, _("Sparat: %(item)s.") % {"item": item.title})
    return True


def _load_evidence(request, party: str, unit: str, code: str, pk: int) -> Evidence:
    return get_object_or_404(
        Evidence,
        pk=pk,
        progress__unit=load_unit(request, party, unit),
        progress__responsibility__code=code,
    )


@require_safe
@permission_required_for(permissions.can_download_evidence, load=_load_evidence)
def evidence_download(request, kept: Evidence):
    """One evidence file, served only through this permission-checked view."""
    if not kept.file:
        raise Http404
    name = kept.file.name.rsplit("/", 1)[-1]
    return FileResponse(kept.file.open("rb"), as_attachment=True, filename=name)


# --- exports ---------------------------------------------------------------------------------
@require_safe
def unit_export(request, party: str, unit: str):
    """A unit's progress; a förvaltning's includes its verksamheter."""
    unit_obj = selectors.unit_for_page(party_slug=party, unit_slug=unit)
    units = [unit_obj]
    if unit_obj.level == Level.FORVALTNING:
        units += list(unit_obj.children.select_related("party", "parent").order_by("name"))
    return xlsx_download(
        bulk.export_units(units), bulk.export_filename(unit_obj.party.slug, unit_obj.slug)
    )


@require_safe
def party_export(request, party: str):
    party_obj = get_object_or_404(Party, slug=party)
    units = list(
        Unit.objects.filter(party=party_obj)
        .select_related("party", "parent")
        .order_by("parent__name", "name")
    )
    units.sort(key=lambda u: ((u.parent.name if u.parent_id else u.name), u.parent_id or 0, u.name))
    return xlsx_download(bulk.export_units(units), bulk.export_filename(party_obj.slug))


@require_safe
def phases(request):
    """Step 1 and the four phases with their items per level (the catalogue)."""
    all_phases = list(Phase.objects.order_by("order"))
    items = list(
        Responsibility.objects.select_related("phase").order_by("phase__order", "level", "order")
    )
    show_retired = request.GET.get("visa") == "alla"
    groups = []
    for phase in all_phases:
        levels = []
        for level, label in Level.choices:
            level_items = [
                i
                for i in items
                if i.phase_id == phase.pk and i.level == level and (i.is_active or show_retired)
            ]
            levels.append({"label": label, "items": level_items})
        groups.append({"phase": phase, "levels": levels})
    return render(
        request,
        "implementation/phases.html",
        {
            "groups": groups,
            "show_retired": show_retired,
            "can_manage": permissions.can_manage_catalogue(request.user),
        },
    )
