"""The transition tables of the reminders app, as :class:`core.workflow.Workflow`.

* ``MESSAGE_FLOW``: a message (one digest or immediate notice) is *pending* while reminders
  join it, *sending* once written to the outbox, then *sent* or *failed* as its outbox row
  says (a temporary failure keeps it sending); a failed message may be sent again
  (``retry``: back to sending, or pending when it never reached the outbox).
* ``REMINDER_FLOW``: a reminder is *pending* until its message is sent, or *skipped* (its
  kind opted out, its blocker hidden, its message left with nothing to say).
"""

from django.utils.translation import gettext_lazy as _

from core.workflow import Transition, Workflow
from reminders.models import MessageStatus, ReminderStatus

M = MessageStatus
MESSAGE_FLOW = Workflow(
    "utskick",
    [
        Transition("enqueue", sources={M.PENDING}, target=M.SENDING, label=_("skicka")),
        Transition("delivered", sources={M.SENDING, M.FAILED}, target=M.SENT, label=_("skickat")),
        Transition("failed", sources={M.SENDING}, target=M.FAILED, label=_("misslyckat")),
        Transition("deferred", sources={M.SENDING}, target=M.SENDING, label=_("försöka igen")),
        Transition("retry", sources={M.FAILED}, target=M.SENDING, label=_("skicka igen")),
        Transition("retry_unqueued", sources={M.FAILED}, target=M.PENDING, label=_("skicka igen")),
    ],
)

R = ReminderStatus
REMINDER_FLOW = Workflow(
    "påminnelse",
    [
        Transition("sent", sources={R.PENDING}, target=R.SENT, label=_("skickad")),
        Transition("skip", sources={R.PENDING}, target=R.SKIPPED, label=_("välja bort")),
    ],
)


def sources(flow: Workflow, action: str) -> list[str]:
    """The states an action moves from, for a queryset filter (``status__in=``)."""
    return sorted(flow[action].sources)
