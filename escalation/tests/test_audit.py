"""The escalation app's explicit audit events (``escalation.audit``): every service records
who did what, in its transaction; the bulk paths (withdrawn proposals) write one event per
object; a refused call records nothing; the case page's history shows the event."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.models import AuditEvent
from escalation import services
from escalation.audit import (
    CalendarAction,
    CaseAction,
    ContactAction,
    LadderAction,
    PeriodAction,
    ProposalAction,
)
from escalation.models import CaseContact, HandlerRule, LadderStep, ResolutionProposal
from escalation.workflow import PROPOSAL_FLOW, TransitionError

pytestmark = pytest.mark.django_db


def _events(action, obj=None):
    events = AuditEvent.objects.filter(action=action.value)
    if obj is not None:
        events = events.filter(object_pk=str(obj.pk))
    return list(events.order_by("pk"))


def test_opening_and_escalating_a_case_are_recorded(open_case, boras_lead):
    case = open_case()
    [opened] = _events(CaseAction.OPENED, case)
    assert opened.actor == boras_lead
    assert opened.data["steg"] == 1 and opened.data["tidsgräns"] == case.step_deadline.isoformat()
    services.case_escalate(case=case, actor=boras_lead, reason="Ingen lösning.")
    [escalated] = _events(CaseAction.ESCALATED, case)
    assert escalated.actor == boras_lead
    assert escalated.data["status"] == ["oppen", "eskalerad"]
    assert escalated.data["steg"] == [1, 2]


def test_a_refused_action_records_nothing(open_case, make_user, parties):
    case = open_case()
    stranger = make_user(
        username="t-esk-mark", role="implementeringsansvarig", party=parties["mark"]
    )
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.case_escalate(case=case, actor=stranger, reason="x")
    assert AuditEvent.objects.count() == before


def test_details_are_recorded_with_readable_names(open_case, boras_lead, category):
    case = open_case()
    services.case_update_details(
        case=case, actor=boras_lead, diarienummer="RS 1", is_systemic=True, category=category
    )
    [event] = _events(CaseAction.DETAILS_UPDATED, case)
    assert event.data == {
        "diarienummer": ["", "RS 1"],
        "systemfel": ["nej", "ja"],
        "ansvarsområde": ["", str(category)],
    }


def test_a_proposal_confirmed_resolves_the_case_on_record(open_case, boras_lead, vgr_lead):
    case = open_case()
    proposal = services.case_propose(case=case, actor=boras_lead, outcome="Rutinen ändras.")
    [proposed] = _events(ProposalAction.PROPOSED, proposal)
    assert proposed.actor == boras_lead
    services.case_answer(case=case, actor=vgr_lead, accept=True)
    [confirmed] = _events(ProposalAction.CONFIRMED, proposal)
    assert (confirmed.actor, confirmed.data["status"]) == (vgr_lead, ["vantar", "bekraftad"])
    [resolved] = _events(CaseAction.RESOLVED, case)
    assert resolved.data["status"] == ["oppen", "lost"]


def test_a_decision_withdraws_the_pending_proposal_in_bulk(open_case, boras_lead, forvaltare):
    case = open_case()
    proposal = services.case_propose(case=case, actor=boras_lead, outcome="Rutinen ändras.")
    services.case_resolve(case=case, actor=forvaltare, outcome="Styrgruppen beslutade.")
    proposal.refresh_from_db()
    assert proposal.status == ResolutionProposal.Status.WITHDRAWN
    withdrawn = _events(ProposalAction.WITHDRAWN)
    assert [(e.actor, e.object_pk, e.data) for e in withdrawn] == [
        (forvaltare, str(proposal.pk), {"status": ["vantar", "aterkallad"]})
    ]
    [decided] = _events(CaseAction.DECIDED, case)
    assert decided.data["återkallade förslag"] == 1


def test_cancelling_withdraws_pending_proposals_and_says_cancelled(
    open_case, boras_lead, forvaltare
):
    case = open_case()
    services.case_propose(case=case, actor=boras_lead, outcome="Rutinen ändras.")
    services.case_close(case=case, actor=forvaltare, reason="Dubblett av ESK-1.")
    assert len(_events(ProposalAction.WITHDRAWN)) == 1
    [cancelled] = _events(CaseAction.CANCELLED, case)
    assert cancelled.actor == forvaltare and cancelled.data["status"] == ["oppen", "avslutad"]
    assert not _events(CaseAction.CLOSED)


def test_pause_and_resume_are_recorded(open_case, boras_lead):
    case = open_case()
    services.case_pause(case=case, actor=boras_lead, reason="Väntar på möte.")
    services.case_resume(case=case, actor=boras_lead)
    [paused] = _events(CaseAction.PAUSED, case)
    [resumed] = _events(CaseAction.RESUMED, case)
    assert paused.data == {"status": ["oppen", "vilande"]}
    assert resumed.data["status"] == ["vilande", "oppen"] and resumed.actor == boras_lead


def test_the_proposal_table_refuses_a_second_answer():
    assert PROPOSAL_FLOW.target("confirm", "vantar") == "bekraftad"
    with pytest.raises(TransitionError):
        PROPOSAL_FLOW.target("reject", "bekraftad")


def test_handlers_added_later_and_their_notice_are_recorded(open_case, make_user, parties):
    case = open_case()
    for reason in ("a", "b", "c"):
        case = services.case_escalate(case=case, actor=case.opened_by, reason=reason)
    late = make_user(username="t-sg-late", role="styrgrupp", party=parties["vgr"])
    assert services.handlers_sync_current(case=case) == 1
    [added] = _events(CaseAction.HANDLERS_ADDED, case)
    assert added.actor is None and added.data == {"steg": case.step_order, "användare": [late.pk]}
    period = case.periods.get(ended_at__isnull=True)
    assert services.notify_period(period) == 1
    [notified] = _events(PeriodAction.NOTIFIED, period)
    assert notified.data["handläggare"] == 1
    assert services.notify_period(period) == 0
    assert len(_events(PeriodAction.NOTIFIED, period)) == 1  # nothing new, nothing recorded


def test_the_forvaltares_setup_is_recorded(forvaltare, parties, make_user):
    person = make_user(username="t-kontakt", party=parties["goteborg"])
    contact = services.contact_appoint(actor=forvaltare, party=parties["goteborg"], user=person)
    assert [e.actor for e in _events(ContactAction.APPOINTED, contact)] == [forvaltare]
    services.contact_remove(actor=forvaltare, contact=contact)
    assert not CaseContact.objects.exists()
    assert len(_events(ContactAction.REMOVED, parties["goteborg"])) == 1
    services.mailbox_set(actor=forvaltare, party=parties["goteborg"], email="arenden@gbg.se")
    services.mailbox_set(actor=forvaltare, party=parties["goteborg"], email="")
    [set_] = _events(ContactAction.MAILBOX_SET, parties["goteborg"])
    assert set_.data == {"funktionsadress": ["", "arenden@gbg.se"]}
    assert len(_events(ContactAction.MAILBOX_REMOVED, parties["goteborg"])) == 1

    step = LadderStep.objects.get(order=1)
    limit = step.time_limit
    services.ladder_step_save(actor=forvaltare, step=step, time_limit=10, name=step.name)
    [updated] = _events(LadderAction.STEP_UPDATED, step)
    assert updated.data == {"tidsgräns": [limit, 10]}  # the unchanged name is left out
    rule = services.handler_rule_add(actor=forvaltare, step=step, kind="lanet", role="styrgrupp")
    services.handler_rule_remove(actor=forvaltare, rule=rule)
    assert not HandlerRule.objects.filter(pk=rule.pk).exists()
    assert len(_events(LadderAction.RULE_ADDED, step)) == 1
    assert len(_events(LadderAction.RULE_REMOVED, step)) == 1

    token = services.calendar_token_regenerate(user=person)
    [calendar] = _events(CalendarAction.TOKEN, token)
    assert calendar.actor == person and token.token not in str(calendar.data)


def test_the_case_page_shows_the_events_in_its_history(open_case, boras_lead, client):
    case = open_case()
    services.case_escalate(case=case, actor=boras_lead, reason="Ingen lösning.")
    client.force_login(boras_lead)
    page = client.get(reverse("escalation:detail", args=[case.pk])).content.decode()
    history = page[page.index("Ändringshistorik") :]
    assert "Ärendet eskalerades" in history and "Ärendet öppnades" in history
