"""Fixtures of the SSO tests: the real IdPs (once per session) and their provider rows."""

import shutil
from pathlib import Path

import pytest

from accounts.tests import idp as idps
from core.testing.plugin import unavailable


@pytest.fixture(scope="session")
def _sso_settings(_server, tmp_path_factory):
    """The portal as the IdPs know it: its address and its own SP key, for the session."""
    from django.test.utils import override_settings

    from accounts.sso.keys import make_key_pair

    keys = tmp_path_factory.mktemp("sp-keys")
    make_key_pair(
        keys / "sp.key", keys / "sp.crt", common_name="HoS-portalen test SP", key_size=2048
    )
    override = override_settings(
        SITE_URL=_server.url,
        SAML_SP_KEY_FILE=str(keys / "sp.key"),
        SAML_SP_CERT_FILE=str(keys / "sp.crt"),
    )
    override.enable()
    yield keys
    override.disable()


@pytest.fixture(scope="session")
def simplesamlphp(_sso_settings, _server, tmp_path_factory):
    for tool in ("php", "xmlsec1"):
        if not shutil.which(tool):
            unavailable(f"{tool} saknas (apt-get install simplesamlphp xmlsec1 php-xml)")
    if not idps.SIMPLESAMLPHP.exists():
        unavailable("SimpleSAMLphp saknas (apt-get install simplesamlphp)")
    base = _server.url
    idp = idps.start_simplesamlphp(
        tmp_path_factory.mktemp("simplesamlphp"),
        host=idps.host_of(base),
        sp_entity_id=base + "/konto/saml/metadata/",
        sp_acs=base + "/konto/saml/acs/",
        sp_sls=base + "/konto/saml/sls/",
        sp_cert_pem=(Path(_sso_settings) / "sp.crt").read_text(),
    )
    yield idp
    idp.stop()


@pytest.fixture(scope="session")
def oidc_op(_sso_settings, _server):
    if not shutil.which("node"):
        unavailable("node saknas")
    if not (idps.ROOT / "node_modules" / "oidc-provider").exists():
        unavailable("oidc-provider saknas: kör 'npm ci' (make gör det)")
    idp = idps.start_oidc_provider(
        host=idps.host_of(_server.url),
        redirect_uri=_server.url + "/konto/oidc/callback/",
        post_logout_uri=_server.url + "/konto/logga-in/",
    )
    yield idp
    idp.stop()


@pytest.fixture
def saml_provider(transactional_db, simplesamlphp):
    from accounts.models import IdentityProvider
    from accounts.services import identity_provider_save

    provider = IdentityProvider(
        name="Logga in med SITHS-kort",
        slug="siths",
        protocol=IdentityProvider.Protocol.SAML,
        metadata_url=simplesamlphp.extra["metadata_url"],
        **provider_defaults("saml"),
    )
    return identity_provider_save(provider=provider, actor=None)


@pytest.fixture
def oidc_provider(transactional_db, oidc_op):
    from accounts.models import IdentityProvider
    from accounts.services import identity_provider_save

    provider = IdentityProvider(
        name="Logga in via Göteborgs Stad",
        slug="goteborg",
        protocol=IdentityProvider.Protocol.OIDC,
        issuer=oidc_op.extra["issuer"],
        client_id=oidc_op.extra["client"]["client_id"],
        client_secret=oidc_op.extra["client"]["client_secret"],
        **provider_defaults("oidc"),
    )
    return identity_provider_save(provider=provider, actor=None)


def provider_defaults(protocol: str) -> dict:
    from accounts.models import OIDC_DEFAULTS, SAML_DEFAULTS

    return dict(SAML_DEFAULTS if protocol == "saml" else OIDC_DEFAULTS)
