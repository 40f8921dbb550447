"""The dashboard's figures against hand-computed expectations on small data.

Reference data gives VGR 9 förvaltningar, 1 regionövergripande unit and 4 verksamheter, and
active items per level: förvaltning 19 (Steg 1: 1, Fas 1: 5, …), verksamhet 19 (Steg 1: 1,
Fas 1: 2, …), regionövergripande 14. VGR's units therefore carry 9×19 + 14 + 4×19 = 261
applicable items. No municipality has units until a test adds them.
"""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from agreements.models import Agreement, Decision, Party
from bodies.tests.factories import SteeringMeeting
from conferences import figures as conference_figures
from conferences.models import Registration
from conferences.tests.factories import ConferenceFactory, RegistrationFactory
from escalation import figures as escalation_figures
from escalation import services as escalation_services
from escalation.models import Case
from hosavtal.dashboard import figures
from hosavtal.dashboard.selectors import dashboard
from implementation import services as implementation_services
from implementation.models import Level, Phase, Responsibility, Status, Unit
from implementation.readiness import drill as readiness_drill
from implementation.readiness import heatmap
from implementation.readiness import history as readiness_history
from implementation.readiness.heatmap import GROUP_BY_FEDERATION

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)  # a Friday
TODAY = dt.date(2026, 11, 20)
VGR_APPLICABLE = 261


@pytest.fixture(autouse=True)
def _pinned():
    with time_machine.travel(NOW, tick=False):
        yield


def _at(day: int, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, 12, 0, tzinfo=dt.UTC)


def _build(user, *, since=dt.date(2026, 11, 5), grouping=GROUP_BY_FEDERATION, weeks=3):
    return dashboard(
        user=user,
        today=TODAY,
        now=timezone.now(),
        since=since,
        meetings=figures.meetings(),
        grouping=grouping,
        weeks=weeks,
    )


def _row(d, label):
    return next(row for group in d.groups for row in group.rows if row.label == label)


def _phase(code):
    return Phase.objects.get(code=code)


@pytest.fixture
def goteborg(reference_data):
    party = Party.objects.get(slug="goteborg")
    forvaltning = Unit.objects.create(
        party=party, level=Level.FORVALTNING, name="Äldreförvaltningen", slug="aldre"
    )
    verksamhet = Unit.objects.create(
        party=party, level=Level.VERKSAMHET, name="Hemsjukvården", slug="hsv", parent=forvaltning
    )
    return forvaltning, verksamhet


def _set(unit, code_or_item, status, actor, at=None, comment=""):
    item = (
        code_or_item
        if isinstance(code_or_item, Responsibility)
        else Responsibility.objects.get(code=code_or_item)
    )
    implementation_services.progress_update(
        unit=unit, responsibility=item, actor=actor, status=status, comment=comment, at=at
    )


# --- empty data ---------------------------------------------------------------------------------
def test_empty_data_gives_zeroes_and_no_errors(styrgrupp_user):
    d = _build(styrgrupp_user)
    h = d.headline
    assert h.days_left == 42  # 20 November 2026 → 1 January 2027
    assert h.entry_date == dt.date(2027, 1, 1)
    assert (h.adoption.main.adopted, h.adoption.municipalities_total) == (0, 49)
    assert h.adoption.condition_met is False
    assert (h.readiness.done, h.readiness.applicable) == (0, VGR_APPLICABLE)
    assert h.readiness.done_share == 0
    assert h.without_lead == 14  # every VGR reference unit
    assert (h.cases.active, h.cases.overdue, h.cases.total) == (0, 0, 0)
    assert h.next_conference is None  # reference conferences are past or undated
    assert d.escalations.first_step_share is None
    assert [row.total for row in d.escalations.steps] == [0, 0, 0, 0, 0]
    assert d.since.decisions == [] and d.since.completed_count == 0
    assert d.since.case_activity == {
        "opened": 0,
        "escalated": 0,
        "resolved": 0,
        "reopened": 0,
        "closed": 0,
    }
    assert all(point.done == 0 for point in d.trend.county.points)
    assert len(d.trend.weeks) == 3


def test_a_party_without_units_is_a_row_with_empty_cells(styrgrupp_user):
    d = _build(styrgrupp_user)
    row = _row(d, "Göteborg")
    assert not row.has_units
    assert row.by_phase == {} and row.total.applicable == 0
    assert row.total.done_share is None
    gr = next(g for g in d.groups if g.title == "Göteborgsregionen")
    assert len(gr.rows) == 12
    assert gr.total.total.applicable == 0


# --- readiness ------------------------------------------------------------------------------------
def test_heatmap_cells_per_phase_and_level_by_hand(goteborg, styrgrupp_user):
    forvaltning, verksamhet = goteborg
    fas1 = list(Responsibility.objects.filter(level=Level.FORVALTNING, phase__code="p1"))
    _set(forvaltning, fas1[0], Status.KLAR, styrgrupp_user)
    _set(forvaltning, fas1[1], Status.KLAR, styrgrupp_user)
    _set(forvaltning, fas1[2], Status.EJ_AKTUELLT, styrgrupp_user, comment="Görs av nämnden")
    _set(forvaltning, fas1[3], Status.PAGAR, styrgrupp_user)
    _set(verksamhet, "steg1-verksamhet-utse-ansvariga", Status.KLAR, styrgrupp_user)
    d = _build(styrgrupp_user)
    row = _row(d, "Göteborg")
    p1, steg1, p2 = row.by_phase[_phase("p1").pk], row.by_phase[_phase("steg1").pk], None
    # Fas 1: 5 förvaltning + 2 verksamhet items; one not applicable; two done; one half done.
    assert (p1.done, p1.applicable, p1.in_progress) == (2, 6, 1)
    assert p1.done_share == pytest.approx(2 / 6)
    assert p1.weighted == pytest.approx((100 + 100 + 50) / 600)
    assert (steg1.done, steg1.applicable) == (1, 2)
    p2 = row.by_phase[_phase("p2").pk]
    assert (p2.done, p2.applicable) == (0, 12)
    assert (row.by_level["forvaltning"].done, row.by_level["forvaltning"].applicable) == (2, 18)
    assert (row.by_level["verksamhet"].done, row.by_level["verksamhet"].applicable) == (1, 19)
    assert "regionovergripande" not in row.by_level
    assert (row.total.done, row.total.applicable) == (3, 37)
    gr = next(g for g in d.groups if g.title == "Göteborgsregionen")
    assert (gr.total.total.done, gr.total.total.applicable) == (3, 37)
    assert (d.headline.readiness.done, d.headline.readiness.applicable) == (3, VGR_APPLICABLE + 37)
    county_p1 = {phase.code: stats for phase, stats in d.by_phase}["p1"]
    assert county_p1.done == 2
    level_totals = {value: stats for value, _label, stats in d.by_level}
    assert level_totals["verksamhet"].applicable == 4 * 19 + 19


def test_vgr_is_split_into_forvaltningar_and_the_rest(styrgrupp_user):
    d = _build(styrgrupp_user)
    vgr = d.groups[0]
    assert vgr.title == "Västra Götalandsregionen"
    assert len(vgr.rows) == 10  # 9 förvaltningar + regionövergripande and others
    assert vgr.rows[-1].scope == "ovrigt-vgr"
    assert vgr.rows[-1].total.applicable == 14
    assert sum(r.total.applicable for r in vgr.rows) == VGR_APPLICABLE
    assert vgr.total.total.applicable == VGR_APPLICABLE
    # Every unit of VGR lands in exactly one row.
    ids = [uid for row in vgr.rows for uid in row.unit_ids]
    assert sorted(ids) == sorted(
        Unit.objects.filter(party__slug="vgr").values_list("pk", flat=True)
    )


def test_grouping_by_delregion_puts_every_municipality_in_one_group(styrgrupp_user):
    d = _build(styrgrupp_user, grouping="delregion")
    municipalities = [r for g in d.groups[1:] for r in g.rows]
    assert len(municipalities) == 49
    simba = next(g for g in d.groups if g.title == "SIMBA")
    assert sorted(r.label for r in simba.rows) == ["Ale", "Kungälv", "Stenungsund", "Tjörn"]


def test_drill_down_lists_units_and_items_of_the_cell(goteborg, styrgrupp_user):
    forvaltning, verksamhet = goteborg
    _set(verksamhet, "p1-verksamhet-eskaleringstrappan", Status.KLAR, styrgrupp_user)
    drill = readiness_drill.drill_down("part-goteborg", phase=_phase("p1"))
    assert [(r.unit.slug, r.stats.done, r.stats.applicable) for r in drill.units] == [
        ("hsv", 1, 2),
        ("aldre", 0, 5),
    ] or [(r.unit.slug, r.stats.done, r.stats.applicable) for r in drill.units] == [
        ("aldre", 0, 5),
        ("hsv", 1, 2),
    ]
    assert (drill.total.done, drill.total.applicable) == (1, 7)
    items = {row.item.code: (row.stats.done, row.stats.applicable) for row in drill.items}
    assert items["p1-verksamhet-eskaleringstrappan"] == (1, 1)
    assert items["p1-forvaltning-roller"] == (0, 1)
    assert len(items) == 7
    by_forvaltning = readiness_drill.drill_down(f"enhet-{forvaltning.pk}", level="verksamhet")
    assert [r.unit.slug for r in by_forvaltning.units] == ["hsv"]
    assert by_forvaltning.total.applicable == 19
    with pytest.raises(readiness_drill.UnknownScope):
        readiness_drill.drill_down("enhet-999999")


# --- trends ---------------------------------------------------------------------------------------
def test_trend_walks_back_from_today_per_federation(goteborg, styrgrupp_user):
    forvaltning, _verksamhet = goteborg
    fas1 = list(Responsibility.objects.filter(level=Level.FORVALTNING, phase__code="p1"))
    _set(forvaltning, fas1[0], Status.KLAR, styrgrupp_user, at=_at(3))  # week of 2 November
    _set(forvaltning, fas1[1], Status.KLAR, styrgrupp_user, at=_at(18))  # this week
    d = _build(styrgrupp_user, weeks=3)
    assert d.trend.weeks == [dt.date(2026, 11, 2), dt.date(2026, 11, 9), dt.date(2026, 11, 16)]
    gr = next(s for s in d.trend.series if s.label == "Göteborgsregionen")
    assert [p.done for p in gr.points] == [1, 1, 2]
    assert all(p.applicable == 38 for p in gr.points)  # 19 + 19 items, none excluded
    vgr = next(s for s in d.trend.series if s.label == "Västra Götalandsregionen")
    assert [p.done for p in vgr.points] == [0, 0, 0]
    assert [p.done for p in d.trend.county.points] == [1, 1, 2]
    # The same method as the implementation app's county-wide history.
    history = readiness_history.readiness_history(weeks=3, today=TODAY)
    assert [p.stats.done for p in history] == [p.done for p in d.trend.county.points]


# --- since the last meeting -------------------------------------------------------------------------
def test_since_counts_what_changed_from_the_chosen_date(goteborg, styrgrupp_user, forvaltare):
    forvaltning, _verksamhet = goteborg
    SteeringMeeting.objects.create(date=dt.date(2026, 11, 5))
    SteeringMeeting.objects.create(date=dt.date(2026, 12, 3))
    fas1 = list(Responsibility.objects.filter(level=Level.FORVALTNING, phase__code="p1"))
    _set(forvaltning, fas1[0], Status.KLAR, styrgrupp_user, at=_at(3))  # before
    _set(forvaltning, fas1[1], Status.KLAR, styrgrupp_user, at=_at(18))  # after
    agreement = Agreement.objects.get(slug="ok-betalningsansvar-2027")
    Decision.objects.create(
        party=Party.objects.get(slug="goteborg"),
        agreement=agreement,
        decided_on=dt.date(2026, 11, 10),
        body=Decision.Body.KOMMUNFULLMAKTIGE,
        outcome=Decision.Outcome.ADOPTED,
    )
    meetings = figures.meetings()
    assert figures.default_since(meetings, TODAY) == dt.date(2026, 11, 5)
    assert figures.next_meeting(meetings, TODAY).date == dt.date(2026, 12, 3)
    since = figures.changes_since(since=dt.date(2026, 11, 5), today=TODAY, user=styrgrupp_user)
    assert since.completed_count == 1
    assert since.completed_by_party == [
        {"unit__party__slug": "goteborg", "unit__party__name": "Göteborg", "n": 1}
    ]
    assert [p.responsibility for p in since.completed_recent] == [fas1[1]]
    assert [(d.party_slug, d.agreement_id) for d in since.decisions] == [("goteborg", agreement.pk)]
    assert since.overdue == []  # nothing fell due between 5 and 20 November
    earlier = figures.changes_since(since=dt.date(2026, 10, 1), today=TODAY, user=styrgrupp_user)
    overdue = {o.item.code: (o.overdue_units, o.units) for o in earlier.overdue}
    # Due 15 October: 10 förvaltningar (9 VGR + Göteborg) and 5 verksamheter, none done.
    assert overdue == {
        "p2-forvaltning-dialogkonferenser": (10, 10),
        "p2-verksamhet-dialogkonferenser": (5, 5),
    }
    assert earlier.completed_count == 2


def test_decision_lines_since_match_decisions_since(reference_data):
    """``decision_lines_since`` (plain values, used by the dashboard) lists the same decisions
    in the same order with the same values as ``decisions_since``: taken or recorded on or
    after the date, on or before ``until``, newest registration first."""
    from agreements import selectors as agreements

    parties = [Party.objects.get(slug=s) for s in ("goteborg", "boras", "ale")]
    agreement = Agreement.objects.get(slug="ok-betalningsansvar-2027")
    made = []
    for i, (party, decided, recorded) in enumerate(
        [
            (parties[0], dt.date(2026, 11, 10), _at(11)),  # taken and recorded after
            (parties[1], dt.date(2026, 10, 1), _at(12)),  # taken before, recorded after
            (parties[2], dt.date(2026, 9, 1), _at(2, 10)),  # both before: left out
            (parties[1], dt.date(2026, 11, 19), _at(19)),  # after ``until``
        ]
    ):
        decision = Decision.objects.create(
            party=party,
            agreement=agreement,
            decided_on=decided,
            body=Decision.Body.KOMMUNFULLMAKTIGE,
            outcome=[Decision.Outcome.ADOPTED, Decision.Outcome.REJECTED][i % 2],
        )
        Decision.objects.filter(pk=decision.pk).update(recorded_at=recorded)
        made.append(decision.pk)
    for until in (None, dt.date(2026, 11, 15)):
        full = agreements.decisions_since(dt.date(2026, 11, 5), until=until)
        lines = agreements.decision_lines_since(dt.date(2026, 11, 5), until=until)
        assert [line.pk for line in lines] == [d.pk for d in full]
        assert [
            (
                line.party_id,
                line.party_slug,
                line.party_name,
                line.agreement_short_title,
                line.decided_on,
                line.outcome,
                line.outcome_label,
                line.recorded_at,
            )
            for line in lines
        ] == [
            (
                d.party_id,
                d.party.slug,
                d.party.name,
                d.agreement.short_title,
                d.decided_on,
                d.outcome,
                d.get_outcome_display(),
                d.recorded_at,
            )
            for d in full
        ]
    assert [line.pk for line in lines] == [made[1], made[0]]  # newest registration first


def test_adoption_summary_of_loaded_parties_equals_adoption_summary(reference_data):
    """``adoption_summary_of`` (the dashboard passes the parties it has loaded) says what
    ``adoption_summary`` says, in one query fewer."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from agreements import selectors as agreements

    agreement = Agreement.objects.get(slug="ok-betalningsansvar-2027")
    Decision.objects.create(
        party=Party.objects.get(slug="goteborg"),
        agreement=agreement,
        decided_on=dt.date(2026, 11, 10),
        body=Decision.Body.KOMMUNFULLMAKTIGE,
        outcome=Decision.Outcome.ADOPTED,
    )
    parties = heatmap.county_load().parties
    with CaptureQueriesContext(connection) as own:
        mine = agreements.adoption_summary_of(TODAY, parties)
    with CaptureQueriesContext(connection) as full:
        theirs = agreements.adoption_summary(TODAY)
    assert mine == theirs
    assert len(own.captured_queries) == len(full.captured_queries) - 1
    counts = {c.agreement.slug: c.by_outcome for c in mine.per_agreement}
    assert counts["ok-betalningsansvar-2027"][Decision.Outcome.ADOPTED] == 1


# --- escalations --------------------------------------------------------------------------------
@pytest.fixture
def cases(reference_data, forvaltare):
    agreement = Agreement.objects.get(slug="ok-betalningsansvar-2027")
    vgr, boras, mark = (Party.objects.get(slug=s) for s in ("vgr", "boras", "mark"))

    def open_case(title, when, party=boras, **extra):
        return escalation_services.case_open(
            actor=forvaltare,
            kind=Case.Kind.AVVIKELSE,
            title=title,
            description="Avidentifierad beskrivning.",
            agreement=agreement,
            reporting_party=party,
            receiving_party=vgr,
            when=when,
            notify=False,
            **extra,
        )

    a = open_case("A", _at(20, 10))
    escalation_services.case_resolve(case=a, actor=forvaltare, outcome="Löst", when=_at(10))
    b = open_case("B", _at(10))
    escalation_services.case_escalate(
        case=b, actor=forvaltare, reason="Ingen enighet", when=_at(12), notify=False
    )
    c = open_case("C", _at(15), party=mark, is_systemic=True)
    d = open_case("D", _at(1, 8))
    return {"a": a, "b": b, "c": c, "d": d}


def test_escalation_figures_by_hand(cases, styrgrupp_user):
    e = escalation_figures.escalations(user=styrgrupp_user, today=TODAY, now=timezone.now())
    assert (e.counts.total, e.counts.active, e.counts.systemic) == (4, 3, 1)
    assert e.counts.overdue == 1  # D: step 1 since 1 August, 60 days
    step1, step2 = e.steps[0], e.steps[1]
    assert (step1.total, step1.active, step1.resolved) == (3, 2, 1)
    assert (step2.total, step2.active) == (1, 1)
    assert e.first_step_share == 1.0  # the only resolved case never left step 1
    assert step2.median_days == pytest.approx(7.9, abs=0.05)  # 12 Nov 12:00 → 20 Nov 10:00
    per_agreement = {row["agreement__short_title"]: row for row in e.per_agreement}
    (row,) = per_agreement.values()
    assert (row["total"], row["active"], row["systemic"]) == (4, 3, 1)
    since = figures.changes_since(since=dt.date(2026, 11, 5), today=TODAY, user=styrgrupp_user)
    assert since.case_activity["opened"] == 2  # B and C
    assert since.case_activity["escalated"] == 1
    assert since.case_activity["resolved"] == 1
    kinds = sorted((ev.case.title, ev.kind) for ev in since.case_events)
    assert kinds == [("A", "lost"), ("B", "eskalerat"), ("B", "oppnat"), ("C", "oppnat")]


def test_escalation_headline_on_the_dashboard(cases, styrgrupp_user):
    d = _build(styrgrupp_user)
    assert (d.headline.cases.active, d.headline.cases.overdue) == (3, 1)


# --- conferences ----------------------------------------------------------------------------------
def test_conference_figures_by_hand(reference_data, styrgrupp_user):
    conference = ConferenceFactory(date=dt.date(2026, 12, 10), capacity=10, title="Vinterkonferens")
    goteborg, boras, vgr = (Party.objects.get(slug=s) for s in ("goteborg", "boras", "vgr"))
    for _i in range(2):
        RegistrationFactory(conference=conference, party=goteborg, organisation_other="")
    RegistrationFactory(conference=conference, party=goteborg, status=Registration.Status.AVBOKAD)
    RegistrationFactory(conference=conference, party=boras, status=Registration.Status.VANTELISTA)
    RegistrationFactory(conference=conference, party=vgr, organisation_other="", attended=True)
    RegistrationFactory(conference=conference)  # another organisation
    d = _build(styrgrupp_user, since=dt.date(2026, 11, 1))
    row = d.headline.next_conference
    assert row.conference == conference
    assert row.held == 4 and row.capacity_share == pytest.approx(0.4)
    assert row.per_federation == {
        "Göteborgsregionen": (2, 0),
        "Boråsregionen Sjuhärads kommunalförbund": (1, 0),
        conference_figures.REGION: (1, 1),
        conference_figures.OTHER: (1, 0),
    }
    assert len(row.missing) == 47
    assert {p.slug for p in row.missing}.isdisjoint({"goteborg", "boras"})
    assert d.conferences.federations[-2:] == [conference_figures.REGION, conference_figures.OTHER]
    registrations = {r["conference__slug"]: r for r in d.since.registrations}
    mine = registrations[conference.slug]
    assert (mine["n"], mine["holding"], mine["cancelled"]) == (6, 4, 1)
    assert d.since.registrations_total == 6
