"""Every write of the bodies app: keyword-only, explicit actor, atomic, validated, audited
(``core.audit.record`` with the vocabulary of ``bodies.audit``).

A meeting moves through ONE transition table (``bodies.workflow.MEETING_FLOW``); which edits a
state allows is ``MEETING_EDITS``. Approved (justerade) minutes allow nothing: every edit
service checks the state under a row lock and refuses. The issue log follows ``ISSUE_FLOW``.
Who may act is ``bodies.permissions.RULES``.

One module per concern: ``members``, ``meetings`` (and participants), ``agenda`` (items,
outcomes, per-capsulam decisions), ``issues`` (and the calendar token).
"""

from bodies.models import PER_CAPSULAM
from bodies.services.agenda import (
    action_complete,
    item_add,
    item_delete,
    item_move,
    item_update,
    outcome_add,
    outcome_delete,
    per_capsulam_decide,
)
from bodies.services.issues import (
    ISSUE_FIELDS,
    calendar_token,
    issue_answer,
    issue_move,
    issue_raise,
    issue_update,
)
from bodies.services.meetings import (
    DATE_FIELDS,
    MEETING_FIELDS,
    attendance_set,
    meeting_create,
    meeting_delete,
    meeting_transition,
    meeting_update,
    participant_add,
    participant_remove,
)
from bodies.services.members import MEMBER_FIELDS, member_end, member_save

PER_CAPSULAM_LABEL = PER_CAPSULAM

__all__ = [
    "DATE_FIELDS",
    "ISSUE_FIELDS",
    "MEETING_FIELDS",
    "MEMBER_FIELDS",
    "PER_CAPSULAM_LABEL",
    "action_complete",
    "attendance_set",
    "calendar_token",
    "issue_answer",
    "issue_move",
    "issue_raise",
    "issue_update",
    "item_add",
    "item_delete",
    "item_move",
    "item_update",
    "meeting_create",
    "meeting_delete",
    "meeting_transition",
    "meeting_update",
    "member_end",
    "member_save",
    "outcome_add",
    "outcome_delete",
    "participant_add",
    "participant_remove",
    "per_capsulam_decide",
]
