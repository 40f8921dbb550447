"""How a case is resolved: one side proposes, the other side confirms or rejects
(``escalation.workflow.PROPOSAL_FLOW``), or the body handling the step records its decision —
so no party resolves a case alone."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_actor, record, record_many
from escalation import permissions
from escalation.audit import CaseAction, ProposalAction
from escalation.models import Case, CaseEvent, ResolutionProposal
from escalation.permissions import Action
from escalation.services.common import check, lock, require_text, timeline
from escalation.services.handlers import end_current_period
from escalation.services.pauses import close_pause
from escalation.workflow import PROPOSAL_FLOW, TransitionError

Pending = ResolutionProposal.Status.PENDING


def resolve(case: Case, outcome: str, decision: str, now: dt.datetime) -> None:
    """Move ``case`` to resolved (its open pause and its period end)."""
    if case.status == Case.Status.PAUSED:
        close_pause(case, None, now, resume=False)
    case.status = Case.Status.RESOLVED
    case.outcome = outcome
    case.decision = decision
    case.resolved_at = now
    case.full_clean()
    case.save()
    end_current_period(case, now)


def withdraw_pending(case: Case, actor) -> int:
    """Withdraw the proposals still waiting for an answer (a decision or closure overtook
    them): one UPDATE and one audit INSERT. Returns how many."""
    withdraw = PROPOSAL_FLOW["withdraw"]
    waiting = list(case.proposals.filter(status__in=withdraw.sources))
    if not waiting:
        return 0
    ResolutionProposal.objects.filter(pk__in=[p.pk for p in waiting]).update(status=withdraw.target)
    return record_many(
        actor=actor,
        action=ProposalAction.WITHDRAWN,
        objs=waiting,
        data=lambda p: {"status": [p.status, withdraw.target]},
    )


def _one_side(case: Case, actor: User, facts) -> int:
    sides = permissions.sides(actor, case, facts)
    if len(sides) != 1:
        raise PermissionDenied(
            _("Bara den som företräder en av parterna kan föreslå eller svara på en lösning.")
        )
    return next(iter(sides))


def pending_proposal(case: Case) -> ResolutionProposal | None:
    return case.proposals.filter(status=Pending).first()


@transaction.atomic
def case_propose(
    *, case: Case, actor: User, outcome: str, when: dt.datetime | None = None
) -> ResolutionProposal:
    """One side proposes how the case is resolved. The case is resolved only when the other
    side confirms (``case_answer``) or the step's body records its decision."""
    case = lock(case)
    _target, facts = check(case, actor, Action.PROPOSE)
    party_id = _one_side(case, actor, facts)
    outcome = require_text(outcome, _("Beskriv den lösning du föreslår."), "outcome")
    if pending_proposal(case):
        raise TransitionError(
            _("Det finns redan ett lösningsförslag som väntar på svar från den andra parten."),
            code="proposal_pending",
        )
    now = when or timezone.now()
    proposal = ResolutionProposal(
        case=case,
        step_name=f"{case.step_order}. {case.current_step.name}",
        outcome=outcome,
        proposed_by=actor,
        proposing_party_id=party_id,
        proposed_at=now,
    )
    proposal.full_clean()
    with audit_actor(actor):
        proposal.save()
        timeline(case, CaseEvent.Kind.PROPOSED, actor, outcome, now)
        record(
            actor=actor,
            action=ProposalAction.PROPOSED,
            obj=proposal,
            data={"ärende": case.reference, "part": str(proposal.proposing_party)},
        )
    return proposal


@transaction.atomic
def case_answer(
    *,
    case: Case,
    actor: User,
    accept: bool,
    comment: str = "",
    proposal_id: int | None = None,
    when: dt.datetime | None = None,
) -> ResolutionProposal:
    """The other side confirms the pending proposal (the case is resolved) or rejects it with
    a comment (the case goes on where it stands)."""
    case = lock(case)
    _target, facts = check(case, actor, Action.ANSWER)
    proposal = pending_proposal(case)
    if proposal is None or (proposal_id is not None and int(proposal_id) != proposal.pk):
        raise TransitionError(
            _("Förslaget har redan besvarats eller dragits tillbaka. Ladda om sidan."),
            code="stale_proposal",
        )
    party_id = _one_side(case, actor, facts)
    if party_id == proposal.proposing_party_id:
        raise PermissionDenied(
            _("Förslaget kommer från din egen part. Det är den andra parten som svarar på det.")
        )
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationError(
            {"comment": _("Skriv varför förslaget inte godtas.")}, code="required"
        )
    now = when or timezone.now()
    before = proposal.status
    proposal.status = PROPOSAL_FLOW.target("confirm" if accept else "reject", proposal.status)
    proposal.answered_by = actor
    proposal.answering_party_id = party_id
    proposal.answered_at = now
    proposal.answer_comment = comment
    proposal.full_clean()
    with audit_actor(actor):
        proposal.save()
        answer = ProposalAction.CONFIRMED if accept else ProposalAction.REJECTED
        record(
            actor=actor,
            action=answer,
            obj=proposal,
            data={"status": [before, proposal.status], "part": str(proposal.answering_party)},
        )
        if accept:
            status = case.status
            resolve(case, proposal.outcome, case.decision, now)
            text = _("%(party)s bekräftade lösningen som %(proposer)s föreslog: %(outcome)s") % {
                "party": proposal.answering_party,
                "proposer": proposal.proposing_party,
                "outcome": proposal.outcome,
            }
            timeline(case, CaseEvent.Kind.RESOLVED, actor, f"{text}\n\n{comment}".strip(), now)
            record(
                actor=actor,
                action=CaseAction.RESOLVED,
                obj=case,
                data={"status": [status, case.status], "förslag": proposal.pk},
            )
        else:
            timeline(case, CaseEvent.Kind.REJECTED, actor, comment, now)
    return proposal


@transaction.atomic
def case_resolve(
    *, case: Case, actor: User, outcome: str, decision: str = "", when: dt.datetime | None = None
) -> Case:
    """Record the decision of the body handling the current step (or the förvaltare's record
    of it), which resolves the case. ``outcome`` is what was decided, ``decision`` the body's
    formal decision (e.g. a minute's paragraph)."""
    case = lock(case)
    check(case, actor, Action.DECIDE)
    outcome = require_text(outcome, _("Beskriv vad organet beslutade."), "outcome")
    now = when or timezone.now()
    status = case.status
    with audit_actor(actor):
        withdrawn = withdraw_pending(case, actor)
        resolve(case, outcome, (decision or "").strip(), now)
        text = outcome if not case.decision else f"{outcome}\n\n{_('Beslut')}: {case.decision}"
        if case.current_step.body_name:
            text = f"{_('Beslut av')} {case.current_step.body_name}: {text}"
        timeline(case, CaseEvent.Kind.RESOLVED, actor, text, now)
        record(
            actor=actor,
            action=CaseAction.DECIDED,
            obj=case,
            data={
                "status": [status, case.status],
                "steg": case.step_order,
                "återkallade förslag": withdrawn,
            },
        )
    return case
