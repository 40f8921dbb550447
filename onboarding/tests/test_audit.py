"""Every write of onboarding leaves an explicit audit event (core.audit): who, what, how many."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from implementation.models import Level
from implementation.services import unit_create
from onboarding import services
from onboarding.models import ImportBatch

from .conftest import org_rows, xlsx_upload

pytestmark = pytest.mark.django_db


def _events(action):
    return AuditEvent.objects.filter(action=action)


@pytest.fixture
def unit(goteborg, forvaltare):
    return unit_create(party=goteborg, level=Level.FORVALTNING, name="Socialtjänst", actor=None)


def _invite(coordinator, goteborg, unit=None, email="ny@gbg.test"):
    return services.invite(
        actor=coordinator,
        email=email,
        first_name="Ny",
        last_name="Person",
        party=goteborg,
        unit=unit,
    ).invitation


def test_an_invitation_is_audited_through_its_life(coordinator, goteborg, unit):
    invitation = _invite(coordinator, goteborg, unit)
    sent = _events("onboarding.invitation.sent").get()
    assert sent.actor == coordinator and sent.object_pk == str(invitation.pk)
    assert sent.data == {"enheter": "Socialtjänst"}
    other = unit_create(party=goteborg, level=Level.FORVALTNING, name="Kultur", actor=None)
    _invite(coordinator, goteborg, other)  # the same person: the unit is added, no new mail
    assert _events("onboarding.invitation.role_added").get().data["enhet"] == "Kultur"
    services.invitation_resend(invitation=invitation, actor=coordinator)
    assert _events("onboarding.invitation.resent").get().data == {"utskick": 2}
    services.invitation_revoke(invitation=invitation, actor=coordinator)
    services.invitation_revoke(invitation=invitation, actor=coordinator)  # twice: one event
    revoked = _events("onboarding.invitation.revoked").get()
    assert revoked.actor == coordinator and revoked.data["status"][1] == "Återkallad"


def test_accepting_is_audited_with_the_new_account_as_actor(coordinator, goteborg, unit):
    invitation = _invite(coordinator, goteborg, unit)
    user = services.invitation_accept(invitation=invitation, password="Ett-Langt-Losen-2026")
    accepted = _events("onboarding.invitation.accepted").get()
    assert accepted.actor == user and accepted.object_pk == str(invitation.pk)


def test_pruning_old_import_files_records_one_event_per_file(goteborg, coordinator):
    upload = xlsx_upload(org_rows(1, 1))
    checked = services.check_import(party=goteborg, upload=upload)
    old = services.store_batch(party=goteborg, actor=coordinator, upload=upload, checked=checked)
    done = services.store_batch(party=goteborg, actor=coordinator, upload=upload, checked=checked)
    ago = timezone.now() - dt.timedelta(days=8)
    ImportBatch.objects.filter(pk=old.pk).update(created_at=ago)
    ImportBatch.objects.filter(pk=done.pk).update(created_at=ago, applied_at=ago)
    assert services.import_batches_prune() == 2
    pruned = _events("onboarding.import.pruned")
    assert pruned.count() == 2 and not pruned.exclude(actor=None).exists()
    assert {e.object_pk: e.data["borttagen"] for e in pruned} == {
        str(old.pk): True,
        str(done.pk): False,
    }
    assert services.import_batches_prune() == 0
    assert pruned.count() == 2


def test_the_forvaltare_changing_an_account_is_audited_and_shown(
    client, forvaltare, make_user, goteborg
):
    person = make_user(username="t-person", party=goteborg, title="")
    client.force_login(forvaltare)
    url = reverse("onboarding:user_edit", args=[person.pk])
    response = client.post(
        url,
        {"role": person.role, "party": str(goteborg.pk), "title": "Enhetschef", "is_active": "on"},
    )
    assert response.status_code == 302
    event = _events("onboarding.user.updated").get()
    assert event.actor == forvaltare and event.data == {"title": ["", "Enhetschef"]}
    assert "Kontot ändrades av förvaltaren" in client.get(url).content.decode()
