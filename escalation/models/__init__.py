"""The escalation ladder (eskaleringstrappan) and its cases (domain.md §4).

The ladder is configuration data: ordered steps with a handling body, handler rules and a time
limit (:mod:`.ladder`). A case snapshots the step it enters (``CaseStepPeriod``), so editing the
ladder never rewrites the history of an existing case (:mod:`.cases`); it comes to rest through
a proposal answered by the other side or a body's decision, and may be vilande on the way
(:mod:`.resolution`); files and calendar addresses: :mod:`.files`. The allowed moves of each
status: :mod:`escalation.workflow`.
"""

from escalation.models.cases import PARTY_PAIRS, Case, CaseEvent, CaseHandler, CaseStepPeriod
from escalation.models.files import (
    ATTACHMENT_KINDS,
    ATTACHMENT_MAX_BYTES,
    Attachment,
    CalendarToken,
    attachment_path,
)
from escalation.models.ladder import (
    NO_PII,
    CaseContact,
    CaseMailbox,
    Category,
    HandlerRule,
    LadderStep,
    TimeUnit,
)
from escalation.models.resolution import CasePause, ResolutionProposal

__all__ = [
    "ATTACHMENT_KINDS",
    "ATTACHMENT_MAX_BYTES",
    "NO_PII",
    "PARTY_PAIRS",
    "Attachment",
    "CalendarToken",
    "Case",
    "CaseContact",
    "CaseEvent",
    "CaseHandler",
    "CaseMailbox",
    "CasePause",
    "CaseStepPeriod",
    "Category",
    "HandlerRule",
    "LadderStep",
    "ResolutionProposal",
    "TimeUnit",
    "attachment_path",
]
