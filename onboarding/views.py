"""Thin views of onboarding: the coordinator's organisation pages, invitations, the import,
and the Förvaltare's and registrator's pages (users, function addresses)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import IdentityProvider, User
from agreements import services as agreement_services
from agreements.models import Federation, JointBody, Party
from core.exports import Sheet, xlsx_response
from core.roles import Role
from core.tabular import TableError
from implementation import permissions as unit_permissions
from implementation import services as unit_services
from implementation.models import Level, MembershipRole, Unit, UnitMembership
from onboarding import selectors, services
from onboarding.forms import (
    AcceptForm,
    AddressForm,
    ImportForm,
    InviteForm,
    UnitForm,
    UserForm,
    party_units,
)
from onboarding.models import ImportBatch, Invitation, InvitedRole
from onboarding.permissions import is_federation_coordinator, is_party_coordinator, may

PER_PAGE = 100


def _require(request, action: str, **objects) -> None:
    if not may(request.user, action, **objects):
        raise PermissionDenied


def _party(slug: str) -> Party:
    return get_object_or_404(Party, slug=slug)


def _page(request, items):
    return Paginator(items, PER_PAGE).get_page(request.GET.get("page"))


# --- the hub ---------------------------------------------------------------------------------
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


# --- a party's organisation -----------------------------------------------------------------
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
            "not_signed_in": selectors.not_signed_in(party).count(),
            "invited": selectors.open_invitation_count(party),
        },
    )


@require_GET
def people(request, slug):
    party = _party(slug)
    _require(request, "view_party", party=party)
    q = request.GET.get("q", "").strip()[:100]
    invitations = selectors.invitations_of(party, q).filter(used_at=None, revoked_at=None)
    users = selectors.party_people(party).annotate(
        n_units=Count("unit_memberships", filter=Q(unit_memberships__is_active=True))
    )
    if q:
        users = (
            selectors.users(q)
            .filter(party=party)
            .annotate(n_units=Count("unit_memberships", filter=Q(unit_memberships__is_active=True)))
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
        data = form.cleaned_data
        try:
            if unit is None:
                unit = unit_services.unit_create(
                    party=party,
                    level=data["level"],
                    name=data["name"],
                    parent=data["parent"],
                    actor=request.user,
                )
                messages.success(request, _("Enheten %(unit)s är skapad.") % {"unit": unit})
            else:
                parent = data["parent"] if unit.level == Level.VERKSAMHET else None
                unit_services.unit_update(
                    unit=unit, name=data["name"], parent=parent, actor=request.user
                )
                messages.success(request, _("Enheten %(unit)s är sparad.") % {"unit": unit})
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("onboarding:party", party.slug)
    return render(
        request, "onboarding/unit_form.html", {"form": form, "party": party, "unit": unit}
    )


def membership_end(request, pk):
    membership = get_object_or_404(
        UnitMembership.objects.select_related("unit", "unit__party", "user"), pk=pk
    )
    _require(request, "manage_members", party=membership.unit.party)
    if request.method == "POST":
        unit_services.membership_end(membership=membership, actor=request.user)
        messages.success(
            request,
            _("%(user)s har inte längre uppdraget i %(unit)s.")
            % {"user": membership.user, "unit": membership.unit},
        )
        return redirect("onboarding:party", membership.unit.party.slug)
    return render(request, "onboarding/membership_end.html", {"membership": membership})


# --- invitations ------------------------------------------------------------------------------
def invite(request, slug):
    party = _party(slug)
    user = request.user
    coordinator = may(user, "manage_members", party=party)
    units = party_units(party)
    if not coordinator:
        units = [u for u in units if may(user, "invite", unit=u)]
        if not units:
            raise PermissionDenied
    initial = {}
    chosen = request.GET.get("enhet")
    if chosen:
        initial["unit"] = chosen
    form = InviteForm(
        request.POST or None,
        initial=initial,
        units=units,
        allow_no_unit=coordinator,
        allow_role=may(user, "manage_users"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.invite(
                actor=user,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                party=party,
                unit=data["unit"],
                unit_role=data["unit_role"],
                role=data.get("role") or Role.IMPLEMENTERINGSANSVARIG,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if result.appointed_user:
                messages.success(
                    request,
                    _("%(user)s har redan ett konto och är nu utsedd.")
                    % {"user": result.appointed_user},
                )
            elif result.already_invited:
                messages.info(
                    request,
                    _(
                        "%(email)s är redan inbjuden; uppdraget är tillagt. Skicka inbjudan "
                        "igen från listan över personer om den inte har kommit fram."
                    )
                    % {"email": data["email"]},
                )
            else:
                messages.success(
                    request, _("Inbjudan till %(email)s är skickad.") % {"email": data["email"]}
                )
            return redirect(
                "onboarding:party" if coordinator else "onboarding:index",
                *([party.slug] if coordinator else []),
            )
    return render(request, "onboarding/invite.html", {"form": form, "party": party})


def _invitation(request, pk) -> Invitation:
    invitation = get_object_or_404(Invitation.objects.select_related("party"), pk=pk)
    _require(request, "manage_invitation", party=invitation.party)
    return invitation


def _back(request, invitation):
    target = request.POST.get("next", "")
    if target == "users" and may(request.user, "manage_users"):
        return redirect("onboarding:users")
    if target == "without_lead":
        return redirect("implementation:without_lead")
    return redirect("onboarding:people", invitation.party.slug)


@require_POST
def invitation_resend(request, pk):
    invitation = _invitation(request, pk)
    try:
        services.invitation_resend(invitation=invitation, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Inbjudan till %(email)s är skickad igen; den tidigare länken slutar fungera.")
            % {"email": invitation.email},
        )
    return _back(request, invitation)


def invitation_revoke(request, pk):
    invitation = _invitation(request, pk)
    if request.method == "POST":
        try:
            services.invitation_revoke(invitation=invitation, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Inbjudan till %(email)s är återkallad.") % {"email": invitation.email}
            )
        return _back(request, invitation)
    return render(request, "onboarding/invitation_revoke.html", {"invitation": invitation})


@login_not_required
def accept(request, token):
    invitation = services.invitation_for_token(token)
    problem = services.refusal(invitation)
    if problem:
        return render(request, "onboarding/accept_refused.html", {"message": problem}, status=410)
    if request.user.is_authenticated:
        # Accepting creates and signs in another person: never inside someone's session.
        return render(
            request,
            "onboarding/accept_signed_in.html",
            {"invitation": invitation},
            status=403 if request.method == "POST" else 200,
        )
    form = AcceptForm(request.POST or None) if settings.PASSWORD_LOGIN else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            user = services.invitation_accept(
                invitation=invitation, password=form.cleaned_data["password1"]
            )
        except ValidationError as error:
            return render(
                request,
                "onboarding/accept_refused.html",
                {"message": " ".join(error.messages)},
                status=410,
            )
        login(request, user, backend="accounts.backends.UserBackend")
        messages.success(request, _("Välkommen! Ditt konto är skapat."))
        return redirect("home")
    providers = IdentityProvider.objects.filter(is_active=True).order_by("name")
    return render(
        request,
        "onboarding/accept.html",
        {"form": form, "invitation": invitation, "providers": providers},
    )


# --- the import -------------------------------------------------------------------------------
@require_GET
def import_template(request, slug):
    party = _party(slug)
    _require(request, "import", party=party)
    rows = [
        (u.get_level_display(), u.name, u.parent.name if u.parent_id else "", "", "", "", "")
        for u in party_units(party)
    ]
    forvaltning = str(Level.FORVALTNING.label)
    if not rows:
        rows = [
            (
                forvaltning,
                _("Socialförvaltningen"),
                "",
                "Anna",
                "Andersson",
                "anna@example.se",
                "Ansvarig",
            ),
            (str(Level.VERKSAMHET.label), _("Hemtjänst"), _("Socialförvaltningen"), "", "", "", ""),
        ]
    sheet = Sheet(
        _("Organisation"),
        list(services.COLUMNS),
        rows,
        choices={
            services.COL_LEVEL: [forvaltning, str(Level.VERKSAMHET.label)],
            services.COL_ROLE: ["Ansvarig", "Medlem"],
        },
    )
    return xlsx_response(f"organisation-{party.slug}.xlsx", [sheet])


def import_upload(request, slug):
    party = _party(slug)
    _require(request, "import", party=party)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "party": party}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            checked = services.check_import(party=party, upload=upload)
        except (TableError, ValidationError) as error:
            message = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            form.add_error("file", message)
        else:
            context["errors"] = checked.report.lines()
            context["row_count"] = len(checked.rows)
            if checked.report.ok:
                batch = services.store_batch(
                    party=party, actor=request.user, upload=upload, checked=checked
                )
                return redirect("onboarding:import_confirm", batch.pk)
    return render(request, "onboarding/import.html", context)


def import_confirm(request, pk):
    batch = get_object_or_404(ImportBatch.objects.select_related("party"), pk=pk)
    _require(request, "import", party=batch.party)
    if batch.uploaded_by_id != request.user.pk:
        raise Http404
    errors = []
    if request.method == "POST" and not batch.applied_at:
        try:
            counts = services.apply_import(batch=batch, actor=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request,
                _(
                    "Importen är klar: %(units)s nya enheter, %(invited)s inbjudningar, "
                    "%(appointed)s utsedda med befintligt konto."
                )
                % counts,
            )
            return redirect("onboarding:party", batch.party.slug)
    return render(
        request,
        "onboarding/import_confirm.html",
        {"batch": batch, "party": batch.party, "errors": errors, "n_rows": len(batch.rows)},
    )


# --- the Förvaltare's pages -------------------------------------------------------------------
@require_GET
def users(request):
    _require(request, "manage_users")
    q = request.GET.get("q", "").strip()[:100]
    party = request.GET.get("part", "")[:60]
    role = request.GET.get("roll", "")[:30]
    page = _page(request, selectors.users(q, party, role))
    invitations = selectors.invitations_of(None, q).filter(used_at=None, revoked_at=None)
    if party:
        invitations = invitations.filter(party__slug=party)
    query = urlencode({k: v for k, v in (("q", q), ("part", party), ("roll", role)) if v})
    return render(
        request,
        "onboarding/users.html",
        {
            "page_obj": page,
            "users": page.object_list,
            "invitations": invitations[:50],
            "q": q,
            "party": party,
            "role": role,
            "parties": Party.objects.order_by("name").only("slug", "name"),
            "roles": Role.choices,
            "query_string": query,
        },
    )


def user_edit(request, pk):
    _require(request, "manage_users")
    person = get_object_or_404(User.objects.select_related("party", "federation"), pk=pk)
    form = UserForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        if person.pk == request.user.pk and not form.cleaned_data["is_active"]:
            form.add_error("is_active", _("Du kan inte inaktivera ditt eget konto."))
        else:
            services.user_update(user=form.instance, actor=request.user)
            messages.success(request, _("%(user)s är sparad.") % {"user": person})
            return redirect("onboarding:users")
    return render(request, "onboarding/user_form.html", {"form": form, "person": person})


@require_GET
def addresses(request):
    _require(request, "view_addresses")
    return render(
        request,
        "onboarding/addresses.html",
        {
            "federations": Federation.objects.order_by("name"),
            "bodies": JointBody.objects.order_by("name"),
            "parties": Party.objects.agreement_parties().order_by("name"),
        },
    )


def address_edit(request, kind, slug):
    _require(request, "edit_addresses")
    if kind == "forbund":
        obj, field = get_object_or_404(Federation, slug=slug), "email"
        save = lambda email: agreement_services.federation_set_email(  # noqa: E731
            federation=obj, email=email, actor=request.user
        )
    elif kind == "organ":
        obj, field = get_object_or_404(JointBody, slug=slug), "email"
        save = lambda email: agreement_services.joint_body_set_email(  # noqa: E731
            body=obj, email=email, actor=request.user
        )
    elif kind == "part":
        obj, field = get_object_or_404(Party, slug=slug), "registry_email"
        save = lambda email: agreement_services.party_set_registry_email(  # noqa: E731
            party=obj, email=email, actor=request.user
        )
    else:
        raise Http404
    form = AddressForm(request.POST or None, initial={"email": getattr(obj, field)})
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data["email"])
        except ValidationError as error:
            form.add_error("email", " ".join(error.messages))
        else:
            messages.success(request, _("Adressen för %(name)s är sparad.") % {"name": obj})
            return redirect("onboarding:addresses")
    return render(request, "onboarding/address_form.html", {"form": form, "obj": obj})


__all__ = ["MembershipRole"]


def without_lead_notes(request, unit_ids: list[int]) -> list[str]:
    """For implementation's "Enheter utan ansvarig": who is invited to each unit and has not
    signed in yet, with a resend button for those who may. One query."""
    from django.template.loader import render_to_string

    if not unit_ids:
        return []
    invited: dict[int, list] = {}
    for role in (
        InvitedRole.objects.filter(
            unit_id__in=unit_ids, invitation__used_at=None, invitation__revoked_at=None
        )
        .select_related("invitation", "invitation__party")
        .order_by("invitation__last_name")
    ):
        invited.setdefault(role.unit_id, []).append(role.invitation)
    out = []
    for unit_id in unit_ids:
        invitations = invited.get(unit_id)
        if not invitations:
            out.append("")
            continue
        out.append(
            render_to_string(
                "onboarding/_without_lead_note.html",
                {
                    "invitations": [
                        (i, may(request.user, "manage_invitation", party=i.party))
                        for i in invitations
                    ]
                },
                request=request,
            )
        )
    return out
