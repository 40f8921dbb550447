"""The SAML service provider's refusals, with responses made and tampered by a pysaml2 IdP
(its own key, its metadata loaded like any IdP's): unsigned, wrong audience, expired, replayed,
and a forged signature. Each is refused with a Swedish message, creates nothing and is logged."""

import base64
import datetime
import warnings
from urllib.parse import parse_qs, urlsplit

import pytest
import saml2
import time_machine
from cryptography.utils import CryptographyDeprecationWarning
from django.test import override_settings
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import AUTHN_PASSWORD_PROTECTED, NAMEID_FORMAT_TRANSIENT, NameID

with warnings.catch_warnings():
    # pysaml2's IdP side imports a cipher mode cryptography has moved (not used here).
    warnings.simplefilter("ignore", CryptographyDeprecationWarning)
    from saml2.server import Server

from accounts.models import ExternalIdentity, IdentityProvider, SignInEvent, UsedAssertion, User
from accounts.services import identity_provider_save
from accounts.sso.keys import make_key_pair
from accounts.sso.saml import sp_config_dict
from core.testing.plugin import unavailable

SITE = "http://testserver"
HSA_ID = "SE2321000131-E000000000201"
IDP_ENTITY = "https://idp.test.hosportalen.se/saml"


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    """The SP's and the IdP's keys, made once for the module (2048 bits: quicker to make)."""
    import shutil

    if not shutil.which("xmlsec1"):
        unavailable("xmlsec1 saknas (apt-get install xmlsec1)")
    path = tmp_path_factory.mktemp("saml-keys")
    make_key_pair(path / "sp.key", path / "sp.crt", common_name="SP", key_size=2048)
    make_key_pair(path / "idp.key", path / "idp.crt", common_name="IdP", key_size=2048)
    return path


@pytest.fixture
def sp_settings(keys):
    with override_settings(
        SITE_URL=SITE,
        SAML_SP_KEY_FILE=str(keys / "sp.key"),
        SAML_SP_CERT_FILE=str(keys / "sp.crt"),
    ):
        yield


@pytest.fixture
def idp(db, keys, sp_settings):
    tmp_path = keys
    sp_metadata = str(entity_descriptor(_sp_config()))
    config = IdPConfig()
    config.load(
        {
            "entityid": IDP_ENTITY,
            "key_file": str(tmp_path / "idp.key"),
            "cert_file": str(tmp_path / "idp.crt"),
            "xmlsec_binary": "/usr/bin/xmlsec1",
            "metadata": {"inline": [sp_metadata]},
            "service": {
                "idp": {
                    "endpoints": {
                        "single_sign_on_service": [
                            (f"{IDP_ENTITY}/sso", saml2.BINDING_HTTP_REDIRECT)
                        ]
                    },
                    "policy": {"default": {"lifetime": {"minutes": 5}}},
                }
            },
        }
    )
    server = Server(config=config)
    provider = identity_provider_save(
        provider=IdentityProvider(
            name="Logga in med SITHS-kort",
            slug="siths",
            protocol="saml",
            attr_hsa_id="http://sambi.se/attributes/1/employeeHsaId",
            attr_organisation="urn:oid:2.5.4.10",
            attr_email="urn:oid:0.9.2342.19200300.100.1.3",
            attr_given_name="urn:oid:2.5.4.42",
            attr_surname="urn:oid:2.5.4.4",
        ),
        actor=None,
        metadata_upload=str(entity_descriptor(config)).encode(),
    )
    return server, provider


def _sp_config():
    from saml2.config import SPConfig

    config = SPConfig()
    config.load(sp_config_dict(providers=[]))
    return config


@pytest.fixture
def person(db, make_user):
    return make_user(username="person", hsa_id=HSA_ID)


def start(client) -> str:
    """The portal's AuthnRequest id, as the IdP reads it."""
    response = client.get("/konto/saml/siths/")
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert "Signature" in query, "AuthnRequest ska vara signerad"
    return query["SAMLRequest"][0]


def answer(server, client, *, audience=None, sign_assertion=True, hsa_id=HSA_ID, **kwargs) -> str:
    request = server.parse_authn_request(start(client), saml2.BINDING_HTTP_REDIRECT)
    assert request.message.id
    xml = server.create_authn_response(
        identity={
            "http://sambi.se/attributes/1/employeeHsaId": [hsa_id],
            "urn:oid:2.5.4.10": ["VGR-TEST"],
        },
        in_response_to=request.message.id,
        destination=f"{SITE}/konto/saml/acs/",
        sp_entity_id=audience or f"{SITE}/konto/saml/metadata/",
        name_id=NameID(format=NAMEID_FORMAT_TRANSIENT, text="_transient-1"),
        authn={"class_ref": AUTHN_PASSWORD_PROTECTED, "authn_auth": IDP_ENTITY},
        sign_assertion=sign_assertion,
        sign_response=False,
        **kwargs,
    )
    return str(xml)


def post(client, xml: str):
    return client.post(
        "/konto/saml/acs/", {"SAMLResponse": base64.b64encode(xml.encode()).decode()}
    )


def assert_refused(response, text: str, *, users_before: int) -> SignInEvent:
    assert response.status_code == 403
    assert text in response.content.decode()
    assert User.objects.count() == users_before
    assert not ExternalIdentity.objects.exists()
    return SignInEvent.objects.get(outcome="refused")


def test_sp_metadata_is_public_and_announces_signed_requests_and_assertions(
    client, sp_settings, db
):
    response = client.get("/konto/saml/metadata/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'AuthnRequestsSigned="true"' in body and 'WantAssertionsSigned="true"' in body
    assert f'entityID="{SITE}/konto/saml/metadata/"' in body
    assert "X509Certificate" in body


def test_a_good_signed_response_signs_in(client, idp, person):
    server, provider = idp
    response = post(client, answer(server, client))
    assert response.status_code == 302
    assert ExternalIdentity.objects.get(user=person, provider=provider).subject == HSA_ID
    assert UsedAssertion.objects.count() == 1


def test_unsigned_assertion_is_refused(client, idp, person):
    server, _ = idp
    users = User.objects.count()
    event = assert_refused(
        post(client, answer(server, client, sign_assertion=False)),
        "gick inte att lita på",
        users_before=users,
    )
    assert event.reason == "invalid_response"
    assert "Signature missing for assertion" in event.detail


def test_tampered_signature_is_refused(client, idp, person):
    server, _ = idp
    users = User.objects.count()
    xml = answer(server, client).replace("VGR-TEST", "ANNAN-ORG")
    event = assert_refused(post(client, xml), "gick inte att lita på", users_before=users)
    assert event.reason == "invalid_response"
    assert "Failed to verify signature" in event.detail


def test_wrong_audience_is_refused(client, idp, person):
    server, _ = idp
    users = User.objects.count()
    xml = answer(server, client, audience="https://en-annan-tjanst.test/metadata/")
    event = assert_refused(post(client, xml), "gick inte att lita på", users_before=users)
    assert event.reason == "invalid_response"
    assert "AudienceRestrictions conditions not satisfied" in event.detail


def test_expired_assertion_is_refused(client, idp, person):
    server, _ = idp
    users = User.objects.count()
    with time_machine.travel(datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)):
        xml = answer(server, client)
    event = assert_refused(post(client, xml), "gick inte att lita på", users_before=users)
    assert event.reason == "invalid_response"
    assert "ResponseLifetimeExceed" in event.detail


def test_replayed_response_is_refused_even_with_a_new_request(client, idp, person):
    server, _ = idp
    xml = answer(server, client)
    assert post(client, xml).status_code == 302
    client.logout()
    start(client)  # a fresh outstanding request does not make the old answer valid
    users = User.objects.count()
    response = post(client, xml)
    assert response.status_code == 403
    assert "redan använts" in response.content.decode()
    assert User.objects.count() == users
    assert SignInEvent.objects.filter(outcome="refused", reason="replay").count() == 1


def test_repeated_refusals_are_throttled(client, idp, person, settings):
    server, _ = idp
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post(client, answer(server, client, sign_assertion=False))
    response = client.get("/konto/saml/siths/")
    assert response.status_code in (403, 429)
    assert "För många misslyckade inloggningar" in response.content.decode() or (
        "låst" in response.content.decode().lower()
    )


def test_an_assertion_id_is_accepted_once(idp):
    from accounts.sso.matching import SignInRefused
    from accounts.sso.saml import _assertion_once

    _, provider = idp
    info = {"assertion_id": "_a1", "not_on_or_after": "2026-12-03T10:00:00Z"}
    _assertion_once(provider, info)
    with pytest.raises(SignInRefused) as refused:
        _assertion_once(provider, info)
    assert refused.value.reason == "replay"
    assert UsedAssertion.objects.get().not_on_or_after.year == 2026


def test_refusals_of_one_person_do_not_lock_out_colleagues_at_the_same_address(
    client, idp, person, settings
):
    server, _ = idp
    stranger = "SE2321000131-E000000000999"  # verified by the IdP, but has no account
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert post(client, answer(server, client, hsa_id=stranger)).status_code == 403
    assert post(client, answer(server, client, hsa_id=stranger)).status_code == 429  # locked
    again = post(client, answer(server, client, hsa_id=stranger))
    assert again.status_code == 429 and "För många misslyckade" in again.content.decode()
    assert SignInEvent.objects.filter(subject=stranger, reason="no_account").exists() or (
        SignInEvent.objects.filter(subject=stranger, reason="unknown_organisation").exists()
    )
    # A colleague behind the same proxy still gets in.
    assert post(client, answer(server, client)).status_code == 302
    assert ExternalIdentity.objects.get().user == person
