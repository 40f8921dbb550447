"""Every write of the accounts app's sign-in configuration: audited, validated, atomic."""

import requests
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import MappingAction, ProviderAction
from accounts.models import IdentityProvider, OrganisationMapping, User
from core.audit import audit_actor, record

METADATA_MAX_BYTES = 2 * 1024 * 1024
TIMEOUT = 10


def _fetch(url: str) -> bytes:
    try:
        response = requests.get(url, timeout=TIMEOUT, stream=True)
        response.raise_for_status()
        body = response.raw.read(METADATA_MAX_BYTES + 1, decode_content=True)
    except requests.HTTPError as error:
        raise ValidationError(
            _("Adressen svarade med fel (HTTP %(kod)s). Kontrollera adressen.")
            % {"kod": error.response.status_code}
        ) from error
    except requests.RequestException as error:
        raise ValidationError(
            _("Adressen gick inte att nå. Kontrollera adressen och att servern är i gång.")
        ) from error
    if len(body) > METADATA_MAX_BYTES:
        raise ValidationError(_("Metadatan är större än 2 MB."))
    return body


def saml_metadata_entity_id(xml: str) -> str:
    """The entityID of the one IdP described by ``xml``; a clear error otherwise."""
    from saml2.mdstore import InMemoryMetaData

    store = InMemoryMetaData(attrc=None, metadata=xml)
    try:
        store.load()
    except Exception as error:  # pysaml2 raises many kinds for malformed XML
        raise ValidationError(
            _("Filen eller adressen innehåller inte giltig SAML-metadata (XML enligt SAML 2.0).")
        ) from error
    idps = [eid for eid, entity in store.items() if "idpsso_descriptor" in entity]
    if len(idps) != 1:
        raise ValidationError(
            _("Metadatan ska beskriva exakt en identitetsleverantör (den beskriver %(n)s).")
            % {"n": len(idps)}
        )
    return idps[0]


def _refresh_saml(provider: IdentityProvider, metadata_upload: bytes | None) -> None:
    if metadata_upload is not None:
        raw = metadata_upload
    elif provider.metadata_url:
        raw = _fetch(provider.metadata_url)
    elif provider.metadata_xml:
        raw = provider.metadata_xml.encode()
    else:
        raise ValidationError(_("Ange adressen till IdP:ns metadata eller ladda upp filen."))
    try:
        xml = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValidationError(_("Metadatan ska vara en XML-fil i UTF-8.")) from error
    provider.metadata_xml = xml
    provider.entity_id = saml_metadata_entity_id(xml)


def _refresh_oidc(provider: IdentityProvider) -> None:
    from accounts.sso.oidc import provider_discover

    if not (provider.issuer and provider.client_id):
        raise ValidationError(_("Ange utfärdare och klient-id."))
    try:
        document = provider_discover(provider)
    except requests.RequestException as error:
        raise ValidationError(
            _(
                "Leverantörens konfiguration (/.well-known/openid-configuration) gick inte att "
                "hämta. Kontrollera utfärdarens adress."
            )
        ) from error
    except ValueError as error:
        raise ValidationError(
            _("Leverantören uppger en annan utfärdare än den du angett: %(fel)s") % {"fel": error}
        ) from error
    provider.authorization_endpoint = document.get("authorization_endpoint", "")
    provider.token_endpoint = document.get("token_endpoint", "")
    provider.userinfo_endpoint = document.get("userinfo_endpoint", "")
    provider.jwks_uri = document.get("jwks_uri", "")
    provider.end_session_endpoint = document.get("end_session_endpoint", "")
    if not (provider.authorization_endpoint and provider.token_endpoint and provider.jwks_uri):
        raise ValidationError(_("Leverantören saknar auktoriserings-, token- eller nyckeladress."))


def identity_provider_save(
    *, provider: IdentityProvider, actor: User | None, metadata_upload: bytes | None = None
) -> IdentityProvider:
    """Create or change a provider, fetching its metadata (SAML) or discovery document
    (OIDC) so that a provider that cannot be used is never saved."""
    if provider.protocol == IdentityProvider.Protocol.SAML:
        _refresh_saml(provider, metadata_upload)
    else:
        _refresh_oidc(provider)
    provider.full_clean()
    created = provider._state.adding
    with transaction.atomic(), audit_actor(actor):
        provider.save()
        record(
            actor=actor,
            action=ProviderAction.CREATED if created else ProviderAction.UPDATED,
            obj=provider,
            data={"protocol": provider.protocol, "entity_id": provider.entity_id or None},
        )
    return provider


def organisation_mapping_save(
    *, mapping: OrganisationMapping, actor: User | None
) -> OrganisationMapping:
    mapping.identifier = mapping.identifier.strip()
    mapping.full_clean()
    with transaction.atomic(), audit_actor(actor):
        mapping.save()
        record(
            actor=actor,
            action=MappingAction.SAVED,
            obj=mapping,
            data={"identifier": mapping.identifier, "party_id": mapping.party_id},
        )
    return mapping


def organisation_mapping_delete(*, mapping: OrganisationMapping, actor: User | None) -> None:
    with transaction.atomic(), audit_actor(actor):
        record(
            actor=actor,
            action=MappingAction.DELETED,
            obj=mapping,
            data={"identifier": mapping.identifier, "party_id": mapping.party_id},
        )
        mapping.delete()
