"""The ladder's figures for the steering group (``escalation.figures``) against numbers counted
by hand, and their fixed number of queries. The medians run through ``DaysBetween``, whose SQL
is written per vendor: this file runs in the suite's SQLite pass and in CI's PostgreSQL pass."""

import datetime as dt

import pytest
import time_machine

from agreements.models import Agreement
from escalation import figures, services
from escalation.models import Case

from .conftest import START
from .test_selectors import _bulk_cases

pytestmark = pytest.mark.django_db

NOW = START + dt.timedelta(days=10)


@pytest.fixture
def four_cases(open_case, boras_lead, parties, forvaltare):
    """a: resolved at step 1 after 4 days. b (systemic): escalated after 2 days, resolved at
    step 2 after 6 more. c (Göteborg, another agreement): closed without an outcome after 8
    days. d (systemic): still open at step 1."""
    other = Agreement.objects.get(slug="ok-lakaransvar-2027")
    with time_machine.travel(START, tick=False):
        a = open_case()
        b = open_case(is_systemic=True)
        c = open_case(actor=forvaltare, reporting_party=parties["goteborg"], agreement=other)
        d = open_case(is_systemic=True)
    with time_machine.travel(START + dt.timedelta(days=2), tick=False):
        b = services.case_escalate(case=b, actor=boras_lead, reason="x")
    with time_machine.travel(START + dt.timedelta(days=4), tick=False):
        a = services.case_resolve(case=a, actor=forvaltare, outcome="ok")
    with time_machine.travel(START + dt.timedelta(days=8), tick=False):
        b = services.case_resolve(case=b, actor=forvaltare, outcome="ok")
        c = services.case_close(case=c, actor=forvaltare, reason="återtaget")
    return {"a": a, "b": b, "c": c, "d": d, "other": other}


def _figures(user, *, today=None):
    return figures.escalations(user=user, today=today or NOW.date(), now=NOW)


def test_the_ladders_figures_by_hand(four_cases, forvaltare):
    e = _figures(forvaltare)
    steps = {row.step.order: row.by_status for row in e.steps if row.by_status}
    assert steps == {1: {"lost": 1, "avslutad": 1, "oppen": 1}, 2: {"lost": 1}}
    step1, step2 = e.steps[0], e.steps[1]
    assert (step1.total, step1.active, step1.resolved, step1.closed) == (3, 1, 1, 1)
    assert (step2.total, step2.active, step2.resolved) == (1, 0, 1)
    assert e.max_step_total == 3
    # Step 1 periods: a 4 days, b 2, c 8, d 10 (ongoing until now) → median 6. Step 2: b 6.
    assert (step1.median_days, step2.median_days) == (6.0, 6.0)
    # Of a and b (resolved; c was closed without an outcome) only a never left step 1.
    assert e.first_step_share == 0.5
    assert (e.counts.total, e.counts.active, e.counts.systemic) == (4, 1, 2)
    per_agreement = {
        r["agreement__short_title"]: (r["total"], r["active"]) for r in e.per_agreement
    }
    assert per_agreement[str(four_cases["other"].short_title)] == (1, 0)
    assert sorted(per_agreement.values()) == [(1, 0), (3, 1)]
    per_delregion = {r["delregion__name"]: (r["total"], r["systemic"]) for r in e.per_delregion}
    assert per_delregion == {
        "Närvårdssamverkan Södra Älvsborg": (3, 2),
        "Vårdsamverkan i Göteborgsområdet": (1, 0),
    }


def test_overdue_counts_active_cases_past_their_step_deadline(four_cases, forvaltare):
    d = four_cases["d"]
    assert _figures(forvaltare, today=d.step_deadline).counts.overdue == 0
    later = d.step_deadline + dt.timedelta(days=1)
    assert _figures(forvaltare, today=later).counts.overdue == 1  # d only: a, b, c are done


def test_a_user_counts_only_the_cases_they_may_see(four_cases, gbg_lead):
    e = _figures(gbg_lead)
    assert (e.counts.total, e.counts.active) == (1, 0)  # c, reported by Göteborg
    assert {row.step.order: row.by_status for row in e.steps if row.by_status} == {
        1: {"avslutad": 1}
    }
    assert e.first_step_share is None  # nothing resolved among what they see


def test_what_happened_since_a_day(four_cases):
    since = START + dt.timedelta(days=1)
    activity = figures.activity_since(since=since)
    assert activity == {"opened": 0, "escalated": 1, "resolved": 2, "reopened": 0, "closed": 1}
    events = figures.events_since(since=since, cases=Case.objects.all(), limit=10)
    # Openings, escalations and resolutions, newest first (the closing is not listed).
    assert [(e.case_id, e.kind) for e in events] == [
        (four_cases["b"].pk, "lost"),
        (four_cases["a"].pk, "lost"),
        (four_cases["b"].pk, "eskalerat"),
    ]
    assert len(figures.events_since(since=since, cases=Case.objects.all(), limit=2)) == 2


def test_no_cases_gives_zeroes(reference_data, forvaltare):
    e = _figures(forvaltare)
    assert (e.counts.total, e.counts.active, e.counts.overdue, e.counts.systemic) == (0, 0, 0, 0)
    assert e.first_step_share is None
    assert all(row.median_days is None and row.total == 0 for row in e.steps)
    assert e.per_agreement == [] and e.per_delregion == []


@pytest.mark.parametrize("size", [5, 50])
def test_the_figures_take_a_fixed_number_of_queries(
    size, parties, agreement, boras_lead, forvaltare, count_queries
):
    _bulk_cases(size, parties, agreement, boras_lead)
    # The steps, the grouped cases, the agreements' names (not given by the caller here; the
    # bulk cases have no delregion, so no query for their names), the step periods.
    assert count_queries(lambda: _figures(forvaltare)) == 4
    assert count_queries(lambda: figures.activity_since(since=START)) == 1
