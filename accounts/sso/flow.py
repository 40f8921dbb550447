"""What every protocol does around a verified (or refused) sign-in: throttling through
django-axes, the sign-in log, logging the user in, and the Swedish refusal page."""

import logging

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import auth
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import render

from accounts.models import IdentityProvider, SignInEvent, User
from accounts.sso.matching import Identity, SignInRefused, sign_in_resolve

logger = logging.getLogger("accounts.sso")

SESSION_PROVIDER = "sso_provider"
PASSWORD_BACKEND = "accounts.backends.UserBackend"


def _credentials(provider: IdentityProvider | None, subject: str = "") -> dict:
    # django-axes locks a (username, address) pair. A verified person who is refused counts
    # against that person only (colleagues behind the same proxy are not locked out); answers
    # that fail verification count against the provider from that address.
    name = f"sso:{provider.slug if provider else 'okand'}"
    return {"username": f"{name}:{subject}" if subject else name}


def throttle_refusal(request, provider: IdentityProvider | None, subject: str = ""):
    """The refusal page when this address is locked out for this provider (or this person
    at it), else None."""
    if AxesProxyHandler.is_allowed(request, _credentials(provider, subject)):
        return None
    refused = SignInRefused("throttled")
    refused.subject = subject
    return refuse(request, provider, refused, count_failure=False)


def accept(request, identity: Identity) -> User:
    """Resolve the identity to a portal user and log them in; raises SignInRefused."""
    if not AxesProxyHandler.is_allowed(request, _credentials(identity.provider, identity.subject)):
        refused = SignInRefused("throttled")
        refused.subject = identity.subject
        raise refused
    try:
        user = sign_in_resolve(identity=identity)
    except SignInRefused as refused:
        refused.subject = identity.subject
        raise
    auth.login(request, user, backend=PASSWORD_BACKEND)
    request.session[SESSION_PROVIDER] = identity.provider.pk
    SignInEvent.objects.create(
        provider=identity.provider,
        outcome=SignInEvent.Outcome.ACCEPTED,
        subject=identity.subject[:255],
        user=user,
    )
    logger.info("Inloggning via %s: %s som %s", identity.provider.slug, identity.subject, user.pk)
    return user


def refuse(request, provider, refused: SignInRefused, *, count_failure: bool = True):
    """Log the refusal, count it against the address, and show the Swedish page."""
    SignInEvent.objects.create(
        provider=provider,
        outcome=SignInEvent.Outcome.REFUSED,
        reason=refused.reason,
        detail=refused.detail,
        subject=refused.subject[:255],
    )
    logger.warning(
        "Inloggning nekad via %s: %s (%s)",
        provider.slug if provider else "okänd leverantör",
        refused.reason,
        refused.detail,
    )
    # A callback that belongs to no sign-in this browser started (no provider) is refused
    # and logged but not counted: there is nothing to guess, and counting it would let anyone
    # lock out an address by visiting a link.
    if count_failure and provider is not None and refused.reason != "throttled":
        credentials = _credentials(provider, refused.subject)
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    status = 429 if refused.reason == "throttled" else 403
    return render(
        request,
        "accounts/sso_refused.html",
        {"message": refused.message, "reason": refused.reason, "provider": provider},
        status=status,
    )
