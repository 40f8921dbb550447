"""Every write of the escalation app: keyword-only, explicit actor, atomic and audited.

A case moves through one table of transitions (``escalation.workflow.CASE_FLOW``: which
actions a status allows and where they lead) and one rule table
(``escalation.permissions.RULES``: who may do them). Every service checks both before it
writes (:func:`~escalation.services.common.check`), writes a ``CaseEvent`` on the case's
timeline and an audit event (``escalation.audit``) in the same transaction; a refused call
raises and changes nothing.

The modules: :mod:`.cases` (open, comment, attach, details, escalate), :mod:`.resolution`
(propose, answer, decide), :mod:`.pauses` (vilande), :mod:`.lifecycle` (close, reopen),
:mod:`.handlers` (who handles a step, their notices), :mod:`.setup` (the ladder, the parties'
contacts, calendar addresses). Call sites import from here.
"""

from escalation.services.cases import (
    case_attach,
    case_comment,
    case_escalate,
    case_open,
    case_update_details,
    delregion_for,
    next_step,
    parties_may_meet,
)
from escalation.services.common import allowed_actions, deadline_explanation, long_date
from escalation.services.handlers import (
    handlers_sync_current,
    notify_period,
    step_handler_ids,
    step_handlers,
)
from escalation.services.lifecycle import (
    REOPEN_WITHIN_DAYS,
    case_close,
    case_reopen,
    reopen_deadline,
)
from escalation.services.pauses import case_pause, case_resume
from escalation.services.resolution import (
    case_answer,
    case_propose,
    case_resolve,
    pending_proposal,
)
from escalation.services.setup import (
    LADDER_FIELDS,
    calendar_token_get_or_create,
    calendar_token_regenerate,
    contact_appoint,
    contact_remove,
    handler_rule_add,
    handler_rule_remove,
    ladder_step_save,
    mailbox_set,
)
from escalation.workflow import CASE_FLOW, TransitionError

__all__ = [
    "CASE_FLOW",
    "LADDER_FIELDS",
    "REOPEN_WITHIN_DAYS",
    "TransitionError",
    "allowed_actions",
    "calendar_token_get_or_create",
    "calendar_token_regenerate",
    "case_answer",
    "case_attach",
    "case_close",
    "case_comment",
    "case_escalate",
    "case_open",
    "case_pause",
    "case_propose",
    "case_reopen",
    "case_resolve",
    "case_resume",
    "case_update_details",
    "contact_appoint",
    "contact_remove",
    "deadline_explanation",
    "delregion_for",
    "handler_rule_add",
    "handler_rule_remove",
    "handlers_sync_current",
    "ladder_step_save",
    "long_date",
    "mailbox_set",
    "next_step",
    "notify_period",
    "parties_may_meet",
    "pending_proposal",
    "reopen_deadline",
    "step_handler_ids",
    "step_handlers",
]
