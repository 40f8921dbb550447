"""The accounts app's writes record their audit events: the organisation mappings a
förvaltare keeps, and the account and link a first sign-in makes (actor: the system)."""

import pytest

from accounts import services
from accounts.audit import MappingAction, UserAction
from accounts.models import IdentityProvider, OrganisationMapping
from accounts.sso.matching import Identity, sign_in_resolve
from agreements.models import Party
from core.models import AuditEvent


def events(action):
    return list(AuditEvent.objects.filter(action=action.value).order_by("pk"))


@pytest.fixture
def party(db):
    return Party.objects.create(slug="testkommun", name="Testkommun", kind="kommun")


def test_saving_and_deleting_a_mapping_is_recorded_with_the_forvaltare(forvaltare, party):
    mapping = services.organisation_mapping_save(
        mapping=OrganisationMapping(identifier=" 212000-0001 ", party=party), actor=forvaltare
    )
    pk = mapping.pk
    services.organisation_mapping_delete(mapping=mapping, actor=forvaltare)
    (saved,) = events(MappingAction.SAVED)
    (deleted,) = events(MappingAction.DELETED)
    assert saved.actor == deleted.actor == forvaltare
    assert saved.object_pk == deleted.object_pk == str(pk)
    assert deleted.data == {"identifier": "212000-0001", "party_id": party.pk}


def test_a_first_sign_in_records_the_new_account_and_its_link_once(party):
    provider = IdentityProvider.objects.create(
        name="Kommunen", slug="kommun", protocol="oidc", issuer="https://op.test"
    )
    OrganisationMapping.objects.create(
        identifier="212000-0001", party=party, allows_self_signup=True
    )
    person = Identity(
        provider=provider,
        subject="sub-1",
        email="ny@kommun.test",
        email_verified=True,
        organisation="212000-0001",
        hsa_id="SE-1",
    )
    user = sign_in_resolve(identity=person)
    sign_in_resolve(identity=person)  # the second sign-in makes and links nothing
    (signed_up,) = events(UserAction.SIGNED_UP)
    (linked,) = events(UserAction.IDENTITY_LINKED)
    assert signed_up.object_pk == linked.object_pk == str(user.pk)
    assert signed_up.actor is None and signed_up.data["party_id"] == party.pk
    assert linked.data == {"provider": "kommun"}
