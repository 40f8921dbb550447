import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import IdentityProvider, User
from accounts.sso.matching import Identity, sign_in_resolve
from core.models import OutboxMessage
from implementation.models import Level, MembershipRole, UnitMembership
from implementation.services import unit_create
from onboarding import services
from onboarding.models import Invitation

pytestmark = pytest.mark.django_db


def _token_from(message) -> str:
    marker = "/organisation/valkommen/"
    start = message.text.index(marker) + len(marker)
    return message.text[start:].split("/")[0]


@pytest.fixture
def unit(goteborg, forvaltare):
    return unit_create(
        party=goteborg, level=Level.FORVALTNING, name="Socialtjänst", actor=forvaltare
    )


def test_invite_queues_one_mail_with_a_one_use_link(coordinator, goteborg, unit, client, settings):
    result = services.invite(
        actor=coordinator,
        email="Ny.Person@gbg.test",
        first_name="Ny",
        last_name="Person",
        party=goteborg,
        unit=unit,
    )
    invitation = result.invitation
    rows = list(OutboxMessage.objects.filter(kind="onboarding_invitation"))
    assert len(rows) == 1 and rows[0].to == ["Ny.Person@gbg.test"]
    assert settings.SITE_URL + "/organisation/valkommen/" in rows[0].text
    token = _token_from(rows[0])
    assert invitation.token_hash != token and len(invitation.token_hash) == 64
    # Inviting again adds nothing and sends nothing.
    again = services.invite(
        actor=coordinator,
        email="ny.person@gbg.test",
        first_name="Ny",
        last_name="P",
        party=goteborg,
        unit=unit,
    )
    assert again.already_invited and OutboxMessage.objects.count() == 1
    # Accept: choose a password, signed in, appointed, link used.
    url = reverse("onboarding:accept", args=[token])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"password1": "Ett-langt-losen-42", "password2": "Ett-langt-losen-42"}
    )
    assert response.status_code == 302
    user = User.objects.get(email="Ny.Person@gbg.test")
    assert user.party == goteborg and user.check_password("Ett-langt-losen-42")
    assert UnitMembership.objects.get(user=user, unit=unit).role == MembershipRole.LEAD
    invitation.refresh_from_db()
    assert invitation.used_at and invitation.user == user
    # Second use: refused in Swedish, nothing new.
    client.logout()
    response = client.get(url)
    assert response.status_code == 410 and "redan använts" in response.content.decode()
    assert User.objects.filter(email__iexact="ny.person@gbg.test").count() == 1


def test_expired_revoked_and_unknown_links_say_so(coordinator, goteborg, client):
    services.invite(
        actor=coordinator, email="a@gbg.test", first_name="A", last_name="B", party=goteborg
    )
    token = _token_from(OutboxMessage.objects.get())
    invitation = Invitation.objects.get()
    url = reverse("onboarding:accept", args=[token])
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    assert "gått ut" in client.get(url).content.decode()
    assert client.post(url, {"password1": "x" * 20, "password2": "x" * 20}).status_code == 410
    assert not User.objects.filter(email="a@gbg.test").exists()
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() + dt.timedelta(1))
    services.invitation_revoke(invitation=invitation, actor=coordinator)
    assert "återkallats" in client.get(url).content.decode()
    assert "ogiltig" in client.get(reverse("onboarding:accept", args=["fel"])).content.decode()


def test_resend_replaces_the_link_and_queues_a_new_mail(coordinator, goteborg, client):
    services.invite(
        actor=coordinator, email="a@gbg.test", first_name="A", last_name="B", party=goteborg
    )
    old = _token_from(OutboxMessage.objects.get())
    services.invitation_resend(invitation=Invitation.objects.get(), actor=coordinator)
    assert OutboxMessage.objects.count() == 2
    new = _token_from(OutboxMessage.objects.order_by("-pk").first())
    assert new != old
    assert client.get(reverse("onboarding:accept", args=[old])).status_code == 410
    assert client.get(reverse("onboarding:accept", args=[new])).status_code == 200


def test_a_person_belongs_to_one_party(coordinator, goteborg, boras, make_user):
    make_user(username="x", email="bo@boras.test", party=boras)
    with pytest.raises(ValidationError, match="Borås"):
        services.invite(
            actor=coordinator, email="bo@boras.test", first_name="B", last_name="O", party=goteborg
        )
    assert not Invitation.objects.exists()


def test_existing_account_of_the_party_is_appointed_without_mail(
    coordinator, goteborg, unit, make_user
):
    person = make_user(username="p", email="p@gbg.test", party=goteborg)
    result = services.invite(
        actor=coordinator,
        email="P@gbg.test",
        first_name="P",
        last_name="Q",
        party=goteborg,
        unit=unit,
    )
    assert result.appointed_user == person
    assert UnitMembership.objects.filter(user=person, unit=unit, is_active=True).exists()
    assert not OutboxMessage.objects.exists()


def test_first_sso_sign_in_with_an_invitation_creates_the_account(coordinator, goteborg, unit):
    services.invite(
        actor=coordinator,
        email="sso@gbg.test",
        first_name="S",
        last_name="O",
        party=goteborg,
        unit=unit,
    )
    provider = IdentityProvider.objects.create(
        name="Kommunens IdP",
        slug="gbg",
        protocol="oidc",
        attr_organisation="org",
        attr_email="email",
        attr_given_name="given_name",
        attr_surname="family_name",
    )
    unverified = Identity(
        provider=provider, subject="s-1", email="sso@gbg.test", email_verified=False
    )
    with pytest.raises(Exception):  # noqa: B017 - refused: no account, e-mail not vouched for
        sign_in_resolve(identity=unverified)
    assert not User.objects.filter(email="sso@gbg.test").exists()
    identity = Identity(provider=provider, subject="s-1", email="SSO@gbg.test", email_verified=True)
    user = sign_in_resolve(identity=identity)
    assert user.party == goteborg and not user.has_usable_password()
    assert UnitMembership.objects.filter(user=user, unit=unit, is_active=True).exists()
    assert Invitation.objects.get().used_at is not None


def test_invitation_and_acceptance_are_audited(coordinator, goteborg):
    from auditlog.models import LogEntry

    services.invite(
        actor=coordinator, email="a@gbg.test", first_name="A", last_name="B", party=goteborg
    )
    entry = LogEntry.objects.get_for_object(Invitation.objects.get()).get()
    assert entry.actor == coordinator and "token_hash" not in entry.changes_dict
