import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from implementation.models import (
    Level,
    NeedStatus,
    Phase,
    Progress,
    ProgressLog,
    Responsibility,
    Status,
    UnitMembership,
)
from implementation.services import (
    BulkRow,
    membership_appoint,
    membership_end,
    need_create,
    need_update,
    phase_update,
    progress_bulk_apply,
    progress_update,
    responsibility_create,
    responsibility_set_active,
    responsibility_update,
    unit_create,
    unit_update,
)

pytestmark = pytest.mark.django_db


def test_progress_update_logs_status_comment_and_audits(gbg_verksamhet, v_item, gbg_lead):
    entry = progress_update(
        unit=gbg_verksamhet,
        responsibility=v_item,
        actor=gbg_lead,
        status=Status.PAGAR,
        comment="Utkast till rutin klart.",
        next_step="Förankra i ledningsgruppen.",
    )
    progress = Progress.objects.get()
    assert (progress.status, progress.next_step, progress.updated_by) == (
        Status.PAGAR,
        "Förankra i ledningsgruppen.",
        gbg_lead,
    )
    assert progress.status_changed_at == entry.created_at
    assert (entry.status_before, entry.status_after, entry.comment, entry.author) == (
        Status.EJ_PABORJAD,
        Status.PAGAR,
        "Utkast till rutin klart.",
        gbg_lead,
    )
    assert (entry.done_delta, entry.excluded_delta, entry.points_delta) == (0, 0, 50)
    audits = list(LogEntry.objects.get_for_object(progress).order_by("timestamp"))
    assert {a.actor for a in audits} == {gbg_lead}
    assert audits[-1].changes_dict["status"][1] == "pagar"


def test_comment_only_keeps_status_and_nothing_at_all_logs_nothing(
    gbg_verksamhet, v_item, gbg_lead
):
    progress_update(unit=gbg_verksamhet, responsibility=v_item, actor=gbg_lead, status="pagar")
    entry = progress_update(
        unit=gbg_verksamhet,
        responsibility=v_item,
        actor=gbg_lead,
        status="pagar",
        comment="Möte 3/12.",
    )
    assert not entry.changed_status and entry.points_delta == 0
    assert (
        progress_update(unit=gbg_verksamhet, responsibility=v_item, actor=gbg_lead, status="pagar")
        is None
    )
    assert ProgressLog.objects.count() == 2


@pytest.mark.parametrize("status", [Status.HINDER, Status.EJ_AKTUELLT])
def test_hinder_and_ej_aktuellt_need_a_comment(gbg_verksamhet, v_item, gbg_lead, status):
    with pytest.raises(ValidationError, match="kommentar"):
        progress_update(
            unit=gbg_verksamhet, responsibility=v_item, actor=gbg_lead, status=status, comment="  "
        )
    assert not Progress.objects.exists() and not ProgressLog.objects.exists()


def test_illegal_and_unknown_status_are_refused(gbg_verksamhet, v_item, gbg_lead):
    progress_update(
        unit=gbg_verksamhet,
        responsibility=v_item,
        actor=gbg_lead,
        status=Status.EJ_AKTUELLT,
        comment="Berörs inte.",
    )
    with pytest.raises(ValidationError, match="kan inte ändras från Ej aktuellt till Klar"):
        progress_update(unit=gbg_verksamhet, responsibility=v_item, actor=gbg_lead, status="klar")
    with pytest.raises(ValidationError, match="Okänd status"):
        progress_update(unit=gbg_verksamhet, responsibility=v_item, actor=gbg_lead, status="fixat")
    assert Progress.objects.get().status == Status.EJ_AKTUELLT
    assert ProgressLog.objects.count() == 1


def test_item_of_another_level_or_retired_is_refused(
    gbg_forvaltning, gbg_verksamhet, v_item, forvaltare
):
    with pytest.raises(ValidationError, match="gäller inte"):
        progress_update(
            unit=gbg_forvaltning, responsibility=v_item, actor=forvaltare, status="klar"
        )
    responsibility_set_active(item=v_item, actor=forvaltare, active=False)
    with pytest.raises(ValidationError, match="avvecklat"):
        progress_update(unit=gbg_verksamhet, responsibility=v_item, actor=forvaltare, status="klar")
    assert not Progress.objects.exists()


def test_editing_an_item_never_rewrites_the_log(gbg_verksamhet, v_item, gbg_lead, forvaltare):
    old_title = v_item.title
    progress_update(unit=gbg_verksamhet, responsibility=v_item, actor=gbg_lead, status="klar")
    responsibility_update(
        item=v_item, actor=forvaltare, title="Ny rubrik", description="", due_date=None
    )
    assert ProgressLog.objects.get().responsibility_title == old_title
    v_item.refresh_from_db()
    assert v_item.due_date == v_item.phase.ends_on
    assert LogEntry.objects.get_for_object(v_item).latest("timestamp").actor == forvaltare


def test_responsibility_create_defaults_to_phase_end_and_makes_a_code(forvaltare, reference_data):
    phase = Phase.objects.get(code="p3")
    item = responsibility_create(
        phase=phase, level=Level.VERKSAMHET, title="Utvärdera rutinerna", actor=forvaltare
    )
    assert item.code == "p3-verksamhet-utvardera-rutinerna"
    assert item.due_date == phase.ends_on == dt.date(2027, 12, 31)
    again = responsibility_create(
        phase=phase, level=Level.VERKSAMHET, title="Utvärdera rutinerna", actor=forvaltare
    )
    assert again.code == "p3-verksamhet-utvardera-rutinerna-2"


def test_phase_update_moves_items_that_followed_its_end(forvaltare, reference_data):
    phase = Phase.objects.get(code="p2")
    phase_update(
        phase=phase,
        actor=forvaltare,
        name=phase.name,
        short_name=phase.short_name,
        description=phase.description,
        starts_on=phase.starts_on,
        ends_on=dt.date(2027, 1, 15),
    )
    moved = Responsibility.objects.get(code="p2-verksamhet-forbered-ikrafttradande")
    kept = Responsibility.objects.get(code="p2-verksamhet-dialogkonferenser")
    assert moved.due_date == dt.date(2027, 1, 15)
    assert kept.due_date == dt.date(2026, 10, 15)
    assert LogEntry.objects.get_for_object(phase).latest("timestamp").actor == forvaltare


def test_phase_end_before_start_is_refused(forvaltare, reference_data):
    phase = Phase.objects.get(code="p2")
    with pytest.raises(ValidationError):
        phase_update(
            phase=phase,
            actor=forvaltare,
            name=phase.name,
            short_name=phase.short_name,
            description="",
            starts_on=dt.date(2026, 6, 18),
            ends_on=dt.date(2026, 1, 1),
        )


def test_membership_appoint_is_tied_to_the_party_and_reactivates(
    gbg_forvaltning, lead, other_lead, forvaltare
):
    with pytest.raises(ValidationError, match="hör inte till"):
        membership_appoint(unit=gbg_forvaltning, user=other_lead, role="lead", actor=forvaltare)
    membership = membership_appoint(unit=gbg_forvaltning, user=lead, role="lead", actor=forvaltare)
    membership_end(membership=membership, actor=forvaltare)
    again = membership_appoint(unit=gbg_forvaltning, user=lead, role="member", actor=forvaltare)
    assert again.pk == membership.pk and again.is_active and again.role == "member"
    assert UnitMembership.objects.count() == 1
    assert LogEntry.objects.get_for_object(membership).count() == 3


def test_unit_create_checks_the_tree(gbg_forvaltning, boras_forvaltning, forvaltare):
    party = gbg_forvaltning.party
    with pytest.raises(ValidationError, match="måste höra till en förvaltning"):
        unit_create(party=party, level=Level.VERKSAMHET, name="Hemtjänst", actor=forvaltare)
    with pytest.raises(ValidationError, match="samma part"):
        unit_create(
            party=party,
            level=Level.VERKSAMHET,
            name="Hemtjänst",
            parent=boras_forvaltning,
            actor=forvaltare,
        )
    unit = unit_create(
        party=party,
        level=Level.VERKSAMHET,
        name="Hemtjänst",
        parent=gbg_forvaltning,
        actor=forvaltare,
    )
    twin = unit_create(
        party=party,
        level=Level.VERKSAMHET,
        name="Hemtjänst",
        parent=gbg_forvaltning,
        actor=forvaltare,
    )
    assert (unit.slug, twin.slug) == ("hemtjanst", "hemtjanst-2")
    unit_update(unit=unit, actor=forvaltare, name="Hemtjänst City")
    assert LogEntry.objects.get_for_object(unit).count() == 2


def test_needs_follow_their_transition_table(gbg_verksamhet, gbg_lead, reference_data):
    need = need_create(unit=gbg_verksamhet, actor=gbg_lead, title="SIP-rutin", owner="Enhetschef")
    fields = {"title": "SIP-rutin", "owner": "Enhetschef", "description": "", "due_date": None}
    need_update(need=need, actor=gbg_lead, status=NeedStatus.HANTERAT, **fields)
    with pytest.raises(ValidationError, match="kan inte ändras"):
        need_update(need=need, actor=gbg_lead, status=NeedStatus.AVSLUTAT, **fields)
    need.refresh_from_db()
    assert need.status == NeedStatus.HANTERAT
    assert LogEntry.objects.get_for_object(need).latest("timestamp").actor == gbg_lead


def test_bulk_apply_is_all_or_nothing(gbg_verksamhet, gbg_verksamhet2, v_item, gbg_lead):
    rows = [
        BulkRow(2, gbg_verksamhet, v_item, Status.KLAR, "", None),
        BulkRow(3, gbg_verksamhet2, v_item, Status.HINDER, "", None),  # no comment: refused
    ]
    with pytest.raises(ValidationError):
        progress_bulk_apply(rows=rows, actor=gbg_lead)
    assert not Progress.objects.exists() and not ProgressLog.objects.exists()
    rows[1].comment = "Saknar personal."
    assert progress_bulk_apply(rows=rows, actor=gbg_lead) == 2


def test_an_untouched_item_saved_unchanged_gets_no_row_and_no_date(
    gbg_verksamhet, v_item, gbg_lead
):
    from implementation.models import Progress as ProgressRow
    from implementation.services import progress_update as update

    assert (
        update(unit=gbg_verksamhet, responsibility=v_item, actor=gbg_lead, status="ej_paborjad")
        is None
    )
    assert not ProgressRow.objects.exists()
