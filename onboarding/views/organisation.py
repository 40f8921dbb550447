"""A party's organisation: the hub, the party's units and people, creating and editing a unit,
ending an appointment."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from agreements.models import Party
from core.permissions import permission_required_for
from core.views import crumbs
from implementation import permissions as unit_permissions
from implementation import services as unit_services
from implementation.models import Level, Unit, UnitMembership
from onboarding import selectors
from onboarding.forms import UnitForm, party_units
from onboarding.permissions import (
    can_manage_members_of,
    is_federation_coordinator,
    is_party_coordinator,
    may,
)
from onboarding.views.common import _page, _party, _party_crumbs, _require


@require_GET
def index(request):
    user = request.user
    parties = []
    if may(user, "manage_users"):
        parties = list(Party.objects.agreement_parties().order_by("name"))
    elif is_federation_coordinator(user):
        parties = list(Party.objects.filter(federation_id=user.federation_id).order_by("name"))
    elif is_party_coordinator(user):
        parties = [user.party]
    lead_party = None
    if not parties and user.party_id and unit_permissions.has_units(user):
        lead_party = user.party
    return render(
        request,
        "onboarding/index.html",
        {
            "parties": parties,
            "lead_party": lead_party,
            "may_users": may(user, "manage_users"),
            "may_addresses": may(user, "view_addresses"),
        },
    )


@require_GET
def party(request, slug):
    party = _party(slug)
    _require(request, "view_party", party=party)
    page = _page(request, selectors.party_units(party))
    return render(
        request,
        "onboarding/party.html",
        {
            "party": party,
            "page_obj": page,
            "units": page.object_list,
            "may_manage": may(request.user, "manage_units", party=party),
            "may_retire": may(request.user, "retire_unit", party=party),
            "not_signed_in": selectors.not_signed_in(party).count(),
            "invited": selectors.open_invitation_count(party),
            "retired": selectors.retired_units(party).count(),
            "crumbs": crumbs(("onboarding:index", _("Organisation"))),  # the hub
        },
    )


@require_GET
def people(request, slug):
    party = _party(slug)
    _require(request, "view_party", party=party)
    q = request.GET.get("q", "").strip()[:100]
    invitations = selectors.invitations_of(party, q).filter(used_at=None, revoked_at=None)
    found = selectors.users(q).filter(party=party) if q else selectors.party_people(party)
    users = found.annotate(
        n_units=Count("unit_memberships", filter=Q(unit_memberships__is_active=True))
    )
    page = _page(request, users)
    return render(
        request,
        "onboarding/people.html",
        {
            "party": party,
            "q": q,
            "invitations": invitations[:500],
            "invitation_total": invitations.count(),
            "page_obj": page,
            "users": page.object_list,
            "may_manage": may(request.user, "manage_invitation", party=party),
            "query_string": urlencode({"q": q}) if q else "",
            "crumbs": _party_crumbs(party),
        },
    )


def unit_create(request, slug):
    party = _party(slug)
    _require(request, "manage_units", party=party)
    return _unit_form(request, party, None)


def unit_edit(request, slug, unit):
    party = _party(slug)
    _require(request, "manage_units", party=party)
    unit = get_object_or_404(Unit.objects.select_related("parent", "party"), party=party, slug=unit)
    return _unit_form(request, party, unit)


def _unit_form(request, party, unit):
    forvaltningar = [
        u
        for u in party_units(party)
        if u.level == Level.FORVALTNING and (unit is None or u.pk != unit.pk)
    ]
    initial = {"name": unit.name, "parent": unit.parent_id} if unit else {}
    form = UnitForm(
        request.POST or None, initial=initial, forvaltningar=forvaltningar, editing=bool(unit)
    )
    if request.method == "POST" and form.is_valid():
        try:
            unit = _save_unit(request, party, unit, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("onboarding:party", party.slug)
    return render(
        request, "onboarding/unit_form.html", {"form": form, "party": party, "unit": unit}
    )


def _save_unit(request, party, unit, data) -> Unit:
    if unit is None:
        unit = unit_services.unit_create(
            party=party,
            level=data["level"],
            name=data["name"],
            parent=data["parent"],
            actor=request.user,
        )
        messages.success(request, _("Enheten %(unit)s är skapad.") % {"unit": unit})
        return unit
    parent = data["parent"] if unit.level == Level.VERKSAMHET else None
    unit_services.unit_update(unit=unit, name=data["name"], parent=parent, actor=request.user)
    messages.success(request, _("Enheten %(unit)s är sparad.") % {"unit": unit})
    return unit


def _membership(request, pk):
    return get_object_or_404(
        UnitMembership.objects.select_related("unit", "unit__party", "user"), pk=pk
    )


@permission_required_for(can_manage_members_of, load=_membership)
def membership_end(request, membership):
    if request.method == "POST":
        unit_services.membership_end(membership=membership, actor=request.user)
        messages.success(
            request,
            _("%(user)s har inte längre uppdraget i %(unit)s.")
            % {"user": membership.user, "unit": membership.unit},
        )
        return redirect("onboarding:party", membership.unit.party.slug)
    return render(request, "onboarding/membership_end.html", {"membership": membership})
