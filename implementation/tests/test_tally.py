"""The readiness summaries equal a recomputation from scratch after every kind of write, and
the county-wide selectors read them with the same figures as the per-unit arithmetic."""

import datetime as dt

import pytest
from django.core.management import call_command

from implementation import selectors
from implementation.models import (
    Level,
    ReadinessCount,
    ReadinessWeek,
    Responsibility,
    Status,
    Unit,
)
from implementation.readiness import summaries
from implementation.services import progress_update, responsibility_set_active

pytestmark = pytest.mark.django_db

WEEK1 = dt.datetime(2026, 11, 2, 8, tzinfo=dt.UTC)  # a Monday morning
# Sunday 23:30 Swedish time is still the previous week; Monday 00:30 (Swedish) the next one.
SUNDAY_LATE = dt.datetime(2026, 11, 8, 22, 30, tzinfo=dt.UTC)
MONDAY_EARLY = dt.datetime(2026, 11, 8, 23, 30, tzinfo=dt.UTC)


def _item(code: str) -> Responsibility:
    return Responsibility.objects.get(code=code)


def _set(unit, code, status, actor, *, at, comment="ok"):
    return progress_update(
        unit=unit, responsibility=_item(code), actor=actor, status=status, comment=comment, at=at
    )


def _assert_in_step():
    assert summaries.stored_counts() == summaries.computed_counts()
    assert summaries.stored_weeks() == summaries.computed_weeks()


@pytest.fixture
def history(gbg_forvaltning, gbg_verksamhet, gbg_verksamhet2, boras_verksamhet, forvaltare):
    v_item = "p1-verksamhet-eskaleringstrappan"
    _set(gbg_verksamhet, v_item, Status.PAGAR, forvaltare, at=WEEK1)
    _set(gbg_verksamhet, v_item, Status.KLAR, forvaltare, at=SUNDAY_LATE)
    _set(gbg_verksamhet2, v_item, Status.HINDER, forvaltare, at=MONDAY_EARLY)
    _set(
        gbg_verksamhet2, "p2-verksamhet-utvecklingsbehov", Status.EJ_AKTUELLT, forvaltare, at=WEEK1
    )
    _set(gbg_forvaltning, "p1-forvaltning-roller", Status.KLAR, forvaltare, at=MONDAY_EARLY)
    _set(boras_verksamhet, v_item, Status.KLAR, forvaltare, at=WEEK1)
    _set(boras_verksamhet, v_item, Status.PAGAR, forvaltare, at=MONDAY_EARLY, comment="Backat")
    _set(boras_verksamhet, v_item, Status.PAGAR, forvaltare, at=MONDAY_EARLY, comment="Bara text")
    return gbg_forvaltning, gbg_verksamhet, gbg_verksamhet2, boras_verksamhet


def test_progress_writes_keep_the_summaries_in_step(history):
    _forvaltning, v1, _v2, boras = history
    _assert_in_step()
    gbg = v1.party
    count = ReadinessCount.objects.get(
        party=gbg, level=Level.VERKSAMHET, responsibility=_item("p1-verksamhet-eskaleringstrappan")
    )
    assert (count.done, count.blocked, count.in_progress, count.points) == (1, 1, 0, 100)
    weeks = {(w.party_id, w.week): w for w in ReadinessWeek.objects.all()}
    # Week of 2 Nov: Pågår then (Sunday night, Swedish time) Klar, and Ej aktuellt.
    first = weeks[(gbg.pk, dt.date(2026, 11, 2))]
    assert (first.done_delta, first.excluded_delta, first.points_delta) == (1, 1, 100)
    second = weeks[(gbg.pk, dt.date(2026, 11, 9))]  # Hinder and the förvaltning's Klar
    assert (second.done_delta, second.points_delta) == (1, 100)  # Hinder adds nothing
    back = weeks[(boras.party_id, dt.date(2026, 11, 9))]
    assert (back.done_delta, back.points_delta) == (-1, -50)


def test_retiring_and_restoring_an_item_keeps_the_weeks_in_step(history, forvaltare):
    item = _item("p1-verksamhet-eskaleringstrappan")
    responsibility_set_active(item=item, actor=forvaltare, active=False)
    _assert_in_step()
    boras_week = (history[3].party_id, dt.date(2026, 11, 2))
    assert summaries.stored_weeks().get(boras_week, {}).get("done_delta", 0) == 0
    responsibility_set_active(item=item, actor=forvaltare, active=True)
    _assert_in_step()
    assert summaries.stored_weeks()[boras_week]["done_delta"] == 1


def test_rebuild_restores_summaries_that_fell_out_of_step(history):
    ReadinessCount.objects.all().delete()
    ReadinessWeek.objects.update(done_delta=99)
    assert summaries.stored_weeks() != summaries.computed_weeks()
    call_command("rebuild_readiness", stdout=open("/dev/null", "w"))  # noqa: SIM115
    _assert_in_step()
    assert ReadinessCount.objects.exists()


def test_county_readiness_equals_the_per_unit_arithmetic(history, forvaltare):
    responsibility_set_active(
        item=_item("p2-verksamhet-utvecklingsbehov"), actor=forvaltare, active=False
    )
    units = list(Unit.objects.all())
    per_unit = selectors.unit_stats(None, {u.pk: u.level for u in units})
    county = selectors.county_readiness()
    by_party = county.rollup(lambda party_id, _level, _phase: party_id)
    for party_id in {u.party_id for u in units}:
        expected = selectors.total(per_unit[u.pk] for u in units if u.party_id == party_id)
        assert by_party[party_id] == expected
    per_phase = selectors.unit_phase_stats(None, {u.pk: u.level for u in units})
    for phase, stats in selectors.readiness_by_phase(county=county):
        assert stats == selectors.total(v for (_u, pid), v in per_phase.items() if pid == phase.pk)
    assert county.without_lead[history[0].party_id] == 3
    assert county.units[history[3].party_id] == 2  # Borås: förvaltning + verksamhet
