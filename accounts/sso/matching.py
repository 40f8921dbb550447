"""Who a person signing in through an identity provider is in the portal.

Every protocol hands one :class:`Identity` (what the IdP asserted, already verified) to
:func:`sign_in_resolve`. It attaches the identity to a user the portal already has, or creates
one only where the organisation's party allows it, or refuses. Role and party always come from
the portal's own data, never from a claim. Invitations (issue #19) plug in through
:func:`register_matcher`: a matcher is asked after the existing users and before self-sign-up.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.audit import UserAction
from accounts.models import ExternalIdentity, IdentityProvider, OrganisationMapping, User
from core.audit import audit_actor, record
from core.roles import Role

logger = logging.getLogger("accounts.sso")


@dataclass(frozen=True)
class Identity:
    provider: IdentityProvider
    subject: str
    hsa_id: str = ""
    email: str = ""
    email_verified: bool = False
    given_name: str = ""
    surname: str = ""
    organisation: str = ""


class SignInRefused(Exception):
    """A sign-in the portal does not accept. ``reason`` is a code kept in the sign-in log;
    ``message`` is what the person is told (Swedish, with whom to ask)."""

    MESSAGES = {
        "invalid_response": _(
            "Svaret från inloggningstjänsten gick inte att lita på (felaktig eller saknad "
            "signatur, fel mottagare eller för gammalt). Försök logga in igen."
        ),
        "replay": _("Inloggningssvaret har redan använts. Börja om från inloggningssidan."),
        "state": _(
            "Inloggningen kunde inte kopplas till den här webbläsaren. Börja om från "
            "inloggningssidan."
        ),
        "unknown_organisation": _(
            "Din organisation är inte ansluten till HoS-portalen. Be portalens förvaltare "
            "(via din kommuns eller regionens samordnare för hälso- och sjukvårdsavtalet) att "
            "koppla organisationen eller skapa ett konto åt dig."
        ),
        "no_account": _(
            "Du har inget konto i HoS-portalen ännu. Be din organisations samordnare eller "
            "portalens förvaltare att lägga upp dig; logga sedan in igen på samma sätt."
        ),
        "inactive": _("Ditt konto är inte aktivt. Kontakta portalens förvaltare."),
        "ambiguous": _(
            "Flera konton i portalen har din e-postadress. Be portalens förvaltare att rätta det."
        ),
        "throttled": _("För många misslyckade inloggningar. Vänta en stund och försök igen."),
        "provider": _("Inloggningstjänsten är inte tillgänglig. Försök igen om en stund."),
        "denied": _("Inloggningen avbröts eller nekades hos inloggningstjänsten."),
    }

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail[:500]
        self.subject = ""  # the refused person's identity at the IdP, once verified

    @property
    def message(self):
        return self.MESSAGES.get(self.reason, self.MESSAGES["invalid_response"])


Matcher = Callable[[Identity], User | None]
_matchers: list[Matcher] = []


def register_matcher(matcher: Matcher) -> None:
    """Let another part of the portal (invitations) recognise a first sign-in. A matcher gets
    the verified identity and returns an existing or newly created user (role and party from
    its own data), or None. It runs inside the sign-in's transaction."""
    if matcher not in _matchers:
        _matchers.append(matcher)


def _existing_user(identity: Identity) -> User | None:
    link = (
        ExternalIdentity.objects.select_related("user")
        .filter(provider=identity.provider, subject=identity.subject)
        .first()
    )
    if link:
        return link.user
    if identity.hsa_id:
        user = User.objects.filter(hsa_id=identity.hsa_id).first()
        if user:
            return user
    if identity.email and identity.email_verified:
        users = list(User.objects.filter(email__iexact=identity.email)[:2])
        if len(users) > 1:
            raise SignInRefused("ambiguous", identity.email)
        if users:
            return users[0]
    return None


def _self_signup(identity: Identity) -> User:
    mapping = (
        OrganisationMapping.objects.select_related("party")
        .filter(identifier=identity.organisation)
        .first()
        if identity.organisation
        else None
    )
    if mapping is None:
        raise SignInRefused("unknown_organisation", identity.organisation)
    if not mapping.allows_self_signup:
        raise SignInRefused("no_account", identity.organisation)
    user = User(
        username=_free_username(identity),
        email=identity.email if identity.email_verified else "",
        first_name=identity.given_name[:150],
        last_name=identity.surname[:150],
        hsa_id=identity.hsa_id,
        party=mapping.party,
        role=Role.IMPLEMENTERINGSANSVARIG,
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    record(
        actor=None,
        action=UserAction.SIGNED_UP,
        obj=user,
        data={"provider": identity.provider.slug, "party_id": mapping.party_id},
    )
    return user


def _free_username(identity: Identity) -> str:
    base = (identity.hsa_id or identity.email or identity.subject)[:140]
    name, n = base, 1
    while User.objects.filter(username=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def sign_in_resolve(*, identity: Identity) -> User:
    """The portal user for a verified identity, linking it on the first sign-in. Raises
    :class:`SignInRefused`; nothing is written then."""
    if not identity.subject:
        raise SignInRefused("invalid_response", "inget subjekt i svaret")
    try:
        with transaction.atomic(), audit_actor(None):
            user = _existing_user(identity)
            for matcher in _matchers:
                if user is not None:
                    break
                user = matcher(identity)
            if user is None:
                user = _self_signup(identity)
            if not user.is_active:
                raise SignInRefused("inactive", user.username)
            _link(user, identity)
            return user
    except IntegrityError as error:
        # Two first sign-ins of one person at once: the second finds the first one's link.
        link = ExternalIdentity.objects.select_related("user").filter(
            provider=identity.provider, subject=identity.subject
        )
        if link.exists():
            return link.get().user
        raise SignInRefused("ambiguous", str(error)) from error


def _link(user: User, identity: Identity) -> None:
    now = timezone.now()
    updated = ExternalIdentity.objects.filter(
        provider=identity.provider, subject=identity.subject
    ).update(last_used_at=now)
    if not updated:
        # One identity per provider and account: another subject claiming an account that is
        # already linked (same e-mail, say) is someone else until a förvaltare says otherwise.
        if ExternalIdentity.objects.filter(provider=identity.provider, user=user).exists():
            raise SignInRefused("ambiguous", f"{user.username} har redan en annan identitet")
        ExternalIdentity.objects.create(
            user=user, provider=identity.provider, subject=identity.subject, last_used_at=now
        )
        record(
            actor=None,
            action=UserAction.IDENTITY_LINKED,
            obj=user,
            data={"provider": identity.provider.slug},
        )
    # (A known identity's ``last_used_at`` is bookkeeping, not domain data: the sign-in itself
    # is logged as a SignInEvent, so it records no audit event.)
    if identity.hsa_id and not user.hsa_id:
        user.hsa_id = identity.hsa_id
        user.save(update_fields=["hsa_id"])
        record(actor=None, action=UserAction.HSA_ID_SET, obj=user, data={"hsa_id": user.hsa_id})
