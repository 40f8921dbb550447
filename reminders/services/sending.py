"""Sending: the send log kept in step with the outbox (``_outbox_result``), sending the
sweep's messages now, and :func:`reminder_sweep`, the whole sweep (collect, record,
dispatch, send), run by Celery beat every hour or by ``manage.py send_reminders``."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from core.models import OutboxMessage
from core.outbox import outbox_listen, outbox_send
from reminders.emails import DIGEST_KIND
from reminders.models import Message, MessageStatus, Reminder, ReminderSettings
from reminders.rules import Candidate
from reminders.services.collect import (
    candidate_key,
    content_types,
    existing,
    identity,
    reminder_candidates,
    reminders_record,
)
from reminders.services.dispatch import messages_dispatch
from reminders.workflow import MESSAGE_FLOW, REMINDER_FLOW, sources

# The outbox row's state -> the message's move.
_MOVES = {
    OutboxMessage.State.SENT: "delivered",
    OutboxMessage.State.FAILED: "failed",
}


def _outbox_result(ids: list[int], state: str, answer: str, at: dt.datetime) -> None:
    """The send log follows the outbox row (same transaction as the row's own UPDATE).

    No audit event here: this is the delivery receipt, one short transaction per message by
    design; the outbox row itself records it (state, the server's answer, the time), and the
    message's ``queued`` event names its reminders."""
    move = MESSAGE_FLOW[_MOVES.get(state, "deferred")]
    if move.action == "delivered":
        Message.objects.filter(pk__in=ids).update(
            status=move.target, sent_at=at, last_error="", attempts=F("attempts") + 1
        )
        Reminder.objects.filter(
            message_id__in=ids, status__in=sources(REMINDER_FLOW, "sent")
        ).update(status=REMINDER_FLOW["sent"].target)
        return
    Message.objects.filter(pk__in=ids).update(
        status=move.target, last_error=answer[:2000], attempts=F("attempts") + 1
    )


outbox_listen(
    DIGEST_KIND,
    _outbox_result,
    tables={Message._meta.db_table: '"attempts"', Reminder._meta.db_table: "'sent'"},
)


@dataclass
class SendResult:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    retry: list[int] = field(default_factory=list)


def messages_send(*, message_ids: list[int]) -> SendResult:
    """Send the outbox rows of these messages now, in this process (the sweep command);
    a worker that has them already is not raced: the outbox claims each row once."""
    rows = list(
        OutboxMessage.objects.filter(
            kind=DIGEST_KIND,
            related_id__in=message_ids,
            state__in=(OutboxMessage.State.PENDING, OutboxMessage.State.SENDING),
        ).values_list("pk", "related_id")
    )
    to_message = dict(rows)
    result = SendResult()
    batch = settings.OUTBOX_BATCH_SIZE
    ids = [pk for pk, _mid in rows]
    for start in range(0, len(ids), batch):
        sent = outbox_send(ids[start : start + batch])
        result.sent += [to_message[pk] for pk in sent.sent]
        result.failed += [to_message[pk] for pk in sent.failed]
        result.retry += [to_message[pk] for pk in sent.retry]
    return result


@dataclass
class SweepResult:
    today: dt.date
    candidates: int = 0
    new: int = 0
    skipped: int = 0
    messages: int = 0
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    would_send: list[Candidate] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "candidates": self.candidates,
            "new": self.new,
            "skipped": self.skipped,
            "messages": self.messages,
            "sent": self.sent,
            "failed": self.failed,
            "retrying": self.retrying,
        }


def reminder_sweep(
    *,
    today: dt.date | None = None,
    dry_run: bool = False,
    send: bool = True,
    now: dt.datetime | None = None,
) -> SweepResult:
    """Collect, record, dispatch (into the outbox) and, unless ``send`` is False, send now.

    ``dry_run`` writes nothing and lists in ``would_send`` the reminders that are new.
    Safe to run any number of times, concurrently too: each reminder is sent once. Without
    ``send`` a worker sends the outbox rows after commit (or the outbox's beat job).
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    config = ReminderSettings.load() if not dry_run else _config_readonly()
    candidates = reminder_candidates(today=today, config=config)
    result = SweepResult(today=today, candidates=len(candidates))
    if dry_run:
        types = content_types(candidates) if candidates else {}
        known = existing(candidates, types)
        result.would_send = [
            c for c in candidates if identity(candidate_key(c), types[c.model], c) not in known
        ]
        result.new = len(result.would_send)
        return result
    result.new = len(reminders_record(candidates=candidates, now=now))
    result.skipped = messages_dispatch(today=today, now=now, config=config)
    ready = list(
        Message.objects.filter(status=MessageStatus.SENDING, sent_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    result.messages = len(ready)
    if send:
        sent = messages_send(message_ids=ready)
        result.sent, result.failed, result.retrying = (
            len(sent.sent),
            len(sent.failed),
            len(sent.retry),
        )
    return result


def _config_readonly() -> ReminderSettings:
    return ReminderSettings.objects.filter(pk=1).first() or ReminderSettings(pk=1)
