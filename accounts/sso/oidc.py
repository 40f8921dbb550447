"""OpenID Connect relying party (mozilla-django-oidc), one configuration per provider row.

Authorization code flow with PKCE (S256); state and nonce kept in the session per attempt and
checked on return; the ID token's signature (the provider's JWKS), issuer, audience and expiry
verified before any claim is read.
"""

import logging
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, resolve_url
from django.utils.decorators import method_decorator
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from accounts.models import IdentityProvider, User
from accounts.sso import flow
from accounts.sso.matching import Identity, SignInRefused

logger = logging.getLogger("accounts.sso")
SESSION_ID_TOKEN = "oidc_id_token"
TIMEOUT = 10


def provider_discover(provider: IdentityProvider) -> dict:
    """The provider's discovery document; its issuer must be the one configured."""
    url = provider.issuer.rstrip("/") + "/.well-known/openid-configuration"
    response = requests.get(url, timeout=TIMEOUT)
    response.raise_for_status()
    document = response.json()
    if document.get("issuer") != provider.issuer:
        raise ValueError(
            f"utfärdaren i {url} är {document.get('issuer')!r}, inte {provider.issuer!r}"
        )
    return document


class _ProviderSettings:
    """Answers mozilla-django-oidc's settings look-ups from the provider row."""

    provider: IdentityProvider

    def get_settings(self, attr, *args):
        own = {
            "OIDC_RP_SCOPES": self.provider.scopes,
            "OIDC_USE_PKCE": True,
            "OIDC_USE_NONCE": True,
            "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
            "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:oidc_callback",
            "OIDC_TIMEOUT": TIMEOUT,
        }
        if attr in own:
            return own[attr]
        return import_from_settings(attr, *args)


@method_decorator(login_not_required, name="dispatch")
class OidcLoginView(_ProviderSettings, OIDCAuthenticationRequestView):
    """Sends the browser to the provider's authorization endpoint (code + PKCE + nonce)."""

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)

    def get(self, request, slug: str):
        self.provider = get_object_or_404(
            IdentityProvider, slug=slug, protocol=IdentityProvider.Protocol.OIDC, is_active=True
        )
        refusal = flow.throttle_refusal(request, self.provider)
        if refusal:
            return refusal
        if not self.provider.authorization_endpoint:
            return flow.refuse(request, self.provider, SignInRefused("provider", "ej hämtad"))
        self.OIDC_OP_AUTH_ENDPOINT = self.provider.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = self.provider.client_id
        request.session[flow.SESSION_PROVIDER] = self.provider.pk
        return super().get(request)


class OidcBackend(_ProviderSettings, OIDCAuthenticationBackend):
    """Not in AUTHENTICATION_BACKENDS: the callback view uses it for its one provider."""

    def __init__(self, provider: IdentityProvider) -> None:
        self.provider = provider
        self.UserModel = User
        self.OIDC_OP_TOKEN_ENDPOINT = provider.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = provider.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = provider.jwks_uri
        self.OIDC_RP_CLIENT_ID = provider.client_id
        self.OIDC_RP_CLIENT_SECRET = provider.client_secret
        self.OIDC_RP_SIGN_ALGO = "RS256"
        self.OIDC_RP_IDP_SIGN_KEY = None

    def _verify_jws(self, payload, key):
        try:
            header = jwt.get_unverified_header(payload)
        except jwt.PyJWTError as error:
            raise SignInRefused("invalid_response", f"ID-token: {error}") from error
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SignInRefused("invalid_response", f"ID-token signerad med {header.get('alg')}")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.provider.client_id,
                issuer=self.provider.issuer,
                leeway=settings.SAML_ACCEPTED_TIME_DIFF,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as error:
            raise SignInRefused("invalid_response", f"ID-token: {error}") from error

    def get_or_create_user(self, access_token, id_token, payload):
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = self.get_userinfo(access_token, id_token, payload)
            if userinfo.get("sub") != payload.get("sub"):
                raise SignInRefused("invalid_response", "userinfo gäller en annan person")
            claims = {**userinfo, **payload}
        self.request.session[SESSION_ID_TOKEN] = id_token
        return flow.accept(self.request, identity_from_claims(self.provider, claims))


def identity_from_claims(provider: IdentityProvider, claims: dict) -> Identity:
    def claim(name: str) -> str:
        value = claims.get(name) if name else None
        return str(value).strip() if value is not None else ""

    return Identity(
        provider=provider,
        subject=claim("sub"),
        hsa_id=claim(provider.attr_hsa_id),
        email=claim(provider.attr_email),
        email_verified=claims.get("email_verified") is True,
        given_name=claim(provider.attr_given_name),
        surname=claim(provider.attr_surname),
        organisation=claim(provider.attr_organisation),
    )


@method_decorator(login_not_required, name="dispatch")
class OidcCallbackView(View):
    """The provider's redirect back with code and state."""

    http_method_names = ["get"]

    def get(self, request):
        provider = IdentityProvider.objects.filter(
            pk=request.session.get(flow.SESSION_PROVIDER), protocol=IdentityProvider.Protocol.OIDC
        ).first()
        refusal = flow.throttle_refusal(request, provider)
        if refusal:
            return refusal
        states = request.session.get("oidc_states") or {}
        state = request.GET.get("state", "")
        attempt = states.pop(state, None) if state else None
        request.session["oidc_states"] = states
        if provider is None or attempt is None:
            return flow.refuse(request, provider, SignInRefused("state", "okänt state"))
        if request.GET.get("error"):
            detail = f"{request.GET['error']}: {request.GET.get('error_description', '')}"
            return flow.refuse(request, provider, SignInRefused("denied", detail))
        backend = OidcBackend(provider)
        try:
            user = backend.authenticate(
                request, nonce=attempt.get("nonce"), code_verifier=attempt.get("code_verifier")
            )
        except SignInRefused as refused:
            return flow.refuse(request, provider, refused)
        except SuspiciousOperation as error:
            reason = "state" if "Nonce" in str(error) else "invalid_response"
            return flow.refuse(request, provider, SignInRefused(reason, str(error)))
        except requests.RequestException as error:
            return flow.refuse(request, provider, SignInRefused("provider", str(error)))
        if user is None:
            return flow.refuse(request, provider, SignInRefused("invalid_response", "ingen kod"))
        next_url = request.session.pop("oidc_login_next", None)
        return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


def oidc_logout_redirect(request, provider: IdentityProvider) -> str | None:
    """RP-initiated logout at the provider, back to the portal's login page."""
    id_token = request.session.get(SESSION_ID_TOKEN)
    if not provider.end_session_endpoint or not id_token:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": provider.client_id,
            "post_logout_redirect_uri": settings.SITE_URL
            + resolve_url(settings.LOGOUT_REDIRECT_URL),
        }
    )
    return f"{provider.end_session_endpoint}?{query}"
