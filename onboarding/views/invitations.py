"""Invitations: invite a person, resend, revoke, and the public page where an invited person
accepts (chooses a password or signs in through the organisation's IdP). Also the notes on
implementation's "Enheter utan ansvarig" (who is invited and has not signed in yet)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import IdentityProvider
from core.permissions import permission_required_for
from core.roles import Role
from onboarding import services
from onboarding.forms import AcceptForm, InviteForm, party_units
from onboarding.models import Invitation, InvitedRole
from onboarding.permissions import can_manage_invitation, may
from onboarding.views.common import _party


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
    return get_object_or_404(Invitation.objects.select_related("party"), pk=pk)


def _back(request, invitation):
    target = request.POST.get("next", "")
    if target == "users" and may(request.user, "manage_users"):
        return redirect("onboarding:users")
    if target == "without_lead":
        return redirect("implementation:without_lead")
    return redirect("onboarding:people", invitation.party.slug)


@require_POST
@permission_required_for(can_manage_invitation, load=_invitation)
def invitation_resend(request, invitation):
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


@permission_required_for(can_manage_invitation, load=_invitation)
def invitation_revoke(request, invitation):
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


def without_lead_notes(request, unit_ids: list[int]) -> list[str]:
    """For implementation's "Enheter utan ansvarig": who is invited to each unit and has not
    signed in yet, with a resend button for those who may. One query."""
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
