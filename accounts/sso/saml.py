"""SAML 2.0 service provider (djangosaml2 on pysaml2, signatures checked by xmlsec1).

The SP's configuration is built per request from settings and from the identity providers
kept as data (:class:`accounts.models.IdentityProvider`), so a provider a förvaltare adds is
used at once. What the portal requires of every IdP: a signed assertion, addressed to this SP
(audience and recipient), in answer to a request this browser made (InResponseTo), within its
validity (bounded clock skew), used once.
"""

import datetime
import logging
import shutil

import saml2
import saml2.client_base
import saml2.s_utils
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from djangosaml2 import views as saml_views
from saml2.config import SPConfig
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NAMEID_FORMAT_TRANSIENT

from accounts.models import IdentityProvider, UsedAssertion
from accounts.sso import flow
from accounts.sso.keys import sp_key_pair
from accounts.sso.matching import Identity, SignInRefused

logger = logging.getLogger("accounts.sso")


def sp_entity_id() -> str:
    return settings.SITE_URL + reverse("accounts:saml_metadata")


def sp_config_dict(providers=None) -> dict:
    key_file, cert_file = sp_key_pair()
    if providers is None:
        providers = IdentityProvider.objects.filter(
            protocol=IdentityProvider.Protocol.SAML, is_active=True
        ).exclude(metadata_xml="")
    base = settings.SITE_URL
    return {
        "entityid": sp_entity_id(),
        "xmlsec_binary": shutil.which("xmlsec1") or "/usr/bin/xmlsec1",
        "key_file": key_file,
        "cert_file": cert_file,
        "encryption_keypairs": [{"key_file": key_file, "cert_file": cert_file}],
        "allow_unknown_attributes": True,
        # Seconds of clock difference tolerated between the IdP and the portal.
        "accepted_time_diff": settings.SAML_ACCEPTED_TIME_DIFF,
        "service": {
            "sp": {
                "name": settings.PORTAL_NAME,
                "name_id_format": [NAMEID_FORMAT_PERSISTENT, NAMEID_FORMAT_TRANSIENT],
                "endpoints": {
                    "assertion_consumer_service": [
                        (base + reverse("accounts:saml_acs"), saml2.BINDING_HTTP_POST)
                    ],
                    "single_logout_service": [
                        (base + reverse("accounts:saml_sls"), saml2.BINDING_HTTP_REDIRECT),
                        (base + reverse("accounts:saml_sls"), saml2.BINDING_HTTP_POST),
                    ],
                },
                "authn_requests_signed": True,
                "logout_requests_signed": True,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "allow_unsolicited": False,
                "signing_algorithm": saml2.xmldsig.SIG_RSA_SHA256,
                "digest_algorithm": saml2.xmldsig.DIGEST_SHA256,
            }
        },
        "metadata": {"inline": [p.metadata_xml for p in providers]},
        "organization": {
            "name": [(settings.PORTAL_NAME, "sv")],
            "display_name": [(settings.PORTAL_NAME, "sv")],
            "url": [(base, "sv")],
        },
    }


def config_loader(request=None) -> SPConfig:
    """djangosaml2's SAML_CONFIG_LOADER: the SP with every active SAML provider."""
    config = SPConfig()
    config.load(sp_config_dict())
    return config


def _first(ava: dict, name: str) -> str:
    """The first value of an attribute, by its configured name or pysaml2's friendly name
    for it (pysaml2 renames the standard urn:oid: names, e.g. urn:oid:2.5.4.42 → givenName)."""
    if not name:
        return ""
    values = ava.get(name) or ava.get(_FRIENDLY.get(name, name)) or []
    return str(values[0]).strip() if values else ""


def _friendly_names() -> dict[str, str]:
    from saml2.attributemaps.saml_uri import MAP

    return dict(MAP["fro"])


_FRIENDLY = _friendly_names()


def identity_from_session_info(provider: IdentityProvider, session_info: dict) -> Identity:
    ava = session_info.get("ava", {})
    hsa_id = _first(ava, provider.attr_hsa_id)
    name_id = session_info.get("name_id")
    return Identity(
        provider=provider,
        subject=hsa_id or (name_id.text if name_id is not None else ""),
        hsa_id=hsa_id,
        email=_first(ava, provider.attr_email),
        # The IdP vouches for what it signs; an organisation's IdP is trusted for its mail.
        email_verified=True,
        given_name=_first(ava, provider.attr_given_name),
        surname=_first(ava, provider.attr_surname),
        organisation=_first(ava, provider.attr_organisation),
    )


@method_decorator(login_not_required, name="dispatch")
class SamlLoginView(saml_views.LoginView):
    """Sends the browser to one provider with a signed AuthnRequest (HTTP-Redirect)."""

    def get(self, request, *args, slug: str, **kwargs):
        provider = get_object_or_404(
            IdentityProvider, slug=slug, protocol=IdentityProvider.Protocol.SAML, is_active=True
        )
        refusal = flow.throttle_refusal(request, provider)
        if refusal:
            return refusal
        query = request.GET.copy()
        query["idp"] = provider.entity_id
        request.GET = query
        request.session[flow.SESSION_PROVIDER] = provider.pk
        return super().get(request, *args, **kwargs)


@method_decorator([login_not_required, csrf_exempt], name="dispatch")
class SamlAcsView(saml_views.AssertionConsumerServiceView):
    """Receives the IdP's response; every refusal gets the Swedish page and a log entry."""

    def post(self, request, *args, **kwargs):
        self._provider = IdentityProvider.objects.filter(
            pk=request.session.get(flow.SESSION_PROVIDER)
        ).first()
        refusal = flow.throttle_refusal(request, self._provider)
        if refusal:
            return refusal
        return super().post(request, *args, **kwargs)

    def handle_acs_failure(self, request, exception=None, status=403, **kwargs):
        if isinstance(exception, _Refused):
            refused = exception.refused
        else:
            reason = "replay" if type(exception).__name__ == "UnsolicitedResponse" else None
            refused = SignInRefused(
                reason or "invalid_response", f"{type(exception).__name__}: {exception}"
            )
        return flow.refuse(request, self._provider, refused)

    def authenticate_user(self, request, session_info, attribute_mapping, create, assertion_info):
        provider = IdentityProvider.objects.filter(
            protocol=IdentityProvider.Protocol.SAML, entity_id=session_info.get("issuer")
        ).first()
        if provider is None or not provider.is_active:
            raise _Refused(SignInRefused("invalid_response", "okänd utfärdare"))
        self._provider = provider
        identity = identity_from_session_info(provider, session_info)
        try:
            _assertion_once(provider, assertion_info)
            user = flow.accept(request, identity)
        except SignInRefused as refused:
            raise _Refused(refused) from refused
        saml_views._set_subject_id(request.saml_session, session_info["name_id"])
        return user

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except _Refused as error:
            return flow.refuse(request, getattr(self, "_provider", None), error.refused)


class _Refused(PermissionDenied):
    def __init__(self, refused: SignInRefused) -> None:
        super().__init__(str(refused))
        self.refused = refused


def _assertion_once(provider: IdentityProvider, assertion_info: dict) -> None:
    """Record the assertion's id; one seen before is a replay."""
    assertion_id = assertion_info.get("assertion_id")
    if not assertion_id:
        raise SignInRefused("invalid_response", "assertion utan id")
    _, created = UsedAssertion.objects.get_or_create(
        assertion_id=assertion_id,
        defaults={"provider": provider, "not_on_or_after": _parse_time(assertion_info)},
    )
    if not created:
        raise SignInRefused("replay", assertion_id)
    # Ids of assertions that can no longer be accepted anyway need not be kept.
    UsedAssertion.objects.filter(
        not_on_or_after__lt=timezone.now() - datetime.timedelta(days=1)
    ).delete()


def _parse_time(assertion_info: dict):
    value = assertion_info.get("not_on_or_after")
    if not value:
        return None
    from saml2.time_util import str_to_time

    try:
        return datetime.datetime(*str_to_time(value)[:6], tzinfo=datetime.UTC)
    except (TypeError, ValueError):
        return None


@method_decorator(login_not_required, name="dispatch")
class SamlMetadataView(saml_views.MetadataView):
    """The SP's metadata (entity id, ACS, SLO, signing certificate) for the IdPs to load."""


@method_decorator([login_not_required, csrf_exempt], name="dispatch")
class SamlLogoutServiceView(saml_views.LogoutView):
    """The IdP's LogoutResponse (after our LogoutRequest) or LogoutRequest (IdP-initiated)."""


def saml_logout_redirect(request) -> str | None:
    """Start single logout at the IdP the session came from; the URL to send the browser to,
    or None when the IdP has no logout service (the portal session ends anyway)."""
    from djangosaml2.cache import IdentityCache, StateCache
    from saml2.client import Saml2Client

    subject_id = saml_views._get_subject_id(request.saml_session)
    if subject_id is None:
        return None
    state = StateCache(request.saml_session)
    client = Saml2Client(
        config_loader(request),
        state_cache=state,
        identity_cache=IdentityCache(request.saml_session),
    )
    try:
        result = client.global_logout(subject_id)
    except (saml2.client_base.LogoutError, saml2.s_utils.UnsupportedBinding):
        logger.info("IdP utan utloggningstjänst", exc_info=True)
        return None
    state.sync()
    for logout_info in (result or {}).values():
        if isinstance(logout_info, tuple) and logout_info[0] == saml2.BINDING_HTTP_REDIRECT:
            return saml_views.get_location(logout_info[1])
    return None
