import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from escalation import selectors, services
from escalation.models import Case, CaseHandler, CaseStepPeriod, LadderStep
from escalation.selectors import CaseFilters

from .conftest import START

pytestmark = pytest.mark.django_db


def test_visibility_parties_handlers_styrgrupp_forvaltare(
    open_case, boras_lead, vgr_lead, gbg_lead, make_user, parties, styrgrupp_user, forvaltare
):
    case = open_case()
    visible = lambda user: list(selectors.cases_visible_to(user))  # noqa: E731
    assert visible(boras_lead) == [case]
    assert visible(vgr_lead) == [case]
    assert visible(styrgrupp_user) == [case]
    assert visible(forvaltare) == [case]
    assert visible(gbg_lead) == []
    # A Göteborg user who handled an earlier step keeps seeing the case after it moves on.
    period = case.periods.get()
    CaseHandler.objects.create(period=period, user=gbg_lead, case=case)
    services.case_escalate(case=case, actor=boras_lead, reason="Vidare.")
    assert visible(gbg_lead) == [case]


def test_anonymous_and_inactive_users_see_nothing(open_case, boras_lead):
    from django.contrib.auth.models import AnonymousUser

    open_case()
    assert not selectors.cases_visible_to(AnonymousUser()).exists()
    boras_lead.is_active = False
    assert not selectors.cases_visible_to(boras_lead).exists()


def test_counts_and_exports_leave_out_invisible_cases(
    open_case, gbg_lead, parties, boras_lead, forvaltare
):
    open_case()  # Borås–VGR
    mine = open_case(actor=forvaltare, reporting_party=parties["goteborg"], title="Göteborgs")
    columns = selectors.ladder_overview(user=gbg_lead)
    assert sum(c.total for c in columns) == 1
    assert [c.title for c in columns[0].cases] == ["Göteborgs"]
    headers, rows = selectors.case_export_rows(user=gbg_lead)
    assert [row[0] for row in rows] == [mine.reference]


def test_overview_marks_overdue_and_near_deadline(open_case, boras_lead):
    with time_machine.travel(START, tick=False):
        late = open_case(title="Sen")
    with time_machine.travel(START + dt.timedelta(days=20), tick=False):
        soon = open_case(title="Snart")
    with time_machine.travel(START + dt.timedelta(days=40), tick=False):
        fresh = open_case(title="Ny")
    today = dt.date(2027, 1, 25)
    late.refresh_from_db()
    soon.refresh_from_db()
    fresh.refresh_from_db()
    assert late.step_deadline == dt.date(2027, 1, 4)
    assert soon.step_deadline == dt.date(2027, 1, 21)
    assert fresh.step_deadline == dt.date(2027, 2, 10)
    assert fresh.step_warning_on == dt.date(2027, 1, 26)  # 45 days from 12 Dec
    columns = selectors.ladder_overview(user=boras_lead, today=dt.date(2027, 1, 10))
    first = columns[0]
    states = {c.title: c.deadline_state for c in first.cases}
    assert states == {"Sen": "overdue", "Snart": "warning", "Ny": ""}
    assert (first.total, first.overdue, first.warning) == (3, 1, 1)
    assert [c.title for c in first.cases] == ["Sen", "Snart", "Ny"]  # by deadline
    ages = {c.title: c.age_days for c in first.cases}
    assert ages == {"Sen": 69, "Snart": 49, "Ny": 29}
    overdue = selectors.case_list(user=boras_lead, filters=CaseFilters(overdue=True), today=today)
    assert [c.title for c in overdue] == ["Sen", "Snart"]


def test_filters(open_case, boras_lead, parties, agreement, forvaltare):
    from agreements.models import Agreement

    other = Agreement.objects.get(slug="ok-lakaransvar-2027")
    a = open_case(kind=Case.Kind.TVIST)
    b = open_case(agreement=other)
    c = open_case(actor=forvaltare, reporting_party=parties["goteborg"])
    services.case_escalate(case=b, actor=boras_lead, reason="x")
    services.case_resolve(case=a, actor=forvaltare, outcome="klart")

    def run(**kw):
        return {x.pk for x in selectors.case_list(user=forvaltare, filters=CaseFilters(**kw))}

    assert run(kind=Case.Kind.TVIST) == {a.pk}
    assert run(agreement=other.pk) == {b.pk}
    assert run(party=parties["goteborg"].pk) == {c.pk}
    assert run(party=parties["vgr"].pk) == {a.pk, b.pk, c.pk}
    sodra = parties["boras"].delregion_id
    assert run(delregion=sodra) == {a.pk, b.pk}
    assert run(status=Case.Status.ESCALATED) == {b.pk}
    assert run(active_only=True) == {b.pk, c.pk}
    assert run(step=LadderStep.objects.get(order=2).pk) == {b.pk}


def test_handled_by_me_and_calendar_cases(open_case, make_user, parties, boras_lead, forvaltare):
    sg = make_user(username="t-sg", role="styrgrupp", party=parties["vgr"])
    a = open_case()
    open_case()
    for reason in "abc":
        a = services.case_escalate(case=a, actor=boras_lead, reason=reason)
    assert [c.pk for c in selectors.calendar_cases_for(sg)] == [a.pk]
    assert [
        c.pk for c in selectors.case_list(user=sg, filters=CaseFilters(handled_by_me=True))
    ] == [a.pk]
    services.case_resolve(case=a, actor=sg, outcome="Klart")  # styrgrupp decides at step 4
    assert list(selectors.calendar_cases_for(sg)) == []


def _bulk_cases(n: int, parties, agreement, user) -> None:
    steps = list(LadderStep.objects.order_by("order"))
    today = timezone.localdate()
    cases = Case.objects.bulk_create(
        [
            Case(
                kind=Case.Kind.AVVIKELSE,
                title=f"Ärende {i}",
                description="Text",
                agreement=agreement,
                reporting_party=parties["boras"],
                receiving_party=parties["vgr"],
                current_step=steps[i % 5],
                step_order=steps[i % 5].order,
                step_started_on=today,
                step_warning_on=today + dt.timedelta(days=i % 40),
                step_deadline=today + dt.timedelta(days=(i % 60) - 10),
                status=Case.Status.ESCALATED if i % 5 else Case.Status.OPEN,
                opened_by=user,
            )
            for i in range(n)
        ]
    )
    now = timezone.now()
    periods = CaseStepPeriod.objects.bulk_create(
        [
            CaseStepPeriod(
                case=c,
                step=c.current_step,
                step_order=c.step_order,
                step_name="x",
                time_limit=30,
                time_unit="dagar",
                started_at=now,
                started_on=today,
                warning_on=today,
                deadline=today,
            )
            for c in cases
        ]
    )
    return cases, periods


@pytest.mark.parametrize("size", [10, 5000])
def test_overview_list_and_export_queries_are_bounded(
    size, parties, agreement, boras_lead, count_queries, client
):
    _bulk_cases(size, parties, agreement, boras_lead)
    client.force_login(boras_lead)
    client.get("/eskalering/")  # the filter form's options are then kept per data version
    counts = {
        "overview": count_queries(lambda: client.get("/eskalering/")),
        "list": count_queries(lambda: client.get("/eskalering/arenden/")),
        "export": count_queries(lambda: client.get("/eskalering/arenden/export.csv")),
        "filtered": count_queries(lambda: client.get("/eskalering/?overdue=on&kind=avvikelse")),
        "mine": count_queries(lambda: client.get("/eskalering/?mine=on")),
    }
    # The same numbers at 10 and at 5 000 cases. The overview's second visit is served from
    # the cache (session, user, the data version for the filter options and for the ladder);
    # a new query string renders the ladder (steps, counts, ranking, the shown cases). "mine"
    # is empty for this user: the fetch of the shown cases is skipped.
    assert counts == {"overview": 4, "list": 5, "export": 3, "filtered": 8, "mine": 7}, counts


@pytest.mark.parametrize("size", [10, 500])
def test_ladder_calendar_and_detail_pages_are_bounded(
    size, parties, agreement, boras_lead, count_queries, client, make_user
):
    sg = make_user(username="t-sg-q", role="styrgrupp", party=parties["mark"])
    cases, periods = _bulk_cases(size, parties, agreement, boras_lead)
    CaseHandler.objects.bulk_create(
        [CaseHandler(period=p, user=sg, case_id=p.case_id) for p in periods]
    )
    client.force_login(sg)
    counts = {
        "ladder": count_queries(lambda: client.get("/eskalering/trappan/")),
        "calendar": count_queries(lambda: client.get("/eskalering/kalender/")),
        "detail": count_queries(lambda: client.get(f"/eskalering/arenden/{cases[0].pk}/")),
    }
    # Fixed bounds (session and content-type caches may save one query on a warm run).
    assert counts["ladder"] <= 6, counts
    # The first visit creates the user's calendar address, an audited write (savepoint,
    # event INSERT, data-version UPDATE, and the content type on a cold cache): 14 → 18.
    assert counts["calendar"] <= 18, counts
    # The detail page also reads the rule table's facts (handlers, leads, ärendeansvariga),
    # the proposals, pauses and attachments: a fixed number, whatever the number of cases.
    # Its history reads the audit events beside the row diffs (core.audit): 16 → 17.
    assert counts["detail"] <= 17, counts


def test_overview_counts_every_case_of_a_column_not_only_those_shown(
    parties, agreement, boras_lead
):
    _bulk_cases(230, parties, agreement, boras_lead)
    Case.objects.filter(pk__in=Case.objects.order_by("pk").values("pk")[:7]).update(
        status=Case.Status.RESOLVED
    )
    today = timezone.localdate()
    columns = selectors.ladder_overview(user=boras_lead, today=today)
    active = Case.objects.filter(status__in=Case.ACTIVE)
    for column in columns:
        mine = active.filter(current_step=column.step)
        assert column.total == mine.count() > selectors.COLUMN_LIMIT
        assert column.overdue == mine.filter(step_deadline__lt=today).count()
        assert column.warning == (
            mine.filter(step_deadline__gte=today, step_warning_on__lte=today).count()
        )
        assert column.hidden == column.total - selectors.COLUMN_LIMIT
        assert len(column.cases) == selectors.COLUMN_LIMIT
        assert [c.step_deadline for c in column.cases] == sorted(
            mine.values_list("step_deadline", flat=True)
        )[: selectors.COLUMN_LIMIT]
    assert sum(c.total for c in columns) == 223
    assert sum(c.overdue for c in columns) > 0 and sum(c.warning for c in columns) > 0
    resolved = selectors.ladder_overview(
        user=boras_lead, filters=CaseFilters(status=Case.Status.RESOLVED), today=today
    )
    assert sum(c.total for c in resolved) == 7
    assert sum(c.overdue + c.warning for c in resolved) == 0
