import datetime as dt

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from escalation import permissions, services
from escalation.models import Case, CaseEvent, CaseHandler, CaseStepPeriod, HandlerRule, LadderStep
from escalation.services import TransitionError
from escalation.workflow import CASE_FLOW
from implementation.models import UnitMembership

from .conftest import START

pytestmark = pytest.mark.django_db


def _handlers(case) -> set[str]:
    period = CaseStepPeriod.objects.get(case=case, ended_at__isnull=True)
    return set(CaseHandler.objects.filter(period=period).values_list("user__username", flat=True))


@time_machine.travel(START, tick=False)
def test_open_puts_the_case_on_step_1_with_a_60_day_deadline(open_case, boras_lead, parties):
    case = open_case()
    assert case.status == Case.Status.OPEN
    assert case.step_order == 1 and case.current_step.name == "Verksamhetsnivå"
    assert case.step_started_on == dt.date(2026, 11, 2)
    # 60 days → Fri 1 Jan 2027 (nyårsdagen) → Mon 4 Jan 2027
    assert case.step_deadline == dt.date(2027, 1, 4)
    assert case.delregion.slug == "sodra-alvsborg"  # Borås's delregion
    event = case.events.get()
    assert (event.kind, event.actor) == (CaseEvent.Kind.OPENED, boras_lead)
    period = case.periods.get()
    assert (period.step_name, period.time_limit, period.deadline) == (
        "Verksamhetsnivå",
        60,
        dt.date(2027, 1, 4),
    )
    entry = LogEntry.objects.get_for_object(case).get()
    assert entry.actor == boras_lead and entry.action == LogEntry.Action.CREATE


def test_step_1_handlers_are_the_leads_of_the_involved_units(
    open_case, units, make_user, parties, mailbox, django_capture_on_commit_callbacks
):
    sara = make_user(
        username="t-sara", role="implementeringsansvarig", party=parties["vgr"], email="s@x.se"
    )
    UnitMembership.objects.create(unit=units["sahlgrenska"], user=sara, role="lead")
    with django_capture_on_commit_callbacks(execute=True):
        case = open_case(receiving_unit=units["sahlgrenska"])
    assert _handlers(case) == {"t-sara"}
    assert [m.to for m in mailbox] == [["s@x.se"]]
    assert "ESK-" in mailbox[0].subject and "Verksamhetsnivå" in mailbox[0].subject


def test_escalate_moves_to_the_next_step_and_tells_its_handlers(
    open_case, boras_lead, make_user, parties, mailbox, django_capture_on_commit_callbacks
):
    styrgrupp = make_user(username="t-sg", role="styrgrupp", party=parties["vgr"], email="sg@x.se")
    with time_machine.travel(START, tick=False):
        case = open_case()
    with time_machine.travel(START + dt.timedelta(days=10), tick=False):
        for reason in ("Ingen enighet.", "Berör flera förvaltningar."):
            case = services.case_escalate(case=case, actor=boras_lead, reason=reason)
        assert case.step_order == 3
        with django_capture_on_commit_callbacks(execute=True):
            case = services.case_escalate(case=case, actor=boras_lead, reason="Delregionen oenig.")
    assert case.status == Case.Status.ESCALATED
    assert case.step_order == 4
    assert case.step_started_on == dt.date(2026, 11, 12)
    assert case.step_deadline == dt.date(2026, 12, 14)  # 30 days → Sat 12 Dec → Mon 14 Dec
    assert _handlers(case) == {"t-sg"}
    assert [m.to for m in mailbox] == [["sg@x.se"]]
    assert styrgrupp.email in mailbox[0].to
    periods = list(case.periods.order_by("started_at", "pk"))
    assert [p.step_order for p in periods] == [1, 2, 3, 4]
    assert periods[0].ended_at is not None and periods[-1].ended_at is None
    assert periods[0].days_spent() == 10
    kinds = list(case.events.values_list("kind", "text"))
    assert kinds[-1] == (CaseEvent.Kind.ESCALATED, "Delregionen oenig.")
    # All three escalations share one frozen timestamp: order by pk for the latest.
    updates = LogEntry.objects.get_for_object(case).filter(action=LogEntry.Action.UPDATE)
    entry = updates.order_by("-pk").first()
    assert entry.actor == boras_lead
    assert entry.changes_dict["step_order"] == ["3", "4"]
    first = updates.order_by("pk").first()
    assert first.changes_dict["status"] == ["oppen", "eskalerad"]


def test_notification_task_sends_each_handler_once(
    open_case, make_user, parties, mailbox, django_capture_on_commit_callbacks
):
    # Step 4's handler is styrgrupp (the body); neither party has anyone of its own there.
    from core.models import OutboxMessage
    from escalation.tasks import notify_step_handlers

    sg = make_user(username="t-sg", role="styrgrupp", party=parties["vgr"], email="sg@x.se")
    case = open_case()
    for reason in ("a", "b"):
        case = services.case_escalate(case=case, actor=case.opened_by, reason=reason)
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_escalate(case=case, actor=case.opened_by, reason="c")
    period = case.periods.get(ended_at__isnull=True)
    key = f"escalation:case:{case.pk}:period:{period.pk}:handler:{sg.pk}"
    row = OutboxMessage.objects.get(key=key)
    assert row.to == ["sg@x.se"] and row.kind == "escalation_step"
    assert [m.to for m in mailbox] == [["sg@x.se"]]
    assert notify_step_handlers(case.pk, period.pk) == 0  # a second run adds nothing
    assert (
        OutboxMessage.objects.filter(
            key__startswith=f"escalation:case:{case.pk}:period:{period.pk}:"
        ).count()
        == 1
    )


def test_escalation_needs_a_reason_and_changes_nothing_without(open_case, boras_lead):
    case = open_case()
    with pytest.raises(ValidationError) as error:
        services.case_escalate(case=case, actor=boras_lead, reason="  ")
    assert "reason" in error.value.message_dict
    case.refresh_from_db()
    assert case.step_order == 1 and case.periods.count() == 1 and case.events.count() == 1


def test_escalating_past_the_top_is_refused(open_case, boras_lead):
    case = open_case()
    for _ in range(4):
        case = services.case_escalate(case=case, actor=boras_lead, reason="Vidare.")
    assert case.step_order == 5
    with pytest.raises(TransitionError, match="högsta steg"):
        services.case_escalate(case=case, actor=boras_lead, reason="Vidare.")


def test_a_stale_or_tampered_step_is_refused(open_case, boras_lead):
    case = open_case()
    other = LadderStep.objects.get(order=3)
    with pytest.raises(TransitionError, match="inte längre på det steg"):
        services.case_escalate(case=case, actor=boras_lead, reason="x", expected_step_id=other.pk)
    case.refresh_from_db()
    assert case.step_order == 1


@pytest.mark.parametrize(
    ("action", "status", "message"),
    [
        ("escalate", Case.Status.RESOLVED, "kan inte eskaleras"),
        ("escalate", Case.Status.CLOSED, "kan inte eskaleras"),
        ("propose", Case.Status.RESOLVED, "kan inte få ett lösningsförslag"),
        ("propose", Case.Status.PAUSED, "kan inte få ett lösningsförslag"),
        ("decide", Case.Status.CLOSED, "kan inte få ett beslut"),
        ("pause", Case.Status.RESOLVED, "kan inte sättas som vilande"),
        ("resume", Case.Status.OPEN, "Bara ett vilande ärende"),
        ("reopen", Case.Status.OPEN, "Bara ett löst ärende"),
        ("reopen", Case.Status.CLOSED, "Bara ett löst ärende"),
        ("close", Case.Status.CLOSED, "redan avslutad"),
        ("comment", Case.Status.CLOSED, "kan inte ändras"),
    ],
)
def test_illegal_transitions_are_refused(
    open_case, boras_lead, forvaltare, action, status, message
):
    case = open_case()
    Case.objects.filter(pk=case.pk).update(status=status, resolved_at=None)
    calls = {
        "escalate": lambda: services.case_escalate(case=case, actor=boras_lead, reason="x"),
        "propose": lambda: services.case_propose(case=case, actor=boras_lead, outcome="x"),
        "decide": lambda: services.case_resolve(case=case, actor=forvaltare, outcome="x"),
        "pause": lambda: services.case_pause(case=case, actor=boras_lead, reason="x"),
        "resume": lambda: services.case_resume(case=case, actor=boras_lead),
        "reopen": lambda: services.case_reopen(case=case, actor=boras_lead, reason="x"),
        "close": lambda: services.case_close(case=case, actor=boras_lead, reason="x"),
        "comment": lambda: services.case_comment(case=case, actor=boras_lead, text="x"),
    }
    with pytest.raises(TransitionError, match=message):
        calls[action]()
    assert case.events.count() == 1


def test_transition_table_covers_every_status():
    statuses = {s for t in CASE_FLOW.transitions for s in t.sources}
    assert statuses == set(Case.Status) - {Case.Status.CLOSED}
    assert services.allowed_actions(Case(status=Case.Status.CLOSED)) == set()
    assert set(CASE_FLOW.actions()) == set(permissions.Action) - {"view", "download"}
    # Where the moves lead (resume and reopen: back to the step's running status).
    assert CASE_FLOW.moves_from(Case.Status.OPEN) == {
        Case.Status.ESCALATED,
        Case.Status.PAUSED,
        Case.Status.RESOLVED,
        Case.Status.CLOSED,
    }
    assert CASE_FLOW.moves_from(Case.Status.RESOLVED) == {Case.Status.CLOSED}
    assert CASE_FLOW.target("comment", Case.Status.RESOLVED) == Case.Status.RESOLVED


def test_resolve_needs_an_outcome(open_case, boras_lead, forvaltare):
    case = open_case()
    with pytest.raises(ValidationError) as error:
        services.case_propose(case=case, actor=boras_lead, outcome="")
    assert "outcome" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.case_resolve(case=case, actor=forvaltare, outcome="")
    assert "outcome" in error.value.message_dict
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN


def test_resolve_then_reopen_within_30_days_then_close(open_case, boras_lead, vgr_lead):
    with time_machine.travel(START, tick=False):
        case = open_case()
        case = services.case_escalate(case=case, actor=vgr_lead, reason="Oenighet.")
    with time_machine.travel(START + dt.timedelta(days=5), tick=False):
        services.case_propose(case=case, actor=vgr_lead, outcome="Ny rutin.")
        services.case_answer(case=case, actor=boras_lead, accept=True)
        case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED and case.outcome == "Ny rutin."
    assert case.periods.filter(ended_at__isnull=True).count() == 0
    with time_machine.travel(START + dt.timedelta(days=34), tick=False):
        case = services.case_reopen(case=case, actor=boras_lead, reason="Rutinen följs inte.")
    assert case.status == Case.Status.ESCALATED and case.step_order == 2
    assert case.step_started_on == dt.date(2026, 12, 6)
    assert case.step_deadline == dt.date(2027, 1, 5)  # 30 days → 5 Jan (trettondagsafton: working)
    assert case.periods.count() == 3
    with time_machine.travel(START + dt.timedelta(days=40), tick=False):
        services.case_propose(case=case, actor=boras_lead, outcome="Följs nu.")
        services.case_answer(case=case, actor=vgr_lead, accept=True)
        case = services.case_close(case=case, actor=vgr_lead)
    assert case.status == Case.Status.CLOSED and case.closed_at is not None
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == [
        "oppnat",
        "eskalerat",
        "forslag",
        "lost",
        "aterupptaget",
        "forslag",
        "lost",
        "avslutat",
    ]
    actors = set(LogEntry.objects.get_for_object(case).values_list("actor__username", flat=True))
    assert actors == {"t-esk-boras", "t-esk-vgr"}


def test_reopen_after_30_days_is_refused(open_case, boras_lead, resolve_both):
    with time_machine.travel(START, tick=False):
        case = resolve_both(open_case())
    with (
        time_machine.travel(START + dt.timedelta(days=31), tick=False),
        pytest.raises(TransitionError, match="inom 30 dagar"),
    ):
        services.case_reopen(case=case, actor=boras_lead, reason="Igen.")
    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED


def test_reopen_on_step_1_is_open(open_case, boras_lead, resolve_both):
    case = resolve_both(open_case())
    case = services.case_reopen(case=case, actor=boras_lead, reason="Igen.")
    assert case.status == Case.Status.OPEN


def test_an_unresolved_case_is_closed_only_by_the_forvaltare_with_a_reason(
    open_case, boras_lead, vgr_lead, forvaltare
):
    case = open_case()
    for party_actor in (boras_lead, vgr_lead):  # no party ends a dispute alone
        with pytest.raises(PermissionDenied):
            services.case_close(case=case, actor=party_actor, reason="Dras tillbaka.")
    with pytest.raises(ValidationError):
        services.case_close(case=case, actor=forvaltare, reason="")
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN and case.events.count() == 1
    case = services.case_close(case=case, actor=forvaltare, reason="Dubblett av ESK-1.")
    assert case.status == Case.Status.CLOSED


def test_comment_is_on_the_timeline_and_audited(open_case, vgr_lead):
    case = open_case()
    event = services.case_comment(case=case, actor=vgr_lead, text="Vi tittar på det.")
    assert event.kind == CaseEvent.Kind.COMMENT and event.actor == vgr_lead
    assert LogEntry.objects.get_for_object(event).get().actor == vgr_lead
    with pytest.raises(ValidationError):
        services.case_comment(case=case, actor=vgr_lead, text="")


@pytest.mark.parametrize("field", ["title", "description"])
def test_identity_numbers_are_refused_in_case_texts(open_case, field):
    with pytest.raises(ValidationError) as error:
        open_case(**{field: "Gäller 19121212-1212."})
    assert field in error.value.message_dict
    assert not Case.objects.exists()


def test_identity_numbers_are_refused_in_every_other_free_text(open_case, boras_lead):
    case = open_case()
    number = "811218-9876"
    with pytest.raises(ValidationError):
        services.case_comment(case=case, actor=boras_lead, text=f"Se {number}")
    with pytest.raises(ValidationError):
        services.case_escalate(case=case, actor=boras_lead, reason=f"Gäller {number}")
    with pytest.raises(ValidationError):
        services.case_propose(case=case, actor=boras_lead, outcome=f"Klart för {number}")
    with pytest.raises(ValidationError):
        services.case_pause(case=case, actor=boras_lead, reason=f"Väntar på {number}")
    case.refresh_from_db()
    assert (case.status, case.step_order, case.events.count()) == (Case.Status.OPEN, 1, 1)
    # A near miss is fine.
    services.case_comment(case=case, actor=boras_lead, text="Dnr 811218-9875")


def test_the_parties_must_differ_and_units_must_belong_to_them(open_case, parties, units):
    with pytest.raises(ValidationError) as error:
        open_case(receiving_party=parties["boras"])
    assert "receiving_party" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        open_case(reporting_unit=units["sahlgrenska"])
    assert "reporting_unit" in error.value.message_dict
    assert not Case.objects.exists()


def test_changing_the_ladder_does_not_rewrite_history(open_case, boras_lead, forvaltare):
    with time_machine.travel(START, tick=False):
        case = open_case()
    step = LadderStep.objects.get(order=1)
    services.ladder_step_save(actor=forvaltare, step=step, name="Enhetsnivå", time_limit=10)
    case.refresh_from_db()
    period = case.periods.get()
    assert (period.step_name, period.time_limit) == ("Verksamhetsnivå", 60)
    assert case.step_deadline == dt.date(2027, 1, 4)
    assert (
        LogEntry.objects.get_for_object(step).get(action=LogEntry.Action.UPDATE).actor == forvaltare
    )
    with time_machine.travel(START, tick=False):
        newer = open_case()
    assert newer.step_deadline == dt.date(2026, 11, 12)


@pytest.mark.parametrize("limit", [0, -5])
def test_a_non_positive_time_limit_is_refused(forvaltare, limit):
    step = LadderStep.objects.get(order=2)
    with pytest.raises(ValidationError) as error:
        services.ladder_step_save(actor=forvaltare, step=step, time_limit=limit)
    assert "time_limit" in error.value.message_dict
    step.refresh_from_db()
    assert step.time_limit == 30


def test_the_database_also_refuses_a_non_positive_limit(reference_data):
    with pytest.raises(IntegrityError):
        LadderStep.objects.filter(order=1).update(time_limit=0)


def test_handler_rules_by_role_delregion_county_and_user(open_case, make_user, parties, forvaltare):
    mark = make_user(username="t-mark", role="implementeringsansvarig", party=parties["mark"])
    make_user(username="t-gbg", role="implementeringsansvarig", party=parties["goteborg"])
    vgr = make_user(username="t-vgr", role="registrator", party=parties["vgr"])
    named = make_user(username="t-named", role="registrator", party=parties["goteborg"])
    step = LadderStep.objects.get(order=1)
    services.handler_rule_add(
        actor=forvaltare, step=step, kind="delregion", role="implementeringsansvarig"
    )
    services.handler_rule_add(actor=forvaltare, step=step, kind="part", role="registrator")
    services.handler_rule_add(actor=forvaltare, step=step, kind="anvandare", user=named)
    case = open_case()
    # Mark is in Södra Älvsborg with Borås; Göteborg is not. VGR's registrator is a party's.
    handlers = _handlers(case)
    assert {"t-mark", "t-vgr", "t-named"} <= handlers
    assert "t-gbg" not in handlers
    assert mark.pk and vgr.pk
    with pytest.raises(ValidationError):
        services.handler_rule_add(actor=forvaltare, step=step, kind="lanet", role="")
    assert HandlerRule.objects.filter(step=step).count() == 4


def test_new_matching_users_are_added_to_current_handlers(open_case, make_user, parties):
    case = open_case()
    for reason in ("a", "b", "c"):
        case = services.case_escalate(case=case, actor=case.opened_by, reason=reason)
    assert _handlers(case) == set()
    make_user(username="t-sg-late", role="styrgrupp", party=parties["vgr"])
    assert services.handlers_sync_current(case=case) == 1
    assert services.handlers_sync_current(case=case) == 0
    assert _handlers(case) == {"t-sg-late"}


def test_reference_ladder_is_idempotent_and_provisional(reference_data):
    from core.refdata import LoadReport
    from escalation import reference

    reference.load(LoadReport())
    steps = list(LadderStep.objects.order_by("order"))
    assert [s.order for s in steps] == [1, 2, 3, 4, 5]
    assert steps[0].time_limit == 60 and all(s.is_provisional for s in steps)
    assert steps[4].body.slug == "sro"


def test_calendar_token_regenerate_revokes(boras_lead):
    first = services.calendar_token_get_or_create(user=boras_lead)
    assert services.calendar_token_get_or_create(user=boras_lead).token == first.token
    second = services.calendar_token_regenerate(user=boras_lead)
    assert second.token != first.token


def test_sync_task_adds_late_handlers_to_active_cases_only(
    open_case, make_user, parties, forvaltare
):
    from escalation.tasks import sync_current_handlers

    active = open_case()
    done = open_case()
    for case in (active, done):
        for reason in ("a", "b", "c"):
            case = services.case_escalate(case=case, actor=case.opened_by, reason=reason)
    services.case_resolve(case=Case.objects.get(pk=done.pk), actor=forvaltare, outcome="ok")
    make_user(username="t-sg-new", role="styrgrupp", party=parties["vgr"])
    assert sync_current_handlers() == 1
    assert sync_current_handlers() == 0
    assert _handlers(active) == {"t-sg-new"}


def test_nothing_is_sent_when_the_transaction_rolls_back(
    open_case, make_user, parties, mailbox, django_capture_on_commit_callbacks
):
    from django.db import transaction

    make_user(username="t-sg", role="styrgrupp", party=parties["vgr"], email="sg@x.se")
    case = open_case()
    for reason in ("a", "b"):
        case = services.case_escalate(case=case, actor=case.opened_by, reason=reason)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.case_escalate(case=case, actor=case.opened_by, reason="c")
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert callbacks == [] and mailbox == []
    case.refresh_from_db()
    assert case.step_order == 3
