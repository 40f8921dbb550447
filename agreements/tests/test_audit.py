"""Every write of the agreements app records its audit event; a decision's events carry the
party, so the party's page shows them even after the decision is gone."""

import datetime as dt

from django.urls import reverse

from agreements import services
from agreements.audit import AddressAction, AgreementAction, DecisionAction
from agreements.models import Decision
from core.models import AuditEvent


def events(action):
    return list(AuditEvent.objects.filter(action=action.value).order_by("pk"))


def test_one_meetings_decision_on_several_agreements_is_one_event_each(
    registrator, party, new_agreements, frozen
):
    decisions = services.decision_record(
        actor=registrator,
        party=party("ale"),
        agreements=new_agreements[:3],
        decided_on=dt.date(2026, 4, 20),
        body=Decision.Body.KOMMUNFULLMAKTIGE,
        outcome=Decision.Outcome.ADOPTED,
    )
    recorded = events(DecisionAction.RECORDED)
    assert [e.object_pk for e in recorded] == [str(d.pk) for d in decisions]
    assert {e.actor_id for e in recorded} == {registrator.pk}
    assert {e.data["party_id"] for e in recorded} == {party("ale").pk}
    assert recorded[0].data["outcome"] == "antaget"
    assert recorded[0].data["decided_on"] == "2026-04-20"


def test_a_correction_records_before_and_after_and_the_party_page_shows_it(
    client, registrator, record, party, new_agreements, frozen
):
    (decision,) = record(party("ale"), agreements=new_agreements[:1])
    services.decision_correct(
        actor=registrator,
        decision=decision,
        decided_on=decision.decided_on,
        body=decision.body,
        outcome=Decision.Outcome.REJECTED,
        reference=decision.reference,
        today=frozen,
    )
    (corrected,) = events(DecisionAction.CORRECTED)
    assert corrected.actor == registrator
    assert corrected.data["outcome"] == ["antaget", "avslaget"]
    assert corrected.data["party_id"] == party("ale").pk
    services.decision_delete(actor=registrator, decision=decision)
    (removed,) = events(DecisionAction.REMOVED)
    assert removed.data["party_id"] == party("ale").pk
    client.force_login(registrator)
    page = client.get(reverse("agreements:party_detail", args=["ale"])).content.decode()
    assert "Beslutet rättades" in page and "Beslutet togs bort" in page


def test_documents_and_function_addresses_are_recorded(forvaltare, main_agreement, party):
    document = services.document_add(
        actor=forvaltare, agreement=main_agreement, title="Avtalstext", url="https://vgr.se/a"
    )
    services.document_remove(actor=forvaltare, document=document)
    assert [e.object_pk for e in events(AgreementAction.DOCUMENT_ADDED)] == [str(main_agreement.pk)]
    assert len(events(AgreementAction.DOCUMENT_REMOVED)) == 1
    services.party_set_registry_email(party=party("ale"), email="ny@ale.se", actor=forvaltare)
    (address,) = events(AddressAction.SET)
    assert address.actor == forvaltare and address.data["registry_email"][1] == "ny@ale.se"
