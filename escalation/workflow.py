"""The allowed moves of a case and of a resolution proposal: one ``core.workflow.Workflow``
each, next to their status choices (``escalation.models``).

Who may take an action is the other table, ``escalation.permissions.RULES``; an action is
offered and done only where both say yes. The services ask :data:`CASE_FLOW` before they write
(``CASE_FLOW.target``), the case page lists ``CASE_FLOW.actions_from(case.status)``.

The two clocks under a case, its time on a step (``CaseStepPeriod``) and a time it was vilande
(``CasePause``), have no status of their own: each is running until ``ended_at`` is set, at
most one runs per case (a database constraint) and only the case's transitions end or start
one, so they need no table of their own.
"""

from django.utils.translation import gettext_lazy as _

from core.workflow import Transition, TransitionError, Workflow
from escalation.models import Case, ResolutionProposal
from escalation.permissions import Action

__all__ = [
    "CASE_FLOW",
    "ONGOING",
    "PROPOSAL_FLOW",
    "RUNNING",
    "WRITABLE",
    "TransitionError",
    "running_status",
]

Status = Case.Status

# The clock runs (deadlines, warnings and reminders count) only in these.
RUNNING = frozenset(Case.ACTIVE)
# Still under way: the running ones and the paused ones.
ONGOING = frozenset(Case.ONGOING)
# Where the case still takes comments, files and details (a resolved case may be reopened).
WRITABLE = ONGOING | {Status.RESOLVED}

# ``target=None``: the action keeps the status — except ``resume`` and ``reopen``, which lead
# back to the running status of the step the case stands on (:func:`running_status`: open on
# the ladder's first step, escalated above it), so the case, not the table, names it.
CASE_FLOW = Workflow(
    "ärende",
    [
        Transition(Action.COMMENT, sources=WRITABLE, label=_("Kommentera")),
        Transition(Action.ATTACH, sources=WRITABLE, label=_("Bifoga en fil")),
        Transition(Action.EDIT_DETAILS, sources=WRITABLE, label=_("Ändra uppgifterna")),
        Transition(Action.ESCALATE, sources=RUNNING, target=Status.ESCALATED, label=_("Eskalera")),
        Transition(
            Action.PAUSE, sources=RUNNING, target=Status.PAUSED, label=_("Sätt som vilande")
        ),
        Transition(Action.RESUME, sources={Status.PAUSED}, label=_("Starta klockan igen")),
        Transition(Action.PROPOSE, sources=RUNNING, label=_("Föreslå en lösning")),
        Transition(
            Action.ANSWER,
            sources=RUNNING,
            target=Status.RESOLVED,  # when the other side confirms; a rejection keeps it
            label=_("Svara på förslaget"),
        ),
        Transition(
            Action.DECIDE,
            sources=ONGOING,
            target=Status.RESOLVED,
            label=_("Registrera beslutet"),
        ),
        Transition(Action.REOPEN, sources={Status.RESOLVED}, label=_("Återuppta")),
        Transition(
            Action.CLOSE, sources={Status.RESOLVED}, target=Status.CLOSED, label=_("Avsluta")
        ),
        Transition(
            Action.CANCEL,
            sources=ONGOING,
            target=Status.CLOSED,
            label=_("Avsluta utan lösning"),
        ),
    ],
)

# Why an action is not possible, per action, in the words the case page has always used.
REFUSALS = {
    Action.ESCALATE: _("Ett ärende som är %(status)s kan inte eskaleras."),
    Action.PROPOSE: _("Ett ärende som är %(status)s kan inte få ett lösningsförslag."),
    Action.ANSWER: _("Ett ärende som är %(status)s har inget förslag att svara på."),
    Action.DECIDE: _("Ett ärende som är %(status)s kan inte få ett beslut registrerat."),
    Action.PAUSE: _("Ett ärende som är %(status)s kan inte sättas som vilande."),
    Action.RESUME: _("Bara ett vilande ärende kan startas igen; det här är %(status)s."),
    Action.REOPEN: _("Bara ett löst ärende kan återupptas; det här är %(status)s."),
    Action.CLOSE: _("Bara ett löst ärende kan avslutas; det här är %(status)s."),
    Action.CANCEL: _("Ärendet är redan %(status)s."),
}
REFUSED = _("Ett avslutat ärende kan inte ändras.")


def case_target(case: Case, action: str) -> str:
    """The status ``action`` leads ``case`` to; :class:`TransitionError` (in the case page's
    words) when its status does not allow it."""
    if not CASE_FLOW.allows(action, case.status):
        message = REFUSALS.get(action, REFUSED)
        raise TransitionError(
            message % {"status": case.get_status_display().lower()}, code="illegal_transition"
        )
    return CASE_FLOW.target(action, case.status)


def running_status(step_order: int, first_order: int = 1) -> str:
    """The status of a case whose clock runs on the step numbered ``step_order``."""
    return Status.OPEN if step_order <= first_order else Status.ESCALATED


# A proposal waits for the other side's answer; confirming it resolves the case, rejecting it
# leaves the case where it stands; a decision, a closure or a cancellation withdraws it.
PROPOSAL_FLOW = Workflow(
    "lösningsförslag",
    [
        Transition(
            "confirm",
            sources={ResolutionProposal.Status.PENDING},
            target=ResolutionProposal.Status.CONFIRMED,
            label=_("Bekräfta"),
        ),
        Transition(
            "reject",
            sources={ResolutionProposal.Status.PENDING},
            target=ResolutionProposal.Status.REJECTED,
            label=_("Avvisa"),
        ),
        Transition(
            "withdraw",
            sources={ResolutionProposal.Status.PENDING},
            target=ResolutionProposal.Status.WITHDRAWN,
            label=_("Dra tillbaka"),
        ),
    ],
)
