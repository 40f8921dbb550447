"""The login page's IdP chooser, password sign-in switched off, and the Förvaltare's pages
for identity providers and organisation mappings (rule table, audit, bad input)."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from accounts.models import IdentityProvider, OrganisationMapping
from accounts.permissions import RULES, may
from accounts.tests.factories import TEST_PASSWORD
from agreements.models import Party


@pytest.fixture
def providers(db):
    saml = IdentityProvider.objects.create(
        name="Logga in med SITHS-kort",
        slug="siths",
        protocol="saml",
        entity_id="https://idp.test",
        attr_organisation="o",
        attr_email="mail",
        attr_given_name="g",
        attr_surname="sn",
    )
    oidc = IdentityProvider.objects.create(
        name="Logga in via Borås Stad",
        slug="boras",
        protocol="oidc",
        issuer="https://op.test",
        attr_organisation="o",
        attr_email="email",
        attr_given_name="g",
        attr_surname="s",
    )
    IdentityProvider.objects.create(
        name="Avstängd IdP",
        slug="av",
        protocol="oidc",
        is_active=False,
        issuer="https://x.test",
        attr_organisation="o",
        attr_email="email",
        attr_given_name="g",
        attr_surname="s",
    )
    return saml, oidc


def test_login_page_offers_each_active_provider_under_its_heading(client, providers):
    page = client.get("/konto/logga-in/?next=/avtal/").content.decode()
    assert "Logga in med SITHS-kort" in page and "Logga in via din kommun" in page
    assert 'href="/konto/saml/siths/?next=/avtal/"' in page
    assert 'href="/konto/oidc/boras/?next=/avtal/"' in page
    assert "Avstängd IdP" not in page
    assert "Lösenord" in page


def test_password_login_can_be_switched_off(client, providers, lead, settings):
    settings.PASSWORD_LOGIN = False
    page = client.get("/konto/logga-in/").content.decode()
    assert "Lösenord" not in page and "Logga in med SITHS-kort" in page
    response = client.post(
        "/konto/logga-in/", {"username": lead.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert client.get("/konto/losenord/aterstall/").status_code == 404


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    [
        (
            role,
            action,
            role == "forvaltare"
            or RULES[action][0] in ("everyone", "signed_in")
            # The person picker's suggestions: those who appoint people (issue #19).
            or (action == "search_people" and role != "styrgrupp"),
        )
        for role in ("forvaltare", "registrator", "styrgrupp", "implementeringsansvarig")
        for action in RULES
    ],
)
def test_rule_table(make_user, role, action, allowed):
    assert may(make_user(role=role), action) is allowed


@pytest.mark.parametrize(
    "url",
    [
        "/konto/inloggningstjanster/",
        "/konto/inloggningstjanster/ny/saml/",
        "/konto/inloggningstjanster/organisationer/ny/",
    ],
)
def test_only_the_forvaltare_reaches_the_idp_pages(client, lead, forvaltare, url):
    client.force_login(lead)
    assert client.get(url).status_code == 403
    client.force_login(forvaltare)
    assert client.get(url).status_code == 200


def test_forvaltare_maps_an_organisation_with_an_audit_entry(client, forvaltare, db):
    party = Party.objects.create(slug="testkommun", name="Testkommun", kind="kommun")
    client.force_login(forvaltare)
    response = client.post(
        reverse("accounts:mapping_create"),
        {"identifier": " 212000-0001 ", "party": party.pk, "allows_self_signup": "on"},
    )
    assert response.status_code == 302
    mapping = OrganisationMapping.objects.get()
    assert (mapping.identifier, mapping.party, mapping.allows_self_signup) == (
        "212000-0001",
        party,
        True,
    )
    entry = LogEntry.objects.get_for_object(mapping).get()
    assert entry.actor == forvaltare
    duplicate = client.post(
        reverse("accounts:mapping_create"), {"identifier": "212000-0001", "party": party.pk}
    )
    assert duplicate.status_code == 200 and "finns redan" in duplicate.content.decode()
    page = client.get(reverse("accounts:mapping_delete", args=[mapping.pk])).content.decode()
    assert "Vill du ta bort" in page
    client.post(reverse("accounts:mapping_delete", args=[mapping.pk]))
    assert not OrganisationMapping.objects.exists()


def test_saml_provider_from_an_uploaded_metadata_file(client, forvaltare, tmp_path, settings):
    from saml2.config import IdPConfig
    from saml2.metadata import entity_descriptor

    from accounts.sso.keys import make_key_pair

    make_key_pair(tmp_path / "k", tmp_path / "c", common_name="IdP")
    config = IdPConfig()
    config.load(
        {
            "entityid": "https://idp.inera.test/saml",
            "key_file": str(tmp_path / "k"),
            "cert_file": str(tmp_path / "c"),
            "service": {
                "idp": {
                    "endpoints": {
                        "single_sign_on_service": [
                            (
                                "https://idp.inera.test/sso",
                                "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
                            )
                        ]
                    }
                }
            },
        }
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(forvaltare)
    form = client.get(reverse("accounts:idp_create", args=["saml"])).content.decode()
    assert "http://sambi.se/attributes/1/employeeHsaId" in form
    data = {
        "name": "Logga in med SITHS-kort",
        "slug": "siths",
        "is_active": "on",
        "attr_hsa_id": "http://sambi.se/attributes/1/employeeHsaId",
        "attr_organisation": "urn:oid:2.5.4.10",
        "attr_email": "mail",
        "attr_given_name": "givenName",
        "attr_surname": "sn",
    }
    for content, message in (
        (b"<inte-metadata/>", "Filtypen stöds inte"),
        (b"inte xml alls <", "Filtypen stöds inte"),
        (
            b'<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
            b'entityID="https://sp.test"><md:SPSSODescriptor protocolSupportEnumeration='
            b'"urn:oasis:names:tc:SAML:2.0:protocol"/></md:EntityDescriptor>',
            "ska beskriva exakt en identitetsleverantör",
        ),
    ):
        bad = client.post(
            reverse("accounts:idp_create", args=["saml"]),
            {**data, "metadata_file": SimpleUploadedFile("m.xml", content)},
        )
        assert bad.status_code == 200 and message in bad.content.decode()
        assert 'value="Logga in med SITHS-kort"' in bad.content.decode()  # nothing lost
    assert not IdentityProvider.objects.exists()
    good = client.post(
        reverse("accounts:idp_create", args=["saml"]),
        {
            **data,
            "metadata_file": SimpleUploadedFile("m.xml", str(entity_descriptor(config)).encode()),
        },
    )
    assert good.status_code == 302
    provider = IdentityProvider.objects.get()
    assert provider.entity_id == "https://idp.inera.test/saml"
    assert LogEntry.objects.get_for_object(provider).get().actor == forvaltare
    assert "Logga in med SITHS-kort" in client.get(reverse("accounts:idp_list")).content.decode()


@pytest.mark.parametrize("size", [10, 300])
def test_idp_page_queries_are_bounded(client, forvaltare, size, django_assert_max_num_queries):
    from accounts.models import SignInEvent

    party = Party.objects.create(slug="qkommun", name="Q-kommun", kind="kommun")
    provider = IdentityProvider.objects.create(
        name="IdP",
        slug="q",
        protocol="oidc",
        issuer="https://q.test",
        attr_organisation="o",
        attr_email="email",
        attr_given_name="g",
        attr_surname="s",
    )
    OrganisationMapping.objects.bulk_create(
        OrganisationMapping(identifier=f"org-{n}", party=party) for n in range(size)
    )
    SignInEvent.objects.bulk_create(
        SignInEvent(provider=provider, outcome="accepted", user=forvaltare) for _ in range(size)
    )
    client.force_login(forvaltare)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:idp_list"))
    assert response.status_code == 200
    assert response.content.decode().count("<code>org-") == size
