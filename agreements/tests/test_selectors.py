import datetime as dt

import pytest

from agreements import selectors
from agreements.models import Agreement, Decision, Party
from agreements.tests.conftest import TODAY

POSTPONED = Decision.Outcome.POSTPONED


def _everyone_adopts(record, *, except_slugs=()):
    for party in Party.objects.agreement_parties():
        if party.slug in except_slugs:
            continue
        day = dt.date(2025, 11, 4) if party.is_region else dt.date(2026, 4, 20)
        record(party, day=day)


# --- status and lateness --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("today", "outcome", "planned", "late"),
    [
        (dt.date(2026, 5, 31), None, None, False),  # on the deadline: not yet late
        (dt.date(2026, 6, 1), None, None, True),  # no decision after the deadline
        (dt.date(2026, 6, 1), POSTPONED, dt.date(2026, 6, 17), False),  # planned date ahead
        (dt.date(2026, 6, 17), POSTPONED, dt.date(2026, 6, 17), False),  # planned date is today
        (dt.date(2026, 6, 18), POSTPONED, dt.date(2026, 6, 17), True),  # planned date passed
        (dt.date(2026, 6, 18), Decision.Outcome.PENDING, None, True),
        (dt.date(2026, 11, 22), Decision.Outcome.ADOPTED, None, False),
        (dt.date(2026, 11, 22), Decision.Outcome.REJECTED, None, False),
    ],
)
def test_late_means_no_final_decision_after_the_deadline_and_no_planned_date(
    main_agreement, today, outcome, planned, late
):
    decision = None
    if outcome:
        decision = Decision(outcome=outcome, planned_date=planned, decided_on=dt.date(2026, 5, 1))
    status = selectors.status_for(decision, agreement=main_agreement, today=today)
    assert status.late is late
    assert bool(status.late_reason) is late


def test_the_deadline_is_data_on_the_agreement(main_agreement):
    main_agreement.decision_deadline = dt.date(2026, 9, 30)
    status = selectors.status_for(None, agreement=main_agreement, today=dt.date(2026, 7, 1))
    assert not status.late
    late = selectors.status_for(None, agreement=main_agreement, today=dt.date(2026, 10, 1))
    assert (
        late.late_reason == "Inget beslut efter 30 september 2026 och inget planerat beslutsdatum."
    )


def test_the_latest_decision_is_the_current_status(record, party, main_agreement, frozen):
    dals_ed = party("dals-ed")
    record(dals_ed, day=dt.date(2026, 5, 25), outcome=POSTPONED, planned_date=dt.date(2026, 6, 17))
    assert selectors.party_overview(dals_ed, today=TODAY).statuses[0].key == POSTPONED
    record(dals_ed, day=dt.date(2026, 6, 17))
    overview = selectors.party_overview(dals_ed, today=TODAY)
    assert overview.statuses[0].key == Decision.Outcome.ADOPTED
    assert len(overview.decisions) == 10
    latest = selectors.latest_decisions(agreements=[main_agreement])
    assert latest[(dals_ed.pk, main_agreement.pk)].decided_on == dt.date(2026, 6, 17)


# --- summary --------------------------------------------------------------------------------
def test_summary_counts_the_municipalities_and_lists_who_is_missing_and_late(record, party, frozen):
    _everyone_adopts(record, except_slugs={"dals-ed", "gullspang", "munkedal"})
    record(
        party("dals-ed"),
        day=dt.date(2026, 5, 25),
        outcome=POSTPONED,
        planned_date=dt.date(2026, 12, 9),
    )

    summary = selectors.adoption_summary(TODAY)

    assert (summary.main.adopted, summary.main.total) == (46, 49)
    assert summary.main.by_outcome == {"antaget": 46, "uppskjutet": 1, "inget": 2}
    assert not summary.condition_met
    assert summary.package_adopted == 46
    assert [row.party.slug for row in summary.missing] == ["dals-ed", "gullspang", "munkedal"]
    assert [row.party.slug for row in summary.late] == ["gullspang", "munkedal"]
    assert summary.region.main.adopted
    assert [c.adopted for c in summary.per_agreement] == [46] * 5
    assert sum(f.total for f in summary.per_federation) == 49
    gr = next(f for f in summary.per_federation if f.title == "Göteborgsregionen")
    assert (gr.total, gr.adopted_main) == (12, 12)
    skaraborg = next(f for f in summary.per_federation if f.title == "Skaraborgs kommunalförbund")
    assert (skaraborg.total, skaraborg.adopted_main) == (15, 14)


def test_the_condition_needs_every_municipality_to_adopt_every_part(
    record, party, new_agreements, frozen
):
    _everyone_adopts(record, except_slugs={"tjorn"})
    tjorn = party("tjorn")
    record(tjorn, agreements=new_agreements[:4])
    summary = selectors.adoption_summary(TODAY)
    assert summary.main.all_adopted
    assert not summary.per_agreement[4].all_adopted
    assert not summary.condition_met
    assert summary.missing[0].not_adopted == [new_agreements[4]]

    record(tjorn, agreements=new_agreements[4:], day=dt.date(2026, 5, 4))
    summary = selectors.adoption_summary(TODAY)
    assert summary.condition_met
    assert summary.missing == [] and summary.late == []


def test_vgr_does_not_count_among_the_49(record, party, frozen):
    record(party("vgr"), day=dt.date(2025, 11, 4))
    summary = selectors.adoption_summary(TODAY)
    assert summary.main.adopted == 0
    assert summary.municipalities_total == 49
    assert "kungsbacka" not in {p.slug for p in summary.main.missing}


# --- board filters ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, 50),
        ({"federation": "gr"}, 12),
        ({"federation": "vgr"}, 1),
        ({"delregion": "simba"}, 4),
        ({"outcome": "inget"}, 2),
        ({"outcome": "uppskjutet"}, 1),
        ({"late_only": True}, 2),
        ({"federation": "fyrbodal", "outcome": "antaget"}, 12),
    ],
)
def test_board_filters(record, party, frozen, filters, expected):
    _everyone_adopts(record, except_slugs={"dals-ed", "gullspang", "munkedal"})
    record(
        party("dals-ed"),
        day=dt.date(2026, 5, 25),
        outcome=POSTPONED,
        planned_date=dt.date(2026, 12, 9),
    )
    board = selectors.adoption_board(today=TODAY, **filters)
    assert board.shown == expected
    assert sum(len(group.rows) for group in board.groups) == expected
    assert board.summary.main.adopted == 46  # the summary ignores the filters


def test_board_groups_vgr_first_then_the_federations(reference_data, frozen):
    board = selectors.adoption_board(today=TODAY)
    assert [g.title for g in board.groups] == [
        "Västra Götalandsregionen",
        "Göteborgsregionen",
        "Fyrbodals kommunalförbund",
        "Boråsregionen Sjuhärads kommunalförbund",
        "Skaraborgs kommunalförbund",
    ]
    assert [len(g.rows) for g in board.groups] == [1, 12, 14, 8, 15]


def test_outcome_filter_can_follow_an_overenskommelse(record, party, new_agreements, frozen):
    record(party("ale"), agreements=new_agreements[:1])
    munhalsa = new_agreements[4].slug
    assert selectors.adoption_board(today=TODAY, outcome="antaget").shown == 1
    assert selectors.adoption_board(today=TODAY, outcome="antaget", agreement=munhalsa).shown == 0


# --- texts and changes ----------------------------------------------------------------------
def test_agreements_are_described_in_words(main_agreement):
    old = Agreement.objects.get(slug="hos-avtal-2017")
    before = dt.date(2026, 11, 22)
    assert selectors.agreement_state(old, today=before, condition_met=False) == (
        "Gäller till och med 31 december 2026. Uppsagt av Västra Götalandsregionen 4 november 2025."
    )
    assert selectors.agreement_state(old, today=dt.date(2027, 1, 1), condition_met=False) == (
        "Upphörde att gälla efter 31 december 2026."
    )
    assert selectors.agreement_state(main_agreement, today=before, condition_met=False) == (
        "Träder i kraft 1 januari 2027 om samtliga kommuner antar avtalet."
    )
    assert "Samtliga kommuner har antagit" in selectors.agreement_state(
        main_agreement, today=before, condition_met=True
    )
    assert (
        selectors.agreement_state(main_agreement, today=dt.date(2027, 2, 1), condition_met=True)
        == "Gäller sedan 1 januari 2027."
    )


def test_decisions_since_finds_decisions_taken_or_recorded_since_a_date(
    record, party, new_agreements
):
    import time_machine

    with time_machine.travel(dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC), tick=False):
        record(party("ale"), agreements=new_agreements[:1], day=dt.date(2026, 4, 20))
    with time_machine.travel(dt.datetime(2026, 6, 20, 9, tzinfo=dt.UTC), tick=False):
        record(party("lerum"), agreements=new_agreements[:1], day=dt.date(2026, 5, 28))
        record(party("tjorn"), agreements=new_agreements[:1], day=dt.date(2026, 6, 17))
    since = [d.party.slug for d in selectors.decisions_since(dt.date(2026, 6, 1))]
    assert since == ["lerum", "tjorn"]  # lerum: recorded after, tjorn: recorded and taken
    taken = selectors.decisions_since(dt.date(2026, 5, 20), until=dt.date(2026, 6, 1))
    assert [d.party.slug for d in taken] == ["lerum"]
    window = selectors.decisions_since(dt.date(2026, 4, 15), until=dt.date(2026, 5, 2))
    assert [d.party.slug for d in window] == ["ale"]
