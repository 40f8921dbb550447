"""The transition tables of the bodies app, as :class:`core.workflow.Workflow`.

* ``MEETING_FLOW``: a meeting's moves (utkast → kallad → genomförd → justerad, and a called
  meeting back to draft);
* ``MEETING_EDITS``: which edits a meeting's state allows at all (each keeps the state) — none
  once the minutes are approved;
* ``ISSUE_FLOW``: the issue log (frågelogg): an answered issue is closed; moving an issue to
  another body puts it back in preparation; putting it on an agenda marks it so.
"""

from django.utils.translation import gettext_lazy as _

from bodies.models import Issue, Meeting
from core.workflow import Transition, Workflow

State = Meeting.State
OPEN = frozenset({State.DRAFT, State.CALLED, State.HELD})

MEETING_FLOW = Workflow(
    "möte",
    [
        Transition(
            "call", sources={State.DRAFT}, target=State.CALLED, label=_("Markera som kallat")
        ),
        Transition(
            "hold", sources={State.CALLED}, target=State.HELD, label=_("Markera som genomfört")
        ),
        Transition(
            "approve", sources={State.HELD}, target=State.APPROVED, label=_("Justera protokollet")
        ),
        Transition(
            "back_to_draft",
            sources={State.CALLED},
            target=State.DRAFT,
            label=_("Tillbaka till utkast"),
        ),
    ],
)

MEETING_EDITS = Workflow(
    "mötesändring",
    [
        Transition("details", sources=OPEN, label=_("ändra mötet")),
        Transition("agenda", sources=OPEN, label=_("ändra dagordningen")),
        Transition("participants", sources=OPEN, label=_("ändra kallade")),
        Transition("outcomes", sources={State.CALLED, State.HELD}, label=_("registrera utfall")),
        # A called meeting may be cancelled.
        Transition("delete", sources={State.DRAFT, State.CALLED}, label=_("ta bort mötet")),
    ],
)

IssueStatus = Issue.Status
ISSUE_OPEN = frozenset(set(IssueStatus.values) - {IssueStatus.ANSWERED})

ISSUE_FLOW = Workflow(
    "fråga",
    [
        # Editing (and picking any open status in the form) keeps the issue open.
        Transition("edit", sources=ISSUE_OPEN, label=_("ändra frågan")),
        Transition(
            "put_on_agenda",
            sources={IssueStatus.NEW, IssueStatus.PREPARING},
            target=IssueStatus.ON_AGENDA,
            label=_("sätta frågan på dagordningen"),
        ),
        Transition(
            "move", sources=ISSUE_OPEN, target=IssueStatus.PREPARING, label=_("flytta frågan")
        ),
        Transition(
            "answer", sources=ISSUE_OPEN, target=IssueStatus.ANSWERED, label=_("besvara frågan")
        ),
    ],
)
