"""Every write of implementation tracking records an explicit audit event (core.audit), bulk
paths one per object in one INSERT; the object's page shows the event's label."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from agreements.models import Party
from core.models import AuditEvent
from implementation.audit import ItemAction, NeedAction, PhaseAction, ProgressAction, UnitAction
from implementation.models import Level, Phase, Progress, Responsibility, Status, Unit
from implementation.services import (
    NewEvidence,
    membership_appoint,
    membership_end,
    need_create,
    need_update,
    phase_update,
    progress_mark_done_from_evidence,
    progress_update,
    responsibility_set_active,
    unit_create,
    unit_update,
    units_create_many,
)

pytestmark = pytest.mark.django_db


def events(action) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def test_progress_update_records_who_and_the_status_before_and_after(
    gbg_verksamhet, v_item, gbg_lead
):
    progress_update(
        unit=gbg_verksamhet,
        responsibility=v_item,
        actor=gbg_lead,
        status=Status.HINDER,
        comment="Ingen rutin ännu.",
        next_step="Fråga förvaltningen.",
    )
    progress = Progress.objects.get()
    (event,) = events(ProgressAction.UPDATED)
    assert (event.actor, event.content_type, event.object_pk) == (
        gbg_lead,
        ContentType.objects.get_for_model(Progress),
        str(progress.pk),
    )
    assert event.data == {
        "status": ["Ej påbörjad", "Hinder"],
        "kommentar": "Ingen rutin ännu.",
        "nästa steg": ["", "Fråga förvaltningen."],
    }
    # Nothing changed: no write, no event.
    progress_update(unit=gbg_verksamhet, responsibility=v_item, actor=gbg_lead, status="hinder")
    assert len(events(ProgressAction.UPDATED)) == 1


def test_evidence_is_recorded_one_event_each(gbg_verksamhet, v_item, gbg_lead):
    link = NewEvidence(name="Rutin", url="https://intra.example.se/rutin")
    progress_update(
        unit=gbg_verksamhet,
        responsibility=v_item,
        actor=gbg_lead,
        status=Status.PAGAR,
        add_evidence=(link,),
    )
    (added,) = events(ProgressAction.EVIDENCE_ADDED)
    assert (added.actor, added.data) == (gbg_lead, {"underlag": "Rutin", "typ": "länk"})
    kept = Progress.objects.get().evidence.get()
    progress_update(
        unit=gbg_verksamhet,
        responsibility=v_item,
        actor=gbg_lead,
        status=Status.PAGAR,
        remove_evidence=(kept.pk,),
    )
    (removed,) = events(ProgressAction.EVIDENCE_REMOVED)
    assert removed.object_pk == added.object_pk == str(kept.progress_id)


def test_marked_done_from_evidence_says_so(gbg_forvaltning, f_item, forvaltare):
    assert progress_mark_done_from_evidence(
        unit=gbg_forvaltning, responsibility=f_item, actor=forvaltare, note="Deltog i dialogen."
    )
    (event,) = events(ProgressAction.MARKED_DONE)
    assert event.data["status"] == ["Ej påbörjad", "Klar"]
    assert not events(ProgressAction.UPDATED)


def test_units_created_in_bulk_have_one_event_each_and_show_it(client, reference_data, forvaltare):
    party = Party.objects.get(slug="ale")
    (forvaltning,) = units_create_many(
        party=party, units=[(Level.FORVALTNING, "Socialförvaltningen", None)], actor=forvaltare
    )
    created = units_create_many(
        party=party,
        units=[(Level.VERKSAMHET, f"Hemtjänst {n}", forvaltning) for n in range(3)],
        actor=forvaltare,
    )
    found = events(UnitAction.IMPORTED)
    assert [e.object_pk for e in found] == [str(u.pk) for u in [forvaltning, *created]]
    assert {e.actor for e in found} == {forvaltare}
    assert found[-1].data == {
        "namn": "Hemtjänst 2",
        "nivå": "Verksamhet",
        "förvaltning": "Socialförvaltningen",
    }
    assert not LogEntry.objects.filter(
        content_type__model="unit", object_pk__in=[e.object_pk for e in found]
    ).exists()
    client.force_login(forvaltare)
    page = client.get(reverse("implementation:unit", args=["ale", created[0].slug]))
    assert "Enheten skapades vid import" in page.content.decode()


def test_a_phase_moving_its_items_records_each_item(forvaltare, reference_data):
    phase = Phase.objects.get(code="p2")
    following = set(
        phase.responsibilities.filter(due_date=phase.ends_on).values_list("pk", flat=True)
    )
    phase_update(
        phase=phase,
        actor=forvaltare,
        name=phase.name,
        short_name=phase.short_name,
        description=phase.description,
        starts_on=phase.starts_on,
        ends_on=dt.date(2027, 1, 15),
    )
    (changed,) = events(PhaseAction.UPDATED)
    assert changed.data == {"slutar": ["2026-12-31", "2027-01-15"]}
    moved = events(ItemAction.DUE_MOVED)
    assert following and {int(e.object_pk) for e in moved} == following
    assert {e.actor for e in moved} == {forvaltare}
    assert moved[0].data == {"klart senast": ["2026-12-31", "2027-01-15"]}


def test_units_and_appointments_are_recorded_on_the_unit(client, lead, forvaltare, reference_data):
    party = Party.objects.get(slug="goteborg")
    unit = unit_create(party=party, level=Level.FORVALTNING, name="Kultur", actor=forvaltare)
    unit_update(unit=unit, actor=forvaltare, name="Kulturförvaltningen")
    membership = membership_appoint(unit=unit, user=lead, role="lead", actor=forvaltare)
    membership_end(membership=membership, actor=forvaltare)
    found = list(
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(Unit), object_pk=str(unit.pk)
        ).order_by("pk")
    )
    assert [e.action for e in found] == [
        UnitAction.CREATED,
        UnitAction.UPDATED,
        UnitAction.MEMBER_APPOINTED,
        UnitAction.MEMBER_ENDED,
    ]
    assert found[1].data == {"namn": ["Kultur", "Kulturförvaltningen"]}
    assert found[2].data == {"person": str(lead), "roll": "Implementeringsansvarig"}
    client.force_login(forvaltare)
    page = client.get(reverse("implementation:members", args=["goteborg", unit.slug]))
    assert "Ett uppdrag avslutades" in page.content.decode()


def test_need_and_item_changes_are_recorded(gbg_verksamhet, gbg_lead, forvaltare, v_item):
    need = need_create(unit=gbg_verksamhet, actor=gbg_lead, title="SIP", owner="Enhetschef")
    need_update(
        need=need,
        actor=gbg_lead,
        title="SIP",
        owner="Enhetschef",
        description="",
        due_date=None,
        status="pagar",
    )
    assert [e.data for e in events(NeedAction.UPDATED)] == [{"status": ["Identifierat", "Pågår"]}]
    assert events(NeedAction.CREATED)[0].data == {
        "rubrik": "SIP",
        "ägare": "Enhetschef",
        "status": "Identifierat",
    }
    responsibility_set_active(item=v_item, actor=forvaltare, active=False)
    responsibility_set_active(item=v_item, actor=forvaltare, active=False)  # no change
    responsibility_set_active(item=v_item, actor=forvaltare, active=True)
    item_events = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Responsibility), object_pk=str(v_item.pk)
    ).order_by("pk")
    assert [e.action for e in item_events] == [
        ItemAction.RETIRED,
        ItemAction.RESTORED,
    ]
    assert Responsibility.objects.get(pk=v_item.pk).is_active


def test_unit_slugs_stay_unique_beside_retired_units(reference_data, forvaltare):
    party = Party.objects.get(slug="ale")
    old = unit_create(party=party, level=Level.FORVALTNING, name="Kultur", actor=forvaltare)
    Unit.all_objects.filter(pk=old.pk).update(retired_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    again = unit_create(party=party, level=Level.FORVALTNING, name="Kultur", actor=forvaltare)
    (imported,) = units_create_many(
        party=party, units=[(Level.FORVALTNING, "Kultur", None)], actor=forvaltare
    )
    assert (old.slug, again.slug, imported.slug) == ("kultur", "kultur-2", "kultur-3")
