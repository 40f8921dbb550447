"""Sign-in through the real IdPs (SimpleSAMLphp, oidc-provider) in Chromium, to Min sida."""

import re

import pytest

from accounts.models import ExternalIdentity, OrganisationMapping, SignInEvent, User
from accounts.tests.idp import PASSWORD, SAML_USERS
from agreements.models import Party

pytestmark = pytest.mark.xdist_group(name="sso-idps")
ANNA = SAML_USERS[0]


@pytest.fixture
def parties(reference_data):
    region = Party.objects.get(kind=Party.Kind.REGION)
    goteborg = Party.objects.get(slug="goteborg")
    boras = Party.objects.get(slug="boras")
    OrganisationMapping.objects.create(identifier="VGR-TEST", party=region)
    OrganisationMapping.objects.create(identifier="212000-1355", party=goteborg)
    OrganisationMapping.objects.create(
        identifier="BORAS-TEST", party=boras, allows_self_signup=True
    )
    return {"region": region, "goteborg": goteborg, "boras": boras}


def saml_sign_in(page, username: str) -> None:
    page.goto(f"{page.base_url}/konto/logga-in/")
    page.get_by_role("link", name="Logga in med SITHS-kort").click()
    page.wait_for_selector("#username")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    back_home(page)


def back_home(page) -> None:
    """Wait until the IdP's pages (and their auto-submitted forms) hand the browser back."""
    page.wait_for_url(lambda url: url.startswith(page.base_url))
    page.wait_for_load_state()


def oidc_sign_in(page, login: str, *, tamper=None) -> None:
    """Sign in at the OpenID Provider. ``tamper`` changes the authorization request the
    portal made (as an attacker's link would) before the browser follows it."""
    if tamper is None:
        page.goto(f"{page.base_url}/konto/logga-in/")
        page.get_by_role("link", name="Logga in via Göteborgs Stad").click()
    else:
        # The portal starts the flow in this browser's session; the browser then follows
        # an authorization request with the same client but a changed state or nonce.
        start = page.request.get(f"{page.base_url}/konto/oidc/goteborg/", max_redirects=0)
        assert start.status == 302
        page.goto(tamper(start.headers["location"]))
    page.wait_for_selector("input[name=login]")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "vilket-som-helst")
    page.locator("button[type=submit]").first.click()
    page.wait_for_load_state()
    if not page.url.startswith(page.base_url):  # the provider's consent page
        page.locator("button[type=submit]").first.click()
    back_home(page)


def test_saml_sign_in_attaches_to_the_existing_account_and_single_logout_works(
    browser_page, saml_provider, parties, make_user
):
    page = browser_page
    anna = make_user(
        username="anna.andersson",
        first_name="Anna",
        last_name="Andersson",
        email="annan.adress@vgregion.test",
        hsa_id=ANNA.hsa_id,
        role="implementeringsansvarig",
        party=parties["goteborg"],
    )
    users_before = User.objects.count()
    saml_sign_in(page, "anna")
    page.goto(f"{page.base_url}/genomforande/min-sida/")
    assert "/genomforande/min-sida/" in page.url
    assert "Anna Andersson" in page.content()
    # Party and role from the portal's own data, not from the IdP's organisation (VGR).
    anna.refresh_from_db()
    assert anna.party == parties["goteborg"] and anna.role == "implementeringsansvarig"
    assert ExternalIdentity.objects.get(user=anna, provider=saml_provider).subject == ANNA.hsa_id

    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url(re.compile(r".*/konto/logga-in/.*"))
    page.goto(f"{page.base_url}/genomforande/min-sida/")
    assert "/konto/logga-in/" in page.url, "portalens session ska vara slut"

    saml_sign_in(page, "anna")  # the IdP's session ended too: its form is shown again
    page.goto(f"{page.base_url}/genomforande/min-sida/")
    assert "/genomforande/min-sida/" in page.url
    assert User.objects.count() == users_before
    assert ExternalIdentity.objects.filter(user=anna).count() == 1
    assert SignInEvent.objects.filter(outcome="accepted", user=anna).count() == 2


def test_saml_unknown_organisation_is_refused_and_creates_no_user(
    browser_page, saml_provider, parties
):
    page = browser_page
    users_before = User.objects.count()
    saml_sign_in(page, "bo")
    assert "Din organisation är inte ansluten till HoS-portalen" in page.content()
    assert User.objects.count() == users_before
    event = SignInEvent.objects.get(outcome="refused")
    assert event.reason == "unknown_organisation" and event.detail == "OKAND-ORG"


def test_saml_self_sign_up_party_creates_one_plain_user(browser_page, saml_provider, parties):
    page = browser_page
    saml_sign_in(page, "cia")
    page.goto(f"{page.base_url}/genomforande/min-sida/")
    cia = User.objects.get(hsa_id=SAML_USERS[2].hsa_id)
    assert (cia.party, cia.role, cia.is_staff) == (
        parties["boras"],
        "implementeringsansvarig",
        False,
    )
    assert not cia.has_usable_password()


def test_saml_replayed_response_is_refused(browser_page, saml_provider, parties, make_user):
    page = browser_page
    make_user(username="anna.replay", hsa_id=ANNA.hsa_id, party=parties["region"])
    captured = {}

    def keep(request):
        if request.url.endswith("/konto/saml/acs/") and request.method == "POST":
            captured["body"] = request.post_data

    page.on("request", keep)
    saml_sign_in(page, "anna")
    assert "body" in captured
    response = page.request.post(
        f"{page.base_url}/konto/saml/acs/",
        data=captured["body"],
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status == 403
    assert "redan använts" in response.text()
    assert SignInEvent.objects.filter(outcome="refused", reason="replay").count() == 1


def test_oidc_sign_in_by_verified_email_then_again_still_one_user(
    browser_page, oidc_provider, parties, make_user
):
    page = browser_page
    dan = make_user(
        username="dan",
        first_name="Dan",
        last_name="Dahl",
        email="Dan.Oidc@goteborg.test",
        role="implementeringsansvarig",
        party=parties["goteborg"],
    )
    users_before = User.objects.count()
    oidc_sign_in(page, "dan")
    page.goto(f"{page.base_url}/genomforande/min-sida/")
    assert "/genomforande/min-sida/" in page.url
    assert "Dan Dahl" in page.content()
    assert ExternalIdentity.objects.get(user=dan).subject == "dan"

    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url(lambda url: "/session/end" in url)  # the provider asks to confirm
    page.locator("button[type=submit]").first.click()
    back_home(page)
    page.goto(f"{page.base_url}/genomforande/min-sida/")
    assert "/konto/logga-in/" in page.url

    oidc_sign_in(page, "dan")
    page.goto(f"{page.base_url}/genomforande/min-sida/")
    assert "/genomforande/min-sida/" in page.url
    assert User.objects.count() == users_before


def test_oidc_unknown_organisation_is_refused(browser_page, oidc_provider, parties):
    users_before = User.objects.count()
    oidc_sign_in(browser_page, "eva")
    assert "Din organisation är inte ansluten" in browser_page.content()
    assert User.objects.count() == users_before
    assert SignInEvent.objects.get().reason == "unknown_organisation"


def test_oidc_state_mismatch_is_refused(browser_page, oidc_provider, parties, make_user):
    page = browser_page
    make_user(username="dan2", email="dan.oidc@goteborg.test", party=parties["goteborg"])

    oidc_sign_in(page, "dan", tamper=lambda url: re.sub(r"state=[^&]+", "state=forfalskat", url))
    assert "kunde inte kopplas till den här webbläsaren" in page.content()
    assert not ExternalIdentity.objects.exists()
    assert SignInEvent.objects.get().reason == "state"


def test_oidc_nonce_mismatch_is_refused(browser_page, oidc_provider, parties, make_user):
    page = browser_page
    make_user(username="dan3", email="dan.oidc@goteborg.test", party=parties["goteborg"])

    oidc_sign_in(page, "dan", tamper=lambda url: re.sub(r"nonce=[^&]+", "nonce=en-annan", url))
    assert "kunde inte kopplas till den här webbläsaren" in page.content()
    assert not ExternalIdentity.objects.exists()
    event = SignInEvent.objects.get()
    assert event.reason == "state" and "Nonce" in event.detail


def test_oidc_wrong_issuer_is_refused(browser_page, oidc_provider, parties, make_user):
    page = browser_page
    make_user(username="dan4", email="dan.oidc@goteborg.test", party=parties["goteborg"])
    type(oidc_provider).objects.filter(pk=oidc_provider.pk).update(
        issuer="https://idp.annan-kommun.test"
    )
    oidc_sign_in(page, "dan")
    assert "gick inte att lita på" in page.content()
    assert not ExternalIdentity.objects.exists()
    event = SignInEvent.objects.get()
    assert event.reason == "invalid_response" and "issuer" in event.detail.lower()
