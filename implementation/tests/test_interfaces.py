"""The interfaces other apps use: names, signatures and behaviour."""

import io

import pytest
from auditlog.models import LogEntry

from implementation import evidence
from implementation.models import Phase, Progress, ProgressLog, Responsibility, Status
from implementation.selectors import leads_for_units, units_led_by
from implementation.services import progress_mark_done_from_evidence, progress_update
from implementation.tests.conftest import appoint

pytestmark = pytest.mark.django_db


def test_reference_phases_and_pinned_codes(reference_data):
    assert list(Phase.objects.values_list("code", flat=True)) == ["steg1", "p1", "p2", "p3", "p4"]
    codes = set(Responsibility.objects.values_list("code", flat=True))
    assert {"p2-verksamhet-dialogkonferenser", "p2-forvaltning-dialogkonferenser"} <= codes
    assert len([c for c in codes if "eskaleringstrappan" in c]) == 3
    item = Responsibility.objects.get(code="p2-verksamhet-forbered-ikrafttradande")
    assert item.due_date == item.phase.ends_on  # default: end of phase
    assert Responsibility.objects.filter(
        code="p1-verksamhet-utse-implementeringsansvarig"
    ).get().title == ("Utse implementeringsansvarig person och/eller grupp")


def test_reference_load_is_idempotent(reference_data):
    from django.core.management import call_command

    before = Responsibility.objects.count(), Phase.objects.count()
    call_command("load_reference_data", stdout=io.StringIO())
    assert (Responsibility.objects.count(), Phase.objects.count()) == before == (52, 5)


def test_leads_for_units_and_units_led_by(
    gbg_lead, gbg_forvaltning, gbg_verksamhet, make_user, django_assert_num_queries
):
    member = make_user(username="medlem", party=gbg_lead.party)
    appoint(gbg_verksamhet, member, "member")
    with django_assert_num_queries(1):
        leads = leads_for_units([gbg_forvaltning.pk, gbg_verksamhet.pk])
    assert leads == {gbg_forvaltning.pk: [gbg_lead], gbg_verksamhet.pk: []}
    assert set(units_led_by(gbg_lead)) == {gbg_forvaltning, gbg_verksamhet}
    assert list(units_led_by(member)) == []


def test_mark_done_from_evidence_is_idempotent_and_audited(
    gbg_verksamhet, forvaltare, reference_data
):
    item = Responsibility.objects.get(code="p2-verksamhet-dialogkonferenser")
    assert progress_mark_done_from_evidence(
        unit=gbg_verksamhet, responsibility=item, actor=forvaltare, note="Deltog 6 oktober 2026."
    )
    assert not progress_mark_done_from_evidence(
        unit=gbg_verksamhet, responsibility=item, actor=forvaltare, note="Igen."
    )
    progress = Progress.objects.get(unit=gbg_verksamhet, responsibility=item)
    assert progress.status == Status.KLAR
    [entry] = ProgressLog.objects.filter(progress=progress)
    assert entry.comment == "Deltog 6 oktober 2026." and entry.author == forvaltare
    audit = LogEntry.objects.get_for_object(progress).latest("timestamp")
    assert audit.actor == forvaltare


def test_mark_done_from_evidence_leaves_ej_aktuellt(gbg_verksamhet, forvaltare, reference_data):
    item = Responsibility.objects.get(code="p2-verksamhet-dialogkonferenser")
    progress_update(
        unit=gbg_verksamhet,
        responsibility=item,
        actor=forvaltare,
        status=Status.EJ_AKTUELLT,
        comment="Verksamheten deltar via förvaltningen.",
    )
    assert not progress_mark_done_from_evidence(
        unit=gbg_verksamhet, responsibility=item, actor=forvaltare, note="x"
    )
    assert Progress.objects.get().status == Status.EJ_AKTUELLT


def test_mark_done_ignores_item_of_other_level(gbg_forvaltning, forvaltare, reference_data):
    item = Responsibility.objects.get(code="p2-verksamhet-dialogkonferenser")
    assert not progress_mark_done_from_evidence(
        unit=gbg_forvaltning, responsibility=item, actor=forvaltare, note="x"
    )
    assert not Progress.objects.exists()


def test_evidence_registry_calls_each_provider_once(gbg_verksamhet, v_item):
    calls = []

    def provider(unit_ids, item_ids):
        calls.append((unit_ids, item_ids))
        return {
            (unit_ids[0], item_ids[0]): [
                evidence.EvidenceLine("Anmäld till 6 oktober", "/x/", True)
            ]
        }

    evidence.register(provider)
    evidence.register(provider)
    try:
        lines = evidence.collect([gbg_verksamhet.pk, gbg_verksamhet.pk], [v_item.pk])
    finally:
        evidence.unregister(provider)
    assert calls == [([gbg_verksamhet.pk], [v_item.pk])]
    assert lines == {
        (gbg_verksamhet.pk, v_item.pk): [
            evidence.EvidenceLine("Anmäld till 6 oktober", "/x/", True)
        ]
    }
    assert evidence.collect([], [1]) == {}
