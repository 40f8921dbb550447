"""Thin function views (every kind of page here is one): find the object through the rule
table (``core.permissions.permission_required_for`` with a predicate of
``escalation.permissions``), call one service, redirect. A case the user may not see is a 404
everywhere.

:mod:`.lists` (the ladder, the list, the export), :mod:`.case` (open a case, its page, its
files), :mod:`.actions` (the case page's POSTs), :mod:`.setup` (ladder and contacts),
:mod:`.calendar` (the calendar page and feed).
"""

from escalation.views.actions import (
    case_answer,
    case_attach,
    case_close,
    case_comment,
    case_decide,
    case_details,
    case_escalate,
    case_pause,
    case_propose,
    case_reopen,
    case_resume,
)
from escalation.views.calendar import calendar, calendar_feed
from escalation.views.case import attachment_download, case_create, case_detail
from escalation.views.lists import case_list, export, index
from escalation.views.setup import (
    contact_remove,
    contacts,
    handler_rule_add,
    handler_rule_remove,
    ladder,
    ladder_step_create,
    ladder_step_edit,
)

__all__ = [
    "attachment_download",
    "calendar",
    "calendar_feed",
    "case_answer",
    "case_attach",
    "case_close",
    "case_comment",
    "case_create",
    "case_decide",
    "case_detail",
    "case_details",
    "case_escalate",
    "case_list",
    "case_pause",
    "case_propose",
    "case_reopen",
    "case_resume",
    "contact_remove",
    "contacts",
    "export",
    "handler_rule_add",
    "handler_rule_remove",
    "index",
    "ladder",
    "ladder_step_create",
    "ladder_step_edit",
]
