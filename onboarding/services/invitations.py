"""Invitations: invite one person, resend, revoke, and accept (by password or a first sign-in
through the organisation's IdP). Keyword-only, explicit actor, atomic, audited; the e-mail is a
row in the outbox written in the same transaction, with a stable key (one mail per sending).
The moves are ``onboarding.models.INVITATION_FLOW``."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_actor, record
from core.outbox import outbox_enqueue_many
from core.roles import Role
from implementation import services as unit_services
from implementation.models import MembershipRole, Unit
from onboarding.audit import InvitationAction
from onboarding.models import INVITATION_FLOW, Invitation, InvitedRole, new_token, token_hash
from onboarding.services.common import (
    INVITATION_DAYS,
    _build_invitation,
    _check_person,
    _draft,
)


@dataclass
class InviteResult:
    invitation: Invitation | None = None
    appointed_user: User | None = None
    already_invited: bool = False


def invite(
    *,
    actor,
    email: str,
    first_name: str,
    last_name: str,
    party,
    unit: Unit | None = None,
    unit_role: str = MembershipRole.LEAD,
    role: str = Role.IMPLEMENTERINGSANSVARIG,
) -> InviteResult:
    """Invite one person. An existing account of the party is appointed at once (no mail);
    an open invitation gets the unit added (no second mail: use resend)."""
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": [_("Ange en giltig e-postadress.")]}) from error
    if unit is not None and unit.party_id != party.pk:
        raise ValidationError(_("Enheten hör inte till %(party)s.") % {"party": party})
    _check_person(email=email, party=party)
    with transaction.atomic(), audit_actor(actor):
        user = User.objects.filter(email__iexact=email, party=party).first()
        if user is not None:
            if unit is not None:
                unit_services.membership_appoint(unit=unit, user=user, role=unit_role, actor=actor)
            return InviteResult(appointed_user=user)
        invitation = (
            Invitation.objects.select_for_update()
            .filter(email__iexact=email, used_at=None, revoked_at=None)
            .first()
        )
        if invitation is not None:
            if unit is not None:
                INVITATION_FLOW.target("add_role", invitation.state)
                InvitedRole.objects.update_or_create(
                    invitation=invitation, unit=unit, defaults={"role": unit_role}
                )
                record(
                    actor=actor,
                    action=InvitationAction.ROLE_ADDED,
                    obj=invitation,
                    data={"enhet": unit.name, "roll": str(MembershipRole(unit_role).label)},
                )
            return InviteResult(invitation=invitation, already_invited=True)
        invitation, token = _build_invitation(
            actor=actor,
            email=email,
            first_name=first_name,
            last_name=last_name,
            party=party,
            role=role,
            now=timezone.now(),
        )
        invitation.save()
        roles = []
        if unit is not None:
            roles.append(
                InvitedRole.objects.create(invitation=invitation, unit=unit, role=unit_role)
            )
        outbox_enqueue_many([_draft(invitation, token, roles, actor)])
        record(
            actor=actor,
            action=InvitationAction.SENT,
            obj=invitation,
            data={"enheter": ", ".join(r.unit.name for r in roles)},
        )
    return InviteResult(invitation=invitation)


def invitation_resend(*, invitation: Invitation, actor) -> Invitation:
    """A new link (the old one stops working), valid for another INVITATION_DAYS days."""
    with transaction.atomic(), audit_actor(actor):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not INVITATION_FLOW.allows("resend", invitation.state):
            raise ValidationError(_("Inbjudan är redan accepterad eller återkallad."))
        token, hashed = new_token()
        now = timezone.now()
        invitation.token_hash = hashed
        invitation.sent_count += 1
        invitation.last_sent_at = now
        invitation.expires_at = now + dt.timedelta(days=INVITATION_DAYS)
        invitation.save()
        roles = invitation.roles.select_related("unit")
        outbox_enqueue_many([_draft(invitation, token, roles, actor)])
        record(
            actor=actor,
            action=InvitationAction.RESENT,
            obj=invitation,
            data={"utskick": invitation.sent_count},
        )
    return invitation


def invitation_revoke(*, invitation: Invitation, actor) -> Invitation:
    """Revoke an open invitation (its link stops working). Revoking twice changes nothing."""
    with transaction.atomic(), audit_actor(actor):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        state = invitation.state
        if state == Invitation.State.USED:
            raise ValidationError(_("Inbjudan är redan accepterad; inaktivera kontot i stället."))
        if INVITATION_FLOW.allows("revoke", state):
            invitation.revoked_at = timezone.now()
            invitation.save(update_fields=["revoked_at"])
            record(
                actor=actor,
                action=InvitationAction.REVOKED,
                obj=invitation,
                data={
                    "status": [
                        str(Invitation.State(state).label),
                        str(Invitation.State.REVOKED.label),
                    ]
                },
            )
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return Invitation.objects.select_related("party").filter(token_hash=token_hash(token)).first()


def refusal(invitation: Invitation | None) -> str:
    """Why a link cannot be used (Swedish), or "" if it can."""
    if invitation is None:
        return _(
            "Länken är ogiltig. Den kan ha ersatts av en nyare inbjudan; använd länken i det "
            "senaste e-brevet eller be den som bjöd in dig att skicka en ny."
        )
    if invitation.revoked_at:
        return _("Inbjudan har återkallats. Be den som bjöd in dig om en ny om det är fel.")
    if invitation.used_at:
        return _(
            "Länken har redan använts och kontot är skapat. Logga in som vanligt; har du glömt "
            "lösenordet kan du återställa det från inloggningssidan."
        )
    if invitation.expires_at <= timezone.now():
        return _(
            "Länken har gått ut. Be den som bjöd in dig (din samordnare) att skicka inbjudan igen."
        )
    return ""


def _free_username(email: str) -> str:
    base = email.lower()[:140]
    name, number = base, 2
    while User.objects.filter(username=name).exists():
        name, number = f"{base}-{number}", number + 1
    return name


def invitation_accept(
    *, invitation: Invitation, password: str | None = None, email_verified_by_idp: bool = False
) -> User:
    """Create the invited person's account (with the password, or none when they sign in
    through their IdP) and appoint them to the invited units. One use only."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        message = refusal(invitation)
        if message:
            raise ValidationError(message)
        INVITATION_FLOW.target("accept", invitation.state)
        _check_person(email=invitation.email, party=invitation.party)
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(_("Det finns redan ett konto med den e-postadressen."))
        user = User(
            username=_free_username(invitation.email),
            email=invitation.email,
            first_name=invitation.first_name,
            last_name=invitation.last_name,
            party=invitation.party,
            role=invitation.role,
        )
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        with audit_actor(invitation.invited_by):
            user.full_clean()
            user.save()
            # A unit retired since the invitation was sent is skipped.
            for invited in invitation.roles.filter(unit__retired_at=None).select_related(
                "unit", "unit__party"
            ):
                unit_services.membership_appoint(
                    unit=invited.unit, user=user, role=invited.role, actor=invitation.invited_by
                )
            invitation.used_at = timezone.now()
            invitation.user = user
            invitation.save(update_fields=["used_at", "user"])
            record(
                actor=user,
                action=InvitationAction.ACCEPTED,
                obj=invitation,
                data={
                    "konto": user.username,
                    "via organisationens inloggning": email_verified_by_idp,
                },
            )
    return user


def match_invitation(identity) -> User | None:
    """The SSO hook (``accounts.sso.matching.register_matcher``): a first sign-in whose IdP
    vouches for the e-mail of an open invitation creates that person's account."""
    if not (identity.email and identity.email_verified):
        return None
    invitation = Invitation.objects.filter(
        email__iexact=identity.email,
        used_at=None,
        revoked_at=None,
        expires_at__gt=timezone.now(),
    ).first()
    if invitation is None:
        return None
    return invitation_accept(invitation=invitation, password=None, email_verified_by_idp=True)
