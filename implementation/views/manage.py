"""Management pages: units, leads, phases, checklist items, development needs, bulk update.

Each names its rule from ``implementation.permissions`` (``permission_required_for``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agreements.models import Party
from core.permissions import check, permission_required_for
from implementation import bulk, permissions, selectors
from implementation.forms import (
    BulkUploadForm,
    MembershipForm,
    NeedForm,
    PhaseForm,
    ResponsibilityForm,
    UnitForm,
)
from implementation.models import DevelopmentNeed, Level, Phase, Responsibility, UnitMembership
from implementation.services import (
    membership_appoint,
    membership_end,
    need_create,
    need_update,
    phase_update,
    progress_bulk_apply,
    responsibility_create,
    responsibility_set_active,
    responsibility_update,
    unit_create,
    unit_update,
)
from implementation.views.common import load_unit, unit_crumbs, unit_url, xlsx_download


def _form_page(request, form, *, title: str, back: str, intro: str = "", **extra):
    return render(
        request,
        "implementation/form.html",
        {"form": form, "title": title, "back": back, "intro": intro, **extra},
    )


def _run(form, call) -> object | None:
    """Call a service; put its ValidationError on the form instead of losing the input."""
    try:
        return call()
    except ValidationError as error:
        form.add_error(None, error)
        return None


def _load_party(request, party: str) -> Party:
    return get_object_or_404(Party, slug=party)


def _load_phase(request, code: str) -> Phase:
    return get_object_or_404(Phase, code=code)


def _load_item(request, code: str) -> Responsibility:
    return get_object_or_404(Responsibility, code=code)


def _load_membership(request, party: str, unit: str, pk: int) -> UnitMembership:
    unit_obj = load_unit(request, party, unit)
    membership = get_object_or_404(
        UnitMembership.objects.select_related("user"), pk=pk, unit=unit_obj
    )
    membership.unit = unit_obj  # the loaded page's unit, with its party and parent
    return membership


def _load_need(request, party: str, unit: str, pk: int) -> DevelopmentNeed:
    unit_obj = load_unit(request, party, unit)
    need = get_object_or_404(DevelopmentNeed, pk=pk, unit=unit_obj)
    need.unit = unit_obj
    return need


# --- units -----------------------------------------------------------------------------------
@permission_required_for(permissions.can_add_unit, load=_load_party)
def unit_create_view(request, party_obj: Party):
    form = UnitForm(request.POST or None, party=party_obj)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = _run(
            form,
            lambda: unit_create(
                party=party_obj,
                level=data["level"],
                name=data["name"],
                parent=data["parent"],
                actor=request.user,
            ),
        )
        if created:
            messages.success(request, _("Enheten %(name)s är skapad.") % {"name": created.name})
            return redirect(unit_url(created))
    return _form_page(
        request,
        form,
        title=_("Ny enhet hos %(party)s") % {"party": party_obj.name},
        back=reverse("implementation:party", kwargs={"party": party_obj.slug}),
    )


@permission_required_for(permissions.can_add_verksamhet, load=load_unit)
def verksamhet_create(request, forvaltning):
    form = UnitForm(
        request.POST or None,
        party=forvaltning.party,
        fixed_level=Level.VERKSAMHET,
        fixed_parent=forvaltning,
    )
    if request.method == "POST" and form.is_valid():
        created = _run(
            form,
            lambda: unit_create(
                party=forvaltning.party,
                level=Level.VERKSAMHET,
                name=form.cleaned_data["name"],
                parent=forvaltning,
                actor=request.user,
            ),
        )
        if created:
            messages.success(
                request, _("Verksamheten %(name)s är skapad.") % {"name": created.name}
            )
            return redirect(unit_url(created))
    return _form_page(
        request,
        form,
        title=_("Ny verksamhet i %(unit)s") % {"unit": forvaltning.name},
        back=unit_url(forvaltning),
    )


@permission_required_for(permissions.can_manage_unit, load=load_unit)
def unit_edit(request, unit_obj):
    forvaltare = permissions.is_forvaltare(request.user)
    form = UnitForm(
        request.POST or None,
        initial={"name": unit_obj.name, "parent": unit_obj.parent_id},
        party=unit_obj.party,
        fixed_level=unit_obj.level,
        # A förvaltning's lead may rename its verksamheter but not move them elsewhere.
        fixed_parent=None if forvaltare and unit_obj.parent_id else unit_obj.parent,
    )
    if unit_obj.level != Level.VERKSAMHET and "parent" in form.fields:
        del form.fields["parent"]
    if request.method == "POST" and form.is_valid():
        kwargs = {"unit": unit_obj, "actor": request.user, "name": form.cleaned_data["name"]}
        if "parent" in form.fields:
            kwargs["parent"] = form.cleaned_data["parent"]
        if _run(form, lambda: unit_update(**kwargs)):
            messages.success(request, _("Enheten är sparad."))
            return redirect(unit_url(unit_obj))
    return _form_page(
        request,
        form,
        title=_("Ändra %(unit)s") % {"unit": unit_obj.name},
        back=unit_url(unit_obj),
    )


# --- leads and group members -----------------------------------------------------------------
@permission_required_for(permissions.can_manage_members, load=load_unit)
def members(request, unit_obj):
    form = MembershipForm(request.POST or None, candidates=selectors.lead_candidates(unit_obj))
    if request.method == "POST" and form.is_valid():
        done = _run(
            form,
            lambda: membership_appoint(
                unit=unit_obj,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
                actor=request.user,
            ),
        )
        if done:
            permissions.forget(request.user)
            messages.success(
                request,
                _("%(user)s är utsedd som %(role)s.")
                % {"user": done.user, "role": done.get_role_display().lower()},
            )
            return redirect(unit_url(unit_obj, "members"))
    current = selectors.members_for_units([unit_obj.pk])[unit_obj.pk]
    return render(
        request,
        "implementation/members.html",
        {
            "unit": unit_obj,
            "form": form,
            "current": current,
            "crumbs": unit_crumbs(unit_obj, linked=True),
        },
    )


@require_POST
@permission_required_for(permissions.can_end_membership, load=_load_membership)
def member_end(request, membership: UnitMembership):
    unit_obj = membership.unit
    membership_end(membership=membership, actor=request.user)
    permissions.forget(request.user)
    messages.success(request, _("Uppdraget för %(user)s är avslutat.") % {"user": membership.user})
    return redirect(unit_url(unit_obj, "members"))


# --- phases and items ------------------------------------------------------------------------
@permission_required_for(permissions.can_change_catalogue, load=_load_phase)
def phase_edit(request, phase: Phase):
    form = PhaseForm(request.POST or None, instance=phase)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            form,
            lambda: phase_update(
                phase=Phase.objects.get(pk=phase.pk),
                actor=request.user,
                name=data["name"],
                short_name=data["short_name"],
                description=data["description"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
            ),
        ):
            messages.success(request, _("Fasen är sparad."))
            return redirect("implementation:phases")
    return _form_page(
        request,
        form,
        title=_("Ändra %(phase)s") % {"phase": phase.short_name},
        back=reverse("implementation:phases"),
        history_obj=phase,
    )


def item_create(request):
    check(request.user, None, predicate=permissions.can_change_catalogue)
    form = ResponsibilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            form,
            lambda: responsibility_create(
                phase=data["phase"],
                level=data["level"],
                title=data["title"],
                description=data["description"],
                due_date=data["due_date"],
                actor=request.user,
            ),
        ):
            messages.success(request, _("Ansvaret är skapat."))
            return redirect("implementation:phases")
    return _form_page(
        request,
        form,
        title=_("Nytt ansvar"),
        back=reverse("implementation:phases"),
        intro=_("Lämna datum tomt så gäller fasens slutdatum."),
    )


@permission_required_for(permissions.can_change_catalogue, load=_load_item)
def item_edit(request, item: Responsibility):
    form = ResponsibilityForm(request.POST or None, instance=Responsibility.objects.get(pk=item.pk))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            form,
            lambda: responsibility_update(
                item=item,
                actor=request.user,
                title=data["title"],
                description=data["description"],
                due_date=data["due_date"],
                phase=data["phase"],
            ),
        ):
            messages.success(request, _("Ansvaret är sparat."))
            return redirect("implementation:phases")
    return _form_page(
        request,
        form,
        title=_("Ändra ansvar"),
        back=reverse("implementation:phases"),
        intro=_("Det som redan loggats behåller den rubrik det loggades under."),
        history_obj=item,
        retire_item=item,
    )


@require_POST
@permission_required_for(permissions.can_change_catalogue, load=_load_item)
def item_toggle(request, item: Responsibility):
    responsibility_set_active(item=item, actor=request.user, active=not item.is_active)
    if item.is_active:
        messages.success(request, _("Ansvaret är aktivt igen."))
    else:
        messages.success(request, _("Ansvaret är avvecklat. Det som loggats finns kvar."))
    return redirect("implementation:phases")


# --- development needs -----------------------------------------------------------------------
@permission_required_for(permissions.can_edit_progress, load=load_unit)
def need_create_view(request, unit_obj):
    form = NeedForm(request.POST or None, unit=unit_obj)
    del form.fields["status"]  # a new need starts as Identifierat
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            form,
            lambda: need_create(
                unit=unit_obj,
                actor=request.user,
                title=data["title"],
                owner=data["owner"],
                description=data["description"],
                due_date=data["due_date"],
                responsibility=data["responsibility"],
            ),
        ):
            messages.success(request, _("Utvecklingsbehovet är sparat."))
            return redirect(unit_url(unit_obj) + "#utvecklingsbehov")
    return _form_page(
        request,
        form,
        title=_("Nytt utvecklingsbehov för %(unit)s") % {"unit": unit_obj.name},
        back=unit_url(unit_obj),
    )


@permission_required_for(permissions.can_edit_need, load=_load_need)
def need_edit(request, need: DevelopmentNeed):
    unit_obj = need.unit
    form = NeedForm(
        request.POST or None, instance=DevelopmentNeed.objects.get(pk=need.pk), unit=unit_obj
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            form,
            lambda: need_update(
                need=need,
                actor=request.user,
                title=data["title"],
                owner=data["owner"],
                description=data["description"],
                due_date=data["due_date"],
                status=data["status"],
                responsibility=data["responsibility"],
            ),
        ):
            messages.success(request, _("Utvecklingsbehovet är sparat."))
            return redirect(unit_url(unit_obj) + "#utvecklingsbehov")
    return _form_page(
        request,
        form,
        title=_("Ändra utvecklingsbehov"),
        back=unit_url(unit_obj),
        history_obj=need,
    )


# --- bulk update -----------------------------------------------------------------------------
@permission_required_for(permissions.can_edit_progress, load=load_unit)
def bulk_template(request, unit_obj):
    return xlsx_download(
        bulk.template_bytes(unit_obj),
        bulk.export_filename("mall", unit_obj.party.slug, unit_obj.slug),
    )


@permission_required_for(permissions.can_edit_progress, load=load_unit)
def bulk_upload(request, unit_obj):
    form = BulkUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = bulk.validate_upload(form.cleaned_data["file"], unit=unit_obj, user=request.user)
        if result.ok:
            try:
                written = progress_bulk_apply(rows=result.rows, actor=request.user)
            except ValidationError as error:  # changed by someone else meanwhile
                result.file_error = " ".join(error.messages)
                return render(
                    request,
                    "implementation/bulk_upload.html",
                    {
                        "unit": unit_obj,
                        "form": form,
                        "result": result,
                        "crumbs": unit_crumbs(unit_obj, linked=True),
                    },
                )
            messages.success(
                request,
                _("Mallen är inläst: %(n)s ansvar uppdaterades.") % {"n": written},
            )
            return redirect(unit_url(unit_obj))
    return render(
        request,
        "implementation/bulk_upload.html",
        {
            "unit": unit_obj,
            "form": form,
            "result": result,
            "crumbs": unit_crumbs(unit_obj, linked=True),
        },
    )
