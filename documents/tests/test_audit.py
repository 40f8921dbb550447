"""Explicit audit events of the documents app (core.audit): a version edit, the bulk paths
(a remiss round to every party, its sending and reminders, answers, a dispatch with receipts
and reminders, the backing register) and the history shown on the round's page."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from agreements.models import Party
from core.models import AuditEvent
from documents import services
from documents.models import Dispatch, DocumentVersion, RemissRecipient
from documents.workflow import STAGE_FLOW, VERSION_FLOW

pytestmark = pytest.mark.django_db


def _round(registrator, version):
    return services.round_create(
        actor=registrator,
        version=version,
        title="Remiss: riktlinje",
        opens_on=dt.date(2025, 12, 1),
        deadline=dt.date(2026, 2, 28),
        parties=list(Party.objects.agreement_parties()),
    )


def _events(action: str, **filters):
    return AuditEvent.objects.filter(action=action, **filters)


def test_the_tables():
    assert VERSION_FLOW.allows("edit", "oppen") and not VERSION_FLOW.allows("edit", "skickad")
    assert STAGE_FLOW.allows("record_backing", DocumentVersion.Stage.FINAL)
    assert not STAGE_FLOW.allows("record_backing", DocumentVersion.Stage.REMISS)


def test_a_version_edit_records_what_changed(guideline, registrator):
    _document, version = guideline
    services.version_update(actor=registrator, version=version, stage="slutlig", note="x")
    event = _events("documents.version.updated").get()
    assert (event.actor, event.object_pk) == (registrator, str(version.pk))
    assert event.data == {"stage": ["remissversion", "slutlig"]}


def test_a_round_to_every_party_is_one_event_per_recipient(guideline, registrator, addresses):
    _document, version = guideline
    remiss = _round(registrator, version)
    parties = Party.objects.agreement_parties().count()
    assert parties > 40
    added = _events("documents.recipient.added")
    assert added.count() == parties
    assert set(added.values_list("actor", flat=True)) == {registrator.pk}
    assert _events("documents.round.created").get().data["recipients"] == parties

    services.round_send(actor=registrator, remiss=remiss)
    assert _events("documents.round.sent", object_pk=str(remiss.pk)).get().data == {
        "mailed": parties
    }
    assert _events("documents.recipient.mailed").count() == parties
    locked = _events("documents.version.locked").get()
    assert locked.object_pk == str(version.pk)
    assert services.round_send(actor=registrator, remiss=remiss) == 0  # once
    assert _events("documents.round.sent").count() == 1

    first = remiss.recipients.order_by("pk").first()
    services.answer_record(actor=None, recipient=first, answer="inget_att_invanda", by_link=True)
    answered = _events("documents.recipient.answered").get()
    assert answered.actor is None and answered.data["answer"] == [None, "inget_att_invanda"]

    reminded = services.round_remind(actor=registrator, remiss=remiss)
    assert reminded == parties - 1
    rows = _events("documents.recipient.reminded")
    assert rows.count() == parties - 1
    assert {e.data["reminders"][1] for e in rows} == {1}
    assert set(
        RemissRecipient.objects.filter(round=remiss).values_list("reminders", flat=True)
    ) == {0, 1}
    assert _events("documents.round.reminded").get().data["reminded"] == parties - 1


def test_a_dispatch_records_its_recipients_receipts_and_reminders(registrator, addresses):
    dispatch = services.dispatch_create(
        actor=registrator,
        subject="Information",
        text="Text",
        audiences=[Dispatch.Audience.FEDERATIONS, Dispatch.Audience.REGISTRARS],
    )
    services.dispatch_send(actor=registrator, dispatch=dispatch)
    recipients = dispatch.recipients.count()
    added = _events("documents.dispatch_recipient.added")
    assert added.count() == recipients
    assert set(added.values_list("actor", flat=True)) == {registrator.pk}
    gr = dispatch.recipients.get(federation__slug="gr")
    services.receipt_confirm(recipient=gr, dnr="KS 1")
    confirmed = _events("documents.dispatch.confirmed", object_pk=str(dispatch.pk)).get()
    assert confirmed.data["dnr"] == "KS 1"
    assert services.dispatch_remind(actor=registrator, dispatch=dispatch) == 3
    assert _events("documents.dispatch_recipient.reminded").count() == 3


def test_a_receipt_before_sending_is_refused(registrator, addresses):
    dispatch = services.dispatch_create(
        actor=registrator, subject="I", text="T", audiences=[Dispatch.Audience.FEDERATIONS]
    )
    from documents.models import DispatchRecipient

    row = DispatchRecipient.objects.create(
        dispatch=dispatch, audience=Dispatch.Audience.FEDERATIONS, name="X"
    )
    with pytest.raises(ValidationError):
        services.receipt_confirm(recipient=row)
    assert not _events("documents.dispatch_recipient.confirmed").exists()


def test_backing_is_recorded_on_the_version(final_version, registrator):
    party = Party.objects.agreement_parties().first()
    services.backing_record(
        actor=registrator,
        version=final_version,
        party=party,
        body="KS",
        decided_on=dt.date(2026, 1, 10),
        outcome="bakom",
    )
    event = _events("documents.version.backing", object_pk=str(final_version.pk)).get()
    assert event.data["party"] == party.name


def test_the_round_page_shows_the_event(guideline, registrator, addresses):
    _document, version = guideline
    remiss = _round(registrator, version)
    services.round_send(actor=registrator, remiss=remiss)
    client = Client()
    client.force_login(registrator)
    page = client.get(reverse("documents:round", args=[remiss.pk])).content.decode()
    assert "Remissen skickades" in page
