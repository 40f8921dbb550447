"""Who a verified identity becomes in the portal (accounts.sso.matching)."""

import pytest
from auditlog.models import LogEntry

from accounts.models import ExternalIdentity, IdentityProvider, OrganisationMapping, User
from accounts.sso import matching
from accounts.sso.matching import Identity, SignInRefused, sign_in_resolve
from agreements.models import Party


@pytest.fixture
def provider(db):
    return IdentityProvider.objects.create(
        name="Logga in via kommunen",
        slug="kommun",
        protocol="oidc",
        issuer="https://op.test",
        attr_organisation="org",
        attr_email="email",
        attr_given_name="g",
        attr_surname="s",
    )


@pytest.fixture
def party(db):
    return Party.objects.create(slug="testkommun", name="Testkommun", kind="kommun")


def identity(provider, **kwargs) -> Identity:
    values = {"subject": "sub-1", "email": "", "email_verified": True, "organisation": ""}
    return Identity(provider=provider, **{**values, **kwargs})


def test_existing_user_is_found_by_hsa_id_and_linked_once(provider, make_user):
    user = make_user(hsa_id="SE-HSA-1", role="registrator")
    found = sign_in_resolve(identity=identity(provider, hsa_id="SE-HSA-1"))
    again = sign_in_resolve(identity=identity(provider, hsa_id="SE-HSA-1"))
    assert found == again == user
    assert ExternalIdentity.objects.filter(user=user).count() == 1
    user.refresh_from_db()
    assert user.role == "registrator"  # the portal's role, never the IdP's


def test_existing_user_is_found_by_verified_email_only(provider, make_user):
    user = make_user(email="Person@Kommun.test")
    with pytest.raises(SignInRefused) as refused:
        sign_in_resolve(
            identity=identity(provider, email="person@kommun.test", email_verified=False)
        )
    assert refused.value.reason == "unknown_organisation"
    assert sign_in_resolve(identity=identity(provider, email="person@kommun.test")) == user


def test_unknown_organisation_creates_nothing(provider):
    users = User.objects.count()
    with pytest.raises(SignInRefused) as refused:
        sign_in_resolve(identity=identity(provider, organisation="999"))
    assert refused.value.reason == "unknown_organisation"
    assert "förvaltare" in str(refused.value.message)
    assert User.objects.count() == users and not ExternalIdentity.objects.exists()


def test_mapped_organisation_without_self_sign_up_says_whom_to_ask(provider, party):
    OrganisationMapping.objects.create(identifier="212000-0001", party=party)
    with pytest.raises(SignInRefused) as refused:
        sign_in_resolve(identity=identity(provider, organisation="212000-0001"))
    assert refused.value.reason == "no_account"
    assert "samordnare" in str(refused.value.message)
    assert not User.objects.exists()


def test_self_sign_up_creates_one_plain_user_of_the_mapped_party(provider, party):
    OrganisationMapping.objects.create(
        identifier="212000-0001", party=party, allows_self_signup=True
    )
    person = identity(
        provider,
        organisation="212000-0001",
        email="ny@kommun.test",
        given_name="Ny",
        surname="Person",
    )
    user = sign_in_resolve(identity=person)
    assert (user.party, user.role, user.is_staff, user.is_superuser) == (
        party,
        "implementeringsansvarig",
        False,
        False,
    )
    assert not user.has_usable_password()
    assert sign_in_resolve(identity=person) == user
    assert User.objects.count() == 1
    assert LogEntry.objects.get_for_object(user).filter(action=LogEntry.Action.CREATE).exists()


def test_inactive_user_is_refused(provider, make_user):
    make_user(hsa_id="SE-HSA-2", is_active=False)
    with pytest.raises(SignInRefused) as refused:
        sign_in_resolve(identity=identity(provider, hsa_id="SE-HSA-2"))
    assert refused.value.reason == "inactive"
    assert not ExternalIdentity.objects.exists()


def test_two_accounts_with_one_email_are_not_guessed_between(provider, make_user):
    make_user(username="a", email="delad@kommun.test")
    make_user(username="b", email="delad@kommun.test")
    with pytest.raises(SignInRefused) as refused:
        sign_in_resolve(identity=identity(provider, email="delad@kommun.test"))
    assert refused.value.reason == "ambiguous"


def test_another_subject_cannot_take_over_a_linked_account(provider, make_user):
    user = make_user(email="person@kommun.test")
    sign_in_resolve(identity=identity(provider, subject="sub-1", email="person@kommun.test"))
    with pytest.raises(SignInRefused):
        sign_in_resolve(identity=identity(provider, subject="sub-2", email="person@kommun.test"))
    assert ExternalIdentity.objects.get().user == user


def test_a_registered_matcher_is_asked_before_self_sign_up(provider, make_user, monkeypatch):
    invited = make_user(username="inbjuden", role="styrgrupp")
    monkeypatch.setattr(matching, "_matchers", [])
    matching.register_matcher(
        lambda ident: invited if ident.email == "inbjuden@kommun.test" else None
    )
    user = sign_in_resolve(
        identity=identity(provider, email="inbjuden@kommun.test", email_verified=False)
    )
    assert user == invited and user.role == "styrgrupp"
