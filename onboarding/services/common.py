"""What the invitation services and the import share: the invitation's link and e-mail, the
one-party-per-person rule, and building a new invitation row."""

import datetime as dt
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from core.outbox import Draft
from onboarding.models import Invitation, new_token

INVITATION_DAYS = 14


def _key(value: str) -> str:
    """Names and e-mails compared as a person reads them (case, spaces, Unicode form)."""
    return unicodedata.normalize("NFC", " ".join(value.split())).lower()


def _invitation_url(token: str) -> str:
    # One reverse for a whole import (thousands of links); the token is URL-safe base64.
    pattern = reverse("onboarding:accept", args=["__token__"])
    return settings.SITE_URL + pattern.replace("__token__", token)


def _draft(invitation: Invitation, token: str, roles, inviter) -> Draft:
    return Draft(
        key=f"onboarding:invitation:{invitation.pk}:{invitation.sent_count}",
        to=[invitation.email],
        subject=_("Du är inbjuden till HoS-portalen"),
        template="onboarding/emails/invitation",
        context={
            "invitation": invitation,
            "roles": list(roles),
            "url": _invitation_url(token),
            "inviter": str(inviter) if inviter else _("Portalens förvaltare"),
        },
        kind="onboarding_invitation",
        related=invitation,
    )


def _check_person(*, email: str, party) -> None:
    """A person belongs to one party: refuse an e-mail known under another party."""
    other = User.objects.filter(email__iexact=email).exclude(party=party).first()
    if other is not None:
        raise ValidationError(
            _("%(email)s har redan ett konto hos %(party)s; en person hör till en part.")
            % {"email": email, "party": other.party or _("ingen part")}
        )
    pending = (
        Invitation.objects.filter(email__iexact=email, used_at=None, revoked_at=None)
        .exclude(party=party)
        .select_related("party")
        .first()
    )
    if pending is not None:
        raise ValidationError(
            _("%(email)s är redan inbjuden av %(party)s; en person hör till en part.")
            % {"email": email, "party": pending.party}
        )


def _build_invitation(*, actor, email, first_name, last_name, party, role, now) -> tuple:
    """A new, validated, unsaved invitation and its token (the link's secret)."""
    token, hashed = new_token()
    invitation = Invitation(
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        party=party,
        role=role,
        token_hash=hashed,
        invited_by=actor,
        created_at=now,
        last_sent_at=now,
        expires_at=now + dt.timedelta(days=INVITATION_DAYS),
    )
    # The token is 256 random bits (the unique index still guards it); party and inviter are
    # the caller's own objects: validate the fields, not their existence again.
    invitation.full_clean(exclude=["party", "invited_by", "token_hash"], validate_constraints=False)
    return invitation, token
