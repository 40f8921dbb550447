"""Thin views of the joint bodies, function views throughout. Every object is checked with
``core.permissions.permission_required_for`` naming predicates of ``bodies.permissions`` (404
when the user may not see the object, 403 when they may see but not do this), and every write
goes through ``bodies.services``.

One module per kind of page: ``bodies`` (a body, its members and decisions), ``meetings``,
``agenda`` (action POSTs on a meeting), ``issue_log``, ``calendar`` (my actions)."""

from bodies.views.agenda import (
    action_done,
    attendance,
    item_add,
    item_delete,
    item_move,
    outcome_add,
    outcome_delete,
    participant_add,
    participant_remove,
)
from bodies.views.bodies import (
    body_detail,
    decisions_export,
    index,
    member_create,
    member_update,
    per_capsulam,
)
from bodies.views.calendar import calendar_address, calendar_feed, my_actions
from bodies.views.issue_log import (
    issue_answer,
    issue_create,
    issue_detail,
    issue_move,
    issue_update,
    issues,
)
from bodies.views.meetings import (
    meeting_create,
    meeting_delete,
    meeting_detail,
    meeting_transition,
    meeting_update,
    minutes,
)

__all__ = [
    "action_done",
    "attendance",
    "body_detail",
    "calendar_address",
    "calendar_feed",
    "decisions_export",
    "index",
    "issue_answer",
    "issue_create",
    "issue_detail",
    "issue_move",
    "issue_update",
    "issues",
    "item_add",
    "item_delete",
    "item_move",
    "meeting_create",
    "meeting_delete",
    "meeting_detail",
    "meeting_transition",
    "meeting_update",
    "member_create",
    "member_update",
    "minutes",
    "my_actions",
    "outcome_add",
    "outcome_delete",
    "participant_add",
    "participant_remove",
    "per_capsulam",
]
