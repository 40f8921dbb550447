import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from agreements.models import Federation
from implementation import selectors
from implementation.models import Level, Responsibility, Status
from implementation.services import responsibility_set_active
from implementation.tests.conftest import appoint, make_unit, set_progress

pytestmark = pytest.mark.django_db


def test_stats_arithmetic_per_unit(tree):
    forvaltning, v1, v2 = tree
    n_v = Responsibility.objects.filter(level=Level.VERKSAMHET, is_active=True).count()
    n_f = Responsibility.objects.filter(level=Level.FORVALTNING, is_active=True).count()
    assert (n_v, n_f) == (19, 19)
    stats = selectors.unit_stats([u.pk for u in tree], {u.pk: u.level for u in tree})
    s1 = stats[v1.pk]
    assert (s1.total, s1.done, s1.excluded, s1.in_progress, s1.points) == (19, 1, 1, 1, 150)
    assert s1.applicable == 18 and s1.not_started == 16
    assert s1.done_share == pytest.approx(1 / 18)
    assert s1.weighted == pytest.approx(150 / 1800)
    s2 = stats[v2.pk]
    # Hinder never counts as progress, in either measure.
    assert (s2.blocked, s2.points, s2.weighted, s2.done_share) == (1, 0, 0, 0)


def test_forvaltning_rolls_up_from_itself_and_its_verksamheter(tree):
    forvaltning, v1, v2 = tree
    children, stats, rollup = selectors.forvaltning_rollup(forvaltning)
    assert children == [v1, v2]
    assert (rollup.total, rollup.done, rollup.excluded, rollup.blocked) == (57, 2, 1, 1)
    assert rollup.weighted == pytest.approx((100 + 50 + 0 + 100) / (100 * 56))
    assert rollup.done_share == pytest.approx(2 / 56)


def test_retired_items_leave_every_count(tree, forvaltare):
    forvaltning, v1, _v2 = tree
    responsibility_set_active(
        item=Responsibility.objects.get(code="p1-verksamhet-eskaleringstrappan"),
        actor=forvaltare,
        active=False,
    )
    s1 = selectors.unit_stats([v1.pk], {v1.pk: v1.level})[v1.pk]
    assert (s1.total, s1.done, s1.points) == (18, 0, 50)


def test_party_overview_and_county_readiness(tree, boras_verksamhet, forvaltare):
    forvaltning, v1, v2 = tree
    party = forvaltning.party
    overview = selectors.party_overview(party)
    [row] = overview.forvaltningar
    assert row.unit == forvaltning and row.children == [v1, v2]
    assert row.rollup.done == 2 and overview.total.done == 2
    assert overview.by_level[Level.VERKSAMHET].total == 38
    assert overview.by_level[Level.FORVALTNING].done == 1
    by_party = selectors.readiness_by_party()
    assert by_party[party.pk].done == 2
    boras = boras_verksamhet.party
    assert by_party[boras.pk].total == 38 and by_party[boras.pk].done == 0
    by_federation = selectors.readiness_by_federation()
    gr = Federation.objects.get(slug="gr")
    assert by_federation[gr.pk].done == 2
    vgr_units = by_federation[None]
    assert vgr_units.done == 0 and vgr_units.total > 0
    by_level = selectors.readiness_by_level(party=party)
    assert by_level[Level.VERKSAMHET].excluded == 1
    phases = {p.code: s for p, s in selectors.readiness_by_phase(party=party)}
    assert phases["p1"].done == 2 and phases["p2"].blocked == 1
    assert phases["p2"].total == 2 * 7 + 5


def test_units_without_lead(gbg_forvaltning, gbg_verksamhet, lead):
    appoint(gbg_forvaltning, lead)
    missing = selectors.units_without_lead(party=gbg_forvaltning.party)
    assert list(missing) == [gbg_verksamhet]
    counts = selectors.units_without_lead_count_by_party()
    assert counts[gbg_forvaltning.party_id] == 1


def test_completed_and_overdue_since(gbg_verksamhet, gbg_verksamhet2, forvaltare):
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), tick=False):
        set_progress(gbg_verksamhet, "p1-verksamhet-eskaleringstrappan", Status.KLAR, forvaltare)
    with time_machine.travel(dt.datetime(2026, 6, 20, 10, tzinfo=dt.UTC), tick=False):
        set_progress(gbg_verksamhet2, "p1-verksamhet-eskaleringstrappan", Status.KLAR, forvaltare)
        since = timezone.now() - dt.timedelta(days=7)
        done = selectors.completed_since(since)
        assert [p.unit for p in done] == [gbg_verksamhet2]
        overdue = selectors.overdue_since(
            dt.date(2026, 6, 1), today=dt.date(2026, 6, 20), party=gbg_verksamhet.party
        )
    by_code = {o.item.code: o for o in overdue}
    # Due 2026-06-17: escalation ladder done in both verksamheter, the other item in none.
    assert "p1-verksamhet-eskaleringstrappan" not in by_code
    lead_item = by_code["p1-verksamhet-utse-implementeringsansvarig"]
    assert (lead_item.overdue_units, lead_item.units) == (2, 2)
    # The county summary's units per level give the same answer, one query fewer.
    per_level = selectors.county_readiness(party=gbg_verksamhet.party).units_per_level
    assert per_level.get("verksamhet") == 2
    given = selectors.overdue_since(
        dt.date(2026, 6, 1),
        today=dt.date(2026, 6, 20),
        party=gbg_verksamhet.party,
        units_per_level=per_level,
    )
    assert [(o.item.code, o.overdue_units, o.units) for o in given] == [
        (o.item.code, o.overdue_units, o.units) for o in overdue
    ]


def test_readiness_history_walks_back_through_the_log(gbg_verksamhet, forvaltare):
    monday = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)
    with time_machine.travel(monday, tick=False):
        set_progress(gbg_verksamhet, "p1-verksamhet-eskaleringstrappan", Status.PAGAR, forvaltare)
    with time_machine.travel(monday + dt.timedelta(days=7), tick=False):
        set_progress(gbg_verksamhet, "p1-verksamhet-eskaleringstrappan", Status.KLAR, forvaltare)
    with time_machine.travel(monday + dt.timedelta(days=14), tick=False):
        history = selectors.readiness_history(weeks=4, party=gbg_verksamhet.party)
    assert [p.week_start for p in history] == [
        dt.date(2026, 10, 26),
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 9),
        dt.date(2026, 11, 16),
    ]
    assert [p.stats.done for p in history] == [0, 0, 1, 1]
    assert [p.stats.points for p in history] == [0, 50, 100, 100]


def test_leads_and_checklist_queries_are_bounded(gbg_forvaltning, lead, make_user, count_queries):
    units = [gbg_forvaltning]
    small = count_queries(lambda: selectors.checklist(units))
    for index in range(30):
        unit = make_unit("goteborg", f"Enhet {index}", Level.VERKSAMHET, gbg_forvaltning)
        appoint(unit, make_user(username=f"u{index}", party=lead.party))
        units.append(unit)
    assert count_queries(lambda: selectors.checklist(units)) == small == 2
    assert count_queries(lambda: selectors.leads_for_units([u.pk for u in units])) == 1
    assert count_queries(lambda: selectors.readiness_by_party()) == 3
