import datetime as dt

import pytest

from implementation.models import Progress, Status
from reminders.models import Kind
from reminders.services import reminder_candidates

D = dt.date


def fired(config, day):
    return {
        (c.kind, c.recipient.username, c.scope_id, c.occurrence, c.send_on)
        for c in reminder_candidates(today=day, config=config)
    }


def test_first_reminder_14_days_before_to_each_units_lead(world, config):
    got = fired(config, D(2026, 10, 1))
    first = D(2026, 10, 1)
    assert got == {
        (Kind.CHECKLIST_FIRST, "t-ia-goteborg", world.verksamhet.pk, 0, first),
        (Kind.CHECKLIST_FIRST, "t-ia-boras", world.boras_v.pk, 0, first),
        (Kind.CHECKLIST_FIRST, "t-chef", world.forvaltning.pk, 0, first),
    }


@pytest.mark.parametrize("day", [D(2026, 9, 30), D(2026, 10, 5), D(2026, 10, 11)])
def test_nothing_between_the_reminder_days(world, config, day):
    assert fired(config, day) == set()


def test_second_reminder_3_days_before(world, config):
    kinds = {(k, who) for k, who, *_rest in fired(config, D(2026, 10, 12))}
    assert kinds == {
        (Kind.CHECKLIST_SECOND, "t-ia-goteborg"),
        (Kind.CHECKLIST_SECOND, "t-ia-boras"),
        (Kind.CHECKLIST_SECOND, "t-chef"),
    }


def test_overdue_the_day_after_and_then_weekly(world, config):
    config.catch_up_days = 0
    assert {(k, o) for k, _w, _s, o, _d in fired(config, D(2026, 10, 16))} == {
        (Kind.CHECKLIST_OVERDUE, 0)
    }
    assert fired(config, D(2026, 10, 17)) == set()
    assert {(k, o) for k, _w, _s, o, _d in fired(config, D(2026, 10, 23))} == {
        (Kind.CHECKLIST_OVERDUE, 1)
    }


def test_overdue_more_than_14_days_also_goes_to_the_forvaltnings_lead(world, config):
    config.catch_up_days = 0
    got = fired(config, D(2026, 10, 30))
    to_boss = {(k, s) for k, who, s, _o, _d in got if who == "t-chef"}
    assert to_boss == {
        (Kind.CHECKLIST_OVERDUE, world.forvaltning.pk),  # its own item, weekly
        (Kind.CHECKLIST_OVERDUE_FORVALTNING, world.verksamhet.pk),
        (Kind.CHECKLIST_OVERDUE_FORVALTNING, world.orphan.pk),  # a unit with no lead of its own
    }
    # Borås's förvaltning has no lead: nobody to tell there, and nobody in Göteborg is told.
    assert not {who for k, who, s, *_r in got if s == world.boras_v.pk} - {"t-ia-boras"}


def test_done_or_not_applicable_items_are_not_reminded(world, config):
    Progress.objects.create(unit=world.verksamhet, responsibility=world.item, status=Status.KLAR)
    Progress.objects.create(
        unit=world.boras_v, responsibility=world.item, status=Status.EJ_AKTUELLT
    )
    Progress.objects.create(unit=world.forvaltning, responsibility=world.f_item, status="pagar")
    got = fired(config, D(2026, 10, 1))
    assert {who for _k, who, *_r in got} == {"t-chef"}


def test_catch_up_sends_a_missed_day_while_still_relevant(world, config):
    config.catch_up_days = 3
    got = fired(config, D(2026, 10, 3))
    assert {(k, d) for k, _w, _s, _o, d in got} == {(Kind.CHECKLIST_FIRST, D(2026, 10, 1))}
    config.catch_up_days = 0
    assert fired(config, D(2026, 10, 3)) == set()


def test_lead_times_are_settings_not_code(world, config):
    config.checklist_first_days = 10
    assert fired(config, D(2026, 10, 1)) == set()
    assert {k for k, *_r in fired(config, D(2026, 10, 5))} == {Kind.CHECKLIST_FIRST}


def test_an_items_due_date_defaults_to_its_phases_end(world, config):
    world.item.due_date = None
    world.item.save()
    world.phase.ends_on = D(2026, 11, 30)
    world.phase.save()
    config.catch_up_days = 0
    got = fired(config, D(2026, 11, 16))
    assert {(k, who) for k, who, *_r in got} == {
        (Kind.CHECKLIST_FIRST, "t-ia-goteborg"),
        (Kind.CHECKLIST_FIRST, "t-ia-boras"),
    }


def test_the_rule_runs_in_a_fixed_number_of_queries(world, config, count_queries, make_user):
    from implementation.models import Level, MembershipRole, Unit, UnitMembership

    small = count_queries(reminder_candidates, today=D(2026, 10, 30), config=config)
    for i in range(40):
        unit = Unit.objects.create(
            party=world.verksamhet.party,
            level=Level.VERKSAMHET,
            parent=world.forvaltning,
            name=f"Enhet {i}",
            slug=f"t-enhet-{i}",
        )
        UnitMembership.objects.create(
            unit=unit, user=make_user(username=f"t-l{i}"), role=MembershipRole.LEAD
        )
    assert len(reminder_candidates(today=D(2026, 10, 30), config=config)) > 80
    assert count_queries(reminder_candidates, today=D(2026, 10, 30), config=config) == small
